"""The one place a default lives: every knob is a field here, overridable by a `RECAP_*` env var."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus" / "kubecon-eu-2024"


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "recap"


class Settings(BaseSettings):
    """Typed settings; env prefix `RECAP_` (e.g. `RECAP_DATA_DIR`, `RECAP_TOP_K`)."""

    model_config = SettingsConfigDict(env_prefix="RECAP_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Everything recap writes lives here.")
    collection: str = Field("recap", min_length=3, description="Chroma collection (3+ characters).")
    chroma_url: str | None = Field(
        None, description="Use a Chroma server (http://host:port) instead of the embedded store."
    )
    corpus_dir: Path = Field(BUNDLED_CORPUS, description="Recaps ingested on first use.")

    # Chunking: tiktoken counts; the chunk plus its heading must fit the embedder's 256 word pieces.
    chunk_tokens: int = Field(160, ge=32, le=230)
    max_file_bytes: int = Field(20_000_000, ge=1, description="Larger files are refused.")
    duplicate_threshold: float = Field(
        0.8, gt=0, le=1, description="Shingle containment above which two documents are one."
    )

    # Retrieval.
    top_k: int = Field(6, ge=1, le=50, description="Passages handed to the answer stage.")
    candidates: int = Field(30, ge=5, le=500, description="Hits taken from each retriever before fusion.")
    relevance_floor: float = Field(0.40, description="Best passage similarity below which the assistant abstains.")
    source_floor: float = Field(0.33, description="A sentence is quoted only if it is at least this similar.")
    source_margin: float = Field(0.3, description="...and within this much of the best sentence.")
    confident_similarity: float = Field(
        0.5, description="Evidence needed when the question names something no recap mentions."
    )

    # Answering.
    llm: str = Field("extractive", description="'extractive' (no model), 'auto' or 'ollama:<model>'.")
    max_quotes_per_source: int = Field(2, ge=1, le=5)
    max_sources: int = Field(5, ge=1, le=20)

    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"
