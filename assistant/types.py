"""The data that crosses the API boundary: answers, citations and search hits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from index.catalog import Source

MAX_SEARCH_K = 50  # the most passages one search returns (the ceiling RECAP_TOP_K has too)


@dataclass(frozen=True)
class Citation:
    """Citation `n` backs the answer's `[n]` markers with `quote`, verbatim text of `source`."""

    n: int
    source: Source
    quote: str
    section: str
    chunk_id: str
    score: float
    start: int = -1  # offset of `quote` in the source document's text
    end: int = -1


@dataclass(frozen=True)
class Hit:
    """A retrieved passage."""

    text: str
    source: Source
    section: str
    score: float
    chunk_id: str = ""
    start: int = -1  # the span of the source document's text the passage covers
    end: int = -1

    def to_json(self) -> dict[str, Any]:
        """One row of `recap search --json`: the passage and where it comes from (also the metadata
        of a LangChain `Document` from `Assistant.as_retriever()`, and a hit of the MCP `search` tool)."""
        return {
            "text": self.text,
            "title": self.source.title,
            "author": self.source.author,
            "publisher": self.source.publisher,
            "date": self.source.date,
            "url": self.source.url,
            "section": self.section,
            "source_id": self.source.id,
            "chunk_id": self.chunk_id,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
        }


@dataclass
class CitationCheck:
    """What verification did to the citations of a generated answer."""

    checked: int = 0
    kept: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    abstained: bool
    backend: str
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    question: str = ""
    notice: str = ""  # e.g. why the extractive backend answered instead of Ollama
    verification: CitationCheck = field(default_factory=CitationCheck)

    def to_json(self) -> dict[str, Any]:
        """The `recap ask --json` shape."""
        return {
            "answer": self.text,
            "citations": [
                {
                    "n": c.n,
                    "title": c.source.title,
                    "author": c.source.author,
                    "publisher": c.source.publisher,
                    "date": c.source.date,
                    "url": c.source.url,
                    "quote": c.quote,
                    "section": c.section,
                    "source_id": c.source.id,
                    "score": round(c.score, 4),
                }
                for c in self.citations
            ],
            "abstained": self.abstained,
            "backend": self.backend,
            "notice": self.notice,
            "verification": asdict(self.verification),
            "timings_ms": {k: round(v, 1) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class Provisional:
    """The answer to show while a model writes the real one: the extractive quotes for the question.

    An `AnswerStream` from a model carries one before the model's first word; the final `Answer`
    replaces it (and is the same quotes, with a notice, if the model fails).
    """

    answer: Answer


AnswerPart = (
    str | Provisional | Answer
)  # what an answerer yields: text deltas, at most one Provisional, then one Answer
