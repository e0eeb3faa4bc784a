"""List questions about things that are no catalogue item ("What were Bryant's ten key takeaways?",
"What are the three layers of platform building?"): answered with the list a recap gives, quoted.

A recap lists things two ways: a lead-in sentence ending in a colon followed by bullet or numbered
items, or one sentence naming them ("Of the three layers — application choreography, platform
orchestration, and infrastructure composition — …"). Among the retrieved passages the list whose
lead-in is closest to the question is quoted, each item with its own [n].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.retrieval import Passage, Retrieval
from assistant.types import Answer, Citation
from assistant.view import IndexView
from index.keyword import terms
from index.sentences import sentence_spans

# Chosen on the dev list questions of tests/eval/blind.jsonl.
LIST_FLOOR = 0.3  # the lead-in's similarity to the question (with the bonus below) a list needs
COUNT_BONUS = 0.25  # the question's number ("ten key takeaways") is the number of items listed
MIN_ITEMS = 2
MAX_ITEMS = 12  # a lead-in's items quoted with it, at most
OUTSIDE_PENALTY = 0.1  # a lead-in whose own sentence vector was not fetched counts its passage's similarity, less this

# "What are/were the …" (plural), or "list …": a question after several things.
_LIST_QUESTION = re.compile(r"^\s*(?:what|which)\s+(?:are|were)\b|^\s*(?:list|name)\b", re.I)
_NUMBERS = {
    w: n
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_ITEM_LINE = re.compile(r"[ \t]*(?:[-*•–]|\d{1,2}[.)])\s")
_INLINE = re.compile(r"[:—–]\s*((?:[^,:;—–.]+,\s*)+(?:and|or)\s+[^,.;:—–]+)")


@dataclass(frozen=True)
class Listing:
    passage: Passage
    lead: tuple[int, int]
    items: list[tuple[int, int]]  # empty when the lead sentence names the items itself
    count: int
    score: float


def enumeration_answer(question: str, retrieval: Retrieval, view: IndexView) -> Answer | None:
    """The best list in the retrieved passages for a list question, quoted; None when there is none."""
    if not _LIST_QUESTION.search(question) or not retrieval.passages:
        return None
    texts = view.texts(p.source.id for p in retrieval.passages)
    vectors = view.store.sentence_vectors([p.chunk.id for p in retrieval.passages])
    sims = {
        (vectors.source_ids[k], *vectors.spans[k]): float(vectors.vectors[k] @ retrieval.query_vector)
        for k in range(len(vectors.chunk_ids))
    }
    wanted = _asked_count(question)
    listings = []
    seen: set[tuple[str, int]] = set()
    for passage in retrieval.passages:
        section = (passage.chunk.source_id, passage.chunk.section)
        if section in seen:
            continue
        seen.add(section)
        # A list and its lead-in may sit in a neighbouring chunk: read the passage's whole section.
        spans = view.store.section_spans(*section) or list(passage.chunk.spans)
        listings += _listings(passage, spans, texts[passage.source.id], sims, wanted)
    # A list is of what the question asks about: it holds the question's rarest word ("chatbots" in
    # "what were the vendor AI chatbots doing?"), not only a common one ("AI").
    rarest = rarest_term(retrieval.term_weights)
    listings = [x for x in listings if rarest is None or rarest in _held(x, texts[x.passage.source.id])]
    best = max(listings, key=lambda x: x.score, default=None)
    if best is None or best.score < LIST_FLOOR:
        return None
    return _answer(question, best, texts[best.passage.source.id])


def rarest_term(weights: dict[str, float]) -> str | None:
    """The question's most telling word (highest idf), numbers and the recap itself aside: "ten key
    takeaways from Bryant's post" asks how many, and whose, not what."""
    telling = {t: w for t, w in weights.items() if t not in _document_terms() and not t.isdigit()}
    return max(telling, key=lambda t: telling[t], default=None)


@lru_cache(maxsize=1)
def _document_terms() -> frozenset[str]:
    return frozenset(_NUMBERS) | frozenset(terms("post posts recap recaps blog blogs article write-up writeup"))


def _held(listing: Listing, text: str) -> set[str]:
    """The stemmed words of a listing: its lead-in and items."""
    return {t for a, b in [listing.lead, *listing.items] for t in terms(text[a:b])}


def _asked_count(question: str) -> int | None:
    match = re.search(r"\b(\d{1,2}|" + "|".join(_NUMBERS) + r")\b", question.casefold())
    if not match:
        return None
    word = match.group(1)
    return int(word) if word.isdigit() else _NUMBERS[word]


def _listings(
    passage: Passage,
    paragraphs: list[tuple[int, int]],
    text: str,
    sims: dict[tuple[str, int, int], float],
    wanted: int | None,
) -> list[Listing]:
    out = []
    # A lead-in and its items are separate paragraphs: read the section's sentences as one run.
    spans = [span for start, end in paragraphs for span in sentence_spans(text, start, end)]
    for k, (a, b) in enumerate(spans):
        items, count = _listed_after(spans, k, text)
        if count >= MIN_ITEMS:
            sim = sims.get((passage.source.id, a, b), passage.similarity - OUTSIDE_PENALTY)
            bonus = COUNT_BONUS if wanted is not None and wanted == count else 0.0
            out.append(Listing(passage, (a, b), items, count, sim + bonus))
    return out


def items_after(text: str, lead: tuple[int, int], paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of the bulleted or numbered items that follow `lead` within `paragraphs`, when the
    lead-in ends with a colon ("…what's currently hot and sellable:"); else none. Quoting such a
    lead-in without its items quotes a sentence that says nothing."""
    if not text[lead[0] : lead[1]].rstrip().endswith(":"):
        return []
    spans = [span for start, end in paragraphs for span in sentence_spans(text, start, end)]
    at = next((k for k, (a, b) in enumerate(spans) if a <= lead[0] < b or lead[0] <= a < lead[1]), None)
    if at is None:
        return []
    while at + 1 < len(spans) and spans[at + 1][0] < lead[1]:  # the lead-in is the last of its sentences
        at += 1
    return _listed_after(spans, at, text)[0][:MAX_ITEMS]


def _listed_after(spans: list[tuple[int, int]], k: int, text: str) -> tuple[list[tuple[int, int]], int]:
    """The list items that follow sentence `k` when it leads in with a colon (and how many), or no
    items and the number of things sentence `k` itself enumerates."""
    a, b = spans[k]
    sentence = text[a:b]
    if sentence.rstrip().endswith(":"):
        items = []
        for c, d in spans[k + 1 :]:
            line_start = text.rfind("\n", 0, c) + 1
            if not _ITEM_LINE.match(text, line_start):
                break
            items.append((c, d))
        return items, len(items)
    inline = _INLINE.search(sentence)
    if inline is None:
        return [], 0
    return [], len(re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", inline.group(1)))


def _answer(question: str, listing: Listing, text: str) -> Answer:
    source = listing.passage.source
    chunk = listing.passage.chunk
    citations: list[Citation] = []
    lines: list[str] = []
    for a, b in [listing.lead, *listing.items]:
        n = len(citations) + 1
        citations.append(Citation(n, source, text[a:b], chunk.section_title, chunk.id, listing.score, a, b))
        lines.append(f"“{text[a:b]}” [{n}]")
    head = f"{source.byline()}: {lines[0]}"
    body = "\n".join(f"- {line}" for line in lines[1:])
    return Answer(
        text=head + ("\n\n" + body if body else ""),
        citations=citations,
        abstained=False,
        backend="extractive",
        question=question,
    )
