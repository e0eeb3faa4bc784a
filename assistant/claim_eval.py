"""The claim benchmark (tests/eval/claims.jsonl) run through the real `Verifier`, as the app would run it.

Each claim is written the way a model cites it ("… [1].") and passage 1 is the indexed chunk that
holds the cited sentence (two chunks, cited `[1][2]`, when a summary's sentences lie in two), built
by the same `number_passages` the generative answerer uses: the chunk's text and the sentence
vectors stored at ingest. So what is measured is what the app does with that citation.

The verdict is `removed` (the sentence is not shown), `trimmed` (shown without a clause the
verifier cut) or `kept`. Per label, the positive class is "not shown as cited" (removed or
trimmed) for the wrong labels and "kept whole" for `supported`; each wrong label is scored against
the supported claims (precision: of the claims the verifier took out among that label and the
supported ones, the share with that label), and `supported` against every wrong claim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.context import NumberedPassage, number_passages
from assistant.evaluation import EVAL_SETS, split_of
from assistant.retrieval import Passage, Retrieval
from assistant.verify import Verifier
from assistant.view import IndexView
from index.embeddings import Embedder
from index.errors import RecapError

DEFAULT_CLAIMS = EVAL_SETS / "claims.jsonl"
LABELS = (
    "supported",
    "contradicted",
    "changed_number",
    "wrong_attribution",
    "unsupported_addition",
    "partly_supported",
)
NO_BUDGET = 1_000_000  # every cited chunk is shown whole: the benchmark measures checking, not fitting


@dataclass(frozen=True)
class Claim:
    id: str
    label: str
    subtype: str
    claim: str
    doc: str  # the recap's file name
    passage: tuple[str, ...]  # the cited sentences, verbatim
    attributed_to: str

    @property
    def split(self) -> str:
        return split_of(self.id)


@dataclass(frozen=True)
class Judged:
    claim: Claim
    outcome: str  # removed | trimmed | kept
    shown: str  # what the verifier let through ("" when removed)
    notes: tuple[str, ...]
    ms: float

    @property
    def caught(self) -> bool:
        """Right for its label: kept whole when supported, not shown as cited otherwise."""
        return (self.outcome == "kept") == (self.claim.label == "supported")


def load_claims(path: Path = DEFAULT_CLAIMS) -> list[Claim]:
    """Read a claim set; `ValueError` naming the line if one is malformed."""
    if not path.is_file():
        raise ValueError(f"no claim set at {path}")
    claims = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            claims.append(
                Claim(
                    row["id"],
                    row["label"],
                    row["subtype"],
                    row["claim"],
                    row["doc"],
                    tuple(row["passage"]),
                    row.get("attributed_to", ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{line_no}: not a claim row ({exc})") from exc
    if not claims:
        raise ValueError(f"{path} holds no claims")
    return claims


def cited(claim: str, markers: str) -> str:
    """`claim` as a model writes it with its markers: before the final stop ("… mainstream [1].")."""
    body = claim.rstrip()
    end = len(body.rstrip(".!?…"))
    return f"{body[:end]} {markers}{body[end:]}"


class ClaimBench:
    """Builds, for each claim, the passages the app would give the verifier, and runs it."""

    def __init__(self, view: IndexView, embedder: Embedder, conference: str = "") -> None:
        self.view = view
        self.embedder = embedder
        self.conference = conference
        self._sources = {Path(s.path).name: s for s in view.catalog.sources() if s.path}
        self._chunks: dict[str, list[Passage]] = {}

    def passages(self, claim: Claim) -> list[NumberedPassage]:
        """The chunk(s) holding the claim's cited sentences, numbered 1.. in document order."""
        source = self._sources.get(claim.doc)
        if source is None:
            raise RecapError(
                f"claim {claim.id} cites {claim.doc}, which this index does not hold; ingest the bundled recaps"
            )
        text = self.view.texts([source.id])[source.id]
        chosen: list[Passage] = []
        for sentence in claim.passage:
            start = text.find(sentence)
            if start < 0:
                raise RecapError(f"claim {claim.id}: its passage is not in {claim.doc} as indexed")
            passage = self._holding(source.id, start, start + len(sentence))
            if passage not in chosen:
                chosen.append(passage)
        chosen.sort(key=lambda p: p.chunk.spans[0][0])
        retrieval = Retrieval(claim.claim, np.zeros(self.embedder.dimension, np.float32), chosen, [], {})
        return number_passages(retrieval, self.view.store, {source.id: text}, self.embedder, NO_BUDGET)

    def _holding(self, source_id: str, start: int, end: int) -> Passage:
        if source_id not in self._chunks:
            sources = {s.id: s for s in self.view.catalog.sources()}
            ids = [c.id for c in self.view.store.all_chunks() if c.source_id == source_id]
            self._chunks[source_id] = [
                Passage(c, sources[source_id], 0.0, 0.0) for c in self.view.store.get_chunks(ids)
            ]
        chunks = self._chunks[source_id]
        if not chunks:
            raise RecapError(f"{source_id} has no chunks in this index")
        # A sentence no chunk holds (a date line ingest keeps as metadata) is cited with the chunk
        # nearest to it, as a model would cite the passage whose fence shows that date.
        return min(chunks, key=lambda p: min(_gap(start, end, s, e) for s, e in p.chunk.spans))

    def verifier(self, passages: list[NumberedPassage]) -> Verifier:
        """The verifier as the generative answerer builds it; no question (claims stand alone)."""
        return Verifier(passages, self.embedder, "", self.conference, sources=list(self._sources.values()))

    def judge(self, claim: Claim) -> Judged:
        passages = self.passages(claim)
        sentence = cited(claim.claim, "".join(f"[{p.n}]" for p in passages))
        started = time.perf_counter()
        verifier = self.verifier(passages)
        shown = verifier.verify(sentence)
        ms = (time.perf_counter() - started) * 1000
        if shown is None:
            outcome = "removed"
        elif len(shown.split()) < len(sentence.split()):
            outcome = "trimmed"
        else:
            outcome = "kept"
        return Judged(claim, outcome, shown or "", tuple(verifier.check.notes), ms)

    def run(self, claims: Iterable[Claim], progress: bool = False) -> ClaimReport:
        return ClaimReport([self.judge(c) for c in tqdm(list(claims), desc="claims", disable=not progress)])


@dataclass(frozen=True)
class Score:
    label: str
    n: int
    positive: str  # what counts as the positive class for this label
    precision: float
    recall: float


@dataclass
class ClaimReport:
    judged: list[Judged] = field(default_factory=list)

    def split(self, name: str) -> list[Judged]:
        return [j for j in self.judged if j.claim.split == name]

    def scores(self, split: str) -> list[Score]:
        """Precision and recall per label on `split` (see the module docstring for the classes)."""
        rows = self.split(split)
        supported = [j for j in rows if j.claim.label == "supported"]
        wrong = [j for j in rows if j.claim.label != "supported"]
        kept_wrong = sum(not j.caught for j in wrong)
        kept_right = sum(j.caught for j in supported)
        out = [
            Score(
                "supported",
                len(supported),
                "kept",
                _ratio(kept_right, kept_right + kept_wrong),
                _ratio(kept_right, len(supported)),
            )
        ]
        for label in LABELS[1:]:
            mine = [j for j in wrong if j.claim.label == label]
            caught = sum(j.caught for j in mine)
            false_alarms = len(supported) - kept_right
            out.append(
                Score(label, len(mine), "removed", _ratio(caught, caught + false_alarms), _ratio(caught, len(mine)))
            )
        return out

    def missed(self, split: str) -> list[Judged]:
        return [j for j in self.split(split) if not j.caught]

    def ms_per_claim(self) -> float:
        return float(np.median([j.ms for j in self.judged])) if self.judged else 0.0

    def to_json(self) -> dict:
        return {
            "scores": {split: [vars(s) for s in self.scores(split)] for split in ("dev", "test")},
            "claims": [
                {
                    "id": j.claim.id,
                    "split": j.claim.split,
                    "label": j.claim.label,
                    "outcome": j.outcome,
                    "shown": j.shown,
                    "notes": list(j.notes),
                    "ms": round(j.ms, 2),
                }
                for j in self.judged
            ],
        }


def score_table(report: ClaimReport) -> list[str]:
    """The per-label table `recap eval --claims` prints: precision and recall, dev beside test."""
    dev, test = report.scores("dev"), report.scores("test")
    lines = [
        f"claims: {len(report.judged)} (dev {len(report.split('dev'))}, test {len(report.split('test'))}); "
        "positive class: 'removed' for the wrong labels, 'kept' for supported",
        f"{'label':<22} {'positive':<8} {'dev n':>5} {'P':>6} {'R':>6}   {'test n':>6} {'P':>6} {'R':>6}",
    ]
    for d, t in zip(dev, test, strict=True):
        lines.append(
            f"{d.label:<22} {d.positive:<8} {d.n:>5} {d.precision:>6.3f} {d.recall:>6.3f}   "
            f"{t.n:>6} {t.precision:>6.3f} {t.recall:>6.3f}"
        )
    lines.append(f"verification per claim: median {report.ms_per_claim():.1f} ms")
    return lines


def evaluate_claims(view: IndexView, embedder: Embedder, conference: str, path: Path = DEFAULT_CLAIMS) -> ClaimReport:
    """Every claim of `path` through the verifier, with passages from `view` (an index of the bundled recaps)."""
    return ClaimBench(view, embedder, conference).run(load_claims(path), progress=True)


def _gap(start: int, end: int, span_start: int, span_end: int) -> int:
    """How far [start, end) lies outside [span_start, span_end): 0 when inside."""
    return max(0, span_start - start) + max(0, end - span_end)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0
