"""The async API never blocks the event loop: answers come from a worker thread while the loop runs.

The model is the Ollama-protocol server on 127.0.0.1 (tests/ollama_server.py) driven by the real
ChatOllama, made slow to answer so that a blocked loop would show as a long pause in a timer.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from ollama_server import Reply, ScriptedOllama
from test_generative import wasm_answer

from assistant import Answer, Assistant, BadQuestionError
from index.embeddings import Embedder
from index.settings import Settings

WASM = "What did people say about Wasm?"
THINKING = 1.5  # seconds the scripted model takes before its first token
TICK = 0.02  # the timer's interval
T = TypeVar("T")


class SlowModel:
    """The scripted model, thinking `THINKING` seconds per answer; notes when each request arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []

    def __call__(self, body: dict[str, Any]) -> Reply:
        self.arrivals.append(time.perf_counter())
        return Reply(wasm_answer(body), delay_first=THINKING)


@pytest.fixture
def slow_model(corpus_index: Path, embedder: Embedder) -> Iterator[tuple[Assistant, SlowModel]]:
    model = SlowModel()
    with ScriptedOllama(model) as server:
        settings = Settings(data_dir=corpus_index, llm="ollama:llama3.2", ollama_host=server.url)
        assistant = Assistant(settings, embedder=embedder, auto_ingest=False)
        assistant.search("Wasm", k=1)  # open the index and load the model before anything is timed
        yield assistant, model


async def ticking(work: Callable[[], Awaitable[T]]) -> tuple[T, list[float], float, float]:
    """Run `work` while a timer coroutine records when each of its ticks ran."""
    ticks: list[float] = []
    done = asyncio.Event()

    async def timer() -> None:
        while not done.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(TICK)

    task = asyncio.create_task(timer())
    await asyncio.sleep(TICK)
    started = time.perf_counter()
    result = await work()
    ended = time.perf_counter()
    done.set()
    await task
    return result, ticks, started, ended


def longest_pause(ticks: list[float], started: float, ended: float) -> float:
    during = [t for t in ticks if started - TICK <= t <= ended + TICK]
    return max(b - a for a, b in itertools.pairwise(during))


def test_two_concurrent_aasks_leave_the_loop_ticking(slow_model: tuple[Assistant, SlowModel]) -> None:
    assistant, model = slow_model

    async def both() -> list[Answer]:
        return list(await asyncio.gather(assistant.aask(WASM), assistant.aask(WASM)))

    answers, ticks, started, ended = asyncio.run(ticking(both))
    elapsed = ended - started
    for answer in answers:
        assert answer.backend == "ollama:llama3.2" and not answer.abstained and answer.citations
    assert answers[0].text == answers[1].text
    assert elapsed >= THINKING and len(model.arrivals) == 2  # the model really was slow, and asked twice ...
    gap = abs(model.arrivals[1] - model.arrivals[0])
    assert gap < THINKING, f"the second ask reached the model {gap:.2f} s after the first"  # ... at the same time
    pause = longest_pause(ticks, started, ended)
    assert pause < 0.5, f"the event loop stalled for {pause:.2f} s"  # a blocked loop stalls for the whole ask
    assert len([t for t in ticks if started <= t <= ended]) >= elapsed / (5 * TICK)


def test_astream_gives_the_text_as_it_comes_then_the_answer(slow_model: tuple[Assistant, SlowModel]) -> None:
    assistant, _ = slow_model

    async def parts() -> list[Any]:
        return [part async for part in assistant.astream(WASM)]

    received, ticks, started, ended = asyncio.run(ticking(parts))
    *texts, answer = received
    assert isinstance(answer, Answer) and answer.backend == "ollama:llama3.2"
    assert len(texts) > 1 and all(isinstance(t, str) for t in texts)  # the model's text, piece by piece
    assert "".join(texts) == answer.text
    assert longest_pause(ticks, started, ended) < 0.5


def test_runnable_astream_over_the_model(slow_model: tuple[Assistant, SlowModel]) -> None:
    assistant, _ = slow_model

    async def parts() -> list[Any]:
        return [part async for part in assistant.as_runnable().astream({"question": WASM})]

    *texts, final = asyncio.run(parts())
    assert len(texts) > 1 and "".join(texts) == final["answer"]
    assert final["backend"] == "ollama:llama3.2" and final["citations"]


def test_async_bad_question_is_a_recap_error(assistant: Assistant) -> None:
    with pytest.raises(BadQuestionError, match="needs a question"):
        asyncio.run(assistant.aask("   "))

    async def drain() -> None:
        async for _ in assistant.astream(""):
            pass

    with pytest.raises(BadQuestionError, match="needs a question"):
        asyncio.run(drain())
