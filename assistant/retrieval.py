"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank, then spread across sources.

"What did people say about X" should reach every recap that speaks of X, so the final selection
gives each relevant source a seat before any source gets a second one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.spelling import Spelling
from index.catalog import Source
from index.embeddings import Embedder
from index.keyword import expand, terms
from index.protocols import KeywordReader, StoreReader
from index.store import StoredChunk

RRF_K = 60  # the constant from Cormack et al. (2009); damps the head of each ranking


@dataclass(frozen=True)
class Fusion:
    """How much each ranking counts in the fusion, and whether the top k is spread across sources.

    A weight of 0 leaves a ranking out: `Fusion(dense=0, sentences=0)` is BM25 alone (the ablation
    in docs/benchmarks.md measures each).
    """

    # Fitted on the dev split (bench/ablation.py): BM25 is the strongest single ranking on questions
    # worded unlike the recaps, whole-chunk embeddings the weakest.
    dense: float = 0.5  # chunks by embedding
    sentences: float = 1.0  # chunks holding the sentences nearest by embedding
    keywords: float = 1.5  # BM25
    diversify: bool = True


@dataclass(frozen=True)
class Passage:
    chunk: StoredChunk
    source: Source
    similarity: float  # cosine similarity of query and chunk, in [-1, 1]
    fused: float  # reciprocal-rank-fusion score, used for ordering only


@dataclass(frozen=True)
class Retrieval:
    query: str  # what was searched: names of recaps taken out, spelling matched to the index
    query_vector: np.ndarray
    passages: list[Passage]
    unknown_words: list[str]  # content words of the query that no passage contains
    term_weights: dict[str, float]  # stemmed query terms and how telling each is (BM25 idf)
    named_sources: tuple[str, ...] = ()  # ids of the recaps the question names ("Bryant", "the OpsRamp blog")
    corrections: dict[str, str] = field(default_factory=dict)  # question word → the index's spelling

    @property
    def best_similarity(self) -> float:
        return max((p.similarity for p in self.passages), default=0.0)


def rrf(rankings: list[list[str]], weights: list[float] | None = None) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        if weight <= 0:
            continue
        for rank, item in enumerate(ranking):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank + 1)
    return scores


def diversify(ranked: list[Passage], k: int, source_floor: float, heads: list[str]) -> list[Passage]:
    """Top `k` passages: each retriever's best hit, then one seat per relevant source, then by rank.

    `heads` are the ids each retriever ranked first: a passage BM25 is sure of ("co-chaired") must
    not lose its seat to diversity. A source gets a seat only if it ranks among the top 3k, and no
    source takes more than half the seats.
    """
    by_id = {p.chunk.id: p for p in ranked}
    chosen: list[Passage] = [by_id[h] for h in dict.fromkeys(heads) if h in by_id][:k]
    seen_sources = {p.source.id for p in chosen}
    for p in ranked[: 3 * k]:
        if len(chosen) == k:
            break
        if p.source.id not in seen_sources and p.similarity >= source_floor:
            chosen.append(p)
            seen_sources.add(p.source.id)
    one_source = len({p.source.id for p in ranked}) <= 1
    cap = k if one_source else max(1, math.ceil(k / 2))
    per_source: dict[str, int] = {}
    for p in chosen:
        per_source[p.source.id] = per_source.get(p.source.id, 0) + 1
    for p in ranked:
        if len(chosen) == k:
            break
        if p in chosen or per_source.get(p.source.id, 0) >= cap:
            continue
        chosen.append(p)
        per_source[p.source.id] = per_source.get(p.source.id, 0) + 1
    return sorted(chosen, key=lambda p: p.fused, reverse=True)


def _names(source: Source) -> list[tuple[str, bool]]:
    """How a question may name a source, and whether case must match.

    People's names and names of several words match in any case ("daniel bryant", "the gardener
    blog"); a one-word publisher only as written, so "medium-sized clusters" does not narrow the
    search to the recap published on Medium.
    """
    names = [(source.author, False), (source.publisher, True), (source.title, True)]
    if source.author and len(surname := source.author.split()[-1]) >= 4:
        names.append((surname, False))
    if source.publisher.lower().endswith(" blog"):
        names.append((source.publisher[: -len(" blog")], True))
    return [(n, exact and len(n.split()) == 1) for n, exact in names if len(n) >= 4]


NamePatterns = list[tuple[str, str, re.Pattern[str]]]  # (source id, name folded to lower case, pattern)


def name_patterns(sources: dict[str, Source]) -> NamePatterns:
    """Compiled once per index version: a question is matched against every source's names."""
    patterns: NamePatterns = []
    for source_id, source in sources.items():
        for name, exact in sorted(_names(source), key=lambda item: len(item[0]), reverse=True):
            flags = 0 if exact else re.IGNORECASE
            patterns.append((source_id, name.lower(), re.compile(rf"\b{re.escape(name)}(?:'s|’s)?\b", flags)))
    return patterns


def scope_to_named_sources(
    query: str, sources: dict[str, Source], patterns: NamePatterns | None = None
) -> tuple[str, dict[str, Source]]:
    """("What did Daniel Bryant say about Wasm?") → ("What did say about Wasm?", {Bryant's recap}).

    Names live in the metadata, not the text, so they must not be searched for (nor reported as
    words no recap mentions); they narrow the search instead. No name: the query and all sources.
    """
    scoped: dict[str, Source] = {}
    folded = query.lower()
    for source_id, name, pattern in name_patterns(sources) if patterns is None else patterns:
        if name in folded and pattern.search(query):  # the substring test skips almost every regex
            scoped[source_id] = sources[source_id]
            query = pattern.sub(" ", query)
    return (re.sub(r"\s+", " ", query).strip(), scoped) if scoped else (query, sources)


class Retriever:
    def __init__(
        self,
        store: StoreReader,
        keyword: KeywordReader,
        sources: dict[str, Source],
        embedder: Embedder,
        candidates: int,
        source_floor: float,
        fusion: Fusion | None = None,
    ) -> None:
        self.store = store
        self.keyword = keyword
        self.sources = sources
        self.embedder = embedder
        self.candidates = candidates
        self.source_floor = source_floor
        self.fusion = fusion or Fusion()
        self.spelling = Spelling(keyword.vocabulary)
        self._name_patterns = name_patterns(sources)

    def retrieve(self, query: str, k: int) -> Retrieval:
        query, sources = scope_to_named_sources(query, self.sources, self._name_patterns)
        named = tuple(sources) if sources is not self.sources else ()
        query, corrections = self.spelling.correct(query)
        # A question about one recap needs deeper candidate lists: most hits belong to the others.
        depth = self.candidates if not named else self.candidates * 4
        vector = self.embedder.embed_one(expand(query))
        ranked, heads = self._fuse(query, vector, depth, sources)
        chosen = diversify(ranked, k, self.source_floor, heads) if self.fusion.diversify else ranked[:k]
        unknown = self.keyword.unknown_words(query)
        weights = {t: self.keyword.idf(t) for t in terms(query)}
        return Retrieval(query, vector, chosen, unknown, weights, named, corrections)

    def _fuse(
        self, query: str, vector: np.ndarray, depth: int, sources: dict[str, Source]
    ) -> tuple[list[Passage], list[str]]:
        """Every candidate passage ranked by weighted reciprocal-rank fusion, and each ranking's head."""
        fusion = self.fusion
        dense = [c for c in self.store.query(vector, depth) if c.source_id in sources] if fusion.dense > 0 else []
        # Sentence-level dense hits find a passage whose one relevant sentence is diluted in a chunk.
        sentence_hits = self.store.query_sentences(vector, depth) if fusion.sentences > 0 else []
        keyword_hits = self.keyword.search(query, depth) if fusion.keywords > 0 else []
        by_id = {c.id: c for c in dense}
        missing = list(dict.fromkeys(cid for cid, _ in [*keyword_hits, *sentence_hits] if cid not in by_id))
        similarity = self.store.similarities(missing, vector)
        for chunk in self.store.get_chunks(missing):
            by_id[chunk.id] = replace(chunk, similarity=similarity.get(chunk.id, 0.0))
        by_id = {cid: c for cid, c in by_id.items() if c.source_id in sources}
        rankings = [
            [c.id for c in dense if c.id in by_id],
            [cid for cid, _ in sentence_hits if cid in by_id],
            [cid for cid, _ in keyword_hits if cid in by_id],
        ]
        fused = rrf(rankings, [fusion.dense, fusion.sentences, fusion.keywords])
        ranked = [
            Passage(by_id[cid], sources[by_id[cid].source_id], by_id[cid].similarity, score)
            for cid, score in sorted(fused.items(), key=lambda kv: kv[1], reverse=True)
        ]
        heads = [ranked[0].chunk.id] if ranked else []
        heads += [ids[0] for ids in rankings[1:] if ids]
        return ranked, heads
