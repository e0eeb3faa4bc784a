"""The topic map: scored at ingest from the stored chunk vectors, saved beside the catalog, read at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from index.embeddings import Embedder
from index.settings import Settings
from index.topics import CANDIDATE_TOPICS, TOPICS_FILE, TopicMatrix

REPO = Path(__file__).resolve().parent.parent

NOTES = """---
title: Green computing notes
author: Ada Lovelace
---

# Sustainability

The sustainability track was about energy efficiency and the carbon footprint of clusters: measuring the
power each workload draws, scaling idle environments to zero at night, and green computing as a goal
that platform teams report on beside cost.
"""


def columns(data_dir: Path, collection: str = "recap") -> dict[str, list[float]]:
    return json.loads((data_dir / collection / TOPICS_FILE).read_text(encoding="utf-8"))["columns"]


def best_source(matrix: TopicMatrix, topic: str) -> str:
    row = matrix.scores[matrix.topics.index(topic)]
    source = matrix.sources[row.index(max(row))]
    return source.author or source.publisher


def test_ingest_saves_a_column_per_recap_and_the_map_reads_it(assistant: Assistant, corpus_index: Path) -> None:
    saved = columns(corpus_index)
    assert set(saved) == {s.id for s in assistant.sources()}
    matrix = assistant.topic_map()
    assert [s.id for s in matrix.sources] == [s.id for s in assistant.sources()] and "AI / LLMs" in matrix.topics
    assert best_source(matrix, "WebAssembly") == "Christian Haintz"  # his recap has a Wasm section
    assert best_source(matrix, "Observability") == "OpsRamp blog"  # an observability vendor's recap
    assert best_source(matrix, "Developer experience") == "Daniel Bryant"
    for topic, row in zip(matrix.topics, matrix.scores, strict=True):  # the map shows the saved numbers
        assert row == pytest.approx(
            [saved[s.id][list(CANDIDATE_TOPICS).index(topic)] for s in matrix.sources], abs=1e-3
        )


CHILD = """
import sys
from chromadb.api.client import SharedSystemClient
from assistant import Assistant
from index.settings import Settings
assistant = Assistant(Settings(data_dir=sys.argv[1]), auto_ingest=False)
matrix = assistant.topic_map()
sources = assistant.sources()
print(len(matrix.topics), len(sources))
print(sorted({"torch", "sentence_transformers"} & set(sys.modules)))
print(len(getattr(SharedSystemClient, "_identifier_to_system", {})))
"""


def test_the_map_and_the_sources_open_neither_the_model_nor_chroma(corpus_index: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus_index)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    counts, loaded, systems = out.stdout.splitlines()
    assert counts.split()[1] == "4" and int(counts.split()[0]) >= 5
    assert loaded == "[]"  # no torch, no sentence-transformers: nothing was embedded
    assert systems == "0"  # no Chroma system was started


def test_columns_follow_the_sources_through_updates_and_removals(fresh_assistant: Assistant, tmp_path: Path) -> None:
    data_dir = fresh_assistant.settings.data_dir
    before = columns(data_dir)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "notes.md").write_text(NOTES, encoding="utf-8")
    fresh_assistant.ingest([folder])
    added = columns(data_dir)
    (new,) = set(added) - set(before)
    assert {k: added[k] for k in before} == before  # the others were not scored again
    assert best_source(fresh_assistant.topic_map(), "Sustainability") == "Ada Lovelace"

    (folder / "notes.md").write_text(NOTES.replace("at night", "at night and at weekends"), encoding="utf-8")
    fresh_assistant.ingest([folder])
    (updated,) = set(columns(data_dir)) - set(before)
    assert updated != new  # a new version is a new source: the old column went with it

    (folder / "notes.md").unlink()
    fresh_assistant.ingest([folder])
    assert columns(data_dir) == before
    assert "Ada Lovelace" not in {s.author for s in fresh_assistant.topic_map().sources}


def test_an_index_without_the_file_gets_the_same_map_from_the_stored_vectors(
    fresh_assistant: Assistant, embedder: Embedder
) -> None:
    data_dir = fresh_assistant.settings.data_dir
    expected = fresh_assistant.topic_map()
    (data_dir / "recap" / TOPICS_FILE).unlink()
    older = Assistant(Settings(data_dir=data_dir), embedder=embedder, auto_ingest=False)
    assert older.topic_map() == expected
    assert not (data_dir / "recap" / TOPICS_FILE).exists()  # a reader computes; only an ingest writes


def test_all_collections_share_one_map(corpus_index: Path, tmp_path: Path, embedder: Embedder) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(corpus_index, data_dir)
    folder = tmp_path / "na"
    folder.mkdir()
    (folder / "notes.md").write_text(NOTES, encoding="utf-8")
    Assistant(Settings(data_dir=data_dir, collection="kubecon-na-2024"), embedder=embedder).ingest([folder])
    every = Assistant(Settings(data_dir=data_dir, collection="all"), embedder=embedder, auto_ingest=False)
    matrix = every.topic_map()
    assert len(matrix.sources) == 5 and best_source(matrix, "Sustainability") == "Ada Lovelace"
    assert best_source(matrix, "WebAssembly") == "Christian Haintz"
