"""Servers the tests start on loopback: free ports, and the web UI over a private index copy."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant import Assistant
from index.embeddings import Embedder
from index.settings import Settings

if TYPE_CHECKING:
    from ui.app import Server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_index(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, name: str) -> Path:
    target = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(corpus_index, target)
    return target


@contextmanager
def running_ui(data_dir: Path, embedder: Embedder, **settings: Any) -> Iterator[tuple[Server, Settings]]:
    """The app on a free loopback port over `data_dir` (a private copy of the session index)."""
    from ui.app import launch  # gradio is imported by the UI tests only

    config = Settings(data_dir=data_dir, llm="extractive", **settings)
    assistant = Assistant(config, embedder=embedder, auto_ingest=False)
    server = launch(assistant, config, port=free_port(), block=False)
    try:
        yield server, config
    finally:
        server.close()
