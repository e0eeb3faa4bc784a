"""The blind, graded set (tests/eval/blind.jsonl): its shape, its split, and the test split's figures.

Targets from issue 12. Those the extractive answer does not reach yet are strict xfails: they fail
the day a figure reaches its target, so the mark cannot outlive the gap it documents. Every figure
also has a floor just under what it measures now, so a regression fails at once.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.graded import GradedReport, evaluate_graded, load_graded

# figure: (target, floor under today's measurement)
FIGURES = {
    "evidence_recall@5": (0.95, 0.89),
    "ndcg@5": (0.85, 0.84),
    "answer_precision": (0.85, 0.64),
    "answer_recall": (0.70, 0.42),
    "abstention_precision": (0.95, 0.50),
    "abstention_recall": (0.95, 0.85),
    "comparisons_complete": (0.95, 0.62),
}
REACHED = {"ndcg@5"}


@pytest.fixture(scope="module")
def report(assistant: Assistant) -> GradedReport:
    return evaluate_graded(assistant, load_graded())


def test_the_set_is_broad_and_split_by_a_seeded_hash() -> None:
    questions = load_graded()
    assert len(questions) >= 150
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 30
    kinds = {q.kind for q in questions}
    assert {"fact", "opinion", "comparison", "agreement", "planning", "yesno", "list", "followup"} <= kinds
    dev = [q for q in questions if q.split == "dev"]
    assert 0.5 <= len(dev) / len(questions) <= 0.7
    assert all(q.gold and any(g.grade == 2 for g in q.gold) for q in questions if q.answerable)


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_test_split_figure_holds_its_floor(report: GradedReport, figure: str) -> None:
    value = report.figures("test")[figure]
    assert value is not None and value >= FIGURES[figure][1], f"{figure} {value:.3f} fell under its floor"


@pytest.mark.parametrize(
    "figure",
    [
        pytest.param(
            f,
            marks=[]
            if f in REACHED
            else pytest.mark.xfail(strict=True, reason="issue 12 target not reached yet (docs/benchmarks.md)"),
        )
        for f in sorted(FIGURES)
    ],
)
def test_test_split_figure_reaches_its_target(report: GradedReport, figure: str) -> None:
    value = report.figures("test")[figure]
    assert value is not None and value >= FIGURES[figure][0], f"{figure} {value:.3f} under its target"


def test_every_quote_is_verbatim_at_its_offsets(assistant: Assistant, report: GradedReport) -> None:
    for question in load_graded()[:40]:
        answer = assistant.ask(question.question, list(question.history))
        for c in answer.citations:
            assert assistant.document_text(c.source.id)[c.start : c.end] == c.quote
