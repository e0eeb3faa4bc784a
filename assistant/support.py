"""Whether one passage supports one claim: the measurements, the rules and the decision.

The claim is aligned with the passage sentence(s) it restates; then the rules look for what a small
model gets wrong there — a name or a quantity the passage does not give, a flipped polarity — and
the support score (lexical coverage of the claim and of each of its clauses, embedding similarity)
decides whether what is left is stated by the passage at all. The score's weights are fitted on the
dev split of the claim benchmark by `bench/fit_verifier.py`, which writes `support_model.json`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np

from assistant.context import NumberedPassage
from assistant.polarity import check_polarity
from assistant.quantities import check_quantities
from index.keyword import terms

_NUMBER = re.compile(r"\d+")
# Names: capitalised words past the first, words with inner capitals or digits (SpinKube, K8s), URLs.
_WORD = re.compile(r"https?://\S+|\d{1,3}(?:,\d{3})+|[\w][\w.+#-]*[\w+#]|\w", re.UNICODE)
# Names every recap of this conference may use without the passage spelling them out.
ALWAYS_KNOWN = frozenset({"kubecon", "cloudnativecon", "cncf", "kubernetes", "k8s", "cloud", "native"})
# Where a sentence joins a second statement to its first: each clause must be supported on its own.
_CLAUSE = re.compile(
    r"\s*(?:;|:\s|\s[—–]\s|,\s*(?=(?:and|but|while|whereas|with|which|as|although|though|after|following|because|"
    r"since|so|yet|according to|thanks to|amid|despite|before|where|when|who|making)\b)|"
    r"\s(?=(?:while|whereas|although|though|but)\s)|\sand\s(?=(?:that|the|its|it|they|he|she|several|many|some|most)\s))"
)
ALIGN_TERMS = 3  # ...or this many of them (a summary of two sentences)
MIN_SHARED_TERMS = 2  # words a claim must share with the passage sentence it restates (not its byline)
MIN_CLAUSE_TERMS = 3  # a shorter piece ("and more") states nothing of its own
ALIGN_SHARE = 0.2  # a second passage sentence joins the aligned ones when it adds this share of the claim's terms
MODEL_FILE = "support_model.json"


@dataclass(frozen=True)
class SupportModel:
    """Logistic weights over the support features; `threshold` on its probability decides."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, values: dict[str, float]) -> float:
        z = self.bias + sum(w * values[f] for f, w in zip(self.features, self.weights, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@cache
def support_model() -> SupportModel:
    """The fitted model shipped beside this module (re-fit with `bench/fit_verifier.py`)."""
    data = json.loads(files("assistant").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return SupportModel(tuple(data["features"]), tuple(data["weights"]), float(data["bias"]), float(data["threshold"]))


@dataclass(frozen=True)
class Support:
    """How passage `n` backs a claim: the features, what the rules found, and the passage sentence it restates."""

    features: dict[str, float]
    missing_names: tuple[str, ...]
    problems: tuple[str, ...]  # changed quantities and flipped polarity, said for the notes
    best_sentence: int  # index into the passage's sentences; -1 when it has none
    probability: float = 0.0

    @property
    def lexical(self) -> float:
        return self.features["lexical"]

    @property
    def similarity(self) -> float:
        return self.features["similarity"]

    @property
    def supported(self) -> bool:
        return not self.missing_names and not self.problems and self.probability >= support_model().threshold

    def why(self) -> str:
        """The reason for a removal, as the notes give it."""
        if self.missing_names:
            return f"names {', '.join(self.missing_names)}"
        if self.problems:
            return "; ".join(self.problems)
        weakest = self.features["clause_coverage"]
        return f"is not similar (weakest clause coverage {weakest:.2f}, support {self.probability:.2f})"


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


def present(name: str, haystack: str) -> bool:
    if name in ALWAYS_KNOWN:
        return True
    if name.startswith("http"):
        return name.rstrip("/).,") in haystack
    if re.fullmatch(r"[\d.,%]+", name):
        return re.search(rf"(?<![\d.,]){re.escape(name)}(?![\d]|[.,]\d)", haystack) is not None
    # "Wasm's", "IDPs" → their stem appears
    return any(form in haystack for form in {name, name.removesuffix("'s"), name.removesuffix("s")} if form)


def clauses(text: str) -> list[str]:
    """`text` cut where it joins statements; pieces too short to state anything stay with the one before."""
    pieces: list[str] = []
    for piece in _CLAUSE.split(text):
        if pieces and len(terms(piece)) < MIN_CLAUSE_TERMS:
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif piece.strip():
            pieces.append(piece.strip())
    if len(pieces) > 1 and len(terms(pieces[0])) < MIN_CLAUSE_TERMS:
        pieces[1] = f"{pieces[0]} {pieces[1]}"
        pieces.pop(0)
    return pieces


def coverage(claim_terms: list[str], haystack: set[str]) -> float:
    return sum(t in haystack for t in claim_terms) / len(claim_terms) if claim_terms else 1.0


@dataclass
class PassageText:
    """What a claim is checked against, its words computed once per answer: the passage's sentences,
    their stored vectors (None when checking without embeddings), and everything that may back a name."""

    sentence_texts: list[str]
    vectors: np.ndarray | None  # one row per sentence
    body: str  # the passage as shown
    meta: str  # byline and title
    context: str = ""  # conference and question
    sentence_terms: list[set[str]] = field(init=False)
    context_terms: set[str] = field(init=False)
    haystack: str = field(init=False)  # lower-cased passage, byline and title (for names)

    def __post_init__(self) -> None:
        self.sentence_terms = [set(terms(t)) for t in self.sentence_texts]
        self.context_terms = set(terms(f"{self.meta} {self.context}"))
        self.haystack = f"{self.body} {self.meta}".lower()

    @classmethod
    def of(cls, passage: NumberedPassage, context: str = "") -> PassageText:
        source = passage.passage.source
        vectors = np.stack([s.vector for s in passage.sentences]) if passage.sentences else None
        texts = [passage.quote(s) for s in passage.sentences]
        return cls(texts, vectors, passage.text, f"{source.byline()} {source.title}", context)


def _aligned(claim_terms: list[str], text: PassageText, sims: np.ndarray) -> list[int]:
    """The passage sentences the claim restates: the best one, and one more when it adds much of the claim."""
    if not text.sentence_terms:
        return []
    wanted = set(claim_terms)
    shares = [len(wanted & s) / max(len(wanted), 1) for s in text.sentence_terms]
    best = int(np.argmax(np.asarray(shares) + sims))
    chosen = [best]
    rest = wanted - text.sentence_terms[best]
    gains = [len(rest & s) / max(len(wanted), 1) if i != best else 0.0 for i, s in enumerate(text.sentence_terms)]
    second = int(np.argmax(gains))
    if gains[second] >= ALIGN_SHARE or gains[second] * len(wanted) >= ALIGN_TERMS:
        chosen.append(second)
    return chosen


def measure(
    content: str, vectors: np.ndarray | None, pieces: list[str], text: PassageText, names_from: str, question: str
) -> Support:
    """How `text`'s passage backs `content` (a claim without its attribution frame).

    `vectors` holds the embedding of `content`, then one per clause in `pieces`; without them (or
    without sentence vectors) the similarities are 0 and only the lexical features speak.
    """
    claim_terms = terms(content)
    everything = set().union(*text.sentence_terms, text.context_terms) if text.sentence_terms else text.context_terms
    if text.vectors is not None and vectors is not None:
        sims = text.vectors @ vectors.T
    else:
        sims = np.zeros((len(text.sentence_texts), 1), dtype=np.float32)
    aligned = _aligned(claim_terms, text, sims[:, 0] if len(sims) else np.zeros(0))
    stated = set().union(*(text.sentence_terms[i] for i in aligned))
    aligned_terms = stated | text.context_terms
    piece_terms = [terms(p) for p in pieces]
    features = {
        "lexical": coverage(claim_terms, everything),
        "aligned_lexical": coverage(claim_terms, aligned_terms),
        "similarity": float(sims[:, 0].max()) if len(sims) else 0.0,
        "clause_coverage": min(coverage(t, everything) for t in piece_terms) if pieces else 1.0,
        "clause_similarity": float(sims[:, 1:].max(axis=0).min()) if sims.shape[1] > 1 and len(sims) else 0.0,
        "novel": float(sum(t not in everything for t in claim_terms)),
        "clause_novel": float(max((sum(t not in everything for t in p) for p in piece_terms), default=0)),
        "shared": float(len(set(claim_terms) & stated)),
    }
    if sims.shape[1] <= 1:  # one clause, or its clauses were not embedded
        features["clause_similarity"] = features["similarity"]
    # Figures in a cited claim are compared as quantities (value and unit), not as names.
    named = {x for x in names(content) if not _NUMBER.search(x) or x.startswith("http")}
    missing = tuple(sorted(x for x in named if not present(x, names_from) and not present(x, question)))
    aligned_text = " ".join(text.sentence_texts[i] for i in aligned)
    problems = check_quantities(content, aligned_text, f"{text.haystack} {text.context}")
    problems += check_polarity(content, aligned_text, " ".join(text.sentence_texts))
    if features["shared"] < min(MIN_SHARED_TERMS, len(set(claim_terms))):
        # "KubeCon 2024 was cancelled": the byline gives two of its three words, no sentence says it
        problems.append(f"shares {features['shared']:.0f} words with the passage sentence closest to it")
    best = aligned[0] if aligned else -1
    return Support(features, missing, tuple(problems), best, support_model().probability(features))
