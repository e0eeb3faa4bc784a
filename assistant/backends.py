"""Which backend answers: the extractive composer, or a local model served by Ollama.

`RECAP_LLM` / `--llm` takes `extractive`, `auto` (Ollama when it answers and has the model,
otherwise extractive) or `ollama:<model>`. Whenever Ollama was asked for but cannot answer, the
extractive backend answers and `Backend.notice` says why in one sentence a user can act on.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from index.errors import LLMUnavailableError, RecapError
from index.settings import Settings

log = logging.getLogger(__name__)

EXTRACTIVE = "extractive"
AUTO = "auto"
OLLAMA = "ollama"
DEFAULT_PORT = 11434


@dataclass(frozen=True)
class Backend:
    """The backend chosen for one question. `model` is empty for the extractive backend."""

    kind: str  # EXTRACTIVE or OLLAMA
    model: str = ""
    host: str = ""
    notice: str = ""  # why Ollama is not used although it was asked for; empty otherwise

    @property
    def name(self) -> str:
        """What `Answer.backend` reports: `extractive` or `ollama:<model>`."""
        return f"{OLLAMA}:{self.model}" if self.kind == OLLAMA else EXTRACTIVE


def parse_llm(spec: str, default_model: str) -> tuple[str, str]:
    """(`kind`, `model`) for a `RECAP_LLM` value; `kind` is EXTRACTIVE, AUTO or OLLAMA."""
    value = spec.strip()
    lowered = value.lower()
    if lowered in ("", EXTRACTIVE, "none", "off"):
        return EXTRACTIVE, ""
    if lowered == AUTO:
        return AUTO, default_model
    if lowered == OLLAMA:
        return OLLAMA, default_model
    if lowered.startswith(f"{OLLAMA}:"):
        model = value.split(":", 1)[1].strip()
        return OLLAMA, model or default_model
    raise RecapError(f"RECAP_LLM / --llm must be 'auto', 'extractive' or 'ollama:<model>', not {spec!r}")


def normalise_host(host: str) -> str:
    """`127.0.0.1:11434`, `localhost` or `http://host:port/` → `http://host:port`, like Ollama's clients."""
    value = host.strip() or "127.0.0.1"
    # As in Ollama's own clients: no scheme means Ollama's port, an explicit scheme means its usual port.
    has_scheme = "://" in value
    parts = urlsplit(value if has_scheme else f"http://{value}")
    hostname = parts.hostname or "127.0.0.1"
    if hostname == "0.0.0.0":  # a bind-all address (OLLAMA_HOST=0.0.0.0 for the server) means "this machine"
        hostname = "127.0.0.1"
    if ":" in hostname:
        hostname = f"[{hostname}]"
    port = parts.port or (DEFAULT_PORT if not has_scheme else 443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{hostname}:{port}{parts.path.rstrip('/')}"


def model_matches(wanted: str, installed: str) -> bool:
    """`llama3.2` is installed as `llama3.2:latest`; a tagged name must match exactly."""
    return installed == wanted or (":" not in wanted and installed == f"{wanted}:latest")


class ModelNotPulledError(LLMUnavailableError):
    """Ollama runs but does not have the model."""


def failure_notice(
    exc: BaseException, backend: Backend, waited: float, setting: str = "RECAP_FIRST_TOKEN_TIMEOUT"
) -> str:
    """One sentence saying why the model did not answer and what to do about it.

    The one place these messages are worded, whether Ollama failed the availability check or
    failed mid-answer. `waited` is the timeout that applied (seconds) and `setting` the knob that
    raises it.
    """
    from ollama import ResponseError  # comes with langchain-ollama; only a failing model needs it

    if isinstance(exc, ModelNotPulledError) or (isinstance(exc, ResponseError) and exc.status_code == 404):
        return f"Ollama has no model {backend.model!r}: run `ollama pull {backend.model}`; answering without a model."
    if isinstance(exc, httpx.HTTPStatusError):
        return f"Ollama at {backend.host} answered with HTTP {exc.response.status_code}; answering without a model."
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | ConnectionError):
        return (
            f"Ollama is not running at {backend.host} (start it with `ollama serve`, or set OLLAMA_HOST); "
            "answering without a model."
        )
    if isinstance(exc, TimeoutError):  # our own deadline on a whole answer; its message says which
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return (
            f"{backend.name} sent nothing for {waited:.0f} s (raise {setting} for a slow machine); "
            "answering without a model."
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | LLMUnavailableError):
        return f"The connection to Ollama dropped mid-answer ({exc}); the partial answer was discarded."
    return f"{backend.name} failed ({exc}); answering without a model."


def check_ollama(backend: Backend, timeout: float) -> None:
    """Raise `LLMUnavailableError` with an actionable message unless Ollama serves `backend.model`."""
    try:
        with httpx.Client(base_url=backend.host, timeout=timeout) as client:
            client.get("/api/version").raise_for_status()
            tags = client.get("/api/tags")
            tags.raise_for_status()
        installed = [str(m.get("model") or m.get("name") or "") for m in tags.json().get("models", [])]
        if not any(model_matches(backend.model, name) for name in installed):
            raise ModelNotPulledError(backend.model)
    except (httpx.HTTPError, ValueError, LLMUnavailableError) as exc:  # ValueError: not Ollama's JSON
        problem: BaseException = exc
        if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.TimeoutException):
            problem = httpx.ConnectError(str(exc))  # no answer to a two-line request: nothing usable runs there
        raise LLMUnavailableError(failure_notice(problem, backend, timeout, "RECAP_CONNECT_TIMEOUT")) from exc


# (host, model) → (when checked, the reason Ollama can't be used or None). Checking costs two HTTP
# requests, and up to `connect_timeout` against a host that drops packets: not once per question.
_checked: dict[tuple[str, str], tuple[float, str | None]] = {}
_checked_lock = threading.Lock()


def forget_checks() -> None:
    """Check Ollama again on the next question (after it failed mid-answer, say)."""
    with _checked_lock:
        _checked.clear()


def choose_backend(settings: Settings) -> Backend:
    """The backend for the next question, checking (at most every `ollama_check_ttl` s) that Ollama answers."""
    kind, model = parse_llm(settings.llm, settings.ollama_model)
    if kind == EXTRACTIVE:
        return Backend(EXTRACTIVE)
    host = normalise_host(settings.ollama_host)
    key = (host, model)
    with _checked_lock:
        checked_at, problem = _checked.get(key, (float("-inf"), None))
    if time.monotonic() - checked_at > settings.ollama_check_ttl:
        try:
            check_ollama(Backend(OLLAMA, model=model, host=host), settings.connect_timeout)
            problem = None
        except LLMUnavailableError as exc:
            problem = str(exc)
        with _checked_lock:
            _checked[key] = (time.monotonic(), problem)
    if problem is not None:
        log.info("not using Ollama: %s", problem)
        return Backend(EXTRACTIVE, notice=problem)
    return Backend(OLLAMA, model=model, host=host)
