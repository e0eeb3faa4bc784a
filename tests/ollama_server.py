"""An Ollama-protocol HTTP server for tests: real sockets, scripted model output.

It speaks the parts of Ollama's API that recap and `langchain_ollama.ChatOllama` use —
`GET /api/version`, `GET /api/tags`, `POST /api/show`, streaming NDJSON `POST /api/chat`, and the
chat request with no messages that loads a model (`"done_reason": "load"`, or `"unload"` with
`keep_alive` 0, as Ollama's API docs describe) — and answers a model it does not have with Ollama's
404 error JSON. Replies come from `script`, a
function of the request body, so a test decides what "the model" says and can read back every
request it was sent (`requests`). A `Reply` can also stall before its first token or drop the
connection mid-stream.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VERSION = "0.6.5"


@dataclass
class Reply:
    """What the scripted model answers to one /api/chat request."""

    text: str
    chunk_words: int = 3  # words per streamed chunk
    delay_first: float = 0.0  # seconds before the first chunk (a cold model load)
    disconnect_after: int | None = None  # close the socket after this many chunks, without `done`
    error_status: int | None = None  # answer with Ollama's error JSON and this status instead


Script = Callable[[dict[str, Any]], Reply]


def _chunks(text: str, words: int) -> list[str]:
    pieces = text.split(" ")
    starts = range(0, len(pieces), words)
    return [" ".join(pieces[i : i + words]) + (" " if i + words < len(pieces) else "") for i in starts]


class ScriptedOllama:
    """`with ScriptedOllama(script) as server:` → an Ollama at `server.url` serving `models`."""

    def __init__(
        self, script: Script, models: tuple[str, ...] = ("llama3.2:latest",), load_seconds: float = 0.0
    ) -> None:
        self.script = script
        self.models = list(models)
        self.load_seconds = load_seconds  # how long a load request takes (a cold model load)
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="scripted-ollama", daemon=True)

    def __enter__(self) -> ScriptedOllama:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def chats(self) -> list[dict[str, Any]]:
        """Chat requests that ask the model something (load requests left out)."""
        return [r for r in self.requests if r.get("path") == "/api/chat" and r.get("messages")]

    @property
    def loads(self) -> list[dict[str, Any]]:
        """Chat requests with no messages: Ollama loads (or, with keep_alive 0, unloads) the model."""
        return [r for r in self.requests if r.get("path") == "/api/chat" and not r.get("messages")]

    def has(self, model: str) -> bool:
        return any(m == model or m == f"{model}:latest" for m in self.models)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
                pass

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self) -> None:
                server.requests.append({"path": self.path})
                if self.path == "/api/version":
                    self._json(200, {"version": VERSION})
                elif self.path == "/api/tags":
                    self._json(200, {"models": [_model_entry(m) for m in server.models]})
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                body = self._body()
                server.requests.append({"path": self.path, **body})
                model = str(body.get("model", ""))
                if self.path == "/api/show":
                    if not server.has(model):
                        self._json(404, {"error": f"model '{model}' not found"})
                    else:
                        self._json(200, _show(model))
                elif self.path == "/api/chat":
                    if not server.has(model):
                        self._json(404, {"error": f'model "{model}" not found, try pulling it first'})
                    elif not body.get("messages"):
                        self._load(model, body)
                    else:
                        self._chat(model, body)
                else:
                    self._json(404, {"error": "not found"})

            def _load(self, model: str, body: dict[str, Any]) -> None:
                # One JSON object, streaming or not, once the model is in memory.
                unload = body.get("keep_alive") in (0, "0", "0s")
                if not unload:
                    time.sleep(server.load_seconds)
                payload = {
                    **_message(model, "", done=False),
                    "done_reason": "unload" if unload else "load",
                    "done": True,
                }
                self._json(200, payload)

            def _chat(self, model: str, body: dict[str, Any]) -> None:
                reply = server.script(body)
                if reply.error_status is not None:
                    self._json(reply.error_status, {"error": reply.text})
                    return
                if reply.delay_first:
                    time.sleep(reply.delay_first)
                if not body.get("stream", True):
                    self._json(200, _message(model, reply.text, done=True))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i, piece in enumerate(_chunks(reply.text, reply.chunk_words)):
                    if reply.disconnect_after is not None and i >= reply.disconnect_after:
                        # Drop the connection mid-body: no closing chunk, no `done` line.
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    self._send_chunk(_message(model, piece, done=False))
                self._send_chunk(_message(model, "", done=True))
                self.wfile.write(b"0\r\n\r\n")

            def _send_chunk(self, payload: dict[str, Any]) -> None:
                data = (json.dumps(payload) + "\n").encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        return Handler


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _model_entry(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "model": name,
        "modified_at": _now(),
        "size": 2019393189,
        "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        "details": {"format": "gguf", "family": "llama", "parameter_size": "3.2B", "quantization_level": "Q4_K_M"},
    }


def _show(name: str) -> dict[str, Any]:
    return {
        "modelfile": f"FROM {name}",
        "parameters": 'stop "<|eot_id|>"',
        "template": "{{ .Prompt }}",
        "details": _model_entry(name)["details"],
        "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
        "capabilities": ["completion", "tools"],
    }


def _message(model: str, content: str, done: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "model": model,
        "created_at": _now(),
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    if done:
        payload.update(
            done_reason="stop",
            total_duration=1_000_000,
            load_duration=100_000,
            prompt_eval_count=100,
            prompt_eval_duration=100_000,
            eval_count=50,
            eval_duration=500_000,
        )
    return payload
