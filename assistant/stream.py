"""`AnswerStream`: an answer as it is produced. Iterate it for text, then read the final `Answer`.

The CLI prints the text as it arrives, the web UI redraws the chat bubble, and `Assistant.ask`
only wants the end: all three read the same object, as simonw/llm's `Response` is read.
The final `Answer` is what counts: when a model fails mid-answer, its text supersedes what was
streamed (`superseded` says so).

Answer first, then the model: when a model writes the answer, the stream first carries a
provisional answer, the extractive quotes, ready before the model is even asked. Plain iteration
never yields it (the text deltas are the model's alone, so joining them still gives the answer); a
reader that can show it reads `events()`, which yields it as a `Provisional` before the first
delta, or reads `provisional` once iteration has begun.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from assistant.types import Answer, AnswerPart, Provisional
from index.errors import RecapError


class AnswerStream:
    """Wraps an answerer's parts: at most one `Provisional`, `str` deltas, then one `Answer`."""

    def __init__(self, parts: Iterable[AnswerPart]) -> None:
        self._parts = iter(parts)
        self._read: list[AnswerPart] = []  # every part so far, in order, so that reading again replays
        self._chunks: list[str] = []
        self._provisional: Answer | None = None
        self._answer: Answer | None = None
        self._done = False

    def events(self) -> Iterator[AnswerPart]:
        """Every part in order: the `Provisional` answer (if any), the text deltas, the final `Answer`.

        Reading again replays what was produced, then goes on where the last reader stopped.
        """
        position = 0
        while True:
            if position < len(self._read):
                yield self._read[position]
                position += 1
                continue
            if self._done:
                return
            part = next(self._parts, None)
            if part is None:
                self._done = True
                return
            self._read.append(part)
            if isinstance(part, Provisional):
                self._provisional = part.answer
            elif isinstance(part, Answer):
                self._answer = part
            else:
                self._chunks.append(part)

    def __iter__(self) -> Iterator[str]:
        """The text as it is produced; iterating again replays what was produced."""
        for part in self.events():
            if isinstance(part, str):
                yield part

    def answer(self) -> Answer:
        """The final answer, reading the rest of the stream first if need be."""
        for _ in self.events():
            pass
        if self._answer is None:  # an answerer always ends with an Answer; this guards a broken one
            raise RecapError("the answer stream ended without an answer")
        return self._answer

    @property
    def provisional(self) -> Answer | None:
        """The quotes shown while a model writes (None when nothing had to wait: no model, or an abstention)."""
        return self._provisional

    @property
    def text(self) -> str:
        """What has been streamed so far."""
        return "".join(self._chunks)

    @property
    def superseded(self) -> bool:
        """True when the final answer is not the text that was streamed (the model failed mid-answer)."""
        return bool(self.text.strip()) and self.text.strip() != self.answer().text.strip()
