"""Chroma, embedded or server: the chunk collection and the sentence collection beside it.

Embeddings are always passed in explicitly; Chroma's default embedding function (which downloads
a model) is never used.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlparse

import numpy as np

from index.chunking import Chunk
from index.embeddings import empty_vectors
from index.errors import IndexNotReadyError
from index.settings import Settings

if TYPE_CHECKING:  # chromadb takes most of a second to import: only a command that reads the index pays it
    import chromadb
    from chromadb.api.collection_configuration import CreateCollectionConfiguration
    from chromadb.api.types import Where
    from chromadb.config import System

log = logging.getLogger(__name__)
T = TypeVar("T")
COSINE: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}


def _one_of(values: Sequence[str], field: str) -> Where:
    """A filter matching `field` equal to any of `values`."""
    return cast("Where", {field: {"$in": list(values)}})


def _first_query(rows: list[list[T]] | None) -> list[T]:
    """The results for our one query vector (Chroma answers a list per query)."""
    return rows[0] if rows else []


def _meta_int(meta: Mapping[str, Any], key: str) -> int:
    return int(meta[key])


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    source_id: str
    section: int
    section_title: str
    spans: tuple[tuple[int, int], ...]
    similarity: float = 0.0

    @classmethod
    def from_chroma(cls, chunk_id: str, text: str, meta: Mapping[str, Any], similarity: float = 0.0) -> StoredChunk:
        return cls(
            id=chunk_id,
            text=text,
            source_id=str(meta["source_id"]),
            section=int(meta["section"]),
            section_title=str(meta.get("section_title", "")),
            spans=tuple(tuple(s) for s in json.loads(str(meta["spans"]))),
            similarity=similarity,
        )


@dataclass(frozen=True)
class SentenceVectors:
    chunk_ids: list[str]
    spans: list[tuple[int, int]]
    source_ids: list[str]
    vectors: np.ndarray


class _SystemUsers:
    """Which embedded Chroma systems are in use, so that one retired by a fresh reopen is stopped
    (and the vectors it loaded freed) once the last store reading from it is gone.

    Without this, a long-running `recap serve` kept every version of the index it ever loaded: one
    more per ingest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[int, int] = {}  # id(system) -> live VectorStores on it
        self._retired: dict[int, System] = {}  # out of Chroma's cache, still read by some store

    def attach(self, store: VectorStore, client: chromadb.ClientAPI) -> None:
        identifier = getattr(client, "_identifier", None)
        system = _chroma_cache().get(identifier) if isinstance(identifier, str) else None
        if system is None:  # a server's client: nothing of ours to free
            return
        with self._lock:
            self._stores[id(system)] = self._stores.get(id(system), 0) + 1
        weakref.finalize(store, self._detach, id(system))

    def _detach(self, system_id: int) -> None:
        with self._lock:
            left = self._stores[system_id] = self._stores[system_id] - 1
            if left:
                return
            del self._stores[system_id]
            system = self._retired.pop(system_id, None)
        if system is not None:
            _stop(system)

    def retire(self, system: System) -> None:
        with self._lock:
            if self._stores.get(id(system)):
                self._retired[id(system)] = system
                return
        _stop(system)

    def retired(self) -> int:
        """How many retired systems are still running (their stores are alive)."""
        with self._lock:
            return len(self._retired)


def _chroma_cache() -> dict[str, System]:
    # chromadb's private per-path cache of systems (no public way to ask which system a client uses).
    from chromadb.api.client import SharedSystemClient

    return getattr(SharedSystemClient, "_identifier_to_system", {})


def _stop(system: System) -> None:
    try:
        system.stop()
        log.debug("stopped a retired Chroma system")
    except Exception:  # freeing memory must never fail a reader
        log.warning("could not stop a retired Chroma system", exc_info=True)


system_users = _SystemUsers()


def make_client(settings: Settings, fresh: bool = False) -> chromadb.ClientAPI:
    """A client for the configured store. `fresh` matters for the embedded store only: see below."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexNotReadyError(
                f"RECAP_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
            )
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path().mkdir(parents=True, exist_ok=True)
    if fresh:
        # Chroma shares one in-memory system per path within a process, and that system keeps
        # serving the vectors it loaded: another process's ingest stays invisible to it. Dropping it
        # from the cache makes the next client load the index from disk again; the old system is
        # stopped once no store reads from it any more.
        retired = _chroma_cache().pop(str(settings.chroma_path()), None)
        if retired is not None:
            system_users.retire(retired)
    return chromadb.PersistentClient(path=str(settings.chroma_path()), settings=chroma_settings)


class VectorStore:
    """Chunks and their sentences for one collection."""

    def __init__(self, settings: Settings, client: chromadb.ClientAPI | None = None, fresh: bool = False) -> None:
        self.client = client or make_client(settings, fresh=fresh)
        system_users.attach(self, self.client)
        self.chunks = self.client.get_or_create_collection(
            f"{settings.collection}-chunks", embedding_function=None, configuration=COSINE
        )
        self.sentences = self.client.get_or_create_collection(
            f"{settings.collection}-sentences", embedding_function=None, configuration=COSINE
        )
        self._batch = max(1, min(self.client.get_max_batch_size(), 2000))

    def count(self) -> int:
        return self.chunks.count()

    def add(
        self,
        chunks: Sequence[Chunk],
        chunk_vectors: np.ndarray,
        sentences: Sequence[tuple[str, str, int, int]],
        sentence_vectors: np.ndarray,
    ) -> None:
        """Upsert chunks, then their sentences given as (chunk_id, source_id, start, end)."""
        for i in range(0, len(chunks), self._batch):
            part = chunks[i : i + self._batch]
            self.chunks.upsert(
                ids=[c.id for c in part],
                embeddings=chunk_vectors[i : i + self._batch],
                documents=[c.text for c in part],
                metadatas=[
                    {
                        "source_id": c.source_id,
                        "chunk_index": c.index,
                        "section": c.section,
                        "section_title": c.section_title,
                        "start": c.start,
                        "end": c.end,
                        "spans": json.dumps(c.spans),
                    }
                    for c in part
                ],
            )
        for i in range(0, len(sentences), self._batch):
            part_s = sentences[i : i + self._batch]
            self.sentences.upsert(
                ids=[f"{cid}#{start}" for cid, _, start, _ in part_s],
                embeddings=sentence_vectors[i : i + self._batch],
                metadatas=[{"chunk_id": cid, "source_id": sid, "start": s, "end": e} for cid, sid, s, e in part_s],
            )

    def delete_source(self, source_id: str) -> None:
        self.chunks.delete(where={"source_id": source_id})
        self.sentences.delete(where={"source_id": source_id})

    def delete_chunks(self, ids: Sequence[str]) -> None:
        """Remove these chunks and their sentences."""
        ids = list(ids)
        for i in range(0, len(ids), self._batch):
            part = ids[i : i + self._batch]
            self.sentences.delete(where=_one_of(part, "chunk_id"))
            self.chunks.delete(ids=part)

    def source_counts(self) -> dict[str, int]:
        """Chunks held per source id: what the index really holds, whatever the catalog says."""
        counts: dict[str, int] = {}
        offset = 0
        while True:
            res = self.chunks.get(include=["metadatas"], limit=self._batch, offset=offset)
            if not res["ids"]:
                return counts
            for meta in res["metadatas"] or []:
                source_id = str((meta or {}).get("source_id", ""))
                counts[source_id] = counts.get(source_id, 0) + 1
            offset += len(res["ids"])

    def chunk_ids(self, source_id: str) -> set[str]:
        return set(self.chunks.get(where={"source_id": source_id}, include=[])["ids"])

    def query(self, vector: np.ndarray, n: int) -> list[StoredChunk]:
        total = self.count()
        if total == 0:
            return []
        res = self.chunks.query(
            query_embeddings=[vector], n_results=min(n, total), include=["documents", "metadatas", "distances"]
        )
        # A hit without metadata was deleted by another process after this client loaded its vectors
        # (the reader reopens the store when it sees the new catalog); it is not there any more.
        return [
            StoredChunk.from_chroma(cid, doc or "", meta, 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                _first_query(res["ids"]),
                _first_query(res["documents"]),
                _first_query(res["metadatas"]),
                _first_query(res["distances"]),
                strict=True,
            )
            if meta
        ]

    def query_sentences(self, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(chunk id, similarity) of the chunks holding the sentences nearest `vector`, best first."""
        total = self.sentences.count()
        if total == 0:
            return []
        res = self.sentences.query(
            query_embeddings=[vector], n_results=min(n, total), include=["metadatas", "distances"]
        )
        best: dict[str, float] = {}
        for meta, dist in zip(_first_query(res["metadatas"]), _first_query(res["distances"]), strict=True):
            if meta:  # see query(): deleted by another process since this client loaded its vectors
                best.setdefault(str(meta["chunk_id"]), 1.0 - float(dist))
        return list(best.items())

    def similarities(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity of `vector` to each stored chunk in `ids`."""
        if not ids:
            return {}
        res = self.chunks.get(ids=list(ids), include=["embeddings"])
        matrix = np.asarray(res["embeddings"], dtype=np.float32)
        return {cid: float(matrix[i] @ vector) for i, cid in enumerate(res["ids"])}

    def chunk_vectors(self, source_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of each source's chunks (sources holding none are left out)."""
        found: dict[str, list[np.ndarray]] = {}
        ids = list(source_ids)
        step = 64  # sources per request: their chunks' vectors come back in one piece
        for i in range(0, len(ids), step):
            res = self.chunks.get(where=_one_of(ids[i : i + step], "source_id"), include=["metadatas", "embeddings"])
            vectors = res["embeddings"] if res["embeddings"] is not None else []
            for meta, vector in zip(res["metadatas"] or [], vectors, strict=True):
                if meta:
                    found.setdefault(str(meta["source_id"]), []).append(np.asarray(vector, dtype=np.float32))
        return {sid: np.stack(vectors) for sid, vectors in found.items()}

    def section_spans(self, source_id: str, section: int) -> list[tuple[int, int]]:
        """Every span of one section of one document, in document order."""
        res = self.chunks.get(where={"$and": [{"source_id": source_id}, {"section": section}]}, include=["metadatas"])
        return sorted(tuple(span) for meta in res["metadatas"] or [] if meta for span in json.loads(str(meta["spans"])))

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        if not ids:
            return []
        res = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            cid: StoredChunk.from_chroma(cid, doc or "", meta)
            for cid, doc, meta in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=True)
            if meta
        }
        return [by_id[i] for i in ids if i in by_id]

    def all_chunks(self) -> list[StoredChunk]:
        out: list[StoredChunk] = []
        offset = 0
        while True:
            res = self.chunks.get(include=["documents", "metadatas"], limit=self._batch, offset=offset)
            if not res["ids"]:
                return out
            out.extend(
                StoredChunk.from_chroma(cid, doc or "", meta)
                for cid, doc, meta in zip(res["ids"], res["documents"] or [], res["metadatas"] or [], strict=True)
                if meta
            )
            offset += len(res["ids"])

    def source_sentences(self, source_id: str) -> SentenceVectors:
        """Every stored sentence of one source, with its vector."""
        return self._sentences({"source_id": source_id})

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> SentenceVectors:
        if not chunk_ids:
            return SentenceVectors([], [], [], empty_vectors())
        return self._sentences(_one_of(chunk_ids, "chunk_id"))

    def _sentences(self, where: Where) -> SentenceVectors:
        res = self.sentences.get(where=where, include=["metadatas", "embeddings"])
        metas = res["metadatas"] or []
        vectors = np.asarray(res["embeddings"], dtype=np.float32) if metas else empty_vectors()
        return SentenceVectors(
            chunk_ids=[str(m["chunk_id"]) for m in metas],
            spans=[(_meta_int(m, "start"), _meta_int(m, "end")) for m in metas],
            source_ids=[str(m["source_id"]) for m in metas],
            vectors=vectors,
        )
