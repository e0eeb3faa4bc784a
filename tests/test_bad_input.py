"""Bad files are reported with their path and reason; good ones are ingested; the index loses nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from recap_docs import FRONT_MATTER_MD, PLAIN_MD, write_formats

from assistant import Assistant
from assistant.cli import cli
from index.embeddings import Embedder
from index.settings import Settings

MAX_BYTES = 4_000  # every good fixture is smaller; the enormous one is not


def _enormous(path: Path) -> None:
    path.write_text("Kubernetes is ten years old. " * 200, encoding="utf-8")


def _unreadable(path: Path) -> None:
    path.write_text(PLAIN_MD, encoding="utf-8")
    path.chmod(0)


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "moved-away.md")


# name, how to make it, words its reason must contain
BAD_KINDS: list[tuple[str, Callable[[Path], None], str]] = [
    ("empty.md", lambda p: p.write_bytes(b""), "empty"),
    ("whitespace.txt", lambda p: p.write_bytes(b" \n\n\t\n"), "empty"),
    ("binary.txt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\rIHDR" + bytes(range(256))), "binary"),
    ("latin1.md", lambda p: p.write_bytes("Café déjà vu, naïve façade".encode("latin-1")), "not valid UTF-8"),
    ("enormous.txt", _enormous, "RECAP_MAX_FILE_BYTES"),
    ("dangling.md", _dangling, "broken symbolic link"),
    ("front-matter.md", lambda p: p.write_text("---\ntitle: [unclosed\n---\n\nSome text.\n"), "front matter"),
    ("scripts-only.html", lambda p: p.write_text("<html><body><script>x()</script></body></html>"), "no main content"),
    ("corrupt.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage"), "PDF"),
    ("slides.pptx", lambda p: p.write_bytes(b"PK\x03\x04 not a recap"), "unsupported file type"),
]
UNREADABLE = ("unreadable.md", _unreadable, "Permission denied")
ROOT_SKIP = "running as root: a chmod 000 file is still readable (the dangling-symlink case covers unreadable)"


def chunk_ids(assistant: Assistant) -> set[str]:
    return {c.id for c in assistant.store.all_chunks()}


@pytest.fixture
def indexed(tmp_path: Path, embedder: Embedder) -> tuple[Assistant, Path]:
    """An index holding two good recaps, and the folder they came from."""
    folder = tmp_path / "recaps"
    folder.mkdir()
    (folder / "wasm.md").write_text(FRONT_MATTER_MD, encoding="utf-8")
    (folder / "security.md").write_text(PLAIN_MD, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", max_file_bytes=MAX_BYTES)
    assistant = Assistant(settings, embedder=embedder, auto_ingest=False)
    report = assistant.ingest([folder])
    assert len(report.added) == 2 and not report.errors
    return assistant, folder


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        *BAD_KINDS,
        pytest.param(*UNREADABLE, marks=pytest.mark.skipif(os.geteuid() == 0, reason=ROOT_SKIP)),
    ],
)
def test_bad_file_reported_and_index_kept(
    indexed: tuple[Assistant, Path], name: str, make: Callable[[Path], None], reason: str
) -> None:
    assistant, folder = indexed
    before = chunk_ids(assistant)
    bad = folder / name
    make(bad)
    good = folder / "hallway.txt"
    good.write_text("Hallway track\n\nThe hallway track was full of talk about Kueue batch queues.\n")

    report = assistant.ingest([folder])

    assert [(e.path, reason.lower() in e.reason.lower()) for e in report.errors] == [(str(bad), True)]
    assert report.added == [str(good)] and report.removed == []
    after = chunk_ids(assistant)
    assert before < after  # nothing lost; the good file's chunks added
    assert all(cid.startswith("hallway-") for cid in after - before)


def test_indexed_file_turned_bad_keeps_its_chunks(indexed: tuple[Assistant, Path]) -> None:
    assistant, folder = indexed
    before = chunk_ids(assistant)
    (folder / "wasm.md").write_bytes(b"\x00\x01\x02 overwritten by a binary")
    report = assistant.ingest([folder])
    assert [e.path for e in report.errors] == [str(folder / "wasm.md")]
    assert chunk_ids(assistant) == before
    assert "SpinKube" in assistant.search("SpinKube WebAssembly", k=1)[0].text


def test_cli_ingests_good_files_reports_bad_ones_and_exit_status(tmp_path: Path) -> None:
    """The acceptance check: one good file of each format plus one bad file of each kind."""
    folder = tmp_path / "mixed"
    good = write_formats(folder)
    bad = {name: folder / name for name, _, _ in BAD_KINDS}
    for name, make, _ in BAD_KINDS:
        make(bad[name])
    runner = CliRunner()
    env = {"RECAP_MAX_FILE_BYTES": str(MAX_BYTES)}

    result = runner.invoke(cli, ["--data-dir", str(tmp_path / "data"), "ingest", str(folder)], env=env)

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # rich may wrap long lines
    for name, _, reason in BAD_KINDS:
        assert f"skipped {bad[name]}: " in output, name
        assert reason.lower() in output.lower(), reason
    assert "6 added" in output and "1 duplicate(s)" in output and f"{len(BAD_KINDS)} error(s)" in output
    assert all(str(p) in output for p in good.values())

    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    for name, make, _ in BAD_KINDS[:3]:
        make(only_bad / name)
    result = runner.invoke(cli, ["--data-dir", str(tmp_path / "data2"), "ingest", str(only_bad)], env=env)
    assert result.exit_code == 1
    assert "3 error(s)" in " ".join(result.output.split())
