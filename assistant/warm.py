"""Ready before it says so: what `recap serve` loads before it prints "serving on".

The first question in a cold process pays for loading the embedding model, opening Chroma and BM25
(and Chroma's vector index on its first query), reading the document texts, and, with a local
model, for Ollama loading the model into memory (30-60 s for a 3B model on a CPU). `warm_up` pays
all of it up front; the Ollama load runs in the background, since a server that waits a minute to
start is no better, and Ollama queues a question that arrives meanwhile behind the load anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import httpx

from assistant.backends import EXTRACTIVE, OLLAMA, Backend, choose_backend, failure_notice, parse_llm
from assistant.extractive import ExtractiveAnswerer
from assistant.view import IndexView
from index.embeddings import Embedder
from index.settings import Settings

log = logging.getLogger(__name__)

WARM_QUESTION = "What did people say about the keynotes?"  # any question: it only has to touch every part


def warm_up(
    settings: Settings,
    embedder: Embedder,
    view: Callable[[], IndexView],
    topic_map: Callable[[], object],
) -> dict[str, float]:
    """Load the embedder, the index view and the topic map, and answer one question extractively
    (which touches every lazy part a real question does); start loading Ollama's model.

    Returns the milliseconds each step took. Never raises because of Ollama.
    """
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    embedder.embed_one(WARM_QUESTION)
    timings["embedder"] = _since(mark)
    mark = time.perf_counter()
    opened = view()
    timings["index"] = _since(mark)
    mark = time.perf_counter()
    ExtractiveAnswerer(settings).answer(WARM_QUESTION, [], opened)
    timings["first_answer"] = _since(mark)
    mark = time.perf_counter()
    topic_map()
    timings["topic_map"] = _since(mark)
    if parse_llm(settings.llm, settings.ollama_model)[0] != EXTRACTIVE:
        mark = time.perf_counter()
        # LangChain and the Ollama client take about a second to import: not on the first question.
        import assistant.generative  # noqa: F401

        timings["llm_imports"] = _since(mark)
        preload_model(settings)
    log.info("warm in %s", ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items()))
    return timings


def preload_model(settings: Settings) -> threading.Thread | None:
    """Ask Ollama, in the background, to load the model `settings.llm` names (or `auto` finds).

    Returns the thread (None for the extractive backend). A missing or unreachable Ollama is one
    warning line; nothing else happens, and answers fall back to quotes as they always do.
    """
    if parse_llm(settings.llm, settings.ollama_model)[0] == EXTRACTIVE:
        return None
    thread = threading.Thread(target=_load, args=(settings,), name="recap-ollama-load", daemon=True)
    thread.start()
    return thread


def _load(settings: Settings) -> None:
    backend = choose_backend(settings)  # the check is remembered, so the first question need not repeat it
    if backend.kind != OLLAMA:
        log.warning("not loading a model: %s", backend.notice)
        return
    started = time.perf_counter()
    try:
        load_model(backend, settings)
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not load %s: %s", backend.name, failure_notice(exc, backend, settings.first_token_timeout))
        return
    log.info("%s loaded in %.1f s (kept for %s)", backend.name, time.perf_counter() - started, settings.keep_alive)


def load_model(backend: Backend, settings: Settings) -> None:
    """Ollama's documented way to load a model without generating: a chat request with no messages.

    It answers once the model is in memory (`"done_reason": "load"`), and `keep_alive` keeps it there.
    """
    timeout = httpx.Timeout(settings.first_token_timeout, connect=settings.connect_timeout)
    body = {"model": backend.model, "messages": [], "keep_alive": settings.keep_alive, "stream": False}
    with httpx.Client(base_url=backend.host, timeout=timeout) as client:
        response = client.post("/api/chat", json=body)
        response.raise_for_status()
    if not response.json().get("done"):
        raise ValueError(f"unexpected answer to a load request: {response.text[:200]}")


def _since(mark: float) -> float:
    return (time.perf_counter() - mark) * 1000
