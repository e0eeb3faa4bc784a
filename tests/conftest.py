"""Shared fixtures: real parts (embedded Chroma, the real model, the bundled corpus), built once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from index.embeddings import Embedder, shared_embedder
from index.settings import BUNDLED_CORPUS, Settings

# `auto` (the default) would use an Ollama that happens to run on the test machine: tests choose a
# model explicitly, against the scripted server in tests/ollama_server.py or a marked real one.
os.environ.setdefault("RECAP_LLM", "extractive")
# Scripted servers change what they serve from test to test: check Ollama on every question.
# (tests/test_answer_parts.py covers the cache itself.)
os.environ.setdefault("RECAP_OLLAMA_CHECK_TTL", "0")

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    # Its ONNX file is exported once per session, into a data directory of the session's own.
    return shared_embedder(Settings(data_dir=tmp_path_factory.mktemp("embedder")))


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A data directory with the bundled recaps ingested once per session. Copy it before writing."""
    data_dir = tmp_path_factory.mktemp("corpus-index")
    Assistant(Settings(data_dir=data_dir), embedder=embedder).ingest()
    return data_dir


@pytest.fixture(scope="session")
def assistant(corpus_index: Path, embedder: Embedder) -> Assistant:
    """A read-only assistant over the bundled recaps. Tests that ingest use `fresh_assistant`."""
    return Assistant(Settings(data_dir=corpus_index), embedder=embedder, auto_ingest=False)


@pytest.fixture
def fresh_data_dir(tmp_path: Path, corpus_index: Path) -> Path:
    """A private, writable copy of the session index."""
    from servers import copy_data_dir

    return copy_data_dir(corpus_index, tmp_path / "data")


@pytest.fixture
def fresh_assistant(fresh_data_dir: Path, embedder: Embedder) -> Assistant:
    return Assistant(Settings(data_dir=fresh_data_dir), embedder=embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the bundled recaps (with their manifest), for tests that change files."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    yield target


@pytest.fixture(scope="module")
def ui(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, embedder: Embedder
) -> Iterator[tuple[Any, Settings]]:
    """The web UI on a free loopback port over a private copy of the session index, per test module."""
    from servers import copy_index, running_ui

    with running_ui(copy_index(tmp_path_factory, corpus_index, request.module.__name__), embedder) as running:
        yield running


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (never a downloaded browser), per test module.

    Per module, not per session: Playwright's sync API keeps an event loop, which tests without a
    browser should not share."""
    from pages import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
