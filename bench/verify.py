"""What citation verification adds to one generated answer, in milliseconds. Prints figures; asserts nothing.

    .venv/bin/python bench/verify.py [--data-dir DIR] [--rounds 3]

An "answer" is four cited sentences from the claim benchmark (tests/eval/claims.jsonl, every label),
each citing its own passage (the indexed chunk holding its sentence, as `recap eval --claims`
builds it), so an answer cites four passages, as a generative answer over top-k retrieval does.
Timed per answer: building the `Verifier` and verifying its four sentences, everything included
(the embedding of each claim and its clauses, the rules, the support model). With `--compare REF`
the verifier of git revision REF (e.g. `main`) is timed on the same answers in the same run, so the
two figures share the machine's load. Target (issue 16): <= 30 ms per answer.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from assistant import Assistant
from assistant.claim_eval import ClaimBench, cited, load_claims
from assistant.context import NumberedPassage
from assistant.verify import Verifier
from index.embeddings import Embedder
from index.settings import Settings

SENTENCES_PER_ANSWER = 4
REPO = Path(__file__).resolve().parent.parent


def answers(bench: ClaimBench) -> list[tuple[list[NumberedPassage], list[str]]]:
    """The benchmark's claims four at a time, each citing its own passage, numbered 1..4."""
    out = []
    claims = load_claims()
    for start in range(0, len(claims) - SENTENCES_PER_ANSWER + 1, SENTENCES_PER_ANSWER):
        passages, sentences = [], []
        for claim in claims[start : start + SENTENCES_PER_ANSWER]:
            passage = replace(bench.passages(claim)[0], n=len(passages) + 1)
            passages.append(passage)
            sentences.append(cited(claim.claim, f"[{passage.n}]"))
        out.append((passages, sentences))
    return out


def verifier_at(revision: str) -> ModuleType:
    """assistant/verify.py as it is at git `revision`, loaded beside the current one."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{revision}:assistant/verify.py"], check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader(f"verify_at_{revision}", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    exec(compile(source, f"{revision}:assistant/verify.py", "exec"), module.__dict__)
    return module


def time_answers(make: Any, bench: ClaimBench, cases: list, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        for passages, sentences in cases:
            started = time.perf_counter()
            verifier = make(passages, bench.embedder, "", bench.conference)
            for sentence in sentences:
                verifier.verify(sentence)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{name:<28} per answer: p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   (target <= 30 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: a fresh one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", metavar="REF", help="also time the verifier of this git revision")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recap-bench-verify-") as tmp:
        assistant = Assistant(Settings(data_dir=args.data_dir or Path(tmp), llm="extractive"))
        view = assistant.view()
        bench = ClaimBench(view, assistant.embedder, assistant.settings.conference)
        sources = view.catalog.sources()
        cases = answers(bench)
        assistant.embedder.embed_one("warm-up")  # the model is loaded before timing starts
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"{len(cases)} answers of {SENTENCES_PER_ANSWER} cited sentences, {args.rounds} rounds")
        rows = [("this verifier", lambda p, e, q, c: Verifier(p, e, q, c, sources))]
        if args.compare:
            old = verifier_at(args.compare)
            rows.insert(0, (f"verifier at {args.compare}", old.Verifier))
        for _ in range(1 if args.compare else 0):
            for _, make in rows:  # one untimed pass each, so neither pays for first-call warm-up
                time_answers(make, bench, cases[:2], 1)
        for name, make in rows:
            report(name, time_answers(make, bench, cases, args.rounds))
        report("one embedding per sentence", time_answers(lambda p, e, q, c: _EmbedOnly(e), bench, cases, 1))
        # Beyond the embeddings: the same verifiers with every claim's vector computed beforehand,
        # which shows the rules' own cost apart from the (load-sensitive) model calls.
        bench.embedder = _Cached(assistant.embedder)
        for name, make in rows:
            time_answers(make, bench, cases, 1)  # untimed: fills the cache with every text it embeds
            report(f"{name}, vectors precomputed", time_answers(make, bench, cases, args.rounds))


class _Cached(Embedder):
    """An embedder that computes each text once and answers from memory after that."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__()
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        missing = [t for t in texts if t not in self.cache]
        for text, vector in zip(missing, self.inner.embed(missing), strict=True):
            self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else self.inner.embed([])


class _EmbedOnly:
    """The floor: one embedding per sentence, what any similarity check pays."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def verify(self, sentence: str) -> None:
        self.embedder.embed_one(sentence)


if __name__ == "__main__":
    sys.exit(main())
