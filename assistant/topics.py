"""The topic map: how much each recap says about each of a list of candidate conference topics.

The topics are generic conference themes, not a list per document: each is scored against every
recap by embedding similarity (the model the index uses), and only topics that at least one recap
covers are shown. A new recap gets scored the moment it is indexed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.catalog import Source
from index.embeddings import Embedder

log = logging.getLogger(__name__)

# Label -> what the label means, as a query the embedder can match against paragraphs.
CANDIDATE_TOPICS: dict[str, str] = {
    "AI / LLMs": "AI and large language models, machine learning workloads, GPUs and inference on Kubernetes",
    "Platform engineering": "platform engineering, internal developer platforms, golden paths and platform teams",
    "WebAssembly": "WebAssembly (Wasm) runtimes, serverless functions with Wasm, SpinKube",
    "Security": "security, software supply chain, SBOMs, vulnerabilities, zero trust and policy",
    "Observability": "observability, OpenTelemetry, monitoring, tracing, logging and metrics",
    "Sustainability": "sustainability, energy efficiency, carbon footprint and green computing",
    "Developer experience": "developer experience and productivity, inner loop, tools developers enjoy",
    "Community": "open source community, contributors, maintainers, diversity and inclusion",
    "Networking": "networking, service mesh, eBPF, Cilium, Gateway API and traffic management",
    "Cost & FinOps": "cost optimisation, FinOps and cloud spend",
    "Multi-cluster & edge": "multi-cluster management, edge computing and hybrid cloud",
    "Events & talks": "co-located events, keynotes, talks, sessions and recordings to watch",
}
_PARAGRAPH = re.compile(r"\n\s*\n")
_MIN_PARAGRAPH = 60  # characters: shorter pieces are headings, bylines and image captions
_BEST = 3  # a recap's score for a topic: the mean of its best few paragraphs, so one aside is not coverage
_FLOOR = 0.30  # a topic no recap scores above this is left off the map


@dataclass(frozen=True)
class TopicMatrix:
    topics: list[str]
    sources: list[Source]
    scores: list[list[float]]  # [topic][source]


class TopicMap:
    """Scores topics against sources; paragraph vectors are cached per source version."""

    def __init__(self, embedder: Embedder, topics: dict[str, str] | None = None) -> None:
        self.embedder = embedder
        self.topics = dict(topics or CANDIDATE_TOPICS)
        self._lock = threading.Lock()
        self._paragraphs: dict[str, np.ndarray] = {}  # source id (one version of a file) -> vectors
        self._topic_vectors: np.ndarray | None = None

    def _vectors_for(self, source: Source, text_of: Callable[[str], str]) -> np.ndarray:
        if source.id not in self._paragraphs:
            text = text_of(source.id)
            paragraphs = [p.strip() for p in _PARAGRAPH.split(text) if len(p.strip()) >= _MIN_PARAGRAPH]
            self._paragraphs[source.id] = self.embedder.embed(paragraphs or [text[:2000]])
        return self._paragraphs[source.id]

    def matrix(self, sources: list[Source], text_of: Callable[[str], str]) -> TopicMatrix:
        """The map for `sources`, whose texts `text_of(source_id)` gives (each embedded once, so cheap
        after the first call)."""
        with self._lock:  # two browsers opening the tab at once should not embed everything twice
            if self._topic_vectors is None:
                self._topic_vectors = self.embedder.embed(list(self.topics.values()))
            columns = []
            for source in sources:
                sims = self._vectors_for(source, text_of) @ self._topic_vectors.T  # [paragraph][topic]
                best = np.sort(sims, axis=0)[-_BEST:]
                columns.append(best.mean(axis=0))
            known = {s.id for s in sources}
            for stale in set(self._paragraphs) - known:  # old versions of re-ingested files
                del self._paragraphs[stale]
        if not columns:
            return TopicMatrix([], [], [])
        grid = np.stack(columns, axis=1)  # [topic][source]
        keep = [i for i in range(len(self.topics)) if grid[i].max() >= _FLOOR]
        # Most-covered topics first: the map reads top-down from what the conference was about.
        keep.sort(key=lambda i: -float(grid[i].sum()))
        labels = list(self.topics)
        return TopicMatrix(
            topics=[labels[i] for i in keep],
            sources=sources,
            scores=[[round(float(v), 3) for v in grid[i]] for i in keep],
        )


def question_for(source_name: str, topic: str) -> str:
    """The question a heatmap cell asks."""
    return f"What did {source_name} say about {topic}?"
