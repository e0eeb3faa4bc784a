"""Citation verification: a generated sentence keeps a `[n]` only if passage n supports it.

A sentence is checked against each passage it cites (`assistant/support.py`): the passage sentence
it restates must give its names and its quantities (`assistant/quantities.py`), must not say the
opposite (`assistant/polarity.py`), and must cover the claim and each of its clauses well enough
(lexical coverage and embedding similarity, weighed by a model fitted on the claim benchmark). A
sentence crediting its words to one recap's author must cite that recap (`assistant/attribution.py`).
Markers that point past the passages given are removed. A cited sentence that no cited passage
supports is dropped — never shown as cited fact — and an uncited sentence naming something no
passage names is dropped too. Every removal says why in `CitationCheck.notes`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from assistant.attribution import Attribution, Attributions, identity
from assistant.context import NumberedPassage
from assistant.support import PassageText, Support, clauses, measure, names, present, support_model
from assistant.types import Citation, CitationCheck
from index.catalog import Source
from index.embeddings import Embedder

log = logging.getLogger(__name__)

__all__ = ["MARKER", "NOT_COVERED", "Verifier", "cited_numbers", "names", "strip_markers"]

# `[2]`, `[1, 3]`, `[1][2]`, `[Doc 2]`, `[document 2]`: the spellings small models use.
MARKER = re.compile(r"\[\s*(?:doc(?:ument)?\s*)?\d+(?:\s*[,;]\s*(?:doc(?:ument)?\s*)?\d+)*\s*\]", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_TRAILING_PUNCT = re.compile(r"([.!?…:;]+[\"'”’)]*)\s*$")

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# "The recaps don't cover X": the sentence partial coverage asks for, uncited by nature.
NOT_COVERED = re.compile(
    r"\b(?:recaps?|documents?|sources?)\b[^.]*\b(?:do(?:es)?\s*n[o’']t|do(?:es)?\s+not|never)\s+"
    r"(?:cover|mention|say|discuss|address)",
    re.IGNORECASE,
)
SHORT_WORDS = 8  # a heading ("**Daniel Bryant (Medium)**") or a connective states no claim of its own


def cited_numbers(sentence: str) -> list[int]:
    """The passage numbers a sentence cites, in order, without repeats."""
    found = [int(n) for marker in MARKER.findall(sentence) for n in _NUMBER.findall(marker)]
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    text = MARKER.sub("", sentence)
    text = re.sub(r"[ \t]+([.,;:!?…])", r"\1", text)  # "claim [1]." left "claim ." behind
    return re.sub(r"[ \t]{2,}", " ", text).strip()


class Verifier:
    """Checks the sentences of one answer, in order, and builds the citations that survive.

    Citation numbers in the checked text are renumbered 1..m in order of first use, so they never
    leak the passage numbering the model saw, and each `Citation.quote` is the passage sentence that
    best supports the claim carrying its marker (a verbatim slice of the document); two claims backed
    by different sentences of one passage get two citations.
    """

    def __init__(
        self,
        passages: list[NumberedPassage],
        embedder: Embedder,
        question: str,
        conference: str = "",
        sources: Sequence[Source] = (),
    ) -> None:
        """`sources`: every recap a claim might credit (the catalog's), so that crediting one the
        answer does not cite is caught even when no passage of it was retrieved."""
        self.passages = {p.n: p for p in passages}
        self.embedder = embedder
        self.check = CitationCheck()
        self.citations: list[Citation] = []
        self._renumbered: dict[tuple[int, int], int] = {}
        # Names from the question and the conference's own name ("Paris") need no passage.
        self._question = f"{question} {conference}".lower()
        self._texts = {p.n: PassageText.of(p, f"{question} {conference}") for p in passages}
        meta = " ".join(f"{p.passage.source.byline()} {p.passage.source.title}" for p in passages)
        self._everything = " ".join([*(t.haystack for t in self._texts.values()), meta.lower(), self._question])
        self.attributions = Attributions([*sources, *(p.passage.source for p in passages)])

    def support(self, claim: str, n: int, also_cited: Sequence[int] = ()) -> Support:
        """How well passage `n` backs `claim` (without its attribution frame); names may come from
        passages cited beside it ("Bryant is more cautious than Franzke [1][2]")."""
        pieces, vectors = self._embedded(claim)
        return self._measure(claim, vectors, pieces, n, also_cited)

    def _embedded(self, claim: str) -> tuple[list[str], np.ndarray]:
        """The claim's clauses, and its vector (followed by theirs when the support model weighs them)."""
        pieces = clauses(claim)
        per_clause = len(pieces) > 1 and "clause_similarity" in support_model().features
        return pieces, self.embedder.embed([claim, *pieces] if per_clause else [claim])

    def _measure(
        self, claim: str, vectors: np.ndarray, pieces: list[str], n: int, also_cited: Sequence[int]
    ) -> Support:
        names_from = " ".join(self._texts[m].haystack for m in dict.fromkeys([n, *also_cited]) if m in self._texts)
        return measure(claim, vectors, pieces, self._texts[n], names_from, self._question)

    def verify(self, sentence: str) -> str | None:
        """`sentence` with checked, renumbered markers; None when it must not be shown."""
        numbers = cited_numbers(sentence)
        claim = strip_markers(sentence)
        if not claim:
            return None  # a stray marker on its own
        if not numbers:
            return sentence if self._uncited_ok(claim) else None
        self.check.checked += len(numbers)
        given = [n for n in numbers if n in self.passages]
        for n in numbers:
            if n not in self.passages:
                self.check.removed += 1
                self.check.notes.append(f"removed [{n}]: only {len(self.passages)} passages were given")
        if not given:
            self.check.notes.append(f"dropped a sentence citing no given passage: {claim!r}")
            return None
        kept = self._supporting(claim, given)
        self.check.kept += len(kept)
        if not kept:
            return None  # an unsupported claim is not shown as cited fact
        markers = "".join(f"[{c}]" for c in dict.fromkeys(kept))
        match = _TRAILING_PUNCT.search(claim)
        if match:
            return f"{claim[: match.start()]} {markers}{match.group(1)}"
        return f"{claim} {markers}"

    def _supporting(self, claim: str, given: list[int]) -> list[int]:
        """The renumbered citations of the passages in `given` that support `claim`; notes for the rest."""
        credited = self.attributions.find(claim)
        pieces, vectors = self._embedded(credited.content)
        kept: list[int] = []
        for n in given:
            wrong_voice = self._wrong_voice(credited, n)
            support = None if wrong_voice else self._measure(credited.content, vectors, pieces, n, given)
            log.debug("claim %r vs [%d]: %s", claim, n, support)
            if support is not None and support.supported and support.best_sentence >= 0:
                kept.append(self._cite(n, support))
                continue
            self.check.removed += 1
            if support is None:
                why = wrong_voice
            else:
                why = f"{support.why()}; overlap {support.lexical:.2f}, similarity {support.similarity:.2f}"
            self.check.notes.append(f"removed [{n}]: passage {n} does not support {claim!r} ({why})")
        return kept

    def _wrong_voice(self, credited: Attribution, n: int) -> str:
        """Why passage `n` cannot back words credited to another recap's author; "" when it can."""
        source = self.passages[n].passage.source
        if credited.source is None or identity(credited.source) == identity(source):
            return ""
        return f"credits {credited.said!r}, but passage {n} is by {source.byline()}"

    def _uncited_ok(self, claim: str) -> bool:
        """Whether a sentence without a marker may be shown: a heading, a link between cited
        sentences, a statement of what the recaps don't cover, or a restatement of a passage."""
        if _URL.search(claim):
            # Links reach the reader through citations; a bare one is what an injected instruction wants shown.
            self.check.notes.append(f"dropped an uncited sentence with a link: {claim!r}")
            return False
        unknown = sorted(x for x in names(claim) if not present(x, self._everything))
        if unknown:
            self.check.notes.append(f"dropped an uncited sentence naming {', '.join(unknown)}: {claim!r}")
            return False
        if len(claim.split()) <= SHORT_WORDS or NOT_COVERED.search(claim):
            return True
        pieces, vectors = self._embedded(claim)
        if any(self._measure(claim, vectors, pieces, n, ()).supported for n in self.passages):
            return True
        self.check.notes.append(f"dropped an uncited claim no passage supports: {claim!r}")
        return False

    def _cite(self, n: int, support: Support) -> int:
        # One citation per supporting sentence, not per passage: a later claim backed by another
        # sentence of passage n gets its own number and its own quote.
        key = (n, support.best_sentence)
        if key in self._renumbered:
            return self._renumbered[key]
        passage = self.passages[n]
        number = len(self.citations) + 1
        self._renumbered[key] = number
        sentence = passage.sentences[support.best_sentence]
        quote, start, end = passage.quote(sentence), sentence.start, sentence.end
        self.citations.append(
            Citation(
                n=number,
                source=passage.passage.source,
                quote=quote,
                section=passage.passage.chunk.section_title,
                chunk_id=passage.passage.chunk.id,
                score=support.similarity,
                start=start,
                end=end,
            )
        )
        return number
