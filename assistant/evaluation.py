"""Measure retrieval and answers against a question set (JSONL: id, kind, question, evidence).

Evidence phrases are short verbatim snippets that a correct retrieval must surface; a question of
kind "unanswerable" has none and must make the assistant abstain.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.core import Assistant

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "eval" / "questions.jsonl"


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # fact | opinion | planning | unanswerable
    question: str
    evidence: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[Question]:
    questions = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(Question(row["id"], row["kind"], row["question"], tuple(row.get("evidence", []))))
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{line_no}: not a question row ({exc})") from exc
    return questions


def normalise(text: str) -> str:
    """Case, whitespace and typographic quotes folded, so evidence matches however it was typed."""
    text = text.casefold().translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
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
        return statistics.fmean(r.recall for r in rows) if rows else 0.0  # type: ignore[misc]

    @property
    def mrr(self) -> float:
        rows = self._answerable()
        return statistics.fmean(r.reciprocal_rank or 0.0 for r in rows) if rows else 0.0

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
                missing=[e for e, r in zip(q.evidence, ranks, strict=True) if r is None],
            )
        )
    return EvalReport(k, results)
