"""Whether recaps mention something ("Did OpsRamp mention Backstage?", "Do all recaps mention AI?",
"Did anyone talk about Dapr?"): answered by reading each recap in scope for the thing's words.

Retrieval ranks passages; it cannot say that a recap is silent. This reads every sentence of each
recap asked about, so "no" is an answer too: "The OpsRamp blog doesn't mention Backstage; these
recaps do: …". Each recap that mentions it is quoted once, by its sentence closest to the question.
Only a question wholly of that shape is taken, about a short topic (not "did anyone mention that
Kubernetes is ten?", a claim retrieval answers better); a topic no recap mentions is left to the
usual answer, which says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.evidence import SENTENCE_END
from assistant.relevance import topic_terms
from assistant.retrieval import scope_to_named_sources
from assistant.types import Answer, Citation
from assistant.view import IndexView
from index.catalog import Source
from index.keyword import terms

MAX_TOPIC_TERMS = 4  # a thing, not a claim
WHOLE_WORDS = 6  # shorter, it is a label or a list item
MAX_SOURCES = 50  # every sentence of every recap is read: beyond this many, retrieval answers instead

_MENTION = re.compile(
    r"^\s*(?:did|does|do|has|have)\s+(?P<who>.+?)\s+(?:ever\s+)?(?:mention(?:ed)?|talk(?:ed)?\s+about|cover(?:ed)?"
    r"|discuss(?:ed)?|say\s+anything\s+about|write\s+about|bring\s+up|touch\s+on)\s+(?P<topic>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Who, when no recap is named: any of them ("anyone"), or each of them ("all the recaps").
_ANY = re.compile(
    r"^(?:any(?:one|body)|some(?:one|body)|any\s+(?:of\s+the\s+)?(?:recaps?|posts?|blogs?|authors?)|people)$", re.I
)
_EACH = re.compile(
    r"^(?:(?:all|each|every)(?:\s+of)?\s+(?:the\s+)?(?:recaps?|posts?|blogs?|authors?)|they|the\s+recaps)$", re.I
)
# A claim ("that Kubernetes is ten") or a thing in a setting ("Wasm in his 2023 write-up"): retrieval's.
_NOT_A_THING = re.compile(
    r"^(?:that|whether|if|how|why|what|when|who|where)\b|\b(?:in|at|during|from|on|for|with|by|as|since|after|before"
    r"|his|her|their|its|is|are|was|were)\b",
    re.I,
)


def mention_answer(question: str, view: IndexView) -> Answer | None:
    """Which of the recaps asked about mention the question's topic, each quoted by its sentence
    closest to the question; "No recap mentions …" when none does; None when the question is not
    "did <recaps> mention <thing>?"."""
    match = _MENTION.match(question)
    if match is None or _NOT_A_THING.search(match.group("topic")):
        return None
    sources = view.retriever.sources
    if len(sources) > MAX_SOURCES:
        return None
    _, named = scope_to_named_sources(match.group("who"), sources)
    who = match.group("who").strip()
    anyone = named is sources and bool(_ANY.match(who))
    if named is sources and not (anyone or _EACH.match(who)):
        return None
    topic, _ = view.retriever.spelling.correct(match.group("topic"))
    wanted = set(topic_terms(topic))
    if not wanted or len(wanted) > MAX_TOPIC_TERMS:
        return None
    thing = match.group("topic").strip()
    found = _mentions(wanted, view.retriever.embedder.embed_one(question), view)
    if not found:  # every sentence was read: that no recap mentions it is the answer
        return Answer(f"No recap mentions {thing}.", [], True, "extractive", question=question)
    asked = list(named.values())
    mentioning = [s for s in asked if s.id in found]
    silent = [s for s in asked if s.id not in found]
    shown = mentioning or [s for s in sources.values() if s.id in found]  # the named are silent: who does mention it
    texts = view.texts(s.id for s in shown)
    sections = {c.id: c.section_title for c in view.store.get_chunks(sorted(found[s.id].chunk_id for s in shown))}
    citations: list[Citation] = []
    lines: list[str] = []
    for source in sorted(shown, key=lambda s: found[s.id].rank, reverse=True):
        best = found[source.id]
        quote = texts[source.id][best.start : best.end]
        n = len(citations) + 1
        section = sections.get(best.chunk_id, "")
        citations.append(Citation(n, source, quote, section, best.chunk_id, best.rank[1], best.start, best.end))
        lines.append(f"{source.byline()}: “{quote}” [{n}]")
    head = _head(thing, asked, mentioning, silent, anyone)
    return Answer(head + "\n\n" + "\n\n".join(lines), citations, False, "extractive", question=question)


@dataclass(frozen=True)
class _Best:
    """A recap's sentence naming the topic that is quoted: whole sentences first, then the closest."""

    rank: tuple[bool, float]
    start: int
    end: int
    chunk_id: str


def _mentions(wanted: set[str], vector: np.ndarray, view: IndexView) -> dict[str, _Best]:
    """Each recap's best sentence holding every topic term, by source id (read in full)."""
    sources = view.retriever.sources
    texts = view.texts(sources)
    found: dict[str, _Best] = {}
    for source in sources.values():
        sentences = view.store.source_sentences(source.id)
        text = texts[source.id]
        for k, (start, end) in enumerate(sentences.spans):
            sentence = text[start:end]
            if wanted <= set(terms(sentence)):
                best = _Best(
                    (_whole(sentence), float(sentences.vectors[k] @ vector)), start, end, sentences.chunk_ids[k]
                )
                if source.id not in found or best.rank > found[source.id].rank:
                    found[source.id] = best
    return found


def _head(thing: str, asked: list[Source], mentioning: list[Source], silent: list[Source], anyone: bool) -> str:
    does = "does" if len(silent) == 1 else "do"
    if anyone:
        return f"Yes: {len(mentioning)} of the {len(asked)} recaps mention {thing}:"
    if not mentioning:
        return f"No: {_names(silent)} {does} not mention {thing}. These recaps do:"
    if not silent:
        who = f"all {len(asked)} recaps mention" if len(asked) > 1 else f"{_names(mentioning)} mentions"
        return f"Yes: {who} {thing}:"
    verb = "mentions" if len(mentioning) == 1 else "mention"
    return f"{len(mentioning)} of the {len(asked)} recaps {verb} {thing}; {_names(silent)} {does} not:"


def _names(group: list[Source]) -> str:
    names = [s.author or s.publisher or s.title for s in group]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _whole(sentence: str) -> bool:
    """A full sentence, not a list label ("AI-based anything")."""
    return len(sentence.split()) >= WHOLE_WORDS and sentence.rstrip().endswith(SENTENCE_END)
