"""recap as an MCP server: the tools an AI assistant or an IDE agent calls to answer from the recaps.

`recap mcp` serves them over stdio; `recap serve` mounts the same server on the web app
(`ui/mcp_route.py`). Tools: `ask`, `search`, `sources`, and `ingest` only when `RECAP_MCP_INGEST`
is true. Each call runs in a worker thread, so the server keeps answering (and other calls run)
while one is being answered. A tool's bad input is a tool error with recap's message; the server
keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations
from pydantic import Field

from assistant.core import Assistant
from assistant.types import MAX_SEARCH_K

log = logging.getLogger(__name__)
R = TypeVar("R")

INSTRUCTIONS = (
    "recap answers questions about {conference} from the recaps people who attended published. "
    "Its answers quote the recaps verbatim, and every quote comes with its source (title, author, "
    "publisher, date, URL): cite them when you pass an answer on. When the recaps don't cover a "
    "question, recap says so (`abstained`); do not fill the gap from memory and present it as theirs."
)
ASK = (
    "Answer a question about {conference} from the published recaps of it. Use it for any question "
    "about the conference: talks and announcements, trends, opinions, co-located events, where to "
    "watch sessions, which talks to catch. Ask one standalone question per call. Returns JSON: "
    "`answer` (every claim a verbatim quote followed by [n]), `citations` (for each n: the quote and "
    "its recap's title, author, publisher, date and url; show these to the user), `abstained` (true "
    "when the recaps don't cover the question: say so rather than answer from memory), `backend`, "
    "`notice`, `verification` and `timings_ms`."
)
SEARCH = (
    "Find the passages of the {conference} recaps that best match a query (keyword and semantic "
    "search, spread across recaps), without composing an answer. Use it to gather evidence for an "
    "answer of your own, to explore a topic, or to find which recap covers something; use `ask` for "
    "a cited answer. Returns JSON: a list of hits, each with `text` (verbatim from the recap), "
    "`title`, `author`, `publisher`, `date`, `url`, `section`, `source_id`, `chunk_id`, `start` and "
    "`end` (the passage's span in its recap) and `score`. Quote `text` exactly and cite its url."
)
SOURCES = (
    "List the recaps of {conference} that recap answers from: id, title, author, publisher, date, "
    "url and the number of indexed passages. Use it to tell the user what answers are based on, or "
    "to check whether a publication is covered before asking about it."
)
INGEST = (
    "Add recap files or folders from the server's disk to the index (Markdown, text, HTML, PDF). "
    "Unchanged files cost nothing; changed ones are replaced; bad files are reported and skipped. "
    "Returns JSON: added, updated, unchanged, removed, duplicates, errors and chunk counts."
)
_READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

Question = Annotated[str, Field(description="The question, in plain words (e.g. 'What did people say about Wasm?').")]
Query = Annotated[str, Field(description="What to look for: a topic, a name, a phrase.")]
# The range is stated in the schema for the agent, and enforced by `Assistant.search` with its own message.
HowMany = Annotated[
    int,
    Field(
        description=f"How many passages, 1 to {MAX_SEARCH_K}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_SEARCH_K},
    ),
]


def to_json_text(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


class RecapTools:
    """The tools' bodies: `Assistant` calls in a worker thread, at most `concurrency` at once."""

    def __init__(self, assistant: Assistant, concurrency: int) -> None:
        self.assistant = assistant
        self._slots = asyncio.Semaphore(concurrency)

    async def _call(self, fn: Callable[..., R], *args: Any) -> R:
        async with self._slots:
            return await asyncio.to_thread(fn, *args)

    async def ask(self, question: Question) -> str:
        answer = await self._call(self.assistant.ask, question)
        return to_json_text(answer.to_json())

    async def search(self, query: Query, k: HowMany = 5) -> str:
        hits = await self._call(self.assistant.search, query, k)
        return to_json_text([hit.to_json() for hit in hits])

    async def sources(self) -> str:
        sources = await self._call(self.assistant.sources)
        # File paths on the server's disk are not the agent's business.
        return to_json_text([{k: v for k, v in asdict(s).items() if k not in {"path", "duplicates"}} for s in sources])

    async def ingest(self, paths: Annotated[list[str], Field(description="Files or folders on the server.")]) -> str:
        report = await self._call(self.assistant.ingest, paths)
        return to_json_text(asdict(report))


def build_server(assistant: Assistant, *, concurrency: int = 4, host: str = "127.0.0.1") -> FastMCP:
    """recap's MCP server over `assistant`. Over HTTP (`streamable_http_app()`) it answers at the
    app's root, to be mounted where it is served; `host` is where it listens: on loopback, requests
    naming another host are refused (DNS-rebinding protection)."""
    settings = assistant.settings
    named = {"conference": settings.conference}
    server = FastMCP(
        "recap",
        instructions=INSTRUCTIONS.format(**named),
        host=host,
        streamable_http_path="/",
        stateless_http=True,  # each request stands alone: nothing to keep between an agent's calls
        log_level="WARNING",
    )
    tools = RecapTools(assistant, concurrency)
    for fn, text in ((tools.ask, ASK), (tools.search, SEARCH), (tools.sources, SOURCES)):
        server.add_tool(fn, description=text.format(**named), annotations=_READ_ONLY, structured_output=False)
    # Planning and the catalogue join here as `plan(role, topic)` and `catalogue(kind)`, read-only like
    # the three above, once `Assistant` has them.
    if settings.mcp_ingest:
        server.add_tool(tools.ingest, description=INGEST, structured_output=False)
    return server


def serve_stdio(assistant: Assistant) -> None:
    """Serve over stdin/stdout until the client hangs up (`recap mcp`)."""
    # Load the index and the model (ingesting the bundled recaps on first use) while the client
    # starts up; a call that comes first waits for it.
    threading.Thread(target=_warm_up, args=(assistant,), name="recap-warm-up", daemon=True).start()
    build_server(assistant, concurrency=assistant.settings.ui_concurrency).run("stdio")


def _warm_up(assistant: Assistant) -> None:
    try:
        assistant.sources()
        assistant.embedder.embed_one(assistant.settings.conference)  # the model loads on its first use
    except Exception:  # the first tool call meets the same error, with its message
        log.exception("could not load the index")
