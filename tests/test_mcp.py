"""recap's MCP server with the real `mcp` client: over stdio (`recap mcp`, spawned as an MCP client
spawns it) and over HTTP at /gradio_api/mcp/ on the running web app, with and without a login."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import sys
import tomllib
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent
from servers import copy_index, running_ui
from starlette.datastructures import Headers

from assistant import Assistant
from assistant.mcp_server import build_server
from index.embeddings import Embedder
from index.settings import BUNDLED_CORPUS, Settings
from ui.app import Server
from ui.mcp_route import LoginRequired

WASM = "What did people say about Wasm?"
RECAP_BIN = Path(sys.executable).parent / "recap"  # the venv's `recap`, as an MCP client configuration names it
TOOLS = {"ask", "search", "sources"}
LOGIN = ("ada", "s3cret-pass")
WAIT = timedelta(seconds=300)  # a first question loads the model; this machine may be busy
T = TypeVar("T")

Calls = Callable[[ClientSession], Awaitable[T]]


def recap_texts() -> dict[str, list[str]]:
    """url → the texts of the bundled recap files published there (the OpsRamp post was captured twice)."""
    manifest = tomllib.loads((BUNDLED_CORPUS / "manifest.toml").read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = {}
    for doc in manifest["document"]:
        texts.setdefault(doc["url"], []).append((BUNDLED_CORPUS / doc["file"]).read_text(encoding="utf-8"))
    return texts


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1 and isinstance(result.content[0], TextContent)
    return result.content[0].text


def payload(result: CallToolResult) -> Any:
    assert not result.isError, text_of(result)
    return json.loads(text_of(result))


def assert_wasm_answer_cited_verbatim(answer: dict[str, Any]) -> None:
    """The `recap ask --json` shape, and every quote verbatim in the recap its citation names."""
    assert set(answer) >= {"answer", "citations", "abstained", "backend", "timings_ms"}
    assert not answer["abstained"] and answer["citations"]
    assert {c["author"] for c in answer["citations"]} >= {"Daniel Bryant", "Christian Haintz", "Rafael Franzke"}
    texts = recap_texts()
    for c in answer["citations"]:
        assert any(c["quote"] in text for text in texts[c["url"]]), c
        assert f"[{c['n']}]" in answer["answer"]


async def over_stdio(data_dir: Path, calls: Calls[T], **env: str) -> T:
    """Spawn `recap mcp` over `data_dir` and run `calls` in a client session with it."""
    server = StdioServerParameters(
        command=str(RECAP_BIN),
        args=["mcp"],
        env={**os.environ, "RECAP_DATA_DIR": str(data_dir), "RECAP_LLM": "extractive", **env},
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write, read_timeout_seconds=WAIT) as session:
        await session.initialize()
        return await calls(session)


async def over_http(url: str, calls: Calls[T], auth: tuple[str, str] | None = None) -> T:
    async with (
        httpx.AsyncClient(auth=auth, timeout=httpx.Timeout(30, read=WAIT.total_seconds())) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write, read_timeout_seconds=WAIT) as session,
    ):
        await session.initialize()
        return await calls(session)


async def tools_and_wasm(session: ClientSession) -> tuple[dict[str, str], CallToolResult]:
    listed = await session.list_tools()
    return {t.name: t.description or "" for t in listed.tools}, await session.call_tool("ask", {"question": WASM})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path) -> Path:
    return copy_index(tmp_path_factory, corpus_index, "mcp")


@pytest.mark.slow
def test_stdio_lists_the_tools_and_answers_with_verbatim_quotes(data_dir: Path) -> None:
    async def calls(session: ClientSession) -> tuple[dict[str, str], CallToolResult, CallToolResult, CallToolResult]:
        tools, asked = await tools_and_wasm(session)
        hits = await session.call_tool("search", {"query": "Wasm", "k": 3})
        return tools, asked, hits, await session.call_tool("sources", {})

    tools, asked, hits, sources = asyncio.run(over_stdio(data_dir, calls))
    assert set(tools) == TOOLS  # no `ingest` unless RECAP_MCP_INGEST is set
    for name in ("ask", "search"):  # an agent learns when to use a tool, and that quotes are verbatim
        assert "Use it" in tools[name] and "verbatim" in tools[name]
    assert "Use it" in tools["sources"]
    assert_wasm_answer_cited_verbatim(payload(asked))
    rows = payload(hits)
    assert len(rows) == 3 and all(r["url"] and r["chunk_id"] and r["end"] > r["start"] >= 0 for r in rows)
    texts = recap_texts()
    assert all(any(r["text"].split("\n\n")[0] in t for t in texts[r["url"]]) for r in rows)
    library = payload(sources)
    assert len(library) == 4 and all(s["url"] and s["chunks"] > 0 and "path" not in s for s in library)


BAD_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("ask", {"question": ""}, r"ask\(\) needs a question: it was empty"),
    ("ask", {"question": 42}, r"question\s+Input should be a valid string"),
    ("ask", {}, r"question\s+Field required"),
    ("search", {"query": "Wasm", "k": 10_000}, r"search\(\) returns 1 to 50 passages: k=10000 is out of range"),
    ("search", {"query": "   "}, r"search\(\) needs a query"),
    ("summarise", {"text": "Wasm"}, r"Unknown tool: summarise"),
    ("ingest", {"paths": ["/etc"]}, r"Unknown tool: ingest"),  # not offered unless RECAP_MCP_INGEST is set
]


async def bad_then_good(session: ClientSession) -> tuple[list[CallToolResult], CallToolResult]:
    bad = [await session.call_tool(name, arguments) for name, arguments, _ in BAD_CALLS]
    return bad, await session.call_tool("ask", {"question": WASM})


def assert_clear_errors_then_served(bad: list[CallToolResult], good: CallToolResult) -> None:
    for (name, arguments, message), result in zip(BAD_CALLS, bad, strict=True):
        assert result.isError, (name, arguments)
        assert re.search(message, text_of(result)), (name, arguments, text_of(result))
    assert_wasm_answer_cited_verbatim(payload(good))  # and the server kept serving


@pytest.mark.slow
def test_stdio_bad_input_gets_clear_tool_errors_and_the_server_keeps_serving(data_dir: Path) -> None:
    assert_clear_errors_then_served(*asyncio.run(over_stdio(data_dir, bad_then_good)))


def test_ingest_is_offered_only_when_enabled(fresh_data_dir: Path, embedder: Embedder, tmp_path: Path) -> None:
    def tools(**settings: Any) -> tuple[Any, set[str]]:
        config = Settings(data_dir=fresh_data_dir, llm="extractive", **settings)
        server = build_server(Assistant(config, embedder=embedder, auto_ingest=False))
        return server, {t.name for t in asyncio.run(server.list_tools())}

    assert tools()[1] == TOOLS
    server, names = tools(mcp_ingest=True)
    assert names == TOOLS | {"ingest"}
    recap = tmp_path / "zorblax.md"
    recap.write_text("# Zorblax\n\nThe Zorblax scheduler packed GPU jobs tightly at KubeCon.\n", encoding="utf-8")
    report = json.loads(asyncio.run(server.call_tool("ingest", {"paths": [str(recap)]}))[0].text)
    assert report["added"] == [str(recap)]
    hits = json.loads(asyncio.run(server.call_tool("search", {"query": "Zorblax scheduler", "k": 1}))[0].text)
    assert "Zorblax" in hits[0]["text"]


# -- over HTTP, on the web app ----------------------------------------------------------------------


def mcp_url(server: Server) -> str:
    return f"{server.url.rstrip('/')}/gradio_api/mcp/"


@pytest.fixture(scope="module")
def ui_with_login(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, embedder: Embedder) -> Iterator[Server]:
    data = copy_index(tmp_path_factory, corpus_index, "mcp-login")
    with running_ui(data, embedder, ui_user=LOGIN[0], ui_password=LOGIN[1]) as (server, _):
        yield server


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.mark.slow
def test_http_mcp_refuses_requests_without_the_login(ui_with_login: Server) -> None:
    url = mcp_url(ui_with_login)
    attempts: list[dict[str, Any]] = [
        {},
        {"auth": (LOGIN[0], "wrong")},
        {"auth": ("eve", LOGIN[1])},
        {"headers": {"Authorization": "Basic not-base64!"}},
        {"headers": {"Authorization": "Bearer " + LOGIN[1]}},
    ]
    for attempt in attempts:
        headers = {**MCP_HEADERS, **attempt.get("headers", {})}
        for message in (INITIALIZE, LIST_TOOLS):
            response = httpx.post(url, json=message, headers=headers, auth=attempt.get("auth"), timeout=30)
            assert response.status_code == 401, (attempt, message["method"])
            assert response.headers["www-authenticate"].startswith("Basic")
            assert "RECAP_UI_USER" in response.text and "sources" not in response.text
    assert httpx.get(url, timeout=30).status_code == 401
    # The same request with the login is answered: the refusals above are refusals.
    response = httpx.post(url, json=INITIALIZE, headers=MCP_HEADERS, auth=LOGIN, timeout=30)
    assert response.status_code == 200 and '"serverInfo"' in response.text


@pytest.mark.slow
def test_http_mcp_with_the_login_answers_with_verbatim_quotes(ui_with_login: Server) -> None:
    tools, asked = asyncio.run(over_http(mcp_url(ui_with_login), tools_and_wasm, auth=LOGIN))
    assert set(tools) == TOOLS
    assert_wasm_answer_cited_verbatim(payload(asked))
    # Gradio's own API stays behind its login: mounting the MCP route opened no way around it.
    assert httpx.post(f"{ui_with_login.url}gradio_api/call/ask", json={"data": [WASM]}, timeout=30).status_code == 401


@pytest.mark.slow
def test_http_mcp_bad_input_and_no_login_configured(ui: tuple[Server, Settings]) -> None:
    server, settings = ui
    assert settings.auth() is None  # no login set: MCP is as open as the UI (on loopback by default)
    assert_clear_errors_then_served(*asyncio.run(over_http(mcp_url(server), bad_then_good)))


def test_login_check_reads_basic_credentials_only() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("never called here")

    guard = LoginRequired(app, LOGIN)

    def basic(raw: bytes) -> Headers:
        return Headers({"authorization": "Basic " + base64.b64encode(raw).decode()})

    assert guard.authorised(basic(b"ada:s3cret-pass"))
    assert guard.authorised(Headers({"authorization": "basic " + base64.b64encode(b"ada:s3cret-pass").decode()}))
    for raw in (b"ada:s3cret-pas", b"ada:s3cret-pass ", b"ada", b"ada:", b":s3cret-pass", b"\xff:\xfe"):
        assert not guard.authorised(basic(raw)), raw
    assert not guard.authorised(Headers({}))
    assert not guard.authorised(Headers({"authorization": "Basic ada:s3cret-pass"}))  # not base64
