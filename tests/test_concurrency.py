"""Questions asked while another process ingests get consistent answers, and then see the new recaps."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chromadb.config import System
from test_crash import CHILD, REPO, run_child, write_doc, write_docs

from assistant import Assistant
from index.catalog import Catalog
from index.embeddings import Embedder
from index.settings import Settings
from index.store import VectorStore, system_users

NEW_RECAP = """# Marzipanctl

Marzipanctl is a new command line tool shown at the conference for moving namespaces between clusters
without downtime, by mirroring the workloads first and switching traffic at the gateway last.
"""


@pytest.mark.slow
def test_reader_stays_consistent_during_another_process_ingest(tmp_path: Path, embedder: Embedder) -> None:
    folder = write_docs(tmp_path / "recaps", 6)
    reader = Assistant(Settings(data_dir=tmp_path / "data"), embedder=embedder, auto_ingest=False)
    reader.ingest([folder])
    for i in range(3):  # changed under the reader: the texts its catalog points into are rewritten
        write_doc(folder / f"recap-{i:02}.md", 50 + i)
    (folder / "marzipanctl.md").write_text(NEW_RECAP, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "data"), str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    asked = 0
    try:
        while child.poll() is None or asked == 0:
            answer = reader.ask("scheduler gpu inference rollout canary upgrade")
            for c in answer.citations:
                text = reader.document_text(c.source.id)
                assert c.quote in text
                assert c.start < 0 or text[c.start : c.end] == c.quote
            asked += 1
    finally:
        child.wait(timeout=300)
    assert child.returncode == 0 and asked > 1

    # The other process's ingest is seen without restarting: catalog, BM25 and vectors reloaded.
    assert "Marzipanctl" in reader.search("Marzipanctl namespaces", k=1)[0].text
    answer = reader.ask("Marzipanctl moving namespaces between clusters")
    assert answer.citations and Path(answer.citations[0].source.path).name == "marzipanctl.md"
    dense = reader.store.query(embedder.embed_one(NEW_RECAP), 3)  # the vectors too, not only BM25
    assert dense and dense[0].source_id == answer.citations[0].source.id
    assert "marzipanctl.md" in {Path(s.path).name for s in reader.sources()}


def test_a_long_running_writer_keeps_another_process_commit(tmp_path: Path, embedder: Embedder) -> None:
    """`recap serve` loaded the index; a CLI ingest commits; then serve ingests an upload before any
    question reopened its view. Writing through the Chroma system it loaded before that commit would
    persist a vector index without the other process's vectors: still in SQLite, never found again."""
    settings = Settings(data_dir=tmp_path / "data")
    run_child(settings.data_dir, write_docs(tmp_path / "first", 3), kill_after=None)  # a CLI ingest
    store = VectorStore(settings)
    for collection in (store.chunks, store.sentences):
        # Persist the vector index every 10 writes, not Chroma's 1000, so a few small recaps reach the disk.
        collection.modify(configuration={"hnsw": {"sync_threshold": 10, "batch_size": 10}})
    del store
    VectorStore(settings, fresh=True)  # Chroma reads the thresholds when it loads a collection
    serve = Assistant(settings, embedder=embedder, auto_ingest=False)
    assert serve.search("scheduler gpu inference", k=3)  # serve has loaded the index

    run_child(settings.data_dir, write_docs(tmp_path / "other", 6, first=10), kill_after=None)
    serve.ingest([write_docs(tmp_path / "upload", 6, first=20)])

    on_disk = VectorStore(settings, fresh=True)
    indexed = Catalog.load(settings.data_dir / settings.collection).indexed()
    assert len(indexed) == 15
    for record in indexed:
        for collection in (on_disk.chunks, on_disk.sentences):
            stored = collection.get(where={"source_id": record.id}, include=["embeddings"])
            assert stored["ids"], record.path
            nearest = collection.query(query_embeddings=stored["embeddings"], n_results=1, include=[])["ids"]
            assert [hit[0] for hit in nearest] == stored["ids"], f"{record.path}: stored but not found by search"


def running_chroma_systems() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is System and o._running)


def test_reopened_index_frees_the_version_it_replaced(fresh_assistant: Assistant) -> None:
    """A long-running reader reopens the index whenever a catalog changes (another process's ingest):
    the Chroma system it read before is stopped once no answer in flight still holds it."""
    catalog = fresh_assistant.settings.data_dir / fresh_assistant.settings.collection / "catalog.json"
    fresh_assistant.search("Wasm", k=3)
    gc.collect()
    baseline = running_chroma_systems()

    held = fresh_assistant.view()  # an answer in flight keeps its version readable
    for step in range(1, 4):
        os.utime(catalog, (catalog.stat().st_atime, catalog.stat().st_mtime + step))  # another writer's commit
        assert fresh_assistant.search("Wasm", k=3)
        assert fresh_assistant.view() is not held
    gc.collect()
    assert held.store.count() > 0 and held.store.query(fresh_assistant.embedder.embed_one("Wasm"), 1)
    assert system_users.retired() == 1  # only the held version: the ones between were stopped at once
    assert running_chroma_systems() == baseline + 1

    del held
    gc.collect()
    assert system_users.retired() == 0
    assert running_chroma_systems() == baseline
    assert fresh_assistant.search("Wasm", k=3)[0].text  # the current version is untouched
