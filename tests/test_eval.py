"""Retrieval quality and abstention on the project's own question set (tests/eval/questions.jsonl)."""

from __future__ import annotations

from assistant import Assistant
from assistant.evaluation import evaluate, load_questions


def test_question_set_is_broad() -> None:
    questions = load_questions()
    kinds = {q.kind for q in questions}
    assert len(questions) >= 30
    assert kinds == {"fact", "opinion", "planning", "unanswerable"}
    assert all(q.evidence for q in questions if q.answerable)


def test_evidence_recall_at_5_and_abstention(assistant: Assistant) -> None:
    report = evaluate(assistant, load_questions(), k=5)
    misses = {r.id: r.missing for r in report.results if r.missing}
    assert report.recall_at_k >= 0.9, f"recall@5 {report.recall_at_k:.3f}; missing: {misses}"
    unanswered = [r.question for r in report.results if r.kind == "unanswerable" and not r.abstained]
    assert not unanswered, f"should have abstained: {unanswered}"
    wrongly_abstained = [r.question for r in report.results if r.kind != "unanswerable" and r.abstained]
    assert not wrongly_abstained, f"abstained on answerable questions: {wrongly_abstained}"
