"""recap's MCP server on the web app, at Gradio's standard MCP path and behind the UI's login.

Gradio's own MCP server (`launch(mcp_server=True)`, the `gradio[mcp]` extra) is not used: in Gradio
6.31 its route ignores `auth=` (anyone can list the tools, and calls of unqueued endpoints run
without a login), and with a login set its calls of queued endpoints fail, since it calls them back
over HTTP without credentials. Instead the server `recap mcp` runs over stdio is mounted here
(streamable HTTP), so both transports offer the same tools, and a login set for the UI
(`RECAP_UI_USER`/`RECAP_UI_PASSWORD`) is required here as HTTP Basic credentials.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import Assistant, Settings
from assistant.mcp_server import build_server

MCP_PATH = "/gradio_api/mcp"  # where Gradio serves MCP; clients use MCP_PATH + "/"


class LoginRequired:
    """An ASGI wrapper that lets a request through only with the login's HTTP Basic credentials."""

    def __init__(self, app: ASGIApp, login: tuple[str, str] | None) -> None:
        self.app = app
        self.login = login

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.login is None or scope["type"] != "http" or self.authorised(Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        refusal = PlainTextResponse(
            "recap: this MCP server needs the web app's login (RECAP_UI_USER / RECAP_UI_PASSWORD) "
            "as HTTP Basic credentials: an 'Authorization: Basic …' header.",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="recap", charset="UTF-8"'},
        )
        await refusal(scope, receive, send)

    def authorised(self, headers: Headers) -> bool:
        scheme, _, encoded = headers.get("authorization", "").partition(" ")
        if self.login is None or scheme.lower() != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        # Both compared in constant time, and both always compared.
        same_user = hmac.compare_digest(user.encode(), self.login[0].encode())
        same_password = hmac.compare_digest(password.encode(), self.login[1].encode())
        return bool(sep) and same_user and same_password


def mcp_app_kwargs(assistant: Assistant, settings: Settings, host: str) -> dict[str, Any]:
    """What `gr.Blocks.launch(app_kwargs=...)` needs to serve MCP at `MCP_PATH`: the mount, ahead of
    Gradio's own routes, and a lifespan that runs the MCP session manager while the app runs."""
    server = build_server(assistant, concurrency=settings.ui_concurrency, host=host)
    mcp_app = server.streamable_http_app()  # a Starlette app; mounted, its own lifespan would not run
    manager = server.session_manager

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with manager.run():
            yield

    return {"routes": [Mount(MCP_PATH, app=LoginRequired(mcp_app, settings.auth()))], "lifespan": lifespan}
