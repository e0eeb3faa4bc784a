"""Question words spelled otherwise than the recaps spell them, mapped to the index's own spelling.

"Kuberentes", "chatbtos", "modularisation" (the recaps write "modularization"), "Soloman": a word of
the question that no indexed chunk contains is compared with the index's vocabulary (every word of
the indexed text, as written) and replaced by the closest word that differs by one edit (two for
long words: a transposition counts as one), shares its first two letters, and is the most common
such word. An irregular form ("gave": no stemmer makes it "give") is first taken to its dictionary
form (from simplemma's tables), when the index has that. No word list is kept by hand: the index is the
dictionary, so a new conference's recaps bring their own spellings. A word with no close match is
left alone: it may simply be a word the recaps don't use ("turnout"), which is no reason to doubt
the question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 5  # shorter words have too many one-edit neighbours ("worth"/"north" is already 5)
LONG_WORD = 9  # from this length two edits are still recognisably the same word
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")


FORMS_FILE = Path(__file__).with_name("dictionary_forms.json")  # written by bench/make_dictionary_forms.py


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    forms: dict[str, str] = json.loads(FORMS_FILE.read_text())
    return forms


def dictionary_form(word: str) -> str:
    """The dictionary form of an English word no stemmer derives ("gave" → "give", "spoke" →
    "speak"), from simplemma's tables; the word itself otherwise."""
    return _forms().get(word, word)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a transposition is one edit), or limit + 1 once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Spelling:
    """The vocabulary of one index version, bucketed by first two letters as words are looked up."""

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        self.vocabulary = vocabulary
        self._buckets: dict[str, tuple[str, ...]] = {}

    def _bucket(self, prefix: str) -> tuple[str, ...]:
        if prefix not in self._buckets:  # a race only computes a bucket twice
            self._buckets[prefix] = tuple(w for w in self.vocabulary if w.startswith(prefix))
        return self._buckets[prefix]

    def closest(self, word: str) -> str | None:
        """The index's spelling of `word`, or None when it has none (or `word` is already its own)."""
        lowered = word.casefold()
        if lowered in self.vocabulary:
            return None
        lemma = dictionary_form(lowered)
        if lemma != lowered and lemma in self.vocabulary:
            return lemma  # "gave" → "give"
        if len(lowered) < MIN_LENGTH:
            return None
        joined = lowered.replace("-", "")
        if joined != lowered and joined in self.vocabulary:
            return joined  # "start-up" → "startup", "co-located" → "colocated"
        return self._nearest(lowered)

    def _nearest(self, lowered: str) -> str | None:
        """The most common word of the index within one edit of `lowered` (two for long words)."""
        limit = 2 if len(lowered) >= LONG_WORD else 1
        best: tuple[int, int, str] | None = None
        for candidate in self._bucket(lowered[:2]):
            if abs(len(candidate) - len(lowered)) > limit:
                continue
            distance = edit_distance(lowered, candidate, limit)
            if distance <= limit:
                key = (distance, -self.vocabulary[candidate], candidate)
                best = key if best is None or key < best else best
        return best[2] if best else None

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """`text` with each word the index spells otherwise replaced, and what was replaced."""
        corrections: dict[str, str] = {}

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            replacement = self.closest(word)
            if replacement is None:
                return word
            corrections[word] = replacement
            return replacement

        return _WORD.sub(fix, text), corrections
