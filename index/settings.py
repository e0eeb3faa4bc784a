"""The one place a default lives: every knob is a field here, overridable by a `RECAP_*` env var."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.errors import SettingsError

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus" / "kubecon-eu-2024"


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "recap"


def _default_ollama_host() -> str:
    return os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434"


class Settings(BaseSettings):
    """Typed settings; env prefix `RECAP_` (e.g. `RECAP_DATA_DIR`, `RECAP_TOP_K`)."""

    model_config = SettingsConfigDict(env_prefix="RECAP_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Everything recap writes lives here.")
    collection: str = Field("recap", min_length=3, description="Chroma collection (3+ characters).")
    chroma_url: str | None = Field(
        None, description="Use a Chroma server (http://host:port) instead of the embedded store."
    )
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="Recaps ingested on first use.")
    conference: str = Field(
        "KubeCon + CloudNativeCon Europe 2024 in Paris",
        description="What the recaps are about: named in the prompt and the UI.",
    )

    # Chunking: tiktoken counts; the chunk plus its heading must fit the embedder's 256 word pieces.
    chunk_tokens: int = Field(160, ge=32, le=230)
    max_file_bytes: int = Field(20_000_000, ge=1, description="Larger files are refused.")
    duplicate_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity of word shingles above which two documents are one post.",
    )

    # Embedding (index/embeddings.py). Precision and sentence vectors change the stored vectors: an index
    # built with other values is re-indexed before it is used.
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="Where the embedder runs: a CUDA GPU when one is usable ('auto'), or as asked."
    )
    # int8 by measurement (docs/benchmarks.md, "Embedding path"): a third less ingest CPU than fp32, with
    # recall@5, MRR, blind evidence recall and answer precision within 0.01 of fp32's.
    embed_precision: Literal["fp32", "int8"] = Field(
        "int8", description="int8 (ONNX Runtime dynamic quantisation) or the model's own fp32 weights."
    )
    sentence_vectors: Literal["separate", "late"] = Field(
        "separate",
        description="Sentence vectors from a pass of their own, or pooled from their chunk's pass (late chunking).",
    )

    # Retrieval.
    top_k: int = Field(8, ge=1, le=50, description="Passages handed to the answer stage.")
    candidates: int = Field(30, ge=5, le=500, description="Hits taken from each retriever before fusion.")
    relevance_floor: float = Field(0.40, description="Best passage similarity below which the assistant abstains.")
    source_floor: float = Field(0.33, description="Below this strength no sentence is close enough to quote.")
    confident_similarity: float = Field(
        0.55, description="Evidence needed when the question names something no recap mentions."
    )

    # Answering.
    llm: str = Field(
        "auto", description="'auto' (Ollama when it answers, else extractive), 'extractive' or 'ollama:<model>'."
    )

    # The local model (Ollama). OLLAMA_HOST is honoured as Ollama's own tools do; RECAP_OLLAMA_HOST wins.
    ollama_host: str = Field(default_factory=_default_ollama_host, description="Where Ollama listens.")
    ollama_model: str = Field("llama3.2", description="Model used by 'auto' and by a bare 'ollama'.")
    connect_timeout: float = Field(3.0, gt=0, description="Seconds to reach Ollama; it is local, so short.")
    first_token_timeout: float = Field(
        120.0, gt=0, description="Seconds to wait for the first token (or any next one): a cold load takes 30-60 s."
    )
    ollama_timeout: float = Field(300.0, gt=0, description="Upper bound in seconds on one whole generation.")
    ollama_check_ttl: float = Field(
        15.0, ge=0, description="Seconds a check that Ollama answers (or doesn't) is trusted before asking again."
    )
    keep_alive: str = Field("10m", description="How long Ollama keeps the model loaded after a request.")
    num_ctx: int = Field(4096, ge=1024, description="The model's context window requested from Ollama (tokens).")
    num_predict: int = Field(600, ge=64, description="Most tokens the model may generate for one answer.")
    context_tokens: int = Field(
        1200,
        ge=128,
        description="Most prompt tokens the retrieved passages may take (fences included): a CPU reads a prompt "
        "at about 80 tokens/s, so every 100 cost over a second before the first word (bench/context.py).",
    )
    temperature: float = Field(0.1, ge=0, le=2, description="Low: answers should restate the recaps, not invent.")

    # The web UI (`recap serve`). Loopback by default: the index and the recaps are the user's own;
    # sharing them is a choice.
    ui_host: str = Field("127.0.0.1", description="Interface `recap serve` binds to.")
    ui_port: int = Field(7860, ge=1, le=65535, description="Port `recap serve` listens on.")
    ui_user: str = Field("", description="With ui_password: the login the UI asks for.")
    ui_password: SecretStr = Field(SecretStr(""), description="With ui_user: the password the UI asks for.")
    ui_max_upload_mb: float = Field(5.0, gt=0, le=100, description="Largest recap file the UI accepts.")
    ui_concurrency: int = Field(4, ge=1, le=64, description="Questions answered at once; more wait in a queue.")

    # MCP (`recap mcp`, and `recap serve` at /gradio_api/mcp/): reading tools only, unless this is set.
    mcp_ingest: bool = Field(False, description="Offer an `ingest` tool over MCP (it reads paths on this machine).")

    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    def models_path(self) -> Path:
        """Where the embedding model's ONNX files live (exported there once; see index/onnx_model.py)."""
        return self.data_dir / "models"

    def auth(self) -> tuple[str, str] | None:
        """The (user, password) pair for the UI's login, or None when auth is off."""
        password = self.ui_password.get_secret_value()
        return (self.ui_user, password) if self.ui_user and password else None


def load_settings(base: Settings | None = None, **overrides: Any) -> Settings:
    """`base` (default: the environment's `RECAP_*` settings) with `overrides`, all validated.

    Raises `SettingsError` naming each bad setting in one line (`top_k: Input should be greater
    than or equal to 1`), whether it came from the environment or from `overrides`.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(given) - set(Settings.model_fields))
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
    try:
        if base is None:
            return Settings(**given)
        return Settings.model_validate({**dict(base), **given}) if given else base
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from exc


def describe(exc: ValidationError) -> str:
    """Each invalid setting and why, on one line."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'setting'}: {e['msg']}" for e in exc.errors())
