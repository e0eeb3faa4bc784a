"""Citation verification: a generated sentence keeps a `[n]` only if passage n supports it.

A sentence is checked against each passage it cites by lexical overlap (its content terms found in
the passage) and embedding similarity (to the passage's closest sentence, with the shared
Embedder), and by names and numbers: a product, person or figure the passage does not contain
means the sentence is not supported by it, however similar it sounds. Markers that point past
the passages given are removed. A cited sentence that no cited passage supports is dropped —
never shown as cited fact — and an uncited sentence naming something no passage names is
dropped too. Counts go into `CitationCheck`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.context import NumberedPassage
from assistant.types import Citation, CitationCheck
from index.embeddings import Embedder
from index.keyword import terms

log = logging.getLogger(__name__)

# `[2]`, `[1, 3]`, `[1][2]`, `[Doc 2]`, `[document 2]`: the spellings small models use.
MARKER = re.compile(r"\[\s*(?:doc(?:ument)?\s*)?\d+(?:\s*[,;]\s*(?:doc(?:ument)?\s*)?\d+)*\s*\]", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
# Names: capitalised words past the first, words with inner capitals or digits (SpinKube, K8s), URLs.
_WORD = re.compile(r"https?://\S+|[\w][\w.+#-]*[\w+#]|\w", re.UNICODE)
_TRAILING_PUNCT = re.compile(r"([.!?…:;]+[\"'”’)]*)\s*$")
# Names every recap of this conference may use without the passage spelling them out.
ALWAYS_KNOWN = frozenset({"kubecon", "cloudnativecon", "cncf", "kubernetes", "k8s", "cloud", "native"})

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# "The recaps don't cover X": the sentence partial coverage asks for, uncited by nature.
NOT_COVERED = re.compile(
    r"\b(?:recaps?|documents?|sources?)\b[^.]*\b(?:do(?:es)?\s*n[o’']t|do(?:es)?\s+not|never)\s+"
    r"(?:cover|mention|say|discuss|address)",
    re.IGNORECASE,
)
SHORT_WORDS = 8  # a heading ("**Daniel Bryant (Medium)**") or a connective states no claim of its own

SIMILAR_ENOUGH = 0.55  # cosine similarity at which a sentence restates a passage sentence on its own
LEXICAL_ENOUGH = 0.5  # share of the claim's content terms the passage must contain...
SIMILAR_WITH_LEXICAL = 0.3  # ...together with at least this similarity


@dataclass(frozen=True)
class Support:
    lexical: float
    similarity: float
    missing_names: tuple[str, ...]
    best_sentence: int  # index into the passage's sentences

    @property
    def supported(self) -> bool:
        if self.missing_names:
            return False
        return self.similarity >= SIMILAR_ENOUGH or (
            self.lexical >= LEXICAL_ENOUGH and self.similarity >= SIMILAR_WITH_LEXICAL
        )


def cited_numbers(sentence: str) -> list[int]:
    """The passage numbers a sentence cites, in order, without repeats."""
    found = [int(n) for marker in MARKER.findall(sentence) for n in _NUMBER.findall(marker)]
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    text = MARKER.sub("", sentence)
    text = re.sub(r"[ \t]+([.,;:!?…])", r"\1", text)  # "claim [1]." left "claim ." behind
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def names(text: str) -> set[str]:
    """Lower-cased names, figures and URLs in `text`: what a passage must contain to back it."""
    plain = re.sub(r"[*_`#>]", " ", text)
    found: set[str] = set()
    words = _WORD.findall(plain)
    for i, word in enumerate(words):
        token = word.rstrip(".")
        if token.startswith("http") or _NUMBER.search(token):
            found.add(token.lower())
        elif any(c.isupper() for c in token[1:]):
            found.add(token.lower())  # SpinKube, OpenTelemetry, IDPs
        elif token[:1].isupper() and i > 0 and words[i - 1][-1:] not in ".!?:" and token.lower() != "i":
            found.add(token.lower())
    return found


def _present(name: str, haystack: str) -> bool:
    if name in ALWAYS_KNOWN:
        return True
    if name.startswith("http"):
        return name.rstrip("/).,") in haystack
    if name.isdigit() or re.fullmatch(r"[\d.,%]+", name):
        return re.search(rf"(?<![\d.,]){re.escape(name)}(?![\d]|[.,]\d)", haystack) is not None
    # "Wasm's", "IDPs" → their stem appears
    return any(form in haystack for form in {name, name.removesuffix("'s"), name.removesuffix("s")} if form)


class Verifier:
    """Checks the sentences of one answer, in order, and builds the citations that survive.

    Citation numbers in the checked text are renumbered 1..m in order of first use, so they never
    leak the passage numbering the model saw, and each `Citation.quote` is the passage sentence that
    best supports the claim carrying its marker (a verbatim slice of the document); two claims backed
    by different sentences of one passage get two citations.
    """

    def __init__(
        self, passages: list[NumberedPassage], embedder: Embedder, question: str, conference: str = ""
    ) -> None:
        self.passages = {p.n: p for p in passages}
        self.embedder = embedder
        self.check = CitationCheck()
        self.citations: list[Citation] = []
        self._renumbered: dict[tuple[int, int], int] = {}
        meta = " ".join(f"{p.passage.source.byline()} {p.passage.source.title}" for p in passages)
        self._haystacks = {
            p.n: f"{p.text} {p.passage.source.byline()} {p.passage.source.title}".lower() for p in passages
        }
        # Names from the question and the conference's own name ("Paris") need no passage.
        self._question = f"{question} {conference}".lower()
        self._everything = " ".join([*self._haystacks.values(), meta.lower(), self._question])

    def support(self, claim: str, vector: np.ndarray, n: int, also_cited: Sequence[int] = ()) -> Support:
        """How well passage `n` backs `claim`; names may come from passages cited beside it."""
        passage = self.passages[n]
        haystack = self._haystacks[n]
        # "Bryant is more cautious than Franzke [1][2]": each name is backed by one of the two.
        names_from = " ".join([haystack, *(self._haystacks[m] for m in also_cited if m != n)])
        claim_terms = set(terms(claim))
        lexical = len(claim_terms & set(terms(haystack))) / len(claim_terms) if claim_terms else 0.0
        if passage.sentences:
            sims = np.stack([s.vector for s in passage.sentences]) @ vector
            best = int(np.argmax(sims))
            similarity = float(sims[best])
        else:
            best, similarity = -1, 0.0
        missing = tuple(
            sorted(x for x in names(claim) if not _present(x, names_from) and not _present(x, self._question))
        )
        return Support(lexical, similarity, missing, best)

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
        vector = self.embedder.embed_one(claim)
        kept: list[int] = []
        for n in given:
            support = self.support(claim, vector, n, given)
            log.debug("claim %r vs [%d]: %s", claim, n, support)
            if support.supported and support.best_sentence >= 0:  # a quote must be a sentence of the passage
                kept.append(self._cite(n, support))
            else:
                self.check.removed += 1
                why = f"names {', '.join(support.missing_names)}" if support.missing_names else "is not similar"
                self.check.notes.append(
                    f"removed [{n}]: passage {n} does not support {claim!r} "
                    f"({why}; overlap {support.lexical:.2f}, similarity {support.similarity:.2f})"
                )
        self.check.kept += len(kept)
        if not kept:
            return None  # an unsupported claim is not shown as cited fact
        markers = "".join(f"[{c}]" for c in dict.fromkeys(kept))
        match = _TRAILING_PUNCT.search(claim)
        if match:
            return f"{claim[: match.start()]} {markers}{match.group(1)}"
        return f"{claim} {markers}"

    def _uncited_ok(self, claim: str) -> bool:
        """Whether a sentence without a marker may be shown: a heading, a link between cited
        sentences, a statement of what the recaps don't cover, or a restatement of a passage."""
        if _URL.search(claim):
            # Links reach the reader through citations; a bare one is what an injected instruction wants shown.
            self.check.notes.append(f"dropped an uncited sentence with a link: {claim!r}")
            return False
        unknown = sorted(x for x in names(claim) if not _present(x, self._everything))
        if unknown:
            self.check.notes.append(f"dropped an uncited sentence naming {', '.join(unknown)}: {claim!r}")
            return False
        if len(claim.split()) <= SHORT_WORDS or NOT_COVERED.search(claim):
            return True
        vector = self.embedder.embed_one(claim)
        if any(self.support(claim, vector, n).supported for n in self.passages):
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
