"""Near-duplicate documents by content: MinHash signatures of word shingles, paired by LSH.

The same post saved twice (different site chrome, extra headings) shares almost all of its
5-word shingles; two different posts about the same conference share few. Locality-sensitive
hashing (datasketch's MinHashLSH) puts documents whose signatures agree on a whole band of values
in one bucket, so only pairs that are likely similar are ever compared: the cost grows with the
number of documents and of such pairs, not with all pairs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # datasketch (with scipy) is imported when it is needed: see ALL_PAIRS_UP_TO
    from datasketch import LeanMinHash

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


def similarity(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two documents' shingle sets."""
    a, b = np.asarray(sig_a, dtype=np.uint64), np.asarray(sig_b, dtype=np.uint64)
    return float(np.mean(a == b))


# A pair exactly at the duplicate threshold is missed by the banding with at most this probability
# (it is never compared); pairs further above it even less often.
MISS_AT_THRESHOLD = 1e-6


def bands(threshold: float, permutations: int = PERMUTATIONS) -> tuple[int, int]:
    """(bands, rows per band) for LSH: the longest bands that still find a pair of similarity
    `threshold` with probability >= 1 - MISS_AT_THRESHOLD. Longer bands mean fewer chance pairs
    to compare; every candidate is checked against `threshold` on the full signature anyway."""
    for rows in range(permutations, 0, -1):
        count = permutations // rows
        if (1 - threshold**rows) ** count <= MISS_AT_THRESHOLD:
            return count, rows
    return permutations, 1


@dataclass(frozen=True)
class Match:
    canonical: str  # the key of the document indexed in this one's place
    similarity: float


# Up to this many documents, every pair is compared (one array comparison per document, a few ms
# for them all): cheaper than importing datasketch, which takes most of a second (scipy.integrate).
ALL_PAIRS_UP_TO = 500


def _minhash(sig: Sequence[int]) -> LeanMinHash:
    from datasketch import LeanMinHash

    # datasketch only reads the values for banding: the scheme label ((a*x+b) mod 2^61-1 over 64-bit
    # hashes, as ours) is never used to compare with a MinHash datasketch made itself.
    return LeanMinHash(seed=0, hashvalues=np.asarray(sig, dtype=np.uint64), scheme="affine64")


class _Candidates:
    """The documents kept so far that a new one may repeat: all of them, or those sharing an LSH band."""

    def __init__(self, threshold: float, capacity: int) -> None:
        self.keys: list[str] = []
        self._lsh = None
        if capacity > ALL_PAIRS_UP_TO:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(num_perm=PERMUTATIONS, params=bands(threshold))
            capacity = 0
        self._order: dict[str, int] = {}
        self._signatures: list[Sequence[int]] = []
        self._matrix = np.zeros((capacity, PERMUTATIONS), dtype=np.uint64)  # all pairs: one comparison each

    def add(self, key: str, sig: Sequence[int]) -> None:
        self._order[key] = len(self.keys)
        self.keys.append(key)
        if self._lsh is not None:
            self._signatures.append(sig)
            self._lsh.insert(key, _minhash(sig))
        else:
            self._matrix[len(self.keys) - 1] = sig

    def near(self, sig: Sequence[int]) -> list[tuple[float, int]]:
        """(similarity, position) of each candidate."""
        if self._lsh is None:
            agree = self._matrix[: len(self.keys)] == np.asarray(sig, dtype=np.uint64)
            return [(float(s), i) for i, s in enumerate(agree.mean(axis=1))]
        positions = [self._order[k] for k in self._lsh.query(_minhash(sig))]
        return [(similarity(self._signatures[i], sig), i) for i in positions]


def find_duplicates(signatures: Sequence[tuple[str, Sequence[int]]], threshold: float) -> dict[str, Match]:
    """Which documents repeat an earlier one, given (key, signature) in order of preference.

    A document is a duplicate of the most similar earlier document that is itself not a duplicate,
    if their similarity is at least `threshold` (of equals, the earliest); the first copy of a post
    is the one indexed. Past ALL_PAIRS_UP_TO documents only LSH candidates are compared.
    """
    kept = _Candidates(threshold, len(signatures))
    found: dict[str, Match] = {}
    for key, sig in signatures:
        if len(sig) != PERMUTATIONS:  # not a signature of ours: it can match nothing
            continue
        best = max(kept.near(sig), key=lambda pair: (pair[0], -pair[1]), default=None)
        if best is not None and best[0] >= threshold:
            found[key] = Match(kept.keys[best[1]], best[0])
        else:
            kept.add(key, sig)
    return found
