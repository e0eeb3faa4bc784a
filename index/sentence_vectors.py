"""Vectors for a document's chunks and for every sentence in them, as ingest stores them.

Two ways, chosen by `Settings.sentence_vectors`:
- "separate": each sentence embedded on its own, in the same length-sorted batches as the chunks;
- "late" (late chunking): one pass per chunk; a sentence's vector is the mean of the chunk's token
  states over the sentence's word pieces, so it carries its context and costs no second pass. A
  sentence the chunk's text does not hold verbatim (Markdown cleaned differently) or that falls
  beyond the window is embedded on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.chunking import Chunk, plain
from index.embeddings import Embedder
from index.sentences import sentence_spans

SentenceRow = tuple[str, str, int, int]  # chunk id, source id, start, end (offsets into the document)


def sentence_rows(text: str, chunks: Sequence[Chunk]) -> list[SentenceRow]:
    return [
        (chunk.id, chunk.source_id, ss, se)
        for chunk in chunks
        for s, e in chunk.spans
        for ss, se in sentence_spans(text, s, e)
    ]


def _located(embedding_text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where each sentence lies in its chunk's embedding text, in order; (0, 0) when it is not there."""
    spans, cursor = [], 0
    for sentence in sentences:
        at = embedding_text.find(sentence, cursor)
        if at < 0:
            spans.append((0, 0))
            continue
        spans.append((at, at + len(sentence)))
        cursor = at + len(sentence)
    return spans


def embed_document(
    embedder: Embedder, text: str, chunks: Sequence[Chunk], mode: str
) -> tuple[np.ndarray, list[SentenceRow], np.ndarray]:
    """(chunk vectors, sentence rows, sentence vectors) for the chunks of one document."""
    rows = sentence_rows(text, chunks)
    sentence_texts = [plain(text[s:e]) for _, _, s, e in rows]
    chunk_texts = [c.embedding_text() for c in chunks]
    if mode == "separate":
        # One call: the batches are sorted by length, so chunks and sentences pad little.
        vectors = embedder.embed(chunk_texts + sentence_texts)
        return vectors[: len(chunks)], rows, vectors[len(chunks) :]
    by_chunk: dict[str, list[int]] = {}
    for i, (chunk_id, _, _, _) in enumerate(rows):
        by_chunk.setdefault(chunk_id, []).append(i)
    spans = [
        _located(t, [sentence_texts[i] for i in by_chunk.get(c.id, [])])
        for c, t in zip(chunks, chunk_texts, strict=True)
    ]
    chunk_vectors, pooled = embedder.embed_with_spans(chunk_texts, spans)
    sentence_vectors = np.empty((len(rows), embedder.dimension), dtype=np.float32)
    missing: list[int] = []
    for chunk, chunk_pooled in zip(chunks, pooled, strict=True):
        for i, vector in zip(by_chunk.get(chunk.id, []), chunk_pooled, strict=True):
            if vector is None:
                missing.append(i)
            else:
                sentence_vectors[i] = vector
    if missing:
        sentence_vectors[missing] = embedder.embed([sentence_texts[i] for i in missing])
    return chunk_vectors, rows, sentence_vectors
