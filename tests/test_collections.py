"""Several conferences side by side, and asking across all of them (`--collection all`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, RecapError
from index.embeddings import Embedder
from index.settings import Settings

NA_RECAP = """---
title: KubeCon NA 2024 in Salt Lake City
author: Jane Doe
date: 2024-11-20
---

# Batch scheduling

At KubeCon North America 2024 in Salt Lake City the hallway track was all about Kueue and batch
scheduling for AI training jobs.
"""


@pytest.fixture
def two_collections(corpus_index: Path, tmp_path: Path, embedder: Embedder) -> Path:
    """The bundled recaps as `recap` (copied from the session index) and one NA recap as `kubecon-na-2024`."""
    data_dir = tmp_path / "data"
    shutil.copytree(corpus_index, data_dir)
    folder = tmp_path / "na"
    folder.mkdir()
    (folder / "na.md").write_text(NA_RECAP)
    Assistant(Settings(data_dir=data_dir, collection="kubecon-na-2024"), embedder=embedder).ingest([folder])
    return data_dir


def test_collections_are_separate(two_collections: Path, embedder: Embedder) -> None:
    eu = Assistant(Settings(data_dir=two_collections, llm="extractive"), embedder=embedder, auto_ingest=False)
    na = Assistant(
        Settings(data_dir=two_collections, collection="kubecon-na-2024", llm="extractive"), embedder=embedder
    )
    assert [s.author for s in na.sources()] == ["Jane Doe"]
    assert "Jane Doe" not in {s.author for s in eu.sources()}
    assert na.ask("What did people say about Kueue?").citations[0].source.author == "Jane Doe"
    assert eu.ask("What did people say about Kueue?").abstained


def test_all_collections_answer_together(two_collections: Path, embedder: Embedder) -> None:
    every = Assistant(Settings(data_dir=two_collections, collection="all", llm="extractive"), embedder=embedder)
    assert len(every.sources()) == 5
    kueue = every.ask("What did people say about Kueue?")
    assert [c.source.author for c in kueue.citations] == ["Jane Doe"]
    wasm = every.ask("What did people say about Wasm?")
    assert {"Daniel Bryant", "Christian Haintz", "Rafael Franzke"} <= {c.source.author for c in wasm.citations}
    for c in kueue.citations + wasm.citations:  # citations still name, and quote, their own document
        assert every.document_text(c.source.id)[c.start : c.end] == c.quote
    with pytest.raises(RecapError, match="named collection"):
        every.ingest()
