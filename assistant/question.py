"""What a question asks for: its kind (a fact, a list, a comparison…), the kind of thing a correct
answer must contain (a person, a number, a date…), and its parts.

Rules over the wording, not a model: the cues are few and stable ("who", "how many", "compare",
"agree"), and a rule costs nothing and cannot fail. The kind decides how an extractive answer is
laid out; the answer type decides which sentences can answer at all: a "who" question is not
answered by a sentence that names nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.condense import named_in_who_is
from index.keyword import terms


class Kind(StrEnum):
    FACT = "fact"
    YESNO = "yesno"
    LIST = "list"
    OPINION = "opinion"
    COMPARISON = "comparison"
    AGREEMENT = "agreement"
    PLANNING = "planning"


class AnswerType(StrEnum):
    PERSON = "person"  # a person or an organisation ("who")
    ORGANISATION = "organisation"
    PROJECT = "project"  # a named project, tool or product
    TALK = "talk"
    EVENT = "event"
    NUMBER = "number"
    SHARE = "share"  # a percentage or a fraction ("what share of attendees…")
    VERSION = "version"  # a release number ("which Kubernetes version…"): "v1.30", "1.30"
    DURATION = "duration"  # a length of time ("how long did it last?")
    MONEY = "money"
    PLACE = "place"
    DATE = "date"
    DAY = "day"  # a date to the day, or a day of the event ("on what date…", "which day…"): a year won't do
    NONE = "none"  # opinions, explanations, yes/no


_AUXILIARY = r"(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had)"
_COMPARISON = re.compile(
    r"\b(?:compare[sd]?|comparison|differ(?:s|ed|ent|ence|ences)?|versus|vs\.?|contrast|part ways|"
    r"(?:same|different)\s+(?:view|take|opinion)s?)\b",
    re.IGNORECASE,
)
_AGREEMENT = re.compile(
    r"\b(?:agree[sd]?|disagree[sd]?|agreement|consensus|same\s+page|unanimous|everyone|everybody|all\s+the\s+recaps|"
    r"(?:anyone|anybody|somebody|someone)\s+(?:disagree|criticis|criticiz|push(?:ed)?\s+back|object|complain|doubt)\w*|"
    r"criticis\w*|criticiz\w*|sceptic\w*|skeptic\w*)",
    re.IGNORECASE,
)
_YESNO = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|can|could|will|would|has|have|had|should)\b(?!\s+i\b)", re.IGNORECASE
)
_PLANNING = re.compile(
    r"\bshould\s+i\b|\b(?:i'?m|i\s+am|as\s+an?)\s+(?:a\s+|an\s+)?[\w-]+\s+(?:engineer|developer|architect|lead|manager)"
    r"|\bsuit(?:s|ed)?\s+me\b|\brecommend|\bworth\s+(?:watching|attending|reading|catching|going)\b"
    r"|\b(?:watch|attend|try|catch|look\s+(?:at|up)|prioriti[sz]e|go\s+to)\b.*\b(?:next|first|should|worth)\b"
    r"|\bplan(?:ning)?\b|\bmust-?see\b|\bnext\s+(?:time|year|edition)\b|\bonly\s+(?:have\s+)?(?:time|room)\s+for\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\bwhat\s+(?:did|do|does)\s+(?:people|folks|everyone|the\s+recaps?|the\s+authors?|attendees|speakers|"
    r"bloggers|they|others|\w+)\s+(?:say|think|write|feel|report|make)\b"
    r"|\btake\s+on\b|\b(?:opinions?|views?|takes|impressions?|sentiment|reactions?|verdict|feel(?:ing)?s?)\b"
    r"|\bhow\s+(?:did|do)\s+(?:people|folks|the\s+recaps?)\b|\bwho\s+(?:said|wrote|thinks?)\b",
    re.IGNORECASE,
)
_LIST = re.compile(
    rf"\b(?:which|what)\s+(?!{_AUXILIARY}\b)(?:[\w'’-]+\s+){{0,4}}?(?:projects|tools|companies|vendors|talks|sessions|"
    r"keynotes|events|conferences|people|speakers|topics|themes|takeaways|layers|trends|languages|products|"
    r"frameworks|organi[sz]ations|enterprises|sponsors|podcasts|books|risks|benefits|advantages|insights)\b"
    r"|\blist\b|\bname\s+(?:the|all)\b",
    re.IGNORECASE,
)

# Answer types from the question word, then from the noun a "which/what" asks about.
_TYPE_WORDS: list[tuple[re.Pattern[str], AnswerType]] = [
    (
        re.compile(
            r"\bhow\s+much\s+(?:money|did\s+\w+\s+(?:cost|pay)|does\s+\w+\s+cost)|\b(?:price|cost|revenue|pay|paid)\b",
            re.I,
        ),
        AnswerType.MONEY,
    ),
    (
        re.compile(
            r"\b(?:what|which)\s+(?:share|percentage|proportion|fraction|percent)\b|\bhow\s+many\s+percent\b", re.I
        ),
        AnswerType.SHARE,
    ),
    (re.compile(r"\bhow\s+long\b(?!\s+ago\b)", re.I), AnswerType.DURATION),
    # "How fast…", "how big…": a measurable degree is answered with a quantity ("1000 times faster");
    # "how mature…", "how hard…" ask for a judgement and take no type.
    (
        re.compile(
            r"\bhow\s+(?:many|much|fast|quick|quickly|slow|big|large|small|old|far|often|heavy)\b|\bwhat\s+number\b",
            re.I,
        ),
        AnswerType.NUMBER,
    ),
    (
        # "when" asking, not joining: "When did…", "…, and when?" (not "worth attending when building…")
        re.compile(
            r"(?:^\s*|[,;]\s*|\band\s+)when\b|\bhow\s+long\s+ago\b|\bwhat\s+(?:date|day|year|month|time)\b|\bwhich\s+(?:date|day|year|month)\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            r"\bwhere\b(?!\s+(?:do|did|does|should)\s+(?:\w+\s+){0,3}(?:stand|agree|differ|part))"
            r"|\bwhich\s+(?:city|country|state|venue)\b",
            re.I,
        ),
        AnswerType.PLACE,
    ),
    (
        re.compile(r"\b(?:who|whom|whose)\b|\bwhich\s+(?:person|people|speakers?|presenters?|authors?)\b", re.I),
        AnswerType.PERSON,
    ),
]
_WHICH = re.compile(rf"\b(?:which|what)\s+(?!{_AUXILIARY}\b)(?P<next>(?:[\w'’-]+\s+){{0,5}}[\w'’-]+)", re.IGNORECASE)
_NOUN_TYPES: dict[str, AnswerType] = {
    **dict.fromkeys(
        ["company", "companies", "organisation", "organization", "vendor", "vendors", "bank", "firm", "foundation",
         "sponsor", "sponsors", "organisations", "organizations"],
        AnswerType.ORGANISATION,
    ),
    **dict.fromkeys(
        ["project", "projects", "tool", "tools", "framework", "frameworks", "product", "products", "language",
         "runtime", "operator", "portal", "library", "chatbot", "standard"],
        AnswerType.PROJECT,
    ),
    **dict.fromkeys(["talk", "talks", "session", "sessions", "keynote", "keynotes", "presentation"], AnswerType.TALK),
    **dict.fromkeys(["event", "events", "conference", "conferences"], AnswerType.EVENT),
    **dict.fromkeys(["city", "country", "state", "venue"], AnswerType.PLACE),
    **dict.fromkeys(["year", "month"], AnswerType.DATE),
    **dict.fromkeys(["date", "day"], AnswerType.DAY),
    **dict.fromkeys(["anniversary"], AnswerType.NUMBER),
    **dict.fromkeys(["version", "versions", "release"], AnswerType.VERSION),
    **dict.fromkeys(["percentage", "share", "proportion", "fraction"], AnswerType.SHARE),
    **dict.fromkeys(["person", "speaker", "speakers", "presenter"], AnswerType.PERSON),
    **dict.fromkeys(["enterprises", "provider", "providers", "publisher"], AnswerType.ORGANISATION),
    **dict.fromkeys(["alternative", "languages", "llms", "models"], AnswerType.PROJECT),
}  # fmt: skip


@dataclass(frozen=True)
class Question:
    text: str
    kind: Kind
    answer_type: AnswerType
    parts: tuple[str, ...]  # the question cut at "… and …" where each side asks something of its own


def kind_of(text: str, named_sources: int = 0) -> Kind:
    """The kind of a question; `named_sources` is how many recaps it names ("Bryant", "the Gardener blog")."""
    if named_sources >= 2 or (named_sources and _COMPARISON.search(text)) or _COMPARISON.search(text):
        return Kind.COMPARISON
    if _AGREEMENT.search(text):
        return Kind.AGREEMENT
    if _PLANNING.search(text):
        return Kind.PLANNING
    if _LIST.search(text):
        return Kind.LIST
    if _YESNO.search(text):
        return Kind.YESNO
    if _OPINION.search(text):
        return Kind.OPINION
    return Kind.FACT


def answer_type_of(text: str) -> AnswerType:
    """What a correct answer must contain, or NONE when the question asks for a view or an explanation.

    A two-part question ("What talk did he give, and where?") takes the type of its first part.
    """
    first = parts_of(text)[0]
    if named_in_who_is(first):  # "Who is Priyanka Sharma?", "What is Kratix?": what the recaps say of it
        return AnswerType.NONE
    which = _WHICH.search(first)
    if which:  # "which well-known cloud native projects": the noun it asks about decides
        for word in which.group("next").lower().replace("-", " ").split():
            if re.fullmatch(_AUXILIARY, word):
                break  # the noun phrase ends at its verb: "which anniversary of Kubernetes did the conference…"
            if word in _NOUN_TYPES:
                return _NOUN_TYPES[word]
    for pattern, answer_type in _TYPE_WORDS:
        if pattern.search(first):
            return answer_type
    return AnswerType.NONE


_PART_BREAK = re.compile(
    r"\s*(?:,\s*)?\band\s+(?=(?:about|what|how|who|which|where|when|why|is|are|was|were|do|does|did|can|could|"
    r"has|have|will|would)\b)|,\s*(?=(?:and\s+)?(?:where|when|who|how)\b)",
    re.IGNORECASE,
)


def parts_of(text: str) -> tuple[str, ...]:
    """ "What about Wasm and about quantum computing?" → ("What about Wasm", "about quantum computing?").

    A bare question word shares what follows: "When and where will it take place?" is one part."""
    pieces = [p.strip(" ,;") for p in _PART_BREAK.split(text) if p.strip(" ,;?")]
    if len(pieces) > 1 and len(pieces[0].split()) == 1:
        return (text,)
    return tuple(pieces) if len(pieces) > 1 else (text,)


_SEVERAL = re.compile(
    r"\b(?:keynotes|talks|sessions|presentations|events|conferences|projects|tools|companies|vendors|"
    r"organi[sz]ations|people|speakers|products|frameworks|sponsors)\b",
    re.IGNORECASE,
)


QUANTITIES = {
    AnswerType.NUMBER,
    AnswerType.SHARE,
    AnswerType.VERSION,
    AnswerType.DURATION,
    AnswerType.MONEY,
    AnswerType.DATE,
    AnswerType.DAY,
}


def asks_for_several(text: str) -> bool:
    """ "Who gave keynotes?", "which vendors…": the question is after several things, not one."""
    return bool(_SEVERAL.search(text))


def analyse(text: str, named_sources: int = 0) -> Question:
    kind = kind_of(text, named_sources)
    # A yes/no question is answered by what the recaps say, not by a thing of some kind.
    answer_type = AnswerType.NONE if kind is Kind.YESNO else answer_type_of(text)
    return Question(text, kind, answer_type, parts_of(text))


MAX_QUESTION_CHARS = 2000  # a question, not a pasted document: longer input is refused with a message
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b[^.?!]{0,40}\b(?:recaps?|instructions?|documents?|sources?|rules?|above|previous)\b"
    r"|\byou\s+are\s+now\b|\bpretend\s+(?:to\s+be|you)\b|\b(?:act|respond)\s+as\b"
    r"|\bsystem\s+prompt\b|\b(?:write|tell|compose)\s+(?:me\s+)?(?:a|an)\s+(?:poem|joke|story|song|essay)\b",
    re.IGNORECASE,
)


def problem_with(text: str) -> str | None:
    """Why `text` cannot be looked up as it is (too long, or no words to look up), else None."""
    if len(text) > MAX_QUESTION_CHARS:
        return (
            f"that question is {len(text):,} characters long; ask it in under {MAX_QUESTION_CHARS:,} "
            "(to search a document of your own, add it with `recap ingest`)"
        )
    if not terms(text):  # only stop words, emoji or punctuation
        return (
            "there are no words to look up in that question; "
            "ask about the conference, e.g. “What did people say about Wasm?”"
        )
    return None


def holds_instruction(text: str) -> bool:
    """Whether the question tries to instruct the assistant ("ignore the recaps and…") rather than ask."""
    return bool(_INSTRUCTION.search(text))
