"""The item catalogue measured: what extraction costs at ingest, how well it matches the gold list,
and how many gold items the answers to planning and list questions contain. Prints figures; asserts nothing.

    .venv/bin/python bench/catalogue.py [--rounds 3]

- ingest: the bundled recaps ingested into an empty data directory in this process, with and without
  the item extraction hook, alternating (with, without, with, …) so both see the same machine load;
  the embedding model is loaded once before the first timed round. Medians and their ratio, and the
  time spent inside the hook itself (the difference, measured directly: robust on a busy machine).
- extraction: precision and recall against tests/eval/catalogue.jsonl, dev / test / all, and recall
  of the essential items (assistant/catalogue_eval.py says how items are matched).
- planning coverage: the planning and list questions of tests/eval/blind.jsonl asked with the
  extractive backend; the share of their gold `items` whose name (case, punctuation and spacing
  folded) appears in the answer, dev and test; also for the questions asking for catalogue kinds only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

import index.ingest
from assistant import Assistant
from assistant.catalogue_eval import load_gold, score
from assistant.evaluation import split_of
from assistant.planning import question_kinds
from index.catalog import Catalog
from index.embeddings import shared_embedder
from index.items import ItemStore, normalise_name
from index.settings import Settings

HOOK_SECONDS: list[float] = []  # time spent inside the hook, per ingest with it


def timed_ingest(data_dir: Path, with_items: bool) -> float:
    real = index.ingest.refresh_items

    def hook(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            HOOK_SECONDS.append(time.perf_counter() - started)

    # The hook, timed, or switched off.
    vars(index.ingest)["refresh_items"] = hook if with_items else (lambda *args, **kwargs: None)
    try:
        assistant = Assistant(Settings(data_dir=data_dir), embedder=shared_embedder(), auto_ingest=False)
        started = time.perf_counter()
        assistant.ingest()
        return time.perf_counter() - started
    finally:
        vars(index.ingest)["refresh_items"] = real


def ingest_times(root: Path, rounds: int) -> tuple[list[float], list[float], Path]:
    shared_embedder().embed(["warm up"])  # the model loads once, outside the timings
    timed_ingest(root / "warm-up", True)
    with_items, without = [], []
    HOOK_SECONDS.clear()
    for k in range(rounds):
        with_items.append(timed_ingest(root / f"with-{k}", True))
        without.append(timed_ingest(root / f"without-{k}", False))
    return with_items, without, root / "with-0"


def extraction(data_dir: Path) -> None:
    folder = data_dir / "recap"
    doc_of = {r.id: Path(r.path).name for r in Catalog.load(folder).indexed()}
    items = ItemStore.load(folder).items(doc_of)
    scores = score(items, load_gold(), doc_of)
    print(f"\nextraction against the gold list ({len(items)} items extracted)")
    print(f"{'split':<10} {'precision':>10} {'recall':>10}")
    for name in ("dev", "test", "all"):
        s = scores[name]
        print(f"{name:<10} {s.precision:>10.3f} {s.recall:>10.3f}   ({s.correct}/{s.extracted}, {s.found}/{s.gold})")
    e = scores["essential"]
    print(f"{'essential':<10} {'':>10} {e.recall:>10.3f}   ({e.found}/{e.gold})")


def coverage(data_dir: Path) -> None:
    assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"), auto_ingest=False)
    text = resources.files("assistant.evalsets").joinpath("blind.jsonl").read_text(encoding="utf-8")
    tally = {(split, part): [0, 0] for split in ("dev", "test") for part in ("all", "catalogue kinds")}
    for line in text.splitlines():
        q = json.loads(line)
        if q["kind"] not in ("planning", "list"):
            continue
        answer = assistant.ask(q["question"], history=[tuple(t) for t in q.get("history") or []])
        folded = normalise_name(answer.text)
        found = sum(normalise_name(item) in folded for item in q["items"])
        parts = ["all"] + (["catalogue kinds"] if question_kinds(q["question"]) else [])
        for part in parts:
            tally[(split_of(q["id"]), part)][0] += found
            tally[(split_of(q["id"]), part)][1] += len(q["items"])
    print("\nplanning and list questions: gold items in the answers")
    for (split, part), (found, total) in tally.items():
        print(f"{split:<5} {part:<16} {found / total if total else 0:.3f}   ({found}/{total})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recap-bench-catalogue-") as tmp:
        with_items, without, data_dir = ingest_times(Path(tmp), args.rounds)
        a, b = statistics.median(with_items), statistics.median(without)
        print(f"ingest of the bundled recaps, {args.rounds} rounds each, alternating, same process")
        print(f"  with item extraction:    median {a:.2f} s  {[round(t, 2) for t in with_items]}")
        print(f"  without item extraction: median {b:.2f} s  {[round(t, 2) for t in without]}")
        print(f"  extraction adds {100 * (a - b) / b:+.1f}% (target: at most +15%)")
        hook = statistics.median(HOOK_SECONDS)
        print(f"  time inside the item hook: median {hook:.2f} s = {100 * hook / a:.1f}% of an ingest with it")
        extraction(data_dir)
        coverage(data_dir)


if __name__ == "__main__":
    main()
