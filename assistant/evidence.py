"""The sentences that may answer a question, each with the features the selector weighs.

Candidates are the sentences of the retrieved passages (their vectors were stored at ingest, so
scoring them costs one matrix product). Each gets a row of features: how similar it is to the
question (and how close to the best candidate), how many of the question's rare words it holds,
whether it names the asked-about topic, whether it holds the kind of thing the question asks for
(a person for "who"), whether it is a fragment (a heading, a lead-in ending in ":"), whether it
points back ("this talk") and so needs the sentence before it, and where its passage ranked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from assistant.answer_types import counted, holds
from assistant.condense import topic_of
from assistant.question import AnswerType, Kind, Question
from assistant.retrieval import Passage, Retrieval
from index.catalog import Source
from index.keyword import terms
from index.protocols import StoreReader
from index.sentences import sentence_spans
from index.settings import Settings

FEATURES = (
    "bias",
    "similarity",  # cosine of question and sentence
    "similarity_gap",  # how far below the best candidate's similarity
    "passage_similarity",  # cosine of question and the sentence's passage
    "passage_rank",  # 1 for the first passage retrieved, falling with rank
    "lexical",  # share of the question's term weight (BM25 idf) the sentence holds
    "rare_term",  # the rarest question term the sentence holds, relative to the rarest in the question
    "names_topic",  # every word of the X in "what did people say about X"
    "type_match",  # holds the kind of thing the question asks for (always 1 when it asks for none)
    "fragment",  # ends without a full stop: a heading, a label, a lead-in ("... included:")
    "length",  # log of its words
    "anaphor",  # points back ("This", "They", "this talk"): worth quoting with the sentence before
    "first_person",  # "I think", "I enjoyed": a view, for questions asking for views
    "named_source",  # from a recap the question names
    "focus",  # share of the question's content words the sentence holds (each counts the same)
    "typed_focus",  # focus, when the sentence also holds the kind of thing asked for (0 if it doesn't)
    "best_typed_focus",  # the highest typed_focus among all candidates: can anything here answer at all?
    # Of the question as a whole (the same for all its candidates): what no candidate holds.
    "expects_type",  # the question asks for a person, a number, a date…
    "missing_number",  # a number of the question ("2025", "1.30") that no candidate holds
    "missing_name",  # a capitalised name of the question that no candidate holds
    "missing_topic",  # the X of "what did people say about X" that no candidate names
    "unknown_words",  # words of the question the index has never seen (0, 1 or 2+)
)
# How strongly a sentence is about the question, before any fitting: similarity, plus per unit of
# idf of each question term it holds (rare words such as "colocated" or "Dapr" tell more than
# common ones, and the small embedder under-weights them; capped so words never outvote meaning),
# minus a penalty for fragments (headings, lead-ins) that state nothing by themselves.
LEXICAL_WEIGHT = 0.03
LEXICAL_CAP = 0.2
FRAGMENT_PENALTY = 0.3
_NAMES_TOPIC = FEATURES.index("names_topic")
HOLDS_QUESTION = 0.5  # chosen on dev and the original set: 0.4 answers "which mobile games…", 0.6 loses b171
_FRAGMENT = FEATURES.index("fragment")
_TYPED_FOCUS = FEATURES.index("typed_focus")
_BEST_TYPED_FOCUS = FEATURES.index("best_typed_focus")
MIN_WORDS = 3  # "Security", "AI-based anything": list labels without a claim of their own
SENTENCE_END = tuple('.!?…)"”’')
_ANAPHOR = re.compile(
    r"^(?:This|That|These|Those|They|It|He|She|His|Her|Their|Its|Them|Both|Such|The\s+(?:talk|project|tool|event|"
    r"keynote|session))\b"
    r"|\b(?:this|that|these|those)\s+(?:[\w-]+\s+){0,2}?(?:talk|project|tool|event|keynote|session|technology|topic)s?\b"
    r"|\b(?:this|that|these|those|it)\s+(?:was|is|were|are|has|had)\b"  # a pronoun standing for something said before
)
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|my|me|we|our)\b")
_VIEW_KINDS = {Kind.OPINION, Kind.AGREEMENT, Kind.COMPARISON, Kind.YESNO, Kind.PLANNING}
_QUESTION_NUMBER = re.compile(r"\b\d[\d.,]*\b")
_QUESTION_NAME = re.compile(r"(?<=\s)[A-Z][\w+-]*[A-Za-z0-9]|\b[a-z]+[A-Z]\w*")


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be quoted: where it is, and its feature row."""

    source: Source
    chunk_id: str
    section: str
    start: int  # offsets into the source document's text
    end: int
    quote: str
    passage_rank: int
    similarity: float
    type_match: bool
    features: np.ndarray
    strength: float  # similarity plus a bonus for the question's rare words, minus one for fragments

    @property
    def names_topic(self) -> bool:
        return bool(self.features[_NAMES_TOPIC])

    def with_antecedent(self, text: str, paragraph: tuple[int, int]) -> tuple[int, int]:
        """The span grown to take in the sentence before it, when this one points back to it and both
        stand in one paragraph; else the sentence's own span. Verbatim either way."""
        if not self.features[FEATURES.index("anaphor")]:
            return self.start, self.end
        before = [s for s in sentence_spans(text, paragraph[0], paragraph[1]) if s[1] <= self.start]
        return (before[-1][0], self.end) if before else (self.start, self.end)


@dataclass(frozen=True)
class _Asked:
    """What every candidate of one question is scored against."""

    question: Question
    weights: dict[str, float]  # stemmed question terms and their idf
    total_weight: float
    rarest: float
    topic_terms: set[str]
    named: set[str]
    best_similarity: float
    question_row: list[float]

    @classmethod
    def of(cls, retrieval: Retrieval, question: Question, best_similarity: float) -> _Asked:
        weights = retrieval.term_weights
        topic = topic_of(retrieval.query)
        topic_terms = set(terms(topic)) if topic else set()
        held = " ".join(p.chunk.text for p in retrieval.passages)  # every candidate sentence is in one of these
        return cls(
            question,
            weights,
            sum(weights.values()) or 1.0,
            max(weights.values(), default=0.0) or 1.0,
            topic_terms,
            set(retrieval.named_sources),
            best_similarity,
            _question_row(retrieval, question, held, topic_terms),
        )

    def row(
        self, quote: str, similarity: float, passage: Passage, rank: int, type_match: bool, before: str = ""
    ) -> list[float]:
        """One candidate's features, in the order of FEATURES (best_typed_focus filled in later).

        `before`: the sentence a quote that points back ("They took care to…") stands for, whose
        words count as its own: it is about NVIDIA's keynote although it never names it."""
        quote_terms = set(terms(quote))
        anaphor = bool(_ANAPHOR.search(quote[:60]))
        if anaphor and before:
            quote_terms |= set(terms(before))
        matched = [self.weights[t] for t in quote_terms if t in self.weights]
        focus = len(quote_terms & set(self.weights)) / len(self.weights) if self.weights else 0.0
        return [
            1.0,
            similarity,
            similarity - self.best_similarity,
            passage.similarity,
            1.0 / (1 + rank),
            sum(matched) / self.total_weight,
            max(matched, default=0.0) / self.rarest,
            float(bool(self.topic_terms) and self.topic_terms <= quote_terms),
            float(type_match),
            0.0 if quote.endswith(SENTENCE_END) else 1.0,
            math.log(len(quote.split())),
            float(anaphor),
            float(self.question.kind in _VIEW_KINDS and bool(_FIRST_PERSON.search(quote))),
            float(passage.source.id in self.named),
            focus,
            focus if type_match else 0.0,
            0.0,
            *self.question_row,
        ]


# The catalogue's item kinds that hold what a question asks for.
_ITEM_KINDS = {
    AnswerType.PERSON: {"person"},
    AnswerType.ORGANISATION: {"organisation"},
    AnswerType.PROJECT: {"project"},
    AnswerType.TALK: {"talk", "keynote"},
    AnswerType.EVENT: {"event"},
}


def _holds(answer_type: AnswerType, quote: str, kinds: set[str] | None) -> bool:
    """Whether a sentence holds what the question asks for. With the item catalogue, a "who" question
    needs a sentence naming a person it knows (a capitalised pair may be "Deutsche Bahn"); for the
    other kinds either the catalogue or the patterns may say so."""
    wanted = _ITEM_KINDS.get(answer_type)
    if kinds is None or wanted is None:
        return holds(answer_type, quote)
    if wanted & kinds:
        return True
    return answer_type is not AnswerType.PERSON and holds(answer_type, quote)


# A sentence about the post itself ("Here are the key takeaways and highlights from the conference.")
# answers nothing. One ending in a colon is kept: it is quoted with the items it leads in to.
_SIGNPOST = re.compile(
    r"\s*(?:here\s+(?:are|is)\b|here's\b|below\s+(?:are|is|you)\b|in\s+this\s+(?:blog\s+)?(?:post|article)\b|"
    r"this\s+(?:blog\s+)?(?:post|article|write-?up)\b|read\s+on\b|let'?s\s+(?:dive|take\s+a\s+look)\b"
    r"|without\s+further\s+ado\b)",
    re.IGNORECASE,
)


def is_signpost(sentence: str) -> bool:
    """A sentence about the post itself: "Here are the key takeaways…", "In this post…"."""
    return bool(_SIGNPOST.match(sentence))


def _quotable(sentence: str) -> bool:
    """Whether a sentence can answer anything: not a label ("Security"), not a sentence about the post
    (unless it leads in to a list), not the author's own question ("What's the win here?")."""
    if len(sentence.split()) < MIN_WORDS or (is_signpost(sentence) and not sentence.rstrip().endswith(":")):
        return False
    return not sentence.rstrip(' )"”’').endswith("?")


def candidates(
    retrieval: Retrieval,
    store: StoreReader,
    texts: dict[str, str],
    question: Question,
    mentions: Mapping[str, list[tuple[int, int, str]]] | None = None,
) -> list[Candidate]:
    """The sentences of the retrieved passages with their features, in retrieval order.

    `mentions`: where the item catalogue's items are named, by source (see
    `catalogue.mention_spans`); without it, what a sentence holds is judged by patterns alone.
    """
    passages = {p.chunk.id: (rank, p) for rank, p in enumerate(retrieval.passages)}
    vectors = store.sentence_vectors(list(passages))
    if not vectors.chunk_ids:
        return []
    similarities = vectors.vectors @ retrieval.query_vector
    asked = _Asked.of(retrieval, question, float(similarities.max()))
    counts_what = counted(question.text) if question.answer_type is AnswerType.NUMBER else None
    found: list[Candidate] = []
    for i, chunk_id in enumerate(vectors.chunk_ids):
        rank, passage = passages[chunk_id]
        start, end = vectors.spans[i]
        quote = texts[passage.source.id][start:end]
        if not _quotable(quote):
            continue
        kinds = None
        if mentions is not None:
            kinds = {k for s, e, k in mentions.get(passage.source.id, []) if s < end and start < e}
        type_match = _holds(question.answer_type, quote, kinds)
        if type_match and counts_what is not None:
            type_match = bool(counts_what.search(quote))  # "how many talks": a count of talks
        before = ""
        if i and vectors.chunk_ids[i - 1] == chunk_id and _one_paragraph(passage, vectors.spans[i - 1][0], start):
            before = texts[passage.source.id][vectors.spans[i - 1][0] : vectors.spans[i - 1][1]]
        row = asked.row(quote, float(similarities[i]), passage, rank, type_match, before)
        matched = sum(asked.weights[t] for t in set(terms(quote)) if t in asked.weights)
        strength = (
            float(similarities[i]) + min(LEXICAL_CAP, LEXICAL_WEIGHT * matched) - FRAGMENT_PENALTY * row[_FRAGMENT]
        )
        found.append(
            Candidate(
                source=passage.source,
                chunk_id=chunk_id,
                section=passage.chunk.section_title,
                start=start,
                end=end,
                quote=quote,
                passage_rank=rank,
                similarity=float(similarities[i]),
                type_match=type_match or question.answer_type is AnswerType.NONE,
                features=np.asarray(row, dtype=np.float64),
                strength=strength,
            )
        )
    best_typed = max((c.features[_TYPED_FOCUS] for c in found), default=0.0)
    for c in found:  # a question-level feature, known once every candidate is scored
        c.features[_BEST_TYPED_FOCUS] = best_typed
    return found


def _one_paragraph(passage: Passage, first: int, second: int) -> bool:
    """Whether two offsets of the passage's document fall in one of its paragraphs."""
    return any(a <= first and second < b for a, b in passage.chunk.spans)


def _question_row(retrieval: Retrieval, question: Question, held: str, topic_terms: set[str]) -> list[float]:
    """The question-level features: what the question asks for that no candidate sentence holds."""
    held = held.casefold()
    numbers = _QUESTION_NUMBER.findall(retrieval.query)
    names = [n for n in _QUESTION_NAME.findall(retrieval.query) if n.casefold() not in _QUESTION_WORDS]
    return [
        float(question.answer_type is not AnswerType.NONE),
        float(any(n.casefold() not in held for n in numbers)),
        float(any(n.casefold() not in held for n in names)),
        float(bool(topic_terms) and not topic_terms <= set(terms(held))),
        float(min(len(retrieval.unknown_words), 2)),
    ]


_QUESTION_WORDS = {"i", "what", "which", "who", "when", "where", "how", "why", "is", "are", "did", "does", "do"}


TOPIC_FLOOR = 0.2  # a sentence naming the asked-about topic word for word is evidence even when the
# small embedder does not know the word ("Kueue"), so it needs only this much strength


def weak_evidence(found: list[Candidate], retrieval: Retrieval, question: Question, settings: Settings) -> bool:
    """Whether nothing retrieved is close enough to the question to quote: no sentence clears
    `source_floor`, or the passages are all far (`relevance_floor`) and no sentence is clearly on
    the question (`confident_similarity`), unless a sentence names the asked-about topic outright.

    A word of the question that no recap contains ("turnout", "according", "whose") weighs through
    the selector's `unknown_words` feature, and a specific one (a number, a name, the topic asked
    about) makes its part of the question uncovered (`extractive.missing_specifics`). It vetoes an
    answer by itself only in an untyped question of fact ("what was the weather like in Paris?"):
    there nothing else checks that a quote is on the question, so a sentence must be clearly on it,
    in meaning or by holding half of the question's words (`HOLDS_QUESTION`).
    A typed question ("who", "which tool") is checked by its answer type instead, and questions
    after views are worded with words ("reckon", "criticise") that recaps rarely use. Vetoing in
    every question of fact, list or yes/no made 13 of 145 dev questions abstain with the answer in
    the top passages; this way 5 do, with abstention recall unchanged.
    """
    best = max((c.strength for c in found), default=0.0)
    if retrieval.unknown_words and question.kind in _FACT_KINDS and question.answer_type is AnswerType.NONE:
        # The word can't be matched by keywords: only meaning counts, not shared generic words ("Paris"),
        # unless a sentence holds enough of the question's words, the unfamiliar ones counted as rare.
        weak = max((c.similarity for c in found), default=0.0) < settings.confident_similarity and not any(
            _share_held(c.quote, retrieval) >= HOLDS_QUESTION for c in found
        )
    else:
        weak = best < settings.source_floor or (
            retrieval.best_similarity < settings.relevance_floor and best < settings.confident_similarity
        )
    return weak and not any(c.names_topic and c.strength >= TOPIC_FLOOR for c in found)


_FACT_KINDS = {Kind.FACT, Kind.LIST}


def _share_held(quote: str, retrieval: Retrieval) -> float:
    """The share of the question's term weight (idf) the sentence holds, each word no recap contains
    weighing as much as the rarest one: "hot and sellable" holds half of "what was hot and sellable
    on the show floor?"; "announced at the keynote" a third of "which mobile games were announced at
    the keynote?"."""
    weights = retrieval.term_weights
    rarest = max(weights.values(), default=0.0) or 1.0
    total = sum(w or rarest for w in weights.values())
    held = set(terms(quote))
    return sum(w for t, w in weights.items() if t in held) / total if total else 0.0
