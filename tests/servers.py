"""Servers the tests start on loopback: free ports, and the web UI over a private index copy."""

from __future__ import annotations

import os
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


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of a data directory; the embedding model's ONNX files (never written in place,
    90 MB) are hard-linked instead of copied."""

    def link_or_copy(src: str, dst: str) -> object:
        if src.endswith(".onnx"):
            try:
                os.link(src, dst)
                return dst
            except OSError:
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def copy_index(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, name: str) -> Path:
    return copy_data_dir(corpus_index, tmp_path_factory.mktemp(name) / "data")


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
