"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank, then spread across sources.

"What did people say about X" should reach every recap that speaks of X, so the final selection
gives each relevant source a seat before any source gets a second one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from index.catalog import Source
from index.embeddings import Embedder
from index.keyword import KeywordIndex, expand
from index.store import StoredChunk, VectorStore

RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each ranking


@dataclass(frozen=True)
class Passage:
    chunk: StoredChunk
    source: Source
    similarity: float  # cosine similarity of query and chunk, in [-1, 1]
    fused: float  # reciprocal-rank-fusion score, used for ordering only


@dataclass(frozen=True)
class Retrieval:
    query: str
    query_vector: np.ndarray
    passages: list[Passage]
    unknown_words: list[str]  # content words of the query that no passage contains

    @property
    def best_similarity(self) -> float:
        return max((p.similarity for p in self.passages), default=0.0)


def rrf(rankings: list[list[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + 1.0 / (RRF_K + rank + 1)
    return scores


def diversify(ranked: list[Passage], k: int, source_floor: float) -> list[Passage]:
    """Top `k`, with one seat per relevant source first, then by rank with at most half the seats each."""
    chosen: list[Passage] = []
    seen_sources: set[str] = set()
    for p in ranked:
        if len(chosen) == k:
            break
        if p.source.id not in seen_sources and p.similarity >= source_floor:
            chosen.append(p)
            seen_sources.add(p.source.id)
    cap = max(1, math.ceil(k / 2))
    per_source = {s: 1 for s in seen_sources}
    for p in ranked:
        if len(chosen) == k:
            break
        if p in chosen or per_source.get(p.source.id, 0) >= cap:
            continue
        chosen.append(p)
        per_source[p.source.id] = per_source.get(p.source.id, 0) + 1
    return sorted(chosen, key=lambda p: p.fused, reverse=True)


class Retriever:
    def __init__(
        self,
        store: VectorStore,
        keyword: KeywordIndex,
        sources: dict[str, Source],
        embedder: Embedder,
        candidates: int,
        source_floor: float,
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.sources = sources
        self.embedder = embedder
        self.candidates = candidates
        self.source_floor = source_floor

    def retrieve(self, query: str, k: int) -> Retrieval:
        vector = self.embedder.embed_one(expand(query))
        dense = [c for c in self.store.query(vector, self.candidates) if c.source_id in self.sources]
        keyword_hits = self.keyword.search(query, self.candidates)
        by_id = {c.id: c for c in dense}
        missing = [cid for cid, _ in keyword_hits if cid not in by_id]
        for chunk, sim in zip(self.store.get_chunks(missing), self._similarities(missing, vector), strict=True):
            by_id[chunk.id] = StoredChunk(**{**chunk.__dict__, "similarity": sim})
        fused = rrf([[c.id for c in dense], [cid for cid, _ in keyword_hits if cid in by_id]])
        ranked = [
            Passage(
                chunk=by_id[cid],
                source=self.sources[by_id[cid].source_id],
                similarity=by_id[cid].similarity,
                fused=score,
            )
            for cid, score in sorted(fused.items(), key=lambda kv: kv[1], reverse=True)
            if by_id[cid].source_id in self.sources
        ]
        unknown = self.keyword.unknown_words(query)
        return Retrieval(query, vector, diversify(ranked, k, self.source_floor), unknown)

    def _similarities(self, ids: list[str], vector: np.ndarray) -> list[float]:
        if not ids:
            return []
        res = self.store.chunks.get(ids=ids, include=["embeddings"])
        order = {cid: i for i, cid in enumerate(res["ids"])}
        matrix = np.asarray(res["embeddings"], dtype=np.float32)
        return [float(matrix[order[cid]] @ vector) for cid in ids if cid in order]
