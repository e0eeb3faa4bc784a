"""Every citation marker points to a verbatim passage of the document it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import Answer, Assistant
from assistant.evaluation import load_questions

MARKER = re.compile(r"\[(\d+)\]")


def check_citations(answer: Answer) -> None:
    by_n = {c.n: c for c in answer.citations}
    markers = [int(m) for m in MARKER.findall(answer.text)]
    assert sorted(set(markers)) == sorted(by_n), "every marker has a citation and every citation a marker"
    for c in answer.citations:
        original = Path(c.source.path).read_text(encoding="utf-8")
        assert c.quote in original, f"[{c.n}] quote is not verbatim in {c.source.path}"
        assert original[c.start : c.end] == c.quote, f"[{c.n}] offsets do not point at the quote"
    # The text right before each marker is the quote of that same citation (the marker names its own source).
    for m in MARKER.finditer(answer.text):
        quoted = answer.text[: m.start()].rstrip().removesuffix("”")
        assert quoted.endswith(by_n[int(m.group(1))].quote), f"marker [{m.group(1)}] follows another quote"


@pytest.mark.parametrize("question", [q.question for q in load_questions() if q.answerable])
def test_markers_point_to_their_own_verbatim_passage(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained
    assert answer.citations
    check_citations(answer)


def test_wasm_cites_three_recaps(assistant: Assistant) -> None:
    answer = assistant.ask("What did people say about Wasm?")
    authors = {c.source.author for c in answer.citations}
    assert {"Daniel Bryant", "Christian Haintz", "Rafael Franzke"} <= authors
    assert all(("wasm" in c.quote.lower() or "webassembly" in c.quote.lower()) for c in answer.citations)
    for author in authors:  # the answer names who said what
        assert author in answer.text


def test_answer_names_unknown_author_honestly(assistant: Assistant) -> None:
    answer = assistant.ask("What did Apple say about observability for AI models?")
    opsramp = [c for c in answer.citations if c.source.publisher == "OpsRamp blog"]
    assert opsramp and opsramp[0].source.author == ""
    assert "OpsRamp blog (author unknown)" in answer.text


def test_quantum_computing_abstains_without_citations(assistant: Assistant) -> None:
    answer = assistant.ask("What did the recaps say about quantum computing?")
    assert answer.abstained and not answer.citations
    assert "quantum" in answer.text


def test_follow_up_uses_history(assistant: Assistant) -> None:
    history = [("user", "What did people say about Wasm?"), ("assistant", "...")]
    answer = assistant.ask("and about Rust?", history=history)
    assert answer.question == "What did people say about Rust?"
    assert any("Rust" in c.quote for c in answer.citations)
    # Gradio-style message dicts work too.
    messages = [{"role": "user", "content": "What did people say about Wasm?"}]
    assert assistant.ask("and about Rust?", history=messages).question == "What did people say about Rust?"


def test_timings_cover_each_stage(assistant: Assistant) -> None:
    answer = assistant.ask("Where can I watch the talks I missed?")
    assert {"retrieve", "answer", "total"} <= set(answer.timings)
    assert answer.timings["total"] >= answer.timings["retrieve"] > 0


@pytest.mark.parametrize(
    ("question", "author"),
    [
        ("What did Daniel Bryant say about WebAssembly?", "Daniel Bryant"),
        ("What did the Gardener blog say about sustainability?", "Rafael Franzke"),
        ("What did Haintz say about security?", "Christian Haintz"),
    ],
)
def test_question_naming_a_recap_is_answered_from_that_recap(assistant: Assistant, question: str, author: str) -> None:
    # The topic map asks this way; the name is metadata, not text, so it must narrow, not block.
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert {c.source.author for c in answer.citations} == {author}
    check_citations(answer)


def test_publisher_names_narrow_only_as_written(assistant: Assistant) -> None:
    # "medium" in "medium-sized" is not Daniel Bryant's publisher Medium: the search stays wide.
    retrieval = assistant.retrieve("What did people say about medium-sized platform teams?")
    assert len({p.source.id for p in retrieval.passages}) > 1
    assert "medium" in retrieval.query


def test_answers_stay_verbatim_while_the_same_assistant_ingests(fresh_assistant: Assistant, tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "quokka.md").write_text(
        "# Quokkas\n\nThe Quokka operator demo at KubeCon Paris drew a crowd of platform teams.\n"
    )
    fresh_assistant.ask("What did people say about Wasm?")  # open the index before the race starts
    failures: list[BaseException] = []

    def ask_repeatedly() -> None:
        try:
            for _ in range(5):
                check_citations(fresh_assistant.ask("What did people say about Wasm?"))
        except BaseException as exc:
            failures.append(exc)

    askers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for t in askers:
        t.start()
    fresh_assistant.ingest([folder])
    for t in askers:
        t.join()
    assert not failures, failures
    quokka = fresh_assistant.ask("What did people say about the Quokka operator?").citations[0]
    assert Path(quokka.source.path).name == "quokka.md"
