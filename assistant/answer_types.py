"""Whether a sentence holds the kind of thing a question asks for: a person, a number, a date…

Patterns over the sentence as written. They are deliberately generous (a capitalised name counts
as a person or an organisation): their job is to rule out sentences that cannot answer ("it was
good to see it getting plenty of keynote time" names nobody), not to recognise entities exactly.
"""

from __future__ import annotations

import re

from assistant.question import AnswerType
from index.keyword import terms

_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|tens|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|"
    r"thousand|thousands|million|millions|billion|dozen|dozens|half|double|twice|several|first|second|third"
)
# A capitalised word that is not the sentence's first: a name (SpinKube, Deutsche Bahn, Solomon Hykes).
_NAME = re.compile(r"(?<=[\s(“\"‘'/])(?:[A-Z][\w&.+-]*[A-Za-z0-9]|[a-z]+[A-Z]\w*)")
_PERSON = re.compile(r"\b[A-Z][a-zà-ÿ'’-]+(?:\s+(?:de|van|von|da|di|del|la)?\s*[A-Z][a-zà-ÿŠš'’-]+)+\b")
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_WEEKDAYS = r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAY_OF_EVENT = r"\bday\s+(?:one|two|three|four|five|\d)\b"  # "the day three keynote"
# Digits that count nothing: a year ("Europe 2024"), a version ("v1", "1.30"), a name ("K8s", "llama2")
# or a day of the event ("the day three keynote").
_NOT_A_COUNT = re.compile(
    rf"{_DAY_OF_EVENT}|\b(?:19|20)\d\d\b|\bv?\d+(?:\.\d+)+\b|\bv\d+\b|\b[A-Za-z]+\d+[A-Za-z]*\b|\b\d+[A-Za-z]+\d+\b"
)
_ORDINAL_WORDS = re.compile(r"\b(?:first|second|third)\b", re.IGNORECASE)


def _counts(sentence: str) -> bool:
    """Whether the sentence holds a count or an amount, not just a year, a version or an ordinal."""
    return bool(_NUMBER.search(_ORDINAL_WORDS.sub(" ", _NOT_A_COUNT.sub(" ", sentence))))


_SHARE = re.compile(
    r"\d\s?%|\bper\s?cent\b|\bpercent(?:age)?\b|\b(?:half|third|thirds|quarter|quarters|fifth|majority|minority)\b"
    r"|\b(?:one|1)\s+in\s+(?:\d|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a\s+hundred)"
    r"|\bout\s+of\s+(?:\d|every)",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"\b(?:\d+(?:\.\d+)?|a|an|{_NUMBER_WORDS})[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\b"
    r"|\b(?:all|full|half|whole)[\s-]day\b|\b(?:day|week|month|year)-long\b|\bmulti-day\b|\bovernight\b",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|GBP|dollars?|euros?|pounds?)\b|\bfree\s+of\s+charge\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d|\b(?:hundreds?|thousands?|millions?|billions?)\b", re.I)
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)?\b|\bv\d+\b")
_PRICE_WORDS = re.compile(
    r"\b(?:revenue|costs?|cost\s+of|prices?d?|priced|funding|raised|paid|pay|spend|spent)\b", re.I
)


def _amount(sentence: str) -> bool:
    """A sum of money: a currency and a figure, or a figure beside a word of price ("raised 20
    million"). A price word alone ("cost saving") names no amount."""
    return bool(_MONEY.search(sentence)) or (bool(_PRICE_WORDS.search(sentence)) and bool(_FIGURE.search(sentence)))


_DATE = re.compile(
    rf"\b(?:{_MONTHS})\b|\b(?:19|20)\d\d\b|{_WEEKDAYS}|{_DAY_OF_EVENT}"
    r"|\b(?:last|next|this)\s+(?:year|month|week)\b|\b\d{1,2}(?:st|nd|rd|th)\b",
)
_DAY = re.compile(
    rf"\b(?:{_MONTHS})\b|{_WEEKDAYS}|\b\d{{1,2}}(?:st|nd|rd|th)\b|{_DAY_OF_EVENT}"
    r"|\b(?:first|second|third|fourth|final|last|opening|closing)\s+day\b"
    r"|\b(?:today|tomorrow|yesterday)\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
)
_PLACE = re.compile(
    r"\b(?:in|at|to|from|near|on)\s+(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*|\b(?:booth|hall|venue|room|city)\b"
    # Where software runs or is written up: "at or near the edge", "in the cloud", "on premises".
    r"|\b(?:at|in|on|near)\s+(?:or\s+near\s+)?(?:the\s+)?(?:edge|cloud|data\s*cent(?:er|re)s?|premises|blog|podcast)\b"
    r"|\bon-?prem(?:ises)?\b"
)
_QUOTED_TITLE = re.compile(r"[“\"‘][^”\"’]{12,}[”\"’]|[“\"][^”\"]{12,}$")
_EVENT = re.compile(r"\b[A-Z]\w*(?:Con|Day)\b|\b\w+\s+Day\b|\bKubeCon\b|\bmeetups?\b|\bcolocated\b|\bco-located\b")

_HOLDS = {
    AnswerType.PERSON: lambda s: bool(_PERSON.search(s)),
    AnswerType.ORGANISATION: lambda s: bool(_NAME.search(s)),
    AnswerType.PROJECT: lambda s: bool(_NAME.search(s)),
    AnswerType.TALK: lambda s: bool(_QUOTED_TITLE.search(s) or re.search(r"\b(?:talk|keynote|session)\b", s, re.I)),
    AnswerType.EVENT: lambda s: bool(_EVENT.search(s)),
    AnswerType.NUMBER: _counts,
    AnswerType.MONEY: _amount,
    AnswerType.SHARE: lambda s: bool(_SHARE.search(s)),
    AnswerType.VERSION: lambda s: bool(_VERSION.search(s)),
    AnswerType.DURATION: lambda s: bool(_DURATION.search(s)),
    AnswerType.DATE: lambda s: bool(_DATE.search(s)),
    AnswerType.DAY: lambda s: bool(_DAY.search(s)),
    AnswerType.PLACE: lambda s: bool(_PLACE.search(s)),
}


# A link's target says nothing: "playlist?list=PLj6h78…" holds no count, "/2024/03/" no date.
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|https?://\S+")


def holds(answer_type: AnswerType, sentence: str) -> bool:
    """Whether `sentence` contains something of `answer_type` (always True for NONE)."""
    check = _HOLDS.get(answer_type)
    return True if check is None else check(_LINK_TARGET.sub("]", sentence))


# "How many Wasm talks…", "how many people attended…": the thing counted. A count of something else
# ("1000 times faster") does not answer it.
_HOW_MANY = re.compile(r"\bhow\s+many\s+(?P<words>(?:[\w'’-]+\s*){1,3})", re.IGNORECASE)
_STOP_AT = re.compile(
    r"^(?:is|are|was|were|do|does|did|can|could|have|has|had|will|would|there|in|at|of|on|for)$", re.I
)
_HEADCOUNT = re.compile(r"\b(?:people|persons?|attend\w*|particip\w*|visitors?|folks|crowd|audience)\b", re.I)
_PEOPLE = frozenset(
    ["people", "persons", "attendees", "attendee", "participants", "visitors", "folks", "attended", "attend"]
)


def counted(question: str) -> re.Pattern[str] | None:
    """What a sentence must name to count what a "how many" question counts, or None when it names
    nothing countable: the first plural or word for people after "how many", names passed over
    ("how many Kubernetes clusters" counts clusters); any word for people counts people."""
    match = _HOW_MANY.search(question)
    if match is None:
        return None
    for word in match.group("words").split():
        if _STOP_AT.match(word):
            break
        lowered = word.casefold()
        if lowered in _PEOPLE:
            return _HEADCOUNT
        if word[:1].isupper():
            continue
        if lowered.endswith("s") and not lowered.endswith("ss") and (stem := terms(lowered)):
            return re.compile(rf"\b{re.escape(stem[0])}\w*", re.IGNORECASE)
    return None
