"""`AnswerStream`: an answer as it is produced. Iterate it for text, then read the final `Answer`.

The CLI prints the text as it arrives, the web UI redraws the chat bubble, and `Assistant.ask`
only wants the end: all three read the same object, as simonw/llm's `Response` is read.
The final `Answer` is what counts: when a model fails mid-answer, its text supersedes what was
streamed (`superseded` says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from assistant.types import Answer
from index.errors import RecapError


class AnswerStream:
    """Wraps an answerer's parts (`str` deltas, then one `Answer`)."""

    def __init__(self, parts: Iterable[str | Answer]) -> None:
        self._parts = iter(parts)
        self._chunks: list[str] = []
        self._answer: Answer | None = None
        self._done = False

    def __iter__(self) -> Iterator[str]:
        """The text as it is produced; iterating again replays what was produced."""
        if self._done:
            yield from self._chunks
            return
        for part in self._parts:
            if isinstance(part, Answer):
                self._answer = part
                continue
            self._chunks.append(part)
            yield part
        self._done = True

    def answer(self) -> Answer:
        """The final answer, reading the rest of the stream first if need be."""
        for _ in self:
            pass
        if self._answer is None:  # an answerer always ends with an Answer; this guards a broken one
            raise RecapError("the answer stream ended without an answer")
        return self._answer

    @property
    def text(self) -> str:
        """What has been streamed so far."""
        return "".join(self._chunks)

    @property
    def superseded(self) -> bool:
        """True when the final answer is not the text that was streamed (the model failed mid-answer)."""
        return bool(self.text.strip()) and self.text.strip() != self.answer().text.strip()
