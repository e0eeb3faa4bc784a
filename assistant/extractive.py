"""The answer without a language model: the most relevant sentences, grouped by who wrote them.

Every sentence shown is a verbatim slice of its document and carries its own citation, so the
answer can never attribute words to the wrong recap. When nothing is close enough, it abstains.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.condense import Turn, condense, topic_of
from assistant.retrieval import Retrieval
from assistant.types import Answer, Citation
from assistant.view import IndexView
from index.catalog import Source
from index.keyword import terms
from index.protocols import StoreReader
from index.settings import Settings

MIN_WORDS = 6  # shorter sentences ("Some notable points here:") carry no claim worth quoting
# Per unit of idf of each query term a sentence contains: rare words ("colocated", "Dapr") tell more
# than common ones ("platform"), and MiniLM alone under-weights them. Capped so words never
# outvote meaning.
LEXICAL_WEIGHT = 0.03
LEXICAL_CAP = 0.2
# A sentence that names the asked-about topic word for word is evidence even when the small
# embedder does not know the word ("Kueue"), so it needs only this much similarity.
TOPIC_FLOOR = 0.2
FRAGMENT_PENALTY = 0.3  # headings, list labels and lead-ins ("... included:") state nothing by themselves
_SENTENCE_END = tuple('.!?…)"”’')


@dataclass(frozen=True)
class ScoredSentence:
    source: Source
    chunk_id: str
    section: str
    start: int
    end: int
    quote: str
    score: float  # similarity plus lexical bonus, minus fragment penalty: the ranking
    similarity: float  # cosine similarity of sentence and question alone
    names_topic: bool = False  # names every word of the X in "what did people say about X"


def score_sentences(retrieval: Retrieval, store: StoreReader, texts: dict[str, str]) -> list[ScoredSentence]:
    """Sentences of the retrieved passages, scored against the query, best first."""
    chunk_ids = [p.chunk.id for p in retrieval.passages]
    passages = {p.chunk.id: p for p in retrieval.passages}
    vectors = store.sentence_vectors(chunk_ids)
    if not vectors.chunk_ids:
        return []
    dense = vectors.vectors @ retrieval.query_vector
    weights = retrieval.term_weights
    topic = topic_of(retrieval.query)
    topic_terms = set(terms(topic)) if topic else set()
    scored: list[ScoredSentence] = []
    for i, chunk_id in enumerate(vectors.chunk_ids):
        passage = passages[chunk_id]
        start, end = vectors.spans[i]
        quote = texts[passage.source.id][start:end]
        if len(quote.split()) < MIN_WORDS:
            continue
        quote_terms = set(terms(quote))
        bonus = min(LEXICAL_CAP, LEXICAL_WEIGHT * sum(weights[t] for t in quote_terms if t in weights))
        scored.append(
            ScoredSentence(
                source=passage.source,
                chunk_id=chunk_id,
                section=passage.chunk.section_title,
                start=start,
                end=end,
                quote=quote,
                score=float(dense[i]) + bonus - _fragment_penalty(quote),
                similarity=float(dense[i]),
                names_topic=bool(topic_terms) and topic_terms <= quote_terms,
            )
        )
    return sorted(scored, key=lambda s: s.score, reverse=True)


def _fragment_penalty(quote: str) -> float:
    return 0.0 if quote.endswith(_SENTENCE_END) else FRAGMENT_PENALTY


def compose(
    sentences: list[ScoredSentence],
    source_floor: float,
    source_margin: float,
    confident_similarity: float,
    max_sources: int,
    max_quotes_per_source: int,
) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers and the citations they point to; ("", []) if nothing qualifies.

    A sentence is quoted if it clears `source_floor` and is within `source_margin` of the best one,
    so a recap that only brushes the topic is not quoted beside those that discuss it. A recap's
    first quote may fall outside the margin if it names the topic itself: Haintz writes
    "WebAssembly" where the question says "Wasm", and must still be heard.
    """
    if not sentences:
        return "", []
    floor = max(source_floor, sentences[0].score - source_margin)
    if any(s.names_topic for s in sentences):
        # The topic is named word for word somewhere: a sentence that doesn't name it must be
        # clearly about it to be quoted beside those that do.
        floor = max(floor, confident_similarity)
    by_source: dict[str, list[ScoredSentence]] = {}
    for s in sentences:
        first_of_source = s.source.id not in by_source
        if s.names_topic and first_of_source:
            if s.score < TOPIC_FLOOR:
                continue
        elif s.score < floor:
            continue
        picked = by_source.setdefault(s.source.id, [])
        if len(picked) < max_quotes_per_source and all(_distinct(s.quote, p.quote) for p in picked):
            picked.append(s)
    ordered = sorted(by_source.values(), key=lambda group: group[0].score, reverse=True)[:max_sources]
    if not ordered:
        return "", []

    lines: list[str] = []
    citations: list[Citation] = []
    for group in ordered:
        parts = []
        for s in sorted(group, key=lambda s: s.start):  # in the author's order
            n = len(citations) + 1
            citations.append(
                Citation(
                    n=n,
                    source=s.source,
                    quote=s.quote,
                    section=s.section,
                    chunk_id=s.chunk_id,
                    score=s.score,
                    start=s.start,
                    end=s.end,
                )
            )
            parts.append(f"“{s.quote}” [{n}]")
        lines.append(f"{group[0].source.byline()}: " + " ".join(parts))
    count = len(ordered)
    intro = f"{count} recap{'s' if count != 1 else ''} speak{'s' if count == 1 else ''} to this:"
    return intro + "\n\n" + "\n\n".join(lines), citations


def _distinct(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) < 0.8


def abstention(best: float, floor: float, unknown_words: list[str]) -> str:
    if unknown_words:
        words = ", ".join(f"“{w}”" for w in unknown_words)
        reason = f"no recap mentions {words}, and nothing else they say is close enough to quote"
    else:
        reason = f"no passage is close enough to quote (best match {best:.2f}, below the {floor:.2f} floor)"
    return (
        f"The recaps don't cover this: {reason}. I won't quote something unrelated. "
        "Try other words, or run `recap sources` to see what is indexed."
    )


def extractive_answer(
    retrieval: Retrieval,
    store: StoreReader,
    texts: dict[str, str],
    settings: Settings,
) -> Answer:
    """Quote the best sentences, or abstain when the evidence is too weak."""
    sentences = score_sentences(retrieval, store, texts)
    best_score = sentences[0].score if sentences else 0.0
    best_similarity = max((s.similarity for s in sentences), default=0.0)
    if retrieval.unknown_words:
        # A word no recap contains ("quantum") can't be matched by keywords, so only strong semantic
        # evidence counts: shared generic words ("Paris", "keynote") must not carry the answer.
        weak = best_similarity < settings.confident_similarity
    else:
        weak = best_score < settings.source_floor or (
            retrieval.best_similarity < settings.relevance_floor and best_score < settings.confident_similarity
        )
        weak = weak and not any(s.names_topic and s.score >= TOPIC_FLOOR for s in sentences)
    if weak:
        text = abstention(retrieval.best_similarity, settings.relevance_floor, retrieval.unknown_words)
        return Answer(text, [], True, "extractive")
    text, citations = compose(
        sentences,
        settings.source_floor,
        settings.source_margin,
        settings.confident_similarity,
        settings.max_sources,
        settings.max_quotes_per_source,
    )
    return Answer(text, citations, False, "extractive")


class ExtractiveAnswerer:
    """The `Answerer` without a model: quotes of the best sentences, or an abstention.

    `notice` says why this backend answers although a model was asked for (empty otherwise).
    """

    def __init__(self, settings: Settings, notice: str = "") -> None:
        self.settings = settings
        self.notice = notice

    def answer(self, question: str, turns: Sequence[Turn], view: IndexView) -> Answer:
        return self.quote(question, turns, view)[1]

    def quote(self, question: str, turns: Sequence[Turn], view: IndexView) -> tuple[Retrieval, Answer]:
        """The retrieval for `question` (follow-ups resolved by the rules alone) and the answer quoting it."""
        started = time.perf_counter()
        standalone = condense(question, turns)
        retrieval = view.retriever.retrieve(standalone, self.settings.top_k)
        retrieved = time.perf_counter()
        texts = view.texts(p.source.id for p in retrieval.passages)
        answer = extractive_answer(retrieval, view.store, texts, self.settings)
        done = time.perf_counter()
        answer.timings = {
            "retrieve": (retrieved - started) * 1000,
            "answer": (done - retrieved) * 1000,
            "total": (done - started) * 1000,
        }
        answer.question = standalone
        answer.notice = self.notice
        return retrieval, answer

    def stream(self, question: str, turns: Sequence[Turn], view: IndexView) -> Iterator[str | Answer]:
        """The whole text at once (there is nothing to stream), then the `Answer`."""
        answer = self.answer(question, turns, view)
        yield answer.text
        yield answer
