"""Reading the topic map: the columns the ingest scored (`index/topics.py`), and the question a cell asks.

Opening the map reads each collection's `topics.json` once per catalog version; nothing is
embedded. Only a source without a saved column (an index written before the map was stored, or a
reader that caught an ingest half way) is scored now, from its stored chunk vectors.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.catalog import Source
from index.embeddings import Embedder
from index.topics import (
    CANDIDATE_TOPICS,
    ChunkVectors,
    TopicMatrix,
    load_columns,
    score_columns,
    topic_matrix,
    topics_key,
)

__all__ = ["CANDIDATE_TOPICS", "TopicMap", "TopicMatrix", "question_for"]

log = logging.getLogger(__name__)


class TopicMap:
    """The saved columns of the collections asked about, read once per catalog version."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._lock = threading.Lock()
        self._version: tuple[float, tuple[Path, ...]] | None = None
        self._columns: dict[str, list[float]] = {}

    def matrix(
        self,
        sources: Sequence[Source],
        folders: Sequence[Path],
        version: float,
        store: Callable[[], ChunkVectors],
    ) -> TopicMatrix:
        """The map for `sources`, from the columns saved in the collection `folders` (catalog
        `version`); `store()` gives the stored vectors, opened only if some column is missing."""
        with self._lock:  # two browsers opening the tab at once read (or score) once
            if self._version != (version, tuple(folders)):
                key = topics_key(self.embedder.name)
                self._columns = {sid: col for folder in folders for sid, col in load_columns(folder, key).items()}
                self._version = (version, tuple(folders))
            missing = [s.id for s in sources if s.id not in self._columns]
            if missing:
                log.info("scoring %d source(s) the ingest left no topic column for", len(missing))
                self._columns.update(score_columns(store(), missing, self.embedder))
                for source_id in missing:  # no stored chunks: an empty column, so it is not looked for again
                    self._columns.setdefault(source_id, [])
            columns = dict(self._columns)
        return topic_matrix(sources, columns)


def question_for(source_name: str, topic: str) -> str:
    """The question a heatmap cell asks."""
    return f"What did {source_name} say about {topic}?"
