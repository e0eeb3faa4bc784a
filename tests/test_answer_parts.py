"""The small parts of the generative path: prompts, router, backend choice, sentence cutting."""

from __future__ import annotations

import re

import pytest

from assistant.backends import EXTRACTIVE, OLLAMA, choose_backend, model_matches, normalise_host, parse_llm
from assistant.router import Shape, route
from assistant.segment import Segmenter
from assistant.verify import cited_numbers, names, strip_markers
from index.errors import RecapError
from index.settings import Settings
from prompts import load_prompt, prompt_variables


@pytest.mark.parametrize("name", ["system", "opinion", "factual", "planning", "condense"])
def test_prompt_files_declare_the_variables_they_use(name: str) -> None:
    text = load_prompt(name)
    assert not text.startswith("<!--")
    assert sorted(set(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", text))) == sorted(prompt_variables(name))


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("What did people say about Wasm?", Shape.OPINION),
        ("Where do the recaps disagree about AI?", Shape.OPINION),
        ("Which talks should I watch on platform engineering?", Shape.PLANNING),
        ("Which co-located events suit me?", Shape.PLANNING),
        ("Who co-chaired KubeCon EU 2024?", Shape.FACTUAL),
    ],
)
def test_router(question: str, shape: Shape) -> None:
    assert route(question) is shape


def test_llm_setting_and_host_parsing() -> None:
    assert parse_llm("extractive", "llama3.2") == (EXTRACTIVE, "")
    assert parse_llm("ollama:qwen2.5:7b", "llama3.2") == (OLLAMA, "qwen2.5:7b")
    assert parse_llm("auto", "llama3.2") == ("auto", "llama3.2")
    with pytest.raises(RecapError, match="ollama:<model>"):
        parse_llm("gpt-4", "llama3.2")
    assert normalise_host("127.0.0.1:11434") == "http://127.0.0.1:11434"
    assert normalise_host("0.0.0.0") == "http://127.0.0.1:11434"
    assert normalise_host("http://localhost:5000/") == "http://localhost:5000"
    assert model_matches("llama3.2", "llama3.2:latest") and not model_matches("llama3.2:1b", "llama3.2:latest")


def test_ollama_host_env_is_honoured_and_recap_llm_selects_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")
    monkeypatch.setenv("RECAP_LLM", "extractive")
    assert Settings().ollama_host == "127.0.0.1:9"
    assert choose_backend(Settings()).kind == EXTRACTIVE and choose_backend(Settings()).notice == ""
    monkeypatch.setenv("RECAP_LLM", "auto")
    backend = choose_backend(Settings())
    assert backend.kind == EXTRACTIVE and "http://127.0.0.1:9" in backend.notice


def test_markers_and_names() -> None:
    assert cited_numbers("A [1] and B [2, 3][1] and [Doc 4].") == [1, 2, 3, 4]
    assert strip_markers("Wasm is hot [1].") == "Wasm is hot."
    assert {"spinkube", "acme", "300"} <= names("Daniel said SpinKube from Acme grew 300%.")
    assert "daniel" not in names("Daniel said so.")  # a sentence's first word is not a name by case alone


def test_segmenter_keeps_markers_after_the_full_stop_and_waits_for_them() -> None:
    text = "Wasm is hot. [1] It is e.g. fast [2].\n\n- Item one [3]\nLast one [4]."
    for step in (1, 2, 5, len(text)):
        segmenter = Segmenter()
        parts = [s for i in range(0, len(text), step) for s in segmenter.feed(text[i : i + step])]
        parts += list(segmenter.flush())
        assert [p.sentence for p in parts] == [
            "Wasm is hot. [1]",
            "It is e.g. fast [2].",
            "- Item one [3]",
            "Last one [4].",
        ]
    segmenter = Segmenter()
    shown = segmenter.emit("A [1].", " ")
    segmenter.skip("\n\n")  # a dropped sentence ended a paragraph: the break survives it
    assert shown + segmenter.emit("B [2].", "") == "A [1].\n\nB [2]."


def test_ollama_check_is_cached_for_its_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import backends

    calls: list[str] = []

    def fake_check(backend: backends.Backend, timeout: float) -> None:
        calls.append(backend.host)
        raise backends.LLMUnavailableError("Ollama is not running")

    monkeypatch.setattr(backends, "check_ollama", fake_check)
    backends.forget_checks()
    cached = Settings(llm="auto", ollama_host="http://127.0.0.1:9", ollama_check_ttl=60)
    assert [backends.choose_backend(cached).kind for _ in range(3)] == [backends.EXTRACTIVE] * 3
    assert len(calls) == 1  # one probe for three questions
    assert backends.choose_backend(cached).notice == "Ollama is not running"
    backends.forget_checks()
    backends.choose_backend(cached)
    assert len(calls) == 2
    backends.choose_backend(cached.model_copy(update={"ollama_check_ttl": 0}))
    assert len(calls) == 3
