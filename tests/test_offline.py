"""No network connection is attempted during ingest or ask.

Loopback is allowed: with `RECAP_LLM=auto` the assistant asks a local Ollama whether it is running.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from index.embeddings import Embedder
from index.settings import Settings

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record and refuse every attempt to reach beyond this machine or to resolve a remote name."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            attempts.append(("connect", address))
            raise OSError(f"network disabled by test: connect to {address}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK:
            attempts.append(("getaddrinfo", host))
            raise socket.gaierror(f"network disabled by test: resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


def test_ingest_and_ask_make_no_connection(no_network: list[Any], tmp_path: Path) -> None:
    # A new embedder: loading (and exporting) the model must be offline too, not only using a loaded one.
    assistant = Assistant(
        Settings(data_dir=tmp_path / "data", llm="auto"), embedder=Embedder(tmp_path / "data" / "models")
    )
    report = assistant.ingest()
    answer = assistant.ask("What did people say about Wasm?")
    assert report.chunks_total > 0 and answer.citations
    assert no_network == [], f"network attempts: {no_network}"


def test_guard_would_notice_a_connection(no_network: list[Any]) -> None:
    with pytest.raises(OSError, match="network disabled"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    assert no_network
