"""recap inside a user's own LangChain chain: a `BaseRetriever` and a `Runnable`.

`Assistant.as_retriever()` and `Assistant.as_runnable()` build these. They are typed against the two
methods they call (`search`, `stream`), not against `Assistant`, so this module does not import it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Protocol, Required, cast, runtime_checkable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs typing_extensions' TypedDict before 3.12

from assistant.aio import answer_parts
from assistant.stream import AnswerStream
from assistant.types import MAX_SEARCH_K, Answer, Hit
from index.errors import BadQuestionError


@runtime_checkable
class Searcher(Protocol):
    """What the retriever needs: `Assistant.search`."""

    def search(self, query: str, k: int = 5) -> list[Hit]: ...


class Streamer(Protocol):
    """What the runnable needs: `Assistant.stream`."""

    def stream(self, question: str, history: Sequence[Any] | None = None) -> AnswerStream: ...


class RecapInput(TypedDict, total=False):
    """The runnable's input. `history`: earlier turns, as (role, text) pairs or {"role", "content"} dicts."""

    question: Required[str]
    history: Sequence[Any]


def hit_document(hit: Hit) -> Document:
    """A passage as a LangChain `Document`: its text, and a `recap search --json` row as metadata."""
    metadata = hit.to_json()
    text = metadata.pop("text")
    return Document(page_content=text, metadata=metadata, id=hit.chunk_id or None)


class RecapRetriever(BaseRetriever):
    """recap's hybrid retrieval (dense + sentence + BM25, fused, a seat per source) as a LangChain
    retriever. `invoke`, `batch`, `ainvoke` and `abatch` work; the async ones search in a worker thread."""

    searcher: Searcher
    k: int = Field(default=5, ge=1, le=MAX_SEARCH_K, description="How many passages to return.")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_document(hit) for hit in self.searcher.search(query, k=self.k)]


def read_input(value: RecapInput | str) -> tuple[str, Sequence[Any]]:
    """The question and history of a runnable input (a bare string is a question without history)."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, Mapping) or not isinstance(value.get("question"), str):
        raise BadQuestionError(
            'recap\'s runnable takes {"question": str, "history": [...]} or a question string, '
            f"not {type(value).__name__}{' without a string question' if isinstance(value, Mapping) else ''}"
        )
    history = value.get("history") or []
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise BadQuestionError("history must be a list of (role, text) pairs or {'role', 'content'} messages")
    return value["question"], history


class RecapRunnable(Runnable[RecapInput | str, dict[str, Any] | str]):
    """Cited answers as a LangChain `Runnable`: `{"question", "history"}` in, the `recap ask --json`
    dict out. `stream` and `astream` give the answer's text as it is produced (what iterating
    `Assistant.stream` gives), then that dict. `invoke`, `batch`, `ainvoke`, `abatch` work too;
    the async methods answer in a worker thread."""

    def __init__(self, answers: Streamer) -> None:
        self.answers = answers

    def get_name(self, suffix: str | None = None, *, name: str | None = None) -> str:
        return super().get_name(suffix, name=name or "recap")

    def invoke(self, input: RecapInput | str, config: RunnableConfig | None = None, **kwargs: Any) -> dict[str, Any]:
        # Output is `dict | str` because streams yield text first; a whole answer is always the dict.
        return cast(dict[str, Any], self._call_with_config(self._answer, input, config, run_type="chain"))

    async def ainvoke(
        self, input: RecapInput | str, config: RunnableConfig | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return cast(dict[str, Any], await self._acall_with_config(self._aanswer, input, config, run_type="chain"))

    def stream(
        self, input: RecapInput | str, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> Iterator[dict[str, Any] | str]:
        yield from self._transform_stream_with_config(iter([input]), self._parts, config, run_type="chain")

    async def astream(
        self, input: RecapInput | str, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> AsyncIterator[dict[str, Any] | str]:
        async for part in self._atransform_stream_with_config(_once(input), self._aparts, config, run_type="chain"):
            yield part

    def _answer(self, value: RecapInput | str) -> dict[str, Any]:
        return self.answers.stream(*read_input(value)).answer().to_json()

    async def _aanswer(self, value: RecapInput | str) -> dict[str, Any]:
        return await asyncio.to_thread(self._answer, value)

    def _parts(self, inputs: Iterator[RecapInput | str]) -> Iterator[dict[str, Any] | str]:
        values = list(inputs)  # one input, as in `_aparts`
        stream = self.answers.stream(*read_input(values[-1] if values else ""))
        yield from stream
        yield stream.answer().to_json()

    async def _aparts(self, inputs: AsyncIterator[RecapInput | str]) -> AsyncIterator[dict[str, Any] | str]:
        # One input (the default `atransform` has merged any chunks); empty reads as an empty question.
        values = [value async for value in inputs]
        stream = await asyncio.to_thread(self.answers.stream, *read_input(values[-1] if values else ""))
        async for part in answer_parts(stream):
            yield part.to_json() if isinstance(part, Answer) else part


async def _once(value: RecapInput | str) -> AsyncIterator[RecapInput | str]:
    yield value
