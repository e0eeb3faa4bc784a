"""Against a real Ollama at OLLAMA_HOST (default 127.0.0.1:11434): skipped with a reason otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from assistant import Assistant
from assistant.backends import check_ollama, normalise_host
from index.embeddings import Embedder
from index.errors import LLMUnavailableError
from index.settings import Settings

pytestmark = pytest.mark.ollama

HOST = normalise_host(os.environ.get("OLLAMA_HOST", "127.0.0.1:11434"))
MODEL = os.environ.get("RECAP_OLLAMA_MODEL", "llama3.2")


@pytest.fixture(scope="module")
def real_ollama() -> str:
    try:
        httpx.get(f"{HOST}/api/version", timeout=2).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.skip(f"no Ollama answers at {HOST} ({exc.__class__.__name__}); start `ollama serve` to run this")
    try:
        check_ollama(HOST, MODEL, timeout=5)
    except LLMUnavailableError as exc:
        pytest.skip(str(exc))
    return HOST


def test_real_model_answer_has_only_verified_citations(
    real_ollama: str, corpus_index: Path, embedder: Embedder
) -> None:
    settings = Settings(data_dir=corpus_index, llm=f"ollama:{MODEL}", ollama_host=real_ollama)
    model = Assistant(settings, embedder=embedder, auto_ingest=False)
    answer = model.ask("What did people say about Wasm?")
    assert answer.text.strip()
    if answer.backend == "extractive":  # the model failed or nothing it cited held up: it must say so
        assert answer.notice
        return
    assert answer.backend == f"ollama:{MODEL}"
    check = answer.verification
    assert check.kept + check.removed == check.checked and check.kept >= len(answer.citations)
    for c in answer.citations:
        assert f"[{c.n}]" in answer.text
        assert model.document_text(c.source.id)[c.start : c.end] == c.quote
