"""The `Answerer` interface: what turns a question and an index view into an answer stream.

Two implementations: `ExtractiveAnswerer` (quotes, no model) and `GenerativeAnswerer` (a local
model through Ollama, every citation verified). `Assistant` asks `answerer_for` for one and
iterates it; it never needs to know which.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from assistant.backends import OLLAMA, Backend
from assistant.condense import Turn
from assistant.extractive import ExtractiveAnswerer
from assistant.types import AnswerPart
from assistant.view import IndexView
from index.embeddings import Embedder
from index.settings import Settings


class Answerer(Protocol):
    def stream(self, question: str, turns: Sequence[Turn], view: IndexView) -> Iterator[AnswerPart]:
        """Text deltas as they are produced, then exactly one final `Answer`; an answerer that makes the
        reader wait (a model) first yields a `Provisional` answer to show meanwhile."""
        ...


def answerer_for(backend: Backend, settings: Settings, embedder: Embedder) -> Answerer:
    """The answerer for the chosen backend."""
    if backend.kind == OLLAMA:
        # Imported here: LangChain costs half a second at start-up that extractive answers don't need.
        from assistant.generative import GenerativeAnswerer

        return GenerativeAnswerer(backend, settings, embedder)
    return ExtractiveAnswerer(settings, notice=backend.notice)
