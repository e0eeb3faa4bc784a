"""Twenty people asking at once through the web app's API all get cited answers."""

from __future__ import annotations

import time

import pytest
from gradio_client import Client

from index.settings import Settings
from ui.app import Server

QUESTIONS = [
    "What did people say about Wasm?",
    "Which co-located events should a platform engineer attend next time?",
    "Where can I watch the talks I missed?",
    "What was said about AI and large language models?",
    "What did the recaps say about platform engineering?",
]


@pytest.mark.slow
def test_twenty_concurrent_questions_all_get_cited_answers(ui: tuple[Server, Settings]) -> None:
    server, _ = ui
    client = Client(server.url, verbose=False)
    started = time.perf_counter()
    jobs = [client.submit(QUESTIONS[i % len(QUESTIONS)], api_name="/ask") for i in range(20)]
    results = [job.result(timeout=240) for job in jobs]
    elapsed = time.perf_counter() - started

    assert len(results) == 20
    for question, result in zip((QUESTIONS[i % len(QUESTIONS)] for i in range(20)), results, strict=True):
        assert not result["abstained"], question
        assert result["citations"], question
        numbers = {c["n"] for c in result["citations"]}
        assert all(f"[{n}]" in result["answer"] for n in numbers), question
        assert all(c["quote"] and c["title"] for c in result["citations"])
    # The same question gets the same answer however many others are being answered beside it.
    by_question: dict[str, set[str]] = {}
    for i, result in enumerate(results):
        by_question.setdefault(QUESTIONS[i % len(QUESTIONS)], set()).add(result["answer"])
    assert all(len(answers) == 1 for answers in by_question.values())
    assert elapsed < 180, f"20 questions took {elapsed:.0f} s"
