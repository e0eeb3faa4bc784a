"""A real `chroma run` server: the same ingest and the same answers as the embedded store."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from recap_docs import ARTICLE_TITLE, PDF_TITLE, write_formats
from servers import free_port

from assistant import Assistant
from index.embeddings import Embedder
from index.settings import Settings

pytestmark = pytest.mark.chroma_server

QUESTIONS = [
    "What is the Quillfeather rollout controller?",
    "Which scheduler demo showed fractional GPUs for notebooks?",
    "What is SpinKube?",
    "What did the recaps say about quantum computing?",
]


def _chroma_binary() -> str:
    found = Path(sys.executable).with_name("chroma")
    return str(found) if found.exists() else (shutil.which("chroma") or "chroma")


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` server on a free loopback port, stopped after the module."""
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [_chroma_binary(), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start: {(folder / 'server.log').read_text(errors='replace')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _answers(assistant: Assistant) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for question in QUESTIONS:
        answer = assistant.ask(question)
        out.append((answer.text, [(c.source.title, c.quote) for c in answer.citations]))
    return out


def test_server_ingest_ask_reingest_match_embedded(chroma_url: str, tmp_path: Path, embedder: Embedder) -> None:
    files = write_formats(tmp_path / "recaps")
    folder = files["html"].parent
    server = Assistant(
        Settings(data_dir=tmp_path / "server-data", chroma_url=chroma_url, collection="byo-recaps"),
        embedder=embedder,
        auto_ingest=False,
    )
    embedded = Assistant(Settings(data_dir=tmp_path / "embedded-data"), embedder=embedder, auto_ingest=False)

    first = server.ingest([folder])
    reference = embedded.ingest([folder])
    assert (len(first.added), len(first.duplicates), first.errors) == (6, 1, [])
    assert first.chunks_total == reference.chunks_total
    # Vectors live on the server; the catalog and the BM25 index stay in the data directory.
    assert not (tmp_path / "server-data" / "chroma").exists()
    assert (tmp_path / "server-data" / "byo-recaps" / "catalog.json").exists()
    assert (tmp_path / "server-data" / "byo-recaps" / "bm25" / "CURRENT").exists()

    answers = _answers(server)
    assert answers == _answers(embedded)
    assert answers[0][1][0][0] == PDF_TITLE and answers[1][1][0][0] == ARTICLE_TITLE
    assert answers[3][1] == []  # abstains there too

    ids = {c.id for c in server.store.all_chunks()}
    again = server.ingest([folder])
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 7)
    assert {c.id for c in server.store.all_chunks()} == ids

    files["markdown"].write_text(files["markdown"].read_text().replace("Kyverno", "Gatekeeper"))
    changed = server.ingest([folder])
    assert changed.updated == [str(files["markdown"])]
    assert server.store.count() == first.chunks_total
    assert "Gatekeeper" in server.search("Gatekeeper policy reports", k=1)[0].text


def test_collections_side_by_side_on_one_server(chroma_url: str, tmp_path: Path, embedder: Embedder) -> None:
    files = write_formats(tmp_path / "recaps")
    data_dir = tmp_path / "data"
    eu = Assistant(
        Settings(data_dir=data_dir, chroma_url=chroma_url, collection="kubecon-eu-2024"),
        embedder=embedder,
        auto_ingest=False,
    )
    na = Assistant(
        Settings(data_dir=data_dir, chroma_url=chroma_url, collection="kubecon-na-2024"),
        embedder=embedder,
        auto_ingest=False,
    )
    eu.ingest([files["pdf"], files["text"]])
    na.ingest([files["front_matter"]])

    assert {s.title for s in eu.sources()} == {PDF_TITLE, "sustainability"}
    assert {s.title for s in na.sources()} == {"WebAssembly at KubeCon"}
    answer = na.ask("What is SpinKube?")
    assert answer.citations and {c.source.title for c in answer.citations} == {"WebAssembly at KubeCon"}
    assert eu.ask("What is SpinKube?").citations == []  # the other conference's recaps are not consulted
