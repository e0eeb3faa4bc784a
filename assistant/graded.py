"""Sentence-level evaluation against a graded question set (tests/eval/blind.jsonl).

Each answerable question lists the sentences that answer it (grade 2) or give useful context
(grade 1), copied verbatim from the recaps. From them:

- evidence recall@k: share of grade-2 sentences inside the top k retrieved passages;
- nDCG@k: a passage is worth the best grade of the gold sentences it holds;
- answer precision: share of quoted sentences that are gold (grade 1 or 2);
- answer recall: share of grade-2 sentences the answer quotes;
- abstention precision and recall, on-topic unanswerables included;
- comparison completeness: a question naming several recaps quotes each one that speaks to it,
  and says which is silent;
- item coverage: the share of the talks, events and projects a planning or list answer should name.

A quote matches a gold sentence when their spans in the same document overlap by at least half of
the shorter one (a quote grown to take in its antecedent still matches). Every figure is given per
split (dev, test) and per question kind; the test split is only ever scored.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.condense import Turn, condense
from assistant.core import Assistant
from assistant.evaluation import EVAL_SETS, normalise, split_of
from assistant.types import Answer, Citation
from index.catalog import Source
from index.store import StoredChunk

BLIND_QUESTIONS = EVAL_SETS / "blind.jsonl"
Span = tuple[int, int]


@dataclass(frozen=True)
class Gold:
    doc: str  # the recap's file name
    text: str  # one sentence, verbatim
    grade: int  # 2 answers the question, 1 is useful context


@dataclass(frozen=True)
class GradedQuestion:
    id: str
    kind: str
    question: str
    answer_type: str = "none"
    style: tuple[str, ...] = ()
    history: tuple[Turn, ...] = ()
    gold: tuple[Gold, ...] = ()
    sources: tuple[str, ...] = ()  # recaps a complete answer quotes (author, or publisher)
    silent: tuple[str, ...] = ()  # recaps the question names that say nothing on it
    items: tuple[str, ...] = ()  # what a planning or list answer should name
    uncovered: tuple[str, ...] = ()  # a part of the question no recap covers

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @property
    def split(self) -> str:
        return split_of(self.id)


def load_graded(path: Path = BLIND_QUESTIONS) -> list[GradedQuestion]:
    """Read a graded set; `ValueError` naming the line if a row is malformed."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                GradedQuestion(
                    id=row["id"],
                    kind=row["kind"],
                    question=row["question"],
                    answer_type=row.get("answer_type", "none"),
                    style=tuple(row.get("style", [])),
                    history=tuple((str(role), str(text)) for role, text in row.get("history", [])),
                    gold=tuple(Gold(g["doc"], g["text"], int(g["grade"])) for g in row.get("gold", [])),
                    sources=tuple(row.get("sources", [])),
                    silent=tuple(row.get("silent", [])),
                    items=tuple(row.get("items", [])),
                    uncovered=tuple(row.get("uncovered", [])),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: not a graded question ({exc})") from exc
    if not questions:
        raise ValueError(f"{path} holds no questions")
    return questions


def is_graded(path: Path) -> bool:
    """Whether a question file is graded at sentence level (its rows carry `gold`)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return "gold" in json.loads(line)
    return False


def overlaps(a: Span, b: Span) -> bool:
    """Spans overlapping by at least half of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= 0.5 * min(a[1] - a[0], b[1] - b[0])


@dataclass(frozen=True)
class GoldSpan:
    source_id: str
    span: Span
    grade: int


class GoldIndex:
    """Gold sentences located in the indexed documents (by source id and offsets)."""

    def __init__(self, sources: list[Source], text_of: Callable[[str], str], chunks: list[StoredChunk]) -> None:
        self._by_file: dict[str, Source] = {}
        for source in sources:
            for path in (source.path, *source.duplicates):
                self._by_file[Path(path).name] = source
        self._text_of = text_of
        self._chunks_by_source: dict[str, list[StoredChunk]] = {}
        for chunk in chunks:
            self._chunks_by_source.setdefault(chunk.source_id, []).append(chunk)

    def locate(self, gold: Gold) -> GoldSpan:
        source = self._by_file.get(gold.doc)
        if source is None:
            raise ValueError(f"gold sentence from {gold.doc}, which is not indexed")
        start = self._text_of(source.id).find(gold.text)
        if start < 0:
            raise ValueError(f"gold sentence not found verbatim in {gold.doc}: {gold.text[:60]!r}")
        return GoldSpan(source.id, (start, start + len(gold.text)), gold.grade)

    def chunk_grade(self, chunk: StoredChunk, golds: Iterable[GoldSpan]) -> int:
        """The best grade of the gold sentences a chunk holds (0 if none)."""
        return max(
            (
                g.grade
                for g in golds
                if g.source_id == chunk.source_id and any(overlaps(g.span, s) for s in chunk.spans)
            ),
            default=0,
        )

    def ideal_grades(self, golds: list[GoldSpan]) -> list[int]:
        """Grades of the best chunks an ideal retriever could return, best first."""
        grades = [
            self.chunk_grade(chunk, golds)
            for source_id in {g.source_id for g in golds}
            for chunk in self._chunks_by_source.get(source_id, [])
        ]
        return sorted((g for g in grades if g), reverse=True)


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


@dataclass
class GradedResult:
    id: str
    kind: str
    split: str
    question: str
    answerable: bool
    abstained: bool
    latency_ms: float
    evidence_recall: float | None = None  # grade-2 sentences in the top k passages
    ndcg: float | None = None
    quotes: int = 0
    relevant_quotes: int = 0  # quotes matching a gold sentence of grade 1 or 2
    grade2: int = 0
    grade2_quoted: int = 0
    grade2_in_top_k: bool = False
    complete_comparison: bool | None = None
    items_named: float | None = None
    uncovered_named: bool | None = None
    missing: list[str] = field(default_factory=list)  # grade-2 sentences the answer did not quote


def _cited_as(citation: Citation) -> set[str]:
    return {name for name in (citation.source.author, citation.source.publisher) if name}


def _comparison_complete(question: GradedQuestion, answer: Answer) -> bool | None:
    if question.kind != "comparison":
        return None
    cited = set().union(*(_cited_as(c) for c in answer.citations)) if answer.citations else set()
    text = normalise(answer.text)
    speaks = all(name in cited for name in question.sources)
    # A silent recap is named in the answer (as saying nothing on it), and not quoted.
    silent = all(name not in cited and normalise(name.split()[-1]) in text for name in question.silent)
    return speaks and silent


def score_question(
    question: GradedQuestion, answer: Answer, hit_chunks: list[StoredChunk], gold: GoldIndex, latency_ms: float
) -> GradedResult:
    """One question's figures from its answer and its top k retrieved chunks."""
    result = GradedResult(
        question.id, question.kind, question.split, question.question, question.answerable, answer.abstained, latency_ms
    )
    spans = [gold.locate(g) for g in question.gold]
    grade2 = [g for g in spans if g.grade == 2]
    quoted = [(c.source.id, (c.start, c.end)) for c in answer.citations]
    result.quotes = len(quoted)
    result.relevant_quotes = sum(
        any(g.source_id == sid and overlaps(g.span, span) for g in spans) for sid, span in quoted
    )
    if question.answerable:
        in_top = [g for g in grade2 if any(gold.chunk_grade(c, [g]) for c in hit_chunks)]
        result.evidence_recall = len(in_top) / len(grade2) if grade2 else None
        result.grade2_in_top_k = bool(in_top)
        ideal = dcg(gold.ideal_grades(spans)[: len(hit_chunks) or 1])
        result.ndcg = dcg([gold.chunk_grade(c, spans) for c in hit_chunks]) / ideal if ideal else None
        result.grade2 = len(grade2)
        hit = [g for g in grade2 if any(g.source_id == sid and overlaps(g.span, span) for sid, span in quoted)]
        result.grade2_quoted = len(hit)
        result.missing = [t.text for t, g in zip(question.gold, spans, strict=True) if g.grade == 2 and g not in hit]
    result.complete_comparison = _comparison_complete(question, answer)
    if question.items:
        text = normalise(answer.text)
        result.items_named = sum(normalise(item) in text for item in question.items) / len(question.items)
    if question.uncovered and not answer.abstained:
        text = normalise(answer.text)
        result.uncovered_named = all(normalise(part) in text for part in question.uncovered)
    return result


@dataclass
class GradedReport:
    k: int
    results: list[GradedResult]

    def select(self, split: str | None = None, kind: str | None = None) -> list[GradedResult]:
        return [r for r in self.results if (split is None or r.split == split) and (kind is None or r.kind == kind)]

    def figures(self, split: str | None = None, kind: str | None = None) -> dict[str, float | None]:
        """The headline figures over the selected questions (None where nothing is measured)."""
        rows = self.select(split, kind)
        answerable = [r for r in rows if r.answerable]
        quotes = sum(r.quotes for r in rows)
        grade2 = sum(r.grade2 for r in answerable)
        abstained = [r for r in rows if r.abstained]
        unanswerable = [r for r in rows if not r.answerable]
        comparisons = [r.complete_comparison for r in rows if r.complete_comparison is not None]
        items = [r.items_named for r in rows if r.items_named is not None]
        return {
            "questions": float(len(rows)),
            f"evidence_recall@{self.k}": _mean(r.evidence_recall for r in answerable),
            f"ndcg@{self.k}": _mean(r.ndcg for r in answerable),
            "answer_precision": sum(r.relevant_quotes for r in rows) / quotes if quotes else None,
            "answer_recall": sum(r.grade2_quoted for r in answerable) / grade2 if grade2 else None,
            "abstention_precision": sum(not r.answerable for r in abstained) / len(abstained) if abstained else None,
            "abstention_recall": sum(r.abstained for r in unanswerable) / len(unanswerable) if unanswerable else None,
            "comparisons_complete": sum(comparisons) / len(comparisons) if comparisons else None,
            "items_named": statistics.fmean(items) if items else None,
            "abstained_with_evidence": float(sum(r.abstained and r.grade2_in_top_k for r in answerable)),
            "latency_p50_ms": statistics.median(r.latency_ms for r in rows) if rows else None,
        }

    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.results})

    def to_json(self) -> dict[str, object]:
        return {
            "k": self.k,
            "splits": {split: self.figures(split) for split in ("dev", "test")},
            "kinds": {kind: {split: self.figures(split, kind) for split in ("dev", "test")} for kind in self.kinds()},
            "results": [r.__dict__ for r in self.results],
        }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def evaluate_graded(assistant: Assistant, questions: list[GradedQuestion], k: int = 5) -> GradedReport:
    """Ask every question (with its history), and score its retrieval and its answer."""
    gold = GoldIndex(assistant.sources(), assistant.document_text, assistant.store.all_chunks())
    results = []
    for question in questions:
        standalone = condense(question.question, list(question.history))
        hits = assistant.search(standalone, k=k)
        chunks = {c.id: c for c in assistant.store.get_chunks([h.chunk_id for h in hits])}
        started = time.perf_counter()
        answer = assistant.ask(question.question, list(question.history))
        latency = (time.perf_counter() - started) * 1000
        hit_chunks = [chunks[h.chunk_id] for h in hits if h.chunk_id in chunks]
        results.append(score_question(question, answer, hit_chunks, gold, latency))
    return GradedReport(k, results)
