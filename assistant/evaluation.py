"""Measure retrieval and answers against a question set (JSONL: id, kind, question, evidence).

Evidence phrases are short verbatim snippets that a correct retrieval must surface; a question of
kind "unanswerable" has none and must make the assistant abstain.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path

from assistant.core import Assistant

# Package data (`assistant.evalsets` is tests/eval in the source tree), so an installed wheel has it too.
EVAL_SETS = Path(str(files("assistant.evalsets")))
DEFAULT_QUESTIONS = EVAL_SETS / "questions.jsonl"
SPLIT_SALT = "recap-eval-split:"
DEV_PERCENT = 60  # about 60% of every set is dev (where constants are chosen), 40% test (only scored)


def split_of(item_id: str) -> str:
    """The split an item belongs to ("dev" or "test"), by a seeded hash of its id: stable, blind to its text."""
    bucket = int(hashlib.sha256(f"{SPLIT_SALT}{item_id}".encode()).hexdigest()[:8], 16) % 100
    return "dev" if bucket < DEV_PERCENT else "test"


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # fact | opinion | planning | unanswerable
    question: str
    evidence: tuple[str, ...]
    sources: tuple[str, ...] = ()  # authors or publishers a "what did people say" answer should cite

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    """Read a question set; `ValueError` naming the line if one is malformed or the set is empty."""
    if not path.is_file():
        raise ValueError(f"no question set at {path}; pass one with --questions FILE")
    questions = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(
                    row["id"],
                    row["kind"],
                    row["question"],
                    tuple(row.get("evidence", [])),
                    tuple(row.get("sources", [])),
                )
            )
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{line_no}: not a question row ({exc})") from exc
    if not questions:
        raise ValueError(f"{path} holds no questions")
    return questions


_TYPOGRAPHIC = str.maketrans("’‘“”–—", "''\"\"--")


def normalise(text: str) -> str:
    """Case, whitespace and typographic quotes folded, so evidence matches however it was typed."""
    text = text.casefold().translate(_TYPOGRAPHIC)
    return re.sub(r"\s+", " ", text)


def found(evidence: str, texts: list[str]) -> int | None:
    """1-based rank of the first text containing `evidence`, or None."""
    needle = normalise(evidence)
    for rank, text in enumerate(texts, 1):
        if needle in normalise(text):
            return rank
    return None


@dataclass
class QuestionResult:
    id: str
    kind: str
    question: str
    recall: float | None  # share of evidence phrases in the top k (None for unanswerable)
    reciprocal_rank: float | None
    abstained: bool
    cited_sources: int
    latency_ms: float
    source_coverage: float | None = None  # share of expected sources the answer cites
    citations: int = 0
    valid_citations: int = 0  # quote verbatim at its offsets in the document it names
    stage_ms: dict[str, float] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    k: int
    results: list[QuestionResult]

    def _answerable(self) -> list[QuestionResult]:
        return [r for r in self.results if r.recall is not None]

    @property
    def recall_at_k(self) -> float:
        rows = self._answerable()
        return statistics.fmean(r.recall or 0.0 for r in rows) if rows else 0.0

    @property
    def mrr(self) -> float:
        rows = self._answerable()
        return statistics.fmean(r.reciprocal_rank or 0.0 for r in rows) if rows else 0.0

    @property
    def source_coverage(self) -> float:
        rows = [r.source_coverage for r in self.results if r.source_coverage is not None]
        return statistics.fmean(rows) if rows else 1.0

    @property
    def citation_validity(self) -> float:
        total = sum(r.citations for r in self.results)
        return sum(r.valid_citations for r in self.results) / total if total else 1.0

    def stage_p50(self) -> dict[str, float]:
        stages = {stage for r in self.results for stage in r.stage_ms}
        return {s: statistics.median(r.stage_ms[s] for r in self.results if s in r.stage_ms) for s in sorted(stages)}

    @property
    def abstention_recall(self) -> float:
        """Share of unanswerable questions on which the assistant abstained."""
        rows = [r for r in self.results if r.kind == "unanswerable"]
        return sum(r.abstained for r in rows) / len(rows) if rows else 1.0

    @property
    def abstention_precision(self) -> float:
        """Share of abstentions that were on unanswerable questions."""
        rows = [r for r in self.results if r.abstained]
        return sum(r.kind == "unanswerable" for r in rows) / len(rows) if rows else 1.0

    def to_json(self) -> dict:
        return {
            "k": self.k,
            "recall_at_k": self.recall_at_k,
            "mrr": self.mrr,
            "abstention_recall": self.abstention_recall,
            "abstention_precision": self.abstention_precision,
            "source_coverage": self.source_coverage,
            "citation_validity": self.citation_validity,
            "stage_p50_ms": self.stage_p50(),
            "results": [asdict(r) for r in self.results],
        }


def evaluate(assistant: Assistant, questions: list[Question], k: int = 5) -> EvalReport:
    """Retrieval recall@k and MRR from `search`, abstention and latency from `ask`."""
    results = []
    for q in questions:
        hits = assistant.search(q.question, k=k)
        texts = [h.text for h in hits]
        ranks = [found(e, texts) for e in q.evidence]
        started = time.perf_counter()
        answer = assistant.ask(q.question)
        latency = (time.perf_counter() - started) * 1000
        cited = {c.source.author or c.source.publisher for c in answer.citations}
        valid = sum(assistant.document_text(c.source.id)[c.start : c.end] == c.quote for c in answer.citations)
        results.append(
            QuestionResult(
                id=q.id,
                kind=q.kind,
                question=q.question,
                recall=sum(r is not None for r in ranks) / len(ranks) if q.evidence else None,
                reciprocal_rank=(1.0 / min(r for r in ranks if r) if any(ranks) else 0.0) if q.evidence else None,
                abstained=answer.abstained,
                cited_sources=len({c.source.id for c in answer.citations}),
                latency_ms=latency,
                source_coverage=len(cited & set(q.sources)) / len(q.sources) if q.sources else None,
                citations=len(answer.citations),
                valid_citations=valid,
                stage_ms=dict(answer.timings),
                missing=[e for e, r in zip(q.evidence, ranks, strict=True) if r is None],
            )
        )
    return EvalReport(k, results)


def chart(report: EvalReport, path: Path) -> Path:
    """A PNG of the headline figures and per-kind recall, for the README or a pull request."""
    import matplotlib

    matplotlib.use("Agg")  # no display here
    import matplotlib.pyplot as plt

    kinds = sorted({r.kind for r in report.results if r.recall is not None})
    per_kind = [
        statistics.fmean(r.recall for r in report.results if r.kind == k and r.recall is not None) for k in kinds
    ]
    headline = {
        f"recall@{report.k}": report.recall_at_k,
        "MRR": report.mrr,
        "source coverage": report.source_coverage,
        "citation validity": report.citation_validity,
        "abstention recall": report.abstention_recall,
        "abstention precision": report.abstention_precision,
    }
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    left.barh(list(headline), list(headline.values()), color="#3b6ea8")
    left.set_xlim(0, 1.05)
    left.invert_yaxis()
    for i, v in enumerate(headline.values()):
        left.text(
            min(v, 0.98),
            i,
            f" {v:.2f}",
            va="center",
            ha="right" if v > 0.9 else "left",
            color="white" if v > 0.9 else "black",
        )
    left.set_title(f"recap eval · {len(report.results)} questions")
    right.bar(kinds, per_kind, color="#7aa95c")
    right.set_ylim(0, 1.05)
    right.set_title(f"recall@{report.k} by question kind")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
