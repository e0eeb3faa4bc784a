"""Summaries of recaps ("Summarize the Gardener recap", "TL;DR of Bryant's post", "Sum up the
recaps"): each recap's most central sentences, quoted in the author's order with their citations.

A recap's gist is what most of its sentences are about: the sentences nearest the mean of all its
stored sentence vectors (centroid summarisation, Radev et al. 2004), each chosen unlike the ones
already taken (maximal marginal relevance, Carbonell and Goldstein 1998), so that five sentences
make five points. Extractive like every other answer: no model, every word verbatim.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.evidence import SENTENCE_END, is_signpost
from assistant.retrieval import scope_to_named_sources
from assistant.types import Answer, Citation
from assistant.view import IndexView
from index.store import SentenceVectors

PER_RECAP = 5  # sentences for one recap
EACH = 2  # sentences for each recap when all are summarised
MIN_WORDS = 8  # shorter sentences are labels, asides or list items, not points
NOVELTY = 0.7  # maximal marginal relevance: weight of centrality against likeness to those chosen

_SUMMARY = re.compile(
    r"^\s*(?:please\s+|can\s+you\s+|could\s+you\s+)?(?:summari[sz]e|sum\s+up|recap\b"
    r"|(?:give\s+me\s+|what(?:'s|\s+is)\s+)?(?:a\s+|the\s+)?(?:summary|tl;?\s?dr|gist|rundown|key\s+points|main\s+points)"
    r"\s+(?:of|for|from)|tl;?\s?dr\b)",
    re.IGNORECASE,
)
# "What were the main themes?": with no topic of its own, the gist of every recap.
_THEMES = re.compile(
    r"^\s*what\s+(?:were|are|was)\s+the\s+(?:main|key|big(?:gest)?|major|top|overall)\s+"
    r"(?:themes?|takeaways?|topics?|highlights?|trends?|points?|messages?)"
    r"(?:\s+(?:of|at|from)\s+(?:the\s+)?(?:conference|event|kubecon|recaps?|week))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "What was the Gardener blog's overall verdict?", "Bryant's conclusion": where the author sums up.
_VERDICT = re.compile(
    r"\b(?:(?:overall|final|general)\s+(?:verdict|impressions?|take|view|assessment|opinion|thoughts)"
    r"|verdict|conclu(?:sion|de|ded)|bottom\s+line|in\s+a\s+nutshell|sum\s+it\s+up)\b",
    re.IGNORECASE,
)
# The opening words of an author's own conclusion.
_CONCLUDING = re.compile(
    r"\s*(?:in\s+conclusion|to\s+conclude|in\s+summary|to\s+sum\s+up|summing\s+up|all\s+in\s+all|overall|"
    r"wrapping\s+up|in\s+closing|to\s+wrap\s+up|in\s+short)\b",
    re.IGNORECASE,
)
_CLOSING_HEADING = re.compile(
    r"\s*(?:in\s+)?(?:conclusions?|wrapping\s+up|wrap-?up|final\s+thoughts|closing\s+thoughts|summary|to\s+sum\s+up"
    r"|the\s+bottom\s+line)\b",
    re.IGNORECASE,
)
_ON = re.compile(r"\b(?:about|on|regarding|concerning)\s+(?P<topic>\S.*)", re.IGNORECASE)
_ALL = re.compile(r"\b(?:recaps|posts|blogs|write-?ups|all|everything|them|the\s+conference|kubecon)\b", re.IGNORECASE)


def summary_answer(question: str, view: IndexView) -> Answer | None:
    """The summary `question` asks for, of the recaps it names or of all of them; None when it asks
    for no summary, or for one of a topic ("summarise what was said about Wasm" is a question
    about Wasm, left to retrieval)."""
    themes = bool(_THEMES.search(question))
    verdict = bool(_VERDICT.search(question))
    if not (themes or verdict or _SUMMARY.search(question)):
        return None
    sources = view.retriever.sources
    rest, named = scope_to_named_sources(question, sources)
    if (on := _ON.search(rest)) and not _ALL.search(on.group("topic")):
        return None  # "Bryant's verdict on Dapr", "summarise what they said about Wasm": a question on Dapr
    if named is sources and not (themes or _ALL.search(rest)):
        return None
    chosen = sorted(named.values(), key=lambda s: (s.date or "9999", s.title))
    if not chosen:
        return None
    each = PER_RECAP if len(chosen) == 1 else EACH
    texts = view.texts(s.id for s in chosen)
    citations: list[Citation] = []
    lines: list[str] = []
    for source in chosen:
        sentences = view.store.source_sentences(source.id)
        sections = {c.id: c.section_title for c in view.store.get_chunks(sorted(set(sentences.chunk_ids)))}
        text = texts[source.id]
        picked = (verdict and concluding(sentences, text, sections, each)) or central(sentences, text, each)
        parts = []
        for k in sorted(picked, key=lambda k: sentences.spans[k][0]):  # in the author's order
            start, end = sentences.spans[k]
            chunk_id = sentences.chunk_ids[k]
            n = len(citations) + 1
            quote = texts[source.id][start:end]
            citations.append(Citation(n, source, quote, sections.get(chunk_id, ""), chunk_id, picked[k], start, end))
            parts.append(f"“{quote}” [{n}]")
        if parts:
            lines.append(f"{source.byline()}, “{source.title}”: " + " ".join(parts))
    if not lines:
        return None
    if verdict:
        whose = (
            "the recap sums up the conference, in its"
            if len(chosen) == 1
            else "the recaps sum up the conference, in their"
        )
        head = f"How {whose} own words:"
    else:
        head = (
            f"The gist of {'this recap' if len(chosen) == 1 else f'the {len(chosen)} recaps'}, in "
            f"{'its' if len(chosen) == 1 else 'their'} own most central sentences:"
        )
    return Answer(head + "\n\n" + "\n\n".join(lines), citations, False, "extractive", question=question)


def central(sentences: SentenceVectors, text: str, count: int) -> dict[int, float]:
    """Up to `count` sentences (index into `sentences`: centrality) nearest the document's mean
    vector, each penalised by its likeness to those already chosen. Headings, lead-ins, signposts
    and short sentences are passed over."""
    usable = [
        k
        for k, (start, end) in enumerate(sentences.spans)
        if len((quote := text[start:end]).split()) >= MIN_WORDS
        and quote.rstrip().endswith(SENTENCE_END)
        and not is_signpost(quote)
    ]
    if not usable:
        return {}
    vectors = sentences.vectors[usable]
    mean = vectors.mean(axis=0)
    centrality = vectors @ (mean / (np.linalg.norm(mean) or 1.0))
    chosen: dict[int, float] = {}
    taken: list[int] = []
    while len(taken) < min(count, len(usable)):
        likeness = (vectors @ vectors[taken].T).max(axis=1) if taken else np.zeros(len(usable))
        score = NOVELTY * centrality - (1 - NOVELTY) * likeness
        score[taken] = -np.inf
        best = int(np.argmax(score))
        taken.append(best)
        chosen[usable[best]] = float(centrality[best])
    return chosen


def concluding(sentences: SentenceVectors, text: str, sections: dict[str, str], count: int) -> dict[int, float]:
    """The author's own conclusion, up to `count` sentences in order: the section headed
    "Conclusion", "Wrapping up", "Final thoughts"…, else the passage from the last sentence opening
    with "In conclusion", "All in all"…; empty when the recap has neither."""
    spans = sentences.spans
    usable = [k for k, (start, end) in enumerate(spans) if len(text[start:end].split()) >= MIN_WORDS]
    closing = [k for k in usable if _CLOSING_HEADING.match(sections.get(sentences.chunk_ids[k], ""))]
    if not closing:
        openers = [k for k in usable if _CONCLUDING.match(text[spans[k][0] : spans[k][1]])]
        if not openers:
            return {}
        last = openers[-1]
        closing = [k for k in usable if k >= last and sentences.chunk_ids[k] == sentences.chunk_ids[last]]
    return {k: 1.0 for k in closing[:count]}
