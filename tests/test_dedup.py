"""Near-duplicates by MinHash LSH: the same pairs as comparing every document with every other."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from index import dedup
from index.dedup import MISS_AT_THRESHOLD, PERMUTATIONS, Match, bands, find_duplicates, signature, similarity
from index.settings import BUNDLED_CORPUS


def all_pairs(signatures: Sequence[tuple[str, list[int]]], threshold: float) -> dict[str, Match]:
    """What ingest did before LSH: each document against every earlier non-duplicate."""
    canon: list[tuple[str, list[int]]] = []
    found = {}
    for key, sig in signatures:
        best = max(canon, key=lambda c: similarity(c[1], sig), default=None)
        score = similarity(best[1], sig) if best else 0.0
        if best is not None and score >= threshold:
            found[key] = Match(best[0], score)
        else:
            canon.append((key, sig))
    return found


def variants() -> list[tuple[str, list[int]]]:
    """The bundled recaps and copies of them with 0-60% of their words replaced, shuffled."""
    rng = random.Random(17)
    out = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        for share in (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35, 0.6):
            changed = [f"w{rng.randrange(10**6)}" if rng.random() < share else w for w in words]
            out.append((f"{path.name}@{share}", signature(" ".join(changed))))
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9])
@pytest.mark.parametrize("banded", [True, False])
def test_lsh_finds_the_pairs_comparing_all_pairs_finds(
    threshold: float, banded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    signatures = variants()
    expected = all_pairs(signatures, threshold)
    monkeypatch.setattr(dedup, "ALL_PAIRS_UP_TO", 0 if banded else len(signatures))
    assert find_duplicates(signatures, threshold) == expected
    # The set spans the threshold: duplicates found, and copies too changed to be ones.
    scores = [similarity(a, b) for _, a in signatures for _, b in signatures if a is not b]
    assert expected and any(threshold - 0.15 < s < threshold for s in scores)
    assert len(expected) < len(signatures) - 5


def test_bands_miss_a_pair_at_the_threshold_rarely() -> None:
    for threshold in (0.3, 0.5, 0.8, 0.9, 0.97):
        count, rows = bands(threshold)
        assert count * rows <= PERMUTATIONS
        assert (1 - threshold**rows) ** count <= MISS_AT_THRESHOLD
        # and the bands are as long as that allows: one row longer would miss more often
        assert rows == PERMUTATIONS or (1 - threshold ** (rows + 1)) ** (PERMUTATIONS // (rows + 1)) > MISS_AT_THRESHOLD
