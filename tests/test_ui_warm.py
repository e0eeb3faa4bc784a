"""`recap serve` is warm when it says so, and with a model the quotes come first: in a real process and browser.

The server is started as a user starts it, `recap serve` in a subprocess on a free port; the clock
starts when it prints "serving on". The times are printed (run with `-s` to see them); the targets
belong to bench/core.py, these tests hold the behaviour.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from ollama_server import Reply, ScriptedOllama
from pages import ANSWER_TIMEOUT, send
from playwright.sync_api import Browser
from servers import copy_index, free_port
from test_generative import WASM, wasm_answer

from assistant import Assistant
from index.embeddings import Embedder
from index.settings import Settings

pytestmark = [pytest.mark.slow]

RECAP = Path(sys.executable).with_name("recap")
START_TIMEOUT = 240  # s: a new process loads the model, Chroma and the topic map, on a shared 2-core machine


@contextmanager
def recap_serve(data_dir: Path, **env: str) -> Iterator[tuple[str, float, list[str]]]:
    """`recap serve` on a free port: (its URL, when it printed "serving on", its stderr lines so far)."""
    port = free_port()
    environment = {**os.environ, "RECAP_DATA_DIR": str(data_dir), "RECAP_LLM": "extractive", **env}
    proc = subprocess.Popen(
        [str(RECAP), "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []
    assert proc.stdout is not None and proc.stderr is not None
    threading.Thread(target=_read_into, args=(proc.stdout, lines.put), daemon=True).start()
    threading.Thread(target=_read_into, args=(proc.stderr, errors.append), daemon=True).start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        line = ""
        while "serving on" not in line:
            remaining = deadline - time.monotonic()
            assert remaining > 0 and proc.poll() is None, f"recap serve did not start: {''.join(errors)[-2000:]}"
            try:
                line = lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
        ready = time.perf_counter()
        assert line.startswith(f"recap: serving on http://127.0.0.1:{port} ")
        yield f"http://127.0.0.1:{port}/", ready, errors
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _read_into(stream: Any, put: Callable[[str], None]) -> None:
    for line in stream:
        put(line)


@pytest.mark.browser
def test_first_answer_and_topic_map_right_after_serving_on(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, artifacts: Path
) -> None:
    with recap_serve(copy_index(tmp_path_factory, corpus_index, "serve-warm")) as (url, ready, _):
        assert httpx.get(url, timeout=5).status_code == 200  # listening when it says so
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#recap-question textarea")
        loaded = time.perf_counter() - ready
        send(page, WASM)
        page.wait_for_selector("#recap-status .recap-badge", timeout=ANSWER_TIMEOUT)
        first_answer = time.perf_counter() - ready
        assert page.locator("#recap-cards .recap-card").count() >= 3
        assert "Daniel Bryant" in page.locator("#recap-chat .bot").last.inner_text()

        started = time.perf_counter()
        page.get_by_role("tab", name="Topic map").click()
        page.locator(".recap-cell button[data-topic='WebAssembly']").first.wait_for(timeout=ANSWER_TIMEOUT)
        topic_map = time.perf_counter() - started
        assert page.locator(".recap-heatmap tbody tr").count() >= 5
        page.screenshot(path=str(artifacts / "ui-warm-topic-map.png"), full_page=True)
        page.close()
    print(
        f"\nfirst answer in the browser {first_answer:.2f} s after 'serving on' (the page was ready at {loaded:.2f} s)"
    )
    print(f"topic map shown {topic_map * 1000:.0f} ms after the tab was clicked")


def test_serve_asks_ollama_to_load_the_model(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path) -> None:
    with ScriptedOllama(lambda body: Reply(wasm_answer(body)), load_seconds=0.3) as ollama:
        data_dir = copy_index(tmp_path_factory, corpus_index, "serve-load")
        with recap_serve(data_dir, RECAP_LLM="ollama:llama3.2", OLLAMA_HOST=ollama.url, RECAP_KEEP_ALIVE="1h"):
            deadline = time.monotonic() + 30
            while not ollama.loads and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [(r["model"], r["messages"], r["keep_alive"]) for r in ollama.loads] == [("llama3.2", [], "1h")]
            assert not ollama.chats


def test_serve_without_ollama_says_so_once_and_answers(
    tmp_path_factory: pytest.TempPathFactory, corpus_index: Path
) -> None:
    host = f"http://127.0.0.1:{free_port()}"
    data_dir = copy_index(tmp_path_factory, corpus_index, "serve-no-ollama")
    with recap_serve(data_dir, RECAP_LLM="ollama:llama3.2", OLLAMA_HOST=host) as (url, ready, errors):
        answer = Client(url, verbose=False).predict(WASM, api_name="/ask")
        print(f"\nfirst API answer {time.perf_counter() - ready:.2f} s after 'serving on'")
        time.sleep(1)  # the load thread has long given up; let its line reach us
    assert answer["backend"] == "extractive" and "Ollama is not running" in answer["notice"]
    assert answer["citations"]
    about_ollama = [line for line in errors if "Ollama" in line or "ollama" in line]
    assert len(about_ollama) == 1, errors


@pytest.mark.browser
def test_the_browser_shows_the_quotes_then_the_models_answer(
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    corpus_index: Path,
    embedder: Embedder,
    artifacts: Path,
) -> None:
    from ui.app import launch

    with ScriptedOllama(lambda body: Reply(wasm_answer(body), delay_first=3.0)) as ollama:
        data_dir = copy_index(tmp_path_factory, corpus_index, "ui-quotes-first")
        settings = Settings(data_dir=data_dir, llm="ollama:llama3.2", ollama_host=ollama.url)
        server = launch(Assistant(settings, embedder=embedder), settings, port=free_port(), block=False)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server.url)
            send(page, WASM)
            bubble = lambda: page.locator("#recap-chat .bot").last.inner_text()  # noqa: E731
            wait_for(lambda: "speak to this" in bubble(), "the quotes")
            assert not page.locator("#recap-status .recap-badge").count()  # the model's answer is not in yet
            assert "while the model writes" in page.locator("#recap-status").inner_text()
            assert page.locator("#recap-cards .recap-card").count() >= 3  # the quotes' cards, meanwhile
            page.screenshot(path=str(artifacts / "ui-quotes-first.png"), full_page=True)
            page.wait_for_selector("#recap-status .recap-badge", timeout=ANSWER_TIMEOUT)
            assert "speak to this" not in bubble() and "Daniel Bryant (Medium)" in bubble()
            assert page.locator("#recap-status").inner_text().strip().startswith("ollama:llama3.2")
            assert page.locator("#recap-cards .recap-card").count() >= 2  # the model's own citations
            page.close()
        finally:
            server.close()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
