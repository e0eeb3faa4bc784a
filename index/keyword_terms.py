"""Each chunk's BM25 terms, kept beside the keyword index, so that an ingest rebuilds BM25 without
re-reading or re-tokenising the chunks it already holds.

bm25s cannot add documents to an index: every score depends on the corpus' size, average length
and document frequencies, which any new chunk changes. What can be kept is the expensive part
before the scores: the chunks' tokens. An ingest tokenises only the chunks it embeds, takes the
rest from the saved terms (dropping the sources that left), and computes every BM25 score in a
few array operations (the same formula and float32 results as bm25s' own build, tested).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.chunking import plain
from index.keyword import KeywordIndex, surface_words, terms
from index.store import VectorStore

if TYPE_CHECKING:
    import bm25s

log = logging.getLogger(__name__)

EMPTY = "<empty>"  # the one term of a chunk with none (bm25s needs every document to hold a term)
FILE = "terms"  # terms.json (strings) and terms.npz (arrays) in the keyword index's version folder
K1, B = 1.5, 0.75  # bm25s' defaults (method "lucene"), which KeywordIndex.build uses


class ChunkText(Protocol):
    """What tokenising needs of a chunk (an `index.chunking.Chunk` or a stored one)."""

    @property
    def id(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def section_title(self) -> str: ...
    @property
    def text(self) -> str: ...


def keyword_text(chunk: ChunkText) -> str:
    """The text BM25 indexes for a chunk: its section's title, then its own text."""
    return plain(f"{chunk.section_title}\n{chunk.text}")


@dataclass
class _Packed:
    """Rows of ids into `vocab`, one row per chunk, flattened: row i is values[offsets[i]:offsets[i+1]]."""

    vocab: list[str]
    values: np.ndarray  # int32
    offsets: np.ndarray  # int64, one more than rows

    @classmethod
    def empty(cls) -> _Packed:
        return cls([], np.zeros(0, np.int32), np.zeros(1, np.int64))

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def select(self, keep: np.ndarray) -> _Packed:
        """The rows where `keep` is true; words no row holds any more leave the vocabulary."""
        used, values = np.unique(self.values[np.repeat(keep, self.lengths)], return_inverse=True)
        offsets = np.concatenate([[0], np.cumsum(self.lengths[keep])]).astype(np.int64)
        return _Packed([self.vocab[i] for i in used], values.astype(np.int32), offsets)

    def extend(self, rows: Iterable[Sequence[str]]) -> _Packed:
        index = {word: i for i, word in enumerate(self.vocab)}
        vocab = list(self.vocab)
        flat: list[int] = []
        lengths: list[int] = []
        for row in rows:
            for word in row:
                if word not in index:
                    index[word] = len(vocab)
                    vocab.append(word)
                flat.append(index[word])
            lengths.append(len(row))
        values = np.concatenate([self.values, np.asarray(flat, np.int32)])
        offsets = np.concatenate([self.offsets, self.offsets[-1] + np.cumsum(lengths, dtype=np.int64)])
        return _Packed(vocab, values, offsets)

    def counts(self) -> dict[str, int]:
        """Rows holding each word (rows hold each word once)."""
        found = np.bincount(self.values, minlength=len(self.vocab))
        return {self.vocab[i]: int(found[i]) for i in np.flatnonzero(found)}


@dataclass
class ChunkTerms:
    """The BM25 terms and the distinct surface words (for `KeywordIndex.vocabulary`) of each chunk."""

    ids: list[str]
    sources: list[str]
    terms: _Packed
    words: _Packed

    @classmethod
    def empty(cls) -> ChunkTerms:
        return cls([], [], _Packed.empty(), _Packed.empty())

    @classmethod
    def from_chunks(cls, chunks: Iterable[ChunkText]) -> ChunkTerms:
        out = cls.empty()
        out.extend(chunks)
        return out

    def extend(self, chunks: Iterable[ChunkText]) -> None:
        """Tokenise `chunks` and add them."""
        rows = [(c.id, c.source_id, keyword_text(c)) for c in chunks]
        self.ids += [chunk_id for chunk_id, _, _ in rows]
        self.sources += [source_id for _, source_id, _ in rows]
        self.terms = self.terms.extend(terms(text) or [EMPTY] for _, _, text in rows)
        self.words = self.words.extend(list(dict.fromkeys(surface_words(text))) for _, _, text in rows)

    def keeping(self, sources: set[str]) -> ChunkTerms:
        keep = np.fromiter((s in sources for s in self.sources), dtype=bool, count=len(self.sources))
        rows = np.flatnonzero(keep)
        return ChunkTerms(
            [self.ids[i] for i in rows],
            [self.sources[i] for i in rows],
            self.terms.select(keep),
            self.words.select(keep),
        )

    def per_source(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for source in self.sources:
            counts[source] = counts.get(source, 0) + 1
        return counts

    def save(self, folder: Path) -> None:
        """Arrays first, strings last (each written whole, then renamed): `load` checks they agree."""
        with (folder / f"{FILE}.npz.tmp").open("wb") as out:
            np.savez(out, terms=self.terms.values, term_offsets=self.terms.offsets,
                     words=self.words.values, word_offsets=self.words.offsets)  # fmt: skip
        os.replace(folder / f"{FILE}.npz.tmp", folder / f"{FILE}.npz")
        strings = {"ids": self.ids, "sources": self.sources, "terms": self.terms.vocab, "words": self.words.vocab}
        (folder / f"{FILE}.json.tmp").write_text(json.dumps(strings))
        os.replace(folder / f"{FILE}.json.tmp", folder / f"{FILE}.json")

    @classmethod
    def load(cls, folder: Path) -> ChunkTerms | None:
        """The terms saved with a keyword index, or None (an index saved before they were kept)."""
        try:
            strings = json.loads((folder / f"{FILE}.json").read_text())
            with np.load(folder / f"{FILE}.npz") as arrays:
                term_rows = _Packed(strings["terms"], arrays["terms"], arrays["term_offsets"])
                word_rows = _Packed(strings["words"], arrays["words"], arrays["word_offsets"])
        except (OSError, ValueError, KeyError):
            return None
        rows = len(strings["ids"])
        if not rows == len(strings["sources"]) == len(term_rows.offsets) - 1 == len(word_rows.offsets) - 1:
            return None
        return cls(strings["ids"], strings["sources"], term_rows, word_rows)

    def index(self) -> KeywordIndex:
        """The BM25 index of these chunks (what `KeywordIndex.build` makes of their texts)."""
        if not self.ids:
            return KeywordIndex([], None)
        return KeywordIndex(list(self.ids), bm25(self.terms), self.words.counts())


def bm25(rows: _Packed) -> bm25s.BM25:
    """A bm25s index of the term rows, as `bm25s.BM25().index(rows)` builds it, in array operations.

    bm25s' own build loops over the documents in Python (about 10 s a million chunks here twice
    over); this computes the same float32 scores (Lucene's BM25, k1 1.5, b 0.75) column by column.
    """
    import bm25s

    documents = len(rows.offsets) - 1
    lengths = rows.lengths
    used, column_of = np.unique(rows.values, return_inverse=True)  # terms no row holds any more drop out
    pairs, tf = np.unique(column_of.astype(np.int64) * documents + np.repeat(np.arange(documents), lengths),
                          return_counts=True)  # fmt: skip
    column, row = pairs // documents, pairs % documents  # sorted by term, then document: CSC order
    df = np.bincount(column, minlength=len(used))
    idf = np.log(1 + (documents - df + 0.5) / (df + 0.5)).astype(np.float32)
    tfc = tf / (K1 * ((1 - B) + B * lengths[row] / lengths.mean()) + tf)
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.scores = {
        "data": (idf[column].astype(np.float64) * tfc).astype(np.float32),
        "indices": row.astype(np.int32),
        "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
        "num_docs": documents,
    }
    retriever.vocab_dict = {rows.vocab[term]: i for i, term in enumerate(used)}
    retriever.vocab_dict[""] = len(used)  # what bm25s adds for queries without a known term
    retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
    retriever.nonoccurrence_array = None
    return retriever


STORE_SCAN = 50  # more sources than this to read from the store: one pass over it beats a query per source


def _stored(store: VectorStore, sources: set[str]) -> list[ChunkText]:
    if len(sources) > STORE_SCAN:
        return [c for c in store.all_chunks() if c.source_id in sources]
    return [c for s in sorted(sources) for c in store.get_chunks(sorted(store.chunk_ids(s)))]


def refresh(folder: Path, store: VectorStore, expected: Mapping[str, int], fresh: Sequence[ChunkText]) -> KeywordIndex:
    """BM25 over the chunks of the sources in `expected` (source id -> chunk count), saved in `folder`.

    `fresh` chunks (just embedded) are tokenised now; the others come from the terms saved with the
    current index. A source those lack, or hold a different number of chunks of, is read from
    `store`: the first refresh of an index saved before terms were kept reads them all, once.
    """
    current = KeywordIndex.load(folder)
    version = KeywordIndex.current_folder(folder)
    saved = ChunkTerms.load(version) if version is not None and current is not None else None
    renewed = {c.source_id for c in fresh}
    chunk_terms = (saved or ChunkTerms.empty()).keeping(set(expected) - renewed)
    chunk_terms.extend(fresh)
    held = chunk_terms.per_source()
    missing = {source for source, count in expected.items() if count and held.get(source, 0) != count}
    if missing:
        log.info("keyword index: reading %d source(s) from the store (terms not kept for them)", len(missing))
        chunk_terms = chunk_terms.keeping(set(expected) - missing)
        chunk_terms.extend(_stored(store, missing))
    if current is not None and version is not None and sorted(current.ids) == sorted(chunk_terms.ids):
        # Chunk ids name their text (index/chunking.py): the same ids are the same index.
        if saved is None:
            chunk_terms.save(version)  # files readers never open: the index they read is untouched
        return current
    index = chunk_terms.index()
    index.save(folder, beside=chunk_terms.save)
    return index
