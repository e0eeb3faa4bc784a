"""What reading an index needs, as protocols: one collection and a group of collections both fit.

`VectorStore`, `KeywordIndex` and `Catalog` read one collection; `StoreGroup`, `KeywordGroup` and
`CatalogGroup` (`--collection all`) read several as one. Retrieval, answering and the UI are typed
against these protocols, so either can be handed to them; writing (ingest) is for one collection
only and uses the concrete classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from index.catalog import Source, SourceRecord
from index.store import SentenceVectors, StoredChunk


class StoreReader(Protocol):
    """Chunks and sentence vectors, searched by embedding."""

    def count(self) -> int: ...

    def query(self, vector: np.ndarray, n: int) -> list[StoredChunk]: ...

    def query_sentences(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]: ...

    def similarities(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]: ...

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]: ...

    def section_spans(self, source_id: str, section: int) -> list[tuple[int, int]]: ...

    def chunk_vectors(self, source_ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def all_chunks(self) -> list[StoredChunk]: ...

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> SentenceVectors: ...

    def source_sentences(self, source_id: str) -> SentenceVectors: ...


class KeywordReader(Protocol):
    """BM25 over chunk ids."""

    @property
    def ids(self) -> list[str]: ...

    @property
    def vocabulary(self) -> dict[str, int]: ...

    def search(self, query: str, k: int) -> list[tuple[str, float]]: ...

    def idf(self, term: str) -> float: ...

    def unknown_words(self, query: str) -> list[str]: ...


class CatalogReader(Protocol):
    """The indexed documents: their records, metadata and texts."""

    @property
    def records(self) -> dict[str, SourceRecord]: ...

    def indexed(self) -> list[SourceRecord]: ...

    def by_id(self) -> dict[str, SourceRecord]: ...

    def sources(self) -> list[Source]: ...

    def text(self, source_id: str) -> str: ...
