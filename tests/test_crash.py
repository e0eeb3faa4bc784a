"""An ingest killed with SIGKILL part way leaves an index that a re-run completes exactly."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from index.catalog import Catalog
from index.embeddings import Embedder
from index.keyword import KeywordIndex
from index.settings import Settings
from index.store import VectorStore

REPO = Path(__file__).resolve().parent.parent
_VOCABULARY = (
    "kubernetes cluster operator gateway mesh sidecar ebpf kernel policy quota tenant scheduler gpu "
    "batch inference model registry image signature attestation rollout canary upgrade etcd controller "
    "webhook metrics traces logs collector sampling budget cost carbon energy node pool autoscaler "
    "karpenter storage volume snapshot backup network ingress dns certificate secret vault identity "
    "workload platform portal "
)
WORDS = _VOCABULARY.split()  # the generated recaps are made of these

# Ingest a folder, logging each document as its chunks land (the test kills us on those lines),
# then print what the index holds.
CHILD = """
import json, logging, sys
from pathlib import Path
logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
logging.getLogger("index.ingest").setLevel(logging.DEBUG)
from assistant import Assistant
from index.settings import Settings
from test_crash import summary
settings = Settings(data_dir=Path(sys.argv[1]))
Assistant(settings, auto_ingest=False).ingest([Path(sys.argv[2])])
print(json.dumps(summary(settings)))
"""


def write_doc(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(4)]
    path.write_text(f"# Recap number {seed}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def write_docs(folder: Path, count: int, first: int = 0) -> Path:
    """`count` generated recaps (seeds `first`, `first + 1`, ...) in a new `folder`."""
    folder.mkdir()
    for i in range(first, first + count):
        write_doc(folder / f"recap-{i:02}.md", i)
    return folder


def summary(settings: Settings) -> dict[str, object]:
    """What the index holds, read through a client that loads it from disk."""
    store = VectorStore(settings, fresh=True)
    catalog = Catalog.load(settings.data_dir / settings.collection)
    keyword = KeywordIndex.load(settings.data_dir / settings.collection / "bm25")
    chunks = store.all_chunks()
    return {
        "chunk_ids": sorted(c.id for c in chunks),
        "chunk_spans": sorted(f"{c.source_id}@{c.spans}" for c in chunks),
        "sentences": store.sentences.count(),
        "per_source": store.source_counts(),
        "catalog": {r.id: r.chunk_count for r in catalog.indexed()},
        "keyword_ids": sorted(keyword.ids) if keyword else None,
        "texts": sorted(p.stem for p in (catalog.folder / "documents").glob("*.txt")),
    }


def run_child(data_dir: Path, folder: Path, kill_after: int | None) -> subprocess.CompletedProcess[str] | int:
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}
    args = [sys.executable, "-c", CHILD, str(data_dir), str(folder)]
    if kill_after is None:
        return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=True)
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    stored = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        stored += line.startswith("stored ")
        if stored == kill_after:
            proc.send_signal(signal.SIGKILL)
            break
    return proc.wait(timeout=120)


@pytest.mark.slow
def test_killed_update_is_completed_by_a_rerun(tmp_path: Path, embedder: Embedder) -> None:
    folder = write_docs(tmp_path / "recaps", 10)
    crashed = Settings(data_dir=tmp_path / "crashed")
    Assistant(crashed, embedder=embedder, auto_ingest=False).ingest([folder])
    committed = json.loads((crashed.data_dir / crashed.collection / "catalog.json").read_text())

    # A second ingest with work of every kind: changed, new and removed files.
    for i in range(3):
        write_doc(folder / f"recap-{i:02}.md", 100 + i)
    for i in range(10, 16):
        write_doc(folder / f"recap-{i:02}.md", i)
    (folder / "recap-09.md").unlink()

    assert run_child(crashed.data_dir, folder, kill_after=3) == -signal.SIGKILL
    after_kill = json.loads((crashed.data_dir / crashed.collection / "catalog.json").read_text())
    assert after_kill == committed, "the kill came after the commit: the test proves nothing"
    partial = summary(crashed)
    assert set(partial["per_source"]) - set(partial["catalog"]), "no new chunks had landed before the kill"

    rerun = json.loads(run_child(crashed.data_dir, folder, kill_after=None).stdout)

    clean_settings = Settings(data_dir=tmp_path / "clean")
    Assistant(clean_settings, embedder=embedder, auto_ingest=False).ingest([folder])
    clean = summary(clean_settings)
    assert len(clean["catalog"]) == 15
    # The previous version's texts are kept one ingest longer, for readers still answering from it.
    assert set(clean.pop("texts")) <= set(rerun.pop("texts"))
    assert rerun == clean  # same chunk ids, spans, sentences and BM25 ids: no duplicate, none missing
    assert rerun["per_source"] == rerun["catalog"]
