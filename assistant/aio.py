"""Async bridges: recap's answer path is synchronous (Chroma, the embedder, ChatOllama's stream), so
async callers get it from a worker thread and the event loop keeps running meanwhile.

A whole stream is read by one thread: a LangChain stream sets context variables as it goes, and
moving it between threads part by part would split them across contexts.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

from assistant.stream import AnswerStream
from assistant.types import Answer

T = TypeVar("T")
# What the worker hands the loop: an item (in a 1-tuple, so any value passes), an error, or None at the end.
_Entry = tuple[T] | BaseException | None


async def iterate_in_thread(items: Iterable[T]) -> AsyncIterator[T]:
    """The items of a blocking iterable, produced by a worker thread as the loop awaits them.

    An exception in the iterable is raised here; if the caller stops early, the thread stops at its
    next item.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[_Entry[T]] = asyncio.Queue()
    stopped = threading.Event()

    def put(entry: _Entry[T]) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, entry)
        except RuntimeError:  # the loop closed under us: nobody is listening any more
            stopped.set()

    def produce() -> None:
        try:
            for item in items:
                if stopped.is_set():
                    return
                put((item,))
        except BaseException as exc:  # handed to the awaiting side, which raises it
            put(exc)
            return
        put(None)

    # Not awaited: the worker ends by itself, at the end of `items` or at its next item once stopped.
    loop.run_in_executor(None, contextvars.copy_context().run, produce)
    try:
        while (entry := await queue.get()) is not None:
            if isinstance(entry, BaseException):
                raise entry
            yield entry[0]
    finally:
        stopped.set()


async def answer_parts(stream: AnswerStream) -> AsyncIterator[str | Answer]:
    """What iterating `stream` yields, then its final `Answer`: `Assistant.astream` and the runnable's
    `astream` are both this, so they stream whatever `AnswerStream` does."""
    async for part in iterate_in_thread(stream):
        yield part
    yield stream.answer()  # the stream has been read to its end: this does not block
