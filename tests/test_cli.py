"""The `recap` command as a user runs it: a real process over a real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.embeddings import Embedder
from index.lock import writer_lock

RECAP = [sys.executable, "-m", "assistant.cli"]


def recap(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECAP_DATA_DIR": str(data_dir)}
    return subprocess.run([*RECAP, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_ask_wasm_json_cites_three_recaps_verbatim(corpus_index: Path) -> None:
    result = recap(corpus_index, "ask", "What did people say about Wasm?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"answer", "citations", "abstained", "backend", "timings_ms"}
    assert payload["abstained"] is False and payload["backend"] == "extractive"
    assert {c["author"] for c in payload["citations"]} >= {"Daniel Bryant", "Christian Haintz", "Rafael Franzke"}
    bundled = {p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "index" / "corpus").rglob("*.txt")}
    for c in payload["citations"]:
        assert {"n", "title", "author", "publisher", "date", "url", "quote", "section"} <= set(c)
        assert any(c["quote"] in text for text in bundled)
        assert f"[{c['n']}]" in payload["answer"]


def test_ask_quantum_abstains(corpus_index: Path) -> None:
    result = recap(corpus_index, "ask", "What did the recaps say about quantum computing?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["abstained"] is True and payload["citations"] == []


def test_search_json(corpus_index: Path) -> None:
    result = recap(corpus_index, "search", "Dapr enterprise service bus", "-k", "3", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and set(rows[0]) >= {"text", "title", "url", "section", "score", "chunk_id", "start", "end"}
    assert "Dapr" in rows[0]["text"]


def test_ingest_twice_then_sources(tmp_path: Path, embedder: Embedder) -> None:
    data_dir = tmp_path / "data"
    # The model file as the session exported it (a first ingest exports it once: tests/test_offline.py).
    embedder.keep_in(data_dir / "models")
    first = recap(data_dir, "ingest")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("4 added")
    second = recap(data_dir, "ingest")
    assert second.stdout.startswith("0 added, 0 updated, 5 unchanged"), second.stdout
    sources = recap(data_dir, "sources").stdout
    assert sources.count("KubeCon + CloudNativeCon Europe 2024 (key takeaways)") == 1
    assert "duplicate:" in sources and "000_a0198031c7396802.txt" in sources


def test_second_writer_is_refused_at_once(corpus_index: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; from pathlib import Path; from index.lock import writer_lock\n"
         "with writer_lock(Path(sys.argv[1])):\n print('locked', flush=True); time.sleep(60)", str(data_dir)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = recap(data_dir, "ingest", timeout=60)
        elapsed = time.monotonic() - started
        assert result.returncode == 1
        assert "is being written by pid" in result.stderr and "try again" in result.stderr
        assert elapsed < 30  # a clear refusal, not a wait for the other writer
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(data_dir):  # released when its holder died
        pass


def test_ingest_nothing_usable_exits_nonzero(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.md").write_text("")
    result = recap(tmp_path / "data", "ingest", str(tmp_path / "in"))
    assert result.returncode == 1
    assert "empty.md" in result.stderr and "empty" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"]])
def test_help_is_fast_and_clean(args: list[str], tmp_path: Path) -> None:
    result = recap(tmp_path, *args, timeout=60)
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_eval_prints_table_and_writes_json_and_png(corpus_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "kind": "opinion", "question": "What did people say about Wasm?", '
        '"evidence": ["Wasm was once again front and center", "no such phrase anywhere"], '
        '"sources": ["Daniel Bryant", "Christian Haintz"]}\n'
        '{"id": "b", "kind": "unanswerable", "question": "Who won the football world cup?", "evidence": []}\n'
    )
    result = recap(corpus_index, "eval", "--questions", str(questions), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "recall@5: 0.500" in result.stdout  # one of two evidence phrases exists
    assert "abstention recall: 1.000" in result.stdout
    report = json.loads((tmp_path / "out" / "eval.json").read_text())
    assert report["results"][0]["missing"] == ["no such phrase anywhere"]
    assert report["source_coverage"] == 1.0 and report["citation_validity"] == 1.0
    assert (tmp_path / "out" / "eval.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_setting_and_unusable_path_are_one_line_errors(corpus_index: Path, tmp_path: Path) -> None:
    env = {**os.environ, "RECAP_DATA_DIR": str(corpus_index), "RECAP_TOP_K": "0"}
    result = subprocess.run([*RECAP, "ask", "Wasm?"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["error: top_k: Input should be greater than or equal to 1"]

    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file where the data directory should be")
    result = recap(not_a_folder, "sources")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {not_a_folder}") and "Not a directory" in lines[0]


def test_an_unexpected_error_is_one_line_or_a_traceback_with_v(
    monkeypatch: pytest.MonkeyPatch, corpus_index: Path
) -> None:
    from click.testing import CliRunner

    from assistant import Assistant
    from assistant.cli import cli

    def broken(self: Assistant) -> list[object]:
        raise RuntimeError("the index exploded")

    monkeypatch.setattr(Assistant, "sources", broken)
    monkeypatch.setenv("RECAP_DATA_DIR", str(corpus_index))
    quiet = CliRunner().invoke(cli, ["sources"])
    assert quiet.exit_code == 1 and "Traceback" not in quiet.output
    assert "unexpected RuntimeError: the index exploded (run with -v for details)" in quiet.output
    verbose = CliRunner().invoke(cli, ["-v", "sources"])
    assert isinstance(verbose.exception, RuntimeError)  # raised, so the traceback is shown
