"""The topic map: how much each recap says about each of a list of candidate conference topics.

Scored at ingest from the chunk vectors the store already holds (no second pass of the model over
the text) and saved beside the catalog as `topics.json`, one column per indexed source: opening the
map reads a file instead of embedding anything. The topics are generic conference themes, not a list
per document; only topics that at least one recap covers are shown.

A column is written when its source is indexed and dropped when the source leaves the catalog (a
re-ingested file is a new source id, so its old column goes with it). An index written before this
file existed, or a reader racing an ingest, gets the missing columns computed from the stored
vectors on the fly (`missing_columns` / `score_columns`), never written: only the ingest writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from index.catalog import Source
from index.embeddings import Embedder

log = logging.getLogger(__name__)

# Label -> what the label means, as a query the embedder can match against passages.
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
TOPICS_FILE = "topics.json"
# A recap's score for a topic: the mean of its best two chunks (a chunk is two or three paragraphs),
# so one aside is not coverage. Two chunks rank the bundled recaps' topics as the former "best three
# paragraphs" did (checked by eye against that map: there is no graded set for topics).
BEST = 2
FLOOR = 0.30  # a topic no recap scores above this is left off the map


@dataclass(frozen=True)
class TopicMatrix:
    topics: list[str]
    sources: list[Source]
    scores: list[list[float]]  # [topic][source]


class ChunkVectors(Protocol):
    """What scoring needs from a store: the stored chunk vectors of some sources."""

    def chunk_vectors(self, source_ids: Sequence[str]) -> dict[str, np.ndarray]: ...


def topics_key(model: str, topics: Mapping[str, str] = CANDIDATE_TOPICS) -> str:
    """Names what the columns were scored with: another model or other topics invalidate them all."""
    return hashlib.sha256(json.dumps([model, list(topics.items())]).encode()).hexdigest()[:16]


def score_columns(
    store: ChunkVectors, source_ids: Sequence[str], embedder: Embedder, topics: Mapping[str, str] = CANDIDATE_TOPICS
) -> dict[str, list[float]]:
    """One score per topic (in `topics` order) for each source, from its stored chunk vectors."""
    if not source_ids:
        return {}
    topic_vectors = embedder.embed(list(topics.values()))
    columns = {}
    for source_id, vectors in store.chunk_vectors(list(source_ids)).items():
        if len(vectors):
            best = np.sort(vectors @ topic_vectors.T, axis=0)[-BEST:]  # [chunk][topic] -> best chunks
            columns[source_id] = [round(float(v), 4) for v in best.mean(axis=0)]
    return columns


def load_columns(folder: Path, key: str) -> dict[str, list[float]]:
    """The saved columns of the collection in `folder` if they were scored as `key` says; else none."""
    path = folder / TOPICS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:  # a damaged file costs a recomputation, never the map
        log.warning("ignoring %s (%s); the topic map is computed from the stored vectors", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("key") != key:
        return {}
    return {str(k): [float(x) for x in v] for k, v in dict(data.get("columns", {})).items()}


def update_topics(
    folder: Path, store: ChunkVectors, keep: set[str], changed: set[str], embedder: Embedder
) -> dict[str, list[float]]:
    """Save the columns of the sources in `keep`, scoring those `changed` (re-indexed) or not yet scored.

    Called by the ingest, under the writer lock, before it commits the catalog; written atomically.
    """
    key = topics_key(embedder.name)
    saved = load_columns(folder, key)
    columns = {sid: column for sid, column in saved.items() if sid in keep and sid not in changed}
    columns.update(score_columns(store, sorted(keep - set(columns)), embedder))
    if columns == saved and (folder / TOPICS_FILE).exists():
        return columns  # nothing changed: an ingest of unchanged files writes nothing here either
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{TOPICS_FILE}.tmp"
    payload = {"key": key, "topics": list(CANDIDATE_TOPICS), "columns": dict(sorted(columns.items()))}
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, folder / TOPICS_FILE)
    return columns


def topic_matrix(sources: Sequence[Source], columns: Mapping[str, Sequence[float]]) -> TopicMatrix:
    """The map: topics any recap covers (most covered first) against the sources that have a column."""
    scored = [s for s in sources if columns.get(s.id)]
    if not scored:
        return TopicMatrix([], [], [])
    grid = np.array([columns[s.id] for s in scored], dtype=np.float32).T  # [topic][source]
    keep = [i for i in range(len(CANDIDATE_TOPICS)) if grid[i].max() >= FLOOR]
    # Most-covered topics first: the map reads top-down from what the conference was about.
    keep.sort(key=lambda i: -float(grid[i].sum()))
    labels = list(CANDIDATE_TOPICS)
    return TopicMatrix(
        topics=[labels[i] for i in keep],
        sources=scored,
        scores=[[round(float(v), 3) for v in grid[i]] for i in keep],
    )
