"""Asking across every collection at once (`--collection all`).

Each collection keeps its own vectors, BM25 index and catalog; these groups present several of
them through the same methods retrieval and answering use on one, so nothing downstream changes.
Writing goes to one collection at a time: a group is read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.catalog import Catalog, Source, SourceRecord
from index.embeddings import empty_vectors
from index.keyword import KeywordIndex
from index.store import SentenceVectors, StoredChunk, VectorStore

ALL_COLLECTIONS = "all"


def collection_names(data_dir: Path) -> list[str]:
    """Collections with an index in `data_dir` (folders holding a catalog)."""
    if not data_dir.is_dir():
        return []
    return sorted(p.parent.name for p in data_dir.glob("*/catalog.json"))


class StoreGroup:
    """Several collections' vector stores, queried as one."""

    def __init__(self, stores: Sequence[VectorStore]) -> None:
        self.stores = list(stores)

    def count(self) -> int:
        return sum(s.count() for s in self.stores)

    def query(self, vector: np.ndarray, n: int) -> list[StoredChunk]:
        hits = [c for s in self.stores for c in s.query(vector, n)]
        return sorted(hits, key=lambda c: c.similarity, reverse=True)[:n]

    def query_sentences(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        hits = [h for s in self.stores for h in s.query_sentences(vector, n)]
        return sorted(hits, key=lambda h: h[1], reverse=True)[:n]

    def similarities(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        return {cid: sim for s in self.stores for cid, sim in s.similarities(ids, vector).items()}

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        by_id = {c.id: c for s in self.stores for c in s.get_chunks(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def chunk_vectors(self, source_ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {sid: v for s in self.stores for sid, v in s.chunk_vectors(source_ids).items()}

    def section_spans(self, source_id: str, section: int) -> list[tuple[int, int]]:
        return sorted(span for s in self.stores for span in s.section_spans(source_id, section))

    def all_chunks(self) -> list[StoredChunk]:
        return [c for s in self.stores for c in s.all_chunks()]

    def source_sentences(self, source_id: str) -> SentenceVectors:
        return _joined([s.source_sentences(source_id) for s in self.stores])

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> SentenceVectors:
        return _joined([s.sentence_vectors(chunk_ids) for s in self.stores])


class KeywordGroup:
    """Several BM25 indexes; scores are merged as they are (each index normalises its own corpus)."""

    def __init__(self, indexes: Sequence[KeywordIndex]) -> None:
        self.indexes = list(indexes)
        self.ids = [i for index in self.indexes for i in index.ids]
        self.vocabulary: dict[str, int] = {}
        for index in self.indexes:
            for word, count in index.vocabulary.items():
                self.vocabulary[word] = self.vocabulary.get(word, 0) + count

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        hits = [h for index in self.indexes for h in index.search(query, k)]
        return sorted(hits, key=lambda h: h[1], reverse=True)[:k]

    def idf(self, term: str) -> float:
        return max((index.idf(term) for index in self.indexes), default=0.0)

    def unknown_words(self, query: str) -> list[str]:
        """Words no collection contains."""
        unknown = [set(index.unknown_words(query)) for index in self.indexes]
        common = set.intersection(*unknown) if unknown else set()
        return [w for w in (unknown and self.indexes[0].unknown_words(query)) if w in common]


@dataclass
class CatalogGroup:
    """Several collections' catalogs, read as one."""

    catalogs: list[Catalog]

    @property
    def records(self) -> dict[str, SourceRecord]:
        return {key: r for c in self.catalogs for key, r in c.records.items()}

    def indexed(self) -> list[SourceRecord]:
        return [r for c in self.catalogs for r in c.indexed()]

    def by_id(self) -> dict[str, SourceRecord]:
        return {r.id: r for c in self.catalogs for r in c.records.values()}

    def sources(self) -> list[Source]:
        return [s for c in self.catalogs for s in c.sources()]

    def text(self, source_id: str) -> str:
        for catalog in self.catalogs:
            if catalog.text_path(source_id).exists():
                return catalog.text(source_id)
        raise KeyError(source_id)


def _joined(parts: list[SentenceVectors]) -> SentenceVectors:
    parts = [p for p in parts if p.chunk_ids]
    if not parts:
        return SentenceVectors([], [], [], empty_vectors())
    return SentenceVectors(
        chunk_ids=[c for p in parts for c in p.chunk_ids],
        spans=[sp for p in parts for sp in p.spans],
        source_ids=[sid for p in parts for sid in p.source_ids],
        vectors=np.concatenate([p.vectors for p in parts]),
    )
