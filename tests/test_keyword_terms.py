"""BM25 from kept terms: the same index as bm25s builds from every chunk, kept right across ingests."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.evaluation import load_questions
from index.catalog import Catalog
from index.embeddings import Embedder
from index.keyword import KeywordIndex
from index.keyword_terms import FILE, ChunkTerms, keyword_text
from index.settings import Settings
from index.store import VectorStore

QUERIES = [q.question for q in load_questions()] + ["Zorblax enterprise service bus", "Dapr", "Kyverno Falco OPA"]


def reference(settings: Settings) -> KeywordIndex:
    """bm25s' own build over every chunk the store holds for the catalog's indexed sources."""
    indexed = {r.id for r in Catalog.load(settings.data_dir / settings.collection).indexed()}
    chunks = [c for c in VectorStore(settings).all_chunks() if c.source_id in indexed]
    return KeywordIndex.build([c.id for c in chunks], [keyword_text(c) for c in chunks])


def assert_same(index: KeywordIndex, expected: KeywordIndex) -> None:
    assert sorted(index.ids) == sorted(expected.ids)
    assert index.vocabulary == expected.vocabulary
    for query in QUERIES:
        got, want = index.search(query, 10), expected.search(query, 10)
        assert [round(s, 4) for _, s in got] == [round(s, 4) for _, s in want], query
        assert {i for i, s in got if s > want[-1][1] + 1e-4} == {i for i, s in want if s > want[-1][1] + 1e-4}, query
        assert index.unknown_words(query) == expected.unknown_words(query)


def saved(settings: Settings) -> KeywordIndex:
    index = KeywordIndex.load(settings.data_dir / settings.collection / "bm25")
    assert index is not None
    return index


def test_packed_build_is_bm25s_own(assistant: Assistant, corpus_index: Path) -> None:
    chunks = assistant.store.all_chunks()
    packed = ChunkTerms.from_chunks(chunks).index()
    assert_same(packed, KeywordIndex.build([c.id for c in chunks], [keyword_text(c) for c in chunks]))
    assert_same(packed, saved(Settings(data_dir=corpus_index)))  # what the ingest saved


def test_ingest_tokenises_only_new_chunks_and_stays_exact(
    corpus_copy: Path, tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assistant = Assistant(settings, embedder=embedder, auto_ingest=False)
    haintz = corpus_copy / "004_187b5ab0ce31c12c.txt"
    aside = tmp_path / haintz.name
    shutil.move(haintz, aside)
    caplog.set_level(logging.INFO, logger="index.keyword_terms")
    assistant.ingest([corpus_copy])
    assert_same(saved(settings), reference(settings))

    shutil.move(aside, haintz)  # added
    bryant = corpus_copy / "003_88e24cc23989dd1a.txt"
    bryant.write_text(bryant.read_text(encoding="utf-8").replace("Dapr", "Zorblax"), encoding="utf-8")  # updated
    (corpus_copy / "001_fa5dea81f7911e80.txt").unlink()  # removed
    caplog.clear()
    report = assistant.ingest([corpus_copy])
    assert report.added and report.updated and report.removed
    assert "from the store" not in caplog.text  # every kept chunk's terms came from the saved ones
    index = saved(settings)
    assert_same(index, reference(settings))
    assert "zorblax" in index.vocabulary and "dapr" not in index.vocabulary


def test_an_index_saved_without_terms_is_completed_from_the_store(
    fresh_assistant: Assistant, fresh_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=fresh_data_dir)
    folder = KeywordIndex.current_folder(fresh_data_dir / settings.collection / "bm25")
    assert folder is not None
    for suffix in (".json", ".npz"):
        (folder / f"{FILE}{suffix}").unlink()  # as an index saved before terms were kept
    caplog.set_level(logging.INFO, logger="index.keyword_terms")
    fresh_assistant.ingest()
    assert "from the store" in caplog.text
    assert (folder / f"{FILE}.npz").exists()
    terms = ChunkTerms.load(folder)
    assert terms is not None and sorted(terms.ids) == sorted(saved(settings).ids)
    assert_same(saved(settings), reference(settings))
