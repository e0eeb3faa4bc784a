"""Near-duplicate documents by content: MinHash signatures of word shingles.

The same post saved twice (different site chrome, extra headings) shares almost all of its
5-word shingles; two different posts about the same conference share few.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20240319)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def _shingle_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        words = words + [""] * (SHINGLE_WORDS - len(words))
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") >> 3 for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )


def signature(text: str) -> list[int]:
    """A MinHash signature of `text`'s shingles (128 integers, JSON-friendly)."""
    hashes = _shingle_hashes(text)
    # (a*x + b) mod p, computed in float-free uint64 arithmetic; wrap-around is fine for hashing.
    values = (np.outer(hashes, _A) + _B) % np.uint64(_PRIME)
    return values.min(axis=0).astype(np.uint64).tolist()


def similarity(sig_a: list[int], sig_b: list[int]) -> float:
    """Estimated Jaccard similarity of the two documents' shingle sets."""
    a, b = np.asarray(sig_a, dtype=np.uint64), np.asarray(sig_b, dtype=np.uint64)
    return float(np.mean(a == b))
