"""The answer without a language model: the sentences that answer, quoted verbatim, grouped by who wrote them.

How it decides:
1. What the question asks (`assistant/question.py`): a fact, a list, a view, a comparison of named
   recaps, whether they agree; and the kind of thing the answer must hold (a person for "who").
2. Which sentences answer it (`assistant/evidence.py`, `assistant/selector.py`): every sentence of
   the retrieved passages gets a probability from a model fitted on the dev split. The answer
   abstains when no sentence is likely enough — calibrated evidence, never one unfamiliar word —
   and a "who" question is not answered by sentences that name nobody.
3. How the quotes are laid out: a comparison quotes each recap it names, or says that one is
   silent; a question with a part no recap covers answers the rest and names that part; a quote
   that points back ("this talk") takes in the sentence before it.

Every quote is a verbatim slice of its document with exact offsets, and carries its own citation,
so the answer can never attribute words to the wrong recap.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.catalogue import MentionSpans, items_named_in, mention_spans, names, view_items
from assistant.condense import Turn, condense, topic_of
from assistant.enumeration import items_after, rarest_term
from assistant.evidence import Candidate, candidates, is_signpost, weak_evidence
from assistant.planning import planned_answer
from assistant.polarity import tone
from assistant.question import QUANTITIES, AnswerType, Kind, Question, analyse, asks_for_several
from assistant.retrieval import Retrieval
from assistant.selector import Policy, Selector, shipped_selector
from assistant.span_check import check_span
from assistant.types import Answer, Citation, CitationCheck
from assistant.view import IndexView
from index.catalog import Source
from index.keyword import surface_words, terms
from index.protocols import StoreReader
from index.settings import Settings

_ASKS = {
    AnswerType.PERSON: "who",
    AnswerType.ORGANISATION: "which organisation",
    AnswerType.PROJECT: "which project or tool",
    AnswerType.TALK: "which talk",
    AnswerType.EVENT: "which event",
    AnswerType.NUMBER: "how many",
    AnswerType.SHARE: "what share",
    AnswerType.VERSION: "which version",
    AnswerType.DURATION: "how long",
    AnswerType.MONEY: "how much it cost",
    AnswerType.PLACE: "where",
    AnswerType.DATE: "when",
    AnswerType.DAY: "on which day",
}
_STANCE_KINDS = (Kind.YESNO, Kind.OPINION, Kind.AGREEMENT)  # questions that may ask for a critical view
_STOP = re.compile(r"^(?:the|a|an|of|in|on|at|to|for|and|or|with|about|what|which|who|how|does|do|did|it|is|are)$")


@dataclass(frozen=True)
class Quote:
    candidate: Candidate
    probability: float
    start: int  # the quoted span: the sentence, grown to take in its antecedent if it points back
    end: int
    items: tuple[tuple[int, int], ...] = ()  # the bulleted items a lead-in ending in a colon introduces


@dataclass
class Selection:
    """What the answer will say: its quotes, or why it abstains."""

    quotes: list[Quote] = field(default_factory=list)
    silent: list[Source] = field(default_factory=list)  # named recaps that say nothing on it
    uncovered: list[str] = field(default_factory=list)  # parts of the question no recap covers
    abstain_reason: str = ""


def select(
    question: Question,
    found: list[Candidate],
    probabilities: np.ndarray,
    policy: Policy,
    named: Sequence[Source] = (),
    weak: bool = False,
    subjects: Sequence[tuple[str, ...]] = (),
) -> Selection:
    """The quotes for `question` from scored candidates (spans not yet grown), or an abstention.

    A question after a critical view ("was anybody unimpressed…?") is not answered with praise.
    Abstains when the evidence is `weak` (see `evidence.weak_evidence`), when the question asks for
    a kind of thing (a person, a date) that no sentence on the question holds (`typed_share`), or when no sentence
    is likely enough to answer (`abstain_below`). A comparison of named recaps is never abstained on
    as a whole: each named recap gets its best sentence, or is said to be silent. Views (opinions,
    agreement) give each recap that speaks a seat.
    """
    comparing = question.kind is Kind.COMPARISON and len(named) >= 1
    if not found or (weak and not comparing):
        return Selection(abstain_reason="evidence")
    ranked = sorted(zip(found, (float(p) for p in probabilities), strict=True), key=lambda cp: -cp[1])
    if question.kind in _STANCE_KINDS and tone(question.text) < 0:
        # "Was anybody unimpressed…?", "Did anyone criticise…?": praise is no answer, however close, and
        # a critical sentence likely enough to be quoted comes first.
        tones = {id(c): tone(c.quote) for c, _ in ranked}
        ranked = [(c, p) for c, p in ranked if tones[id(c)] <= 0]
        ranked.sort(key=lambda cp: not (tones[id(cp[0])] < 0 and cp[1] >= policy.quote_at / 2))
    if question.answer_type is not AnswerType.NONE:
        typed, reason = _typed(question, ranked, policy, comparing, subjects)
        if reason:
            return Selection(abstain_reason=reason)
        ranked = typed
    best = ranked[0][1]
    if not comparing and best < policy.abstain_below:
        return Selection(abstain_reason="evidence")
    bar = max(policy.quote_at, policy.relative * best)
    seats: list[tuple[Candidate, float]] = []
    if comparing or question.kind in (Kind.OPINION, Kind.AGREEMENT):
        # Each recap's best sentence, if it is at least half as likely as a quote needs to be.
        sources = [s.id for s in named] if comparing else list(dict.fromkeys(c.source.id for c, _ in ranked))
        for source_id in sources:
            own = [(c, p) for c, p in ranked if c.source.id == source_id]
            first = next(iter(own), None)
            if first is not None and first[1] >= policy.quote_at / 2:
                seats.append(first)
            elif comparing and (naming := next(((c, p) for c, p in own if c.names_topic), None)):
                # A named recap with a sentence naming the topic asked about ("observability") is not
                # "silent", however unlikely the selector finds that sentence.
                seats.append(naming)
    eligible = seats + [(c, p) for c, p in ranked if p >= bar and (c, p) not in seats]
    if not eligible:
        if comparing:
            return Selection(silent=list(named)) if named else Selection(abstain_reason="evidence")
        eligible = ranked[:1]
    picked = _pick(eligible, policy)
    quoted = {q.candidate.source.id for q in picked}
    return Selection(quotes=picked, silent=[s for s in named if s.id not in quoted] if comparing else [])


def _typed(
    question: Question,
    ranked: list[tuple[Candidate, float]],
    policy: Policy,
    comparing: bool,
    subjects: Sequence[tuple[str, ...]],
) -> tuple[list[tuple[Candidate, float]], str]:
    """The ranked candidates holding what the question asks for (a person, a date), or why none
    answers: "type" (no sentence on the question holds one) or "subject" (none about what it names)."""
    typed = [(c, p) for c, p in ranked if c.type_match]
    # A question after several things ("who gave keynotes?") is answered by each sentence naming one,
    # however many sentences about the topic name none.
    one = not comparing and not asks_for_several(question.text)
    # A quantity is one answer however plural its noun ("how many people attended…?").
    if typed and (one or question.answer_type in QUANTITIES) and question.kind is Kind.FACT and subjects:
        # "On which day did Solomon Hykes give his keynote?" is not answered by another keynote's day.
        typed = [(c, p) for c, p in typed if all(any(names(c.quote, n) for n in s) for s in subjects)]
        if not typed:
            return [], "subject"
    if not typed or (one and typed[0][1] < policy.typed_share * ranked[0][1]):
        return [], "type"
    return typed, ""


def _pick(eligible: list[tuple[Candidate, float]], policy: Policy) -> list[Quote]:
    """Up to `max_quotes` in the order given, at most `max_per_source` a recap, no sentence twice."""
    picked: list[Quote] = []
    per_source: dict[str, int] = {}
    for candidate, probability in eligible:
        if len(picked) == policy.max_quotes:
            break
        if per_source.get(candidate.source.id, 0) >= policy.max_per_source:
            continue
        if any(_same(candidate, q.candidate) for q in picked):
            continue
        picked.append(Quote(candidate, probability, candidate.start, candidate.end))
        per_source[candidate.source.id] = per_source.get(candidate.source.id, 0) + 1
    return picked


def _same(a: Candidate, b: Candidate) -> bool:
    """The same sentence, or two so alike that quoting both says nothing more."""
    if a.source.id == b.source.id and a.start < b.end and b.start < a.end:
        return True
    wa, wb = set(a.quote.lower().split()), set(b.quote.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) >= 0.8


def grow_antecedents(
    quotes: list[Quote],
    texts: dict[str, str],
    paragraphs: dict[str, list[tuple[int, int]]],
    sources: Sequence[Source] = (),
    check: CitationCheck | None = None,
) -> None:
    """Quotes that point back ("this talk") take in the sentence before them, within their paragraph.

    The grown span is checked as the verifier checks a generated claim (`span_check.check_span`):
    it must still support what the answer says — the quoted sentence, credited to its author. A
    grown span that does not is shrunk back to the sentence, and `check` says why.
    """
    for i, quote in enumerate(quotes):
        c = quote.candidate
        paragraph = next((p for p in paragraphs.get(c.chunk_id, []) if p[0] <= c.start < p[1]), None)
        if paragraph is None:
            continue
        start, end = c.with_antecedent(texts[c.source.id], paragraph)
        if start == c.start or any(
            q.candidate.source.id == c.source.id and q.candidate.start < c.start and q.candidate.end > start
            for q in quotes
        ):
            continue
        grown = texts[c.source.id][start:end]
        verdict = check_span(f"{c.source.author or c.source.publisher} wrote: {c.quote}", grown, c.source, sources)
        if check is not None:
            check.checked += 1
            check.kept += verdict.supported
            check.removed += not verdict.supported
            if not verdict.supported:
                check.notes.append(f"kept the quote to its sentence: the grown span {'; '.join(verdict.reasons)}")
        if verdict.supported:
            quotes[i] = Quote(c, quote.probability, start, end)


def add_listed_items(quotes: list[Quote], texts: dict[str, str], paragraphs: dict[str, list[tuple[int, int]]]) -> None:
    """A quote that leads in to a list ("…what's currently hot and sellable:") carries the items that
    follow it in its passage, each quoted verbatim with its own citation."""
    for i, quote in enumerate(quotes):
        c = quote.candidate
        items = items_after(texts[c.source.id], (quote.start, quote.end), paragraphs.get(c.chunk_id, []))
        if items:
            quotes[i] = replace(quote, items=tuple(items))
    listed = {(q.candidate.source.id, span) for q in quotes for span in q.items}
    quotes[:] = [
        q
        for q in quotes
        if not any(source == q.candidate.source.id and a < q.end and q.start < b for source, (a, b) in listed)
    ]


def _on_the_question(quote: Quote, texts: dict[str, str], retrieval: Retrieval) -> bool:
    """A sentence about the post that leads in to a list ("Here are my key takeaways…:") answers only
    with its list, and only if the list holds the question's most telling word: Bryant's takeaways
    are no list of projects that graduated."""
    if not is_signpost(quote.candidate.quote):
        return True
    if not quote.items:
        return False  # its list is out of reach: by itself it says nothing
    rarest = rarest_term(retrieval.term_weights)
    text = texts[quote.candidate.source.id]
    return rarest is None or rarest in {
        t for a, b in [(quote.start, quote.end), *quote.items] for t in terms(text[a:b])
    }


def missing_specifics(text: str, unknown_words: Sequence[str]) -> list[str]:
    """Words of the question no recap contains that name something specific: a number or version
    ("1.30", "2025"), a capitalised name ("Windows", "Eiffel"), or a word of the topic asked about
    ("quantum" in "what did people say about quantum computing"). A question about such a thing is
    not covered, whatever else matches; a lower-case word like "criticise" or "turnout" is not
    specific and never vetoes an answer."""
    unknown = {w.lower() for w in unknown_words}
    # The topic up to its first clause word: "about product thinking for platform teams should I watch".
    topic_words = re.split(r"\b(?:should|would|could|can|do|did|does|is|are|was|were|i|we|you)\b", topic_of(text) or "")
    topic = {w.lower() for w in surface_words(topic_words[0])}
    words = re.findall(r"[\w.+#-]*\w", text)
    specific = [
        w
        for i, w in enumerate(words)
        if unknown & set(surface_words(w))
        and (any(ch.isdigit() for ch in w) or (i > 0 and w[:1].isupper()) or w.lower() in topic)
    ]
    return list(dict.fromkeys(specific))


def uncovered_parts(question: Question, retrieval: Retrieval) -> list[str]:
    """The parts of the question that ask about something specific no recap mentions, each as the
    phrase naming it ("quantum computing"). All of them, for a one-part question about such a thing."""
    missing = missing_specifics(retrieval.query, retrieval.unknown_words)
    phrases = []
    for part in question.parts:
        words = [w for w in missing if w.lower() in part.lower()]
        if words:
            phrases.append(_phrase(part, words[0].lower()))
    return phrases


def _phrase(part: str, word: str) -> str:
    """The words naming the uncovered thing: the unknown word and the content words after it."""
    tokens = re.findall(r"[\w.+#-]*\w", part)
    at = next((i for i, t in enumerate(tokens) if t.lower() == word), 0)
    end = at + 1
    while end < len(tokens) and not _STOP.match(tokens[end].lower()):
        end += 1
    start = at
    while start > 0 and tokens[start - 1][:1].isupper() and not _STOP.match(tokens[start - 1].lower()):
        start -= 1
    return " ".join(tokens[start:end])


def abstention(
    best: float,
    floor: float,
    unknown_words: list[str],
    question: Question | None = None,
    subjects: Sequence[str] = (),
) -> str:
    """Why the recaps don't answer: what they don't say, the words they never use, or how far the
    closest passage is. `subjects`: what the question is about that they do name."""
    if question is not None and question.answer_type in _ASKS and subjects:
        named = " and ".join(f"“{s}”" for s in subjects)
        reason = f"they name {named}, but don't say {_ASKS[question.answer_type]}"
    elif question is not None and question.answer_type in _ASKS and unknown_words == []:
        reason = f"they don't say {_ASKS[question.answer_type]}, and nothing they say answers it"
    elif unknown_words:
        words = ", ".join(f"“{w}”" for w in unknown_words)
        reason = f"no recap mentions {words}, and nothing else they say is close enough to quote"
    else:
        reason = f"no passage is close enough to quote (best match {best:.2f}, below the {floor:.2f} floor)"
    return (
        f"The recaps don't cover this: {reason}. I won't quote something unrelated. "
        "Try other words, or run `recap sources` to see what is indexed."
    )


def _named_once(spellings: list[str]) -> list[str]:
    """Each name once: "Spotify" goes when "Spotify talk" is named too."""
    return [s for s in spellings if not any(s != o and s.casefold() in o.casefold() for o in spellings)]


def render(selection: Selection, texts: dict[str, str]) -> tuple[str, list[Citation]]:
    """The answer's text with [n] markers, and the citations they point to."""
    groups: dict[str, list[Quote]] = {}
    for quote in sorted(selection.quotes, key=lambda q: -q.probability):
        groups.setdefault(quote.candidate.source.id, []).append(quote)
    lines: list[str] = []
    citations: list[Citation] = []
    for group in groups.values():
        line = f"{group[0].candidate.source.byline()}:"
        after_list = False
        for quote in sorted(group, key=lambda q: q.start):  # in the author's order
            c = quote.candidate
            text = texts[c.source.id][quote.start : quote.end]
            n = len(citations) + 1
            citations.append(
                Citation(n, c.source, text, c.section, c.chunk_id, quote.probability, quote.start, quote.end)
            )
            line += ("\n\n" if after_list else " ") + f"“{text}” [{n}]"  # not read as part of the list's last item
            after_list = bool(quote.items)
            for a, b in quote.items:  # a lead-in's list, an item a line
                n = len(citations) + 1
                item = texts[c.source.id][a:b]
                citations.append(Citation(n, c.source, item, c.section, c.chunk_id, quote.probability, a, b))
                line += f"\n- “{item}” [{n}]"
        lines.append(line)
    lines += [f"{s.byline()}: says nothing about this." for s in selection.silent]
    lines += [f"No recap mentions {part}." for part in selection.uncovered]
    count = len(groups)
    intro = f"{count} recap{'s' if count != 1 else ''} speak{'s' if count == 1 else ''} to this:"
    if not groups:
        intro = "None of the recaps you named speaks to this:"
    return intro + "\n\n" + "\n\n".join(lines), citations


def extractive_answer(
    question_text: str,
    retrieval: Retrieval,
    store: StoreReader,
    texts: dict[str, str],
    settings: Settings,
    selector: Selector | None = None,
    sources: Sequence[Source] = (),
    mentions: MentionSpans | None = None,
    subjects: Sequence[tuple[str, ...]] = (),
) -> Answer:
    """Quote the sentences that answer `question_text` (already standalone), or abstain.

    `subjects`: the catalogue items the question names, each as its spellings
    (`catalogue.items_named_in`); a question after one thing of a kind about them is answered only
    by a sentence naming them."""
    selector = selector or shipped_selector()
    named = [p.source for p in retrieval.passages if p.source.id in retrieval.named_sources]
    named = list({s.id: s for s in named}.values())
    question = analyse(question_text, len(retrieval.named_sources))
    uncovered = uncovered_parts(question, retrieval)
    if len(uncovered) == len(question.parts):
        words = missing_specifics(retrieval.query, retrieval.unknown_words)
        text = abstention(retrieval.best_similarity, settings.relevance_floor, words, question)
        return Answer(text, [], True, "extractive")
    found = candidates(retrieval, store, texts, question, mentions)
    probabilities = selector.probabilities(np.stack([c.features for c in found])) if found else np.zeros(0)
    weak = weak_evidence(found, retrieval, question, settings)
    selection = select(question, found, probabilities, selector.policy_for(question.kind), named, weak, subjects)
    if selection.abstain_reason:
        unknown = retrieval.unknown_words if selection.abstain_reason == "evidence" else []
        about = _named_once([s[0] for s in subjects]) if selection.abstain_reason == "subject" else []
        text = abstention(retrieval.best_similarity, settings.relevance_floor, unknown, question, about)
        return Answer(text, [], True, "extractive")
    selection.uncovered = uncovered
    paragraphs = {p.chunk.id: list(p.chunk.spans) for p in retrieval.passages}
    check = CitationCheck()
    grow_antecedents(selection.quotes, texts, paragraphs, list(sources), check)
    add_listed_items(selection.quotes, texts, paragraphs)
    selection.quotes = [q for q in selection.quotes if _on_the_question(q, texts, retrieval)]
    if not selection.quotes:
        text = abstention(retrieval.best_similarity, settings.relevance_floor, [], question)
        return Answer(text, [], True, "extractive")
    text, citations = render(selection, texts)
    return Answer(text, citations, False, "extractive", verification=check)


class ExtractiveAnswerer:
    """The `Answerer` without a model: quotes of the sentences that answer, or an abstention.

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
        # A list or planning question is answered from the item catalogue when items fit it.
        answer = planned_answer(standalone, retrieval, view, self.settings) or extractive_answer(
            standalone,
            retrieval,
            view.store,
            texts,
            self.settings,
            sources=list(view.retriever.sources.values()),
            mentions=mention_spans(view),
            subjects=items_named_in(retrieval.query, view_items(view), len(view.retriever.sources)),
        )
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
