"""Answer first, then the model: quotes before any model call, the model's verified answer in their place.

Against the Ollama-protocol server on 127.0.0.1 (tests/ollama_server.py) with the real ChatOllama,
the real index and the real embedder; plus the warm-up that asks Ollama to load its model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ollama_server import Reply, ScriptedOllama
from servers import free_port
from test_generative import WASM, doc_by, docs_in, prompt_of, wasm_answer

from assistant import Answer, AnswerStream, Assistant, Provisional
from assistant.cli import cli
from assistant.warm import preload_model
from index.chunking import count_tokens
from index.embeddings import Embedder
from index.settings import Settings

RUST = "Was Rust also pitched for writing controllers?"  # the rules cannot resolve it: the model condenses it


@pytest.fixture
def ollama() -> Iterator[Callable[..., ScriptedOllama]]:
    servers: list[ScriptedOllama] = []

    def start(script: Callable[[dict[str, Any]], Reply], **options: Any) -> ScriptedOllama:
        server = ScriptedOllama(script, **options).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def model(data_dir: Path, embedder: Embedder, host: str, **more: Any) -> Assistant:
    settings = Settings(data_dir=data_dir, llm="ollama:llama3.2", ollama_host=host, **more)
    return Assistant(settings, embedder=embedder, auto_ingest=False)


def read(stream: AnswerStream, server: ScriptedOllama) -> tuple[list[Any], int | None]:
    """The stream's events, and how many chats the server had been sent when the quotes arrived."""
    events: list[Any] = []
    chats_at_quotes = None
    for part in stream.events():
        if isinstance(part, Provisional):
            chats_at_quotes = len(server.chats)
        events.append(part)
    return events, chats_at_quotes


def test_quotes_come_before_the_model_is_asked(ollama, corpus_index: Path, embedder: Embedder) -> None:
    server = ollama(lambda body: Reply(wasm_answer(body), delay_first=1.0))
    stream = model(corpus_index, embedder, server.url).stream(WASM)
    events, chats_at_quotes = read(stream, server)
    assert isinstance(events[0], Provisional) and chats_at_quotes == 0  # before any model call
    assert [type(e) for e in events[1:-1]] == [str] * (len(events) - 2) and isinstance(events[-1], Answer)
    quotes, answer = events[0].answer, events[-1]
    assert stream.provisional is quotes and quotes.backend == "extractive" and len(quotes.citations) >= 3
    assert quotes.timings["total"] < answer.timings["total"]
    for c in quotes.citations:  # the quotes are real quotes, as the extractive answer's always are
        assert stream_text(corpus_index, c.source.id)[c.start : c.end] == c.quote
    # Plain iteration is still the model's text alone, and the final answer is the model's.
    assert "".join(stream) == stream.text == answer.text and answer.backend == "ollama:llama3.2"
    assert answer.text != quotes.text and not stream.superseded
    assert answer.timings["quotes"] == pytest.approx(quotes.timings["total"] - quotes.timings["open"], abs=1)


def stream_text(data_dir: Path, source_id: str) -> str:
    return Assistant(Settings(data_dir=data_dir), auto_ingest=False).document_text(source_id)


def test_a_follow_up_the_model_condenses_does_not_hold_the_quotes_back(
    ollama, corpus_index: Path, embedder: Embedder
) -> None:
    def script(body: dict[str, Any]) -> Reply:
        if "Standalone question:" in prompt_of(body):
            return Reply("Was Rust promoted for writing Kubernetes controllers?", delay_first=1.0)
        r = doc_by(body, section="Rust on the Rise")
        return Reply(f"Rust was even promoted as suitable for writing Kubernetes controllers [{r}].")

    server = ollama(script)
    stream = model(corpus_index, embedder, server.url).stream(RUST, [("user", WASM), ("assistant", "…")])
    events, chats_at_quotes = read(stream, server)
    assert isinstance(events[0], Provisional) and chats_at_quotes == 0  # the condensing call came after
    assert any("Rust" in c.quote for c in events[0].answer.citations)
    answer = stream.answer()
    assert len(server.chats) == 2 and answer.question == "Was Rust promoted for writing Kubernetes controllers?"
    assert answer.backend == "ollama:llama3.2" and answer.citations[0].section == "Rust on the Rise"


def test_a_model_that_fails_before_writing_leaves_the_quotes_as_the_answer(
    ollama, corpus_index: Path, embedder: Embedder
) -> None:
    server = ollama(lambda body: Reply(wasm_answer(body), disconnect_after=0))
    stream = model(corpus_index, embedder, server.url).stream(WASM)
    assert list(stream) == [] and stream.provisional is not None
    answer = stream.answer()
    assert answer.backend == "extractive" and "dropped mid-answer" in answer.notice
    assert answer.text == stream.provisional.text and not stream.superseded


def test_an_abstention_is_not_shown_while_waiting(ollama, corpus_index: Path, embedder: Embedder) -> None:
    server = ollama(lambda body: Reply("unused"))
    stream = model(corpus_index, embedder, server.url).stream("What did the recaps say about quantum computing?")
    answer = stream.answer()
    assert stream.provisional is None and answer.abstained  # "the recaps don't cover this" is no answer to show


def test_context_tokens_caps_the_passages_and_prompt_tokens_are_reported(
    ollama, corpus_index: Path, embedder: Embedder
) -> None:
    # Cites the first passage it was given, whichever that is: a narrow budget may leave out any other.
    server = ollama(lambda body: Reply(f"{docs_in(body)[0].text.split('. ')[0]} [{docs_in(body)[0].n}]."))
    wide = model(corpus_index, embedder, server.url, context_tokens=4000).ask(WASM)
    narrow = model(corpus_index, embedder, server.url, context_tokens=700).ask(WASM)
    sent_wide, sent_narrow = server.chats
    documents = prompt_of(sent_narrow)
    documents = documents[documents.index("<document") : documents.rindex("</document>")]
    assert count_tokens(documents) <= 700 < count_tokens(prompt_of(sent_wide))
    assert 2 <= len(docs_in(sent_narrow)) < len(docs_in(sent_wide))
    for answer, sent in ((wide, sent_wide), (narrow, sent_narrow)):
        assert answer.timings["prompt_tokens"] == sum(count_tokens(m["content"]) for m in sent["messages"])
        assert answer.timings["prompt_eval_count"] == 100  # what the (scripted) Ollama reported
    assert narrow.timings["prompt_tokens"] < wide.timings["prompt_tokens"]


def test_cli_shows_the_quotes_on_stderr_and_the_answer_on_stdout(ollama, fresh_data_dir: Path) -> None:
    server = ollama(lambda body: Reply(wasm_answer(body), delay_first=0.5))
    env = {"OLLAMA_HOST": server.url, "RECAP_DATA_DIR": str(fresh_data_dir)}
    result = CliRunner().invoke(cli, ["ask", WASM, "--llm", "ollama:llama3.2"], env=env)
    assert result.exit_code == 0, result.output
    preview, _, rest = result.stderr.partition("(quotes from the recaps; the model's checked answer follows)")
    assert "speak to this" in preview and "killer use case" in preview and "[1]" not in preview and rest.strip() == ""
    assert "speak to this" not in result.stdout and "**Daniel Bryant (Medium)**" in result.stdout
    assert "ollama:llama3.2" in result.stdout and "prompt tokens" in result.stdout


def test_the_stream_replays_and_keeps_iteration_to_text() -> None:
    quotes = Answer("“quoted” [1]", [], False, "extractive")
    final = Answer("Written.", [], False, "ollama:m")
    stream = AnswerStream(iter([Provisional(quotes), "Writ", "ten.", final]))
    assert next(iter(stream)) == "Writ" and stream.provisional is quotes  # read past the quotes already
    assert list(stream) == ["Writ", "ten."] and list(stream.events()) == [Provisional(quotes), "Writ", "ten.", final]
    assert stream.answer() is final and stream.text == "Written." and not stream.superseded


def test_warm_up_asks_ollama_to_load_the_model(ollama, corpus_index: Path, embedder: Embedder) -> None:
    server = ollama(lambda body: Reply("unused"), load_seconds=0.5)
    assistant = model(corpus_index, embedder, server.url, keep_alive="30m")
    timings = assistant.warm()
    assert {"embedder", "index", "first_answer", "topic_map", "llm_imports"} <= set(timings)
    deadline = time.monotonic() + 10
    while not server.loads and time.monotonic() < deadline:
        time.sleep(0.05)
    (load,) = server.loads
    assert load["model"] == "llama3.2" and load["messages"] == [] and load["keep_alive"] == "30m"
    assert not server.chats  # loaded, nothing generated


def test_preloading_a_missing_ollama_is_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(llm="ollama:llama3.2", ollama_host=f"http://127.0.0.1:{free_port()}")
    with caplog.at_level(logging.INFO):
        thread = preload_model(settings)
        assert thread is not None
        thread.join(timeout=30)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "Ollama is not running" in warnings[0].getMessage()
    assert preload_model(Settings(llm="extractive")) is None
