"""Numbers compared as quantities: value, unit and magnitude words, dates, ordinals and periods.

"as little as 10 milliseconds" is not "as little as 1 millisecond", "about 1000 times" is not "about
100 times", "three weeks" is not "three days" and the "third keynote" is not the "second", even
when every other word of the claim matches its passage. A claim's quantity must be in the passage
sentence it restates; one the passage states differently there is a changed number, one the passage
never gives is unsupported.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL.split())} | {"seventeen": 17, "eighteen": 18, "nineteen": 19}
NUMBER_WORDS |= _TENS | {"dozen": 12, "a dozen": 12, "decade": 10}
MAGNITUDES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
# "tens of talks", "hundreds of sponsors": an order of magnitude, no exact value.
VAGUE_MAGNITUDES = {"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1_000, "millions": 10**6, "billions": 10**9}
VAGUE_COUNTS = ("several", "a few", "few", "a couple of", "couple of", "many", "some", "multiple")
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth"
)
ORDINALS = {w: i for i, w in enumerate(_ORDINAL_WORDS.split(), 1)} | {"twentieth": 20, "hundredth": 100}
_MONTH_NAMES = "january february march april may june july august september october november december"
# "may" is a verb far more often than a month, and "mar"/"may" abbreviations are words: left out.
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES.split(maxsplit=-1), 1) if m != "may"}
MONTHS = {**MONTHS, **{m[:3]: i for m, i in MONTHS.items() if m not in ("march", "may")}, "sept": 9}
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
# One dimension per unit: a claim's unit must equal its passage's unit of the same dimension.
UNITS = {
    **dict.fromkeys(("ms", "millisecond", "milliseconds", "msec"), "millisecond"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "second"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("day", "days"), "day"),
    **dict.fromkeys(("week", "weeks"), "week"),
    **dict.fromkeys(("month", "months"), "month"),
    **dict.fromkeys(("year", "years", "decade", "decades"), "year"),
    **dict.fromkeys(("%", "percent", "per cent", "percentage"), "percent"),
    **dict.fromkeys(("x", "times", "fold"), "times"),
    **dict.fromkeys(("gb", "gigabyte", "gigabytes"), "gigabyte"),
    **dict.fromkeys(("mb", "megabyte", "megabytes"), "megabyte"),
    **dict.fromkeys(("kb", "kilobyte", "kilobytes"), "kilobyte"),
}
TIME_UNITS = frozenset({"millisecond", "second", "minute", "hour", "day", "week", "month", "year"})
PERIODS = {
    **dict.fromkeys(("annual", "annually", "yearly", "per year"), "year"),
    **dict.fromkeys(("quarterly", "per quarter"), "quarter"),
    **dict.fromkeys(("monthly", "per month"), "month"),
    **dict.fromkeys(("weekly", "per week"), "week"),
    **dict.fromkeys(("daily", "per day"), "day"),
    **dict.fromkeys(("hourly", "per hour"), "hour"),
}
RELATIVE = re.compile(
    r"\b(?:(?:earlier|later)\s+)?(this|last|next|previous|past|coming)\s+(year|month|week|quarter|spring|summer|autumn|fall|winter)\b"
    r"|\b(yesterday|today|tomorrow)\b"
)
# Count nouns that name the same thing: "12,000 people" restates "12,000 participants".
SAME_COUNT = (
    frozenset({"people", "person", "attendee", "participant", "visitor", "delegate", "folk", "member", "attending"}),
    frozenset({"talk", "session", "presentation", "breakout"}),
    frozenset({"company", "organization", "organisation", "enterprise", "sponsor", "vendor", "firm"}),
)
_TOKEN = re.compile(
    r"\d+(?:st|nd|rd|th)\b|\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:k|m|bn|b)?\+?(?:s\b)?|%|[a-z]+(?:[-'][a-z]+)*",
)
_YEAR = re.compile(r"(?:19|20)\d\ds?")  # "2024"; "the late 2000s"
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_NUMERAL = re.compile(r"\$?(\d[\d,]*(?:\.\d+)?)(k|m|bn|b)?\+?(s)?")
_TYPO = str.maketrans("’‘“”–—", "''\"\"--")


@dataclass(frozen=True)
class Quantity:
    kind: str  # number | year | ordinal | month | weekday | relative | period
    value: float | None  # None: a vague count ("several seconds"), or a kind named by `unit` alone
    unit: str  # a unit from UNITS, a count noun ("talk", "node"), "this year", "quarter", "monday", or ""
    text: str  # as the sentence writes it
    approximate: bool = False  # "hundreds of", "100s": a magnitude, not an exact figure

    @property
    def dimension(self) -> str:
        return self.unit if self.unit in UNITS.values() else "count"

    @property
    def family(self) -> str:
        """Units one can be changed into the other: any duration for a duration."""
        return "time" if self.unit in TIME_UNITS else self.dimension


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _unit_after(tokens: list[str], i: int) -> tuple[str, int]:
    """The unit (or count noun) at tokens[i], skipping "of" and "+"; and the index after it."""
    while i < len(tokens) and tokens[i] in ("of", "+", "-", "more", "plus"):
        i += 1
    if i >= len(tokens):
        return "", i
    word = tokens[i]
    if word in UNITS:
        return UNITS[word], i + 1
    if word in _STOP or not word.isalpha() or word in NUMBER_WORDS or word in MAGNITUDES:
        return "", i
    return _singular(word), i + 1


_STOP = frozenset(
    str.split(
        "the a an and or of in on at to for with by from as is are was were be been it its this that these those "
        "than then over under about around nearly almost up down per into out new more most"
    )
)


def _numeral(token: str) -> tuple[float, bool] | None:
    """'12,000' → 12000; '10k+' → 10000; '100s' → 100 (approximate); '$1b' → 1e9."""
    if not token[:1].isdigit() and not token.startswith("$"):
        return None
    match = _NUMERAL.fullmatch(token)
    if not match:
        return None
    digits, scale, plural = match.groups()
    if "," in digits and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return None  # "1,2" is a list, not a number
    value = float(digits.replace(",", ""))
    value *= {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}.get(scale or "", 1)
    return value, bool(plural)


def _number_at(tokens: list[str], i: int) -> tuple[float, bool, int] | None:
    """A cardinal starting at tokens[i]: (value, approximate, index after it), or None."""
    token = tokens[i]
    numeral = _numeral(token)
    if numeral is not None:
        value, approximate, j = numeral[0], numeral[1], i + 1
    elif token in VAGUE_MAGNITUDES:
        return float(VAGUE_MAGNITUDES[token]), True, i + 1
    elif token in NUMBER_WORDS and token not in ("one", "zero"):
        value, approximate, j = float(NUMBER_WORDS[token]), token == "decade", i + 1
        if j < len(tokens) and token in _TENS and tokens[j] in NUMBER_WORDS:  # "twenty five"
            value, j = value + NUMBER_WORDS[tokens[j]], j + 1
    elif token in ("a", "one", "few", "several") and i + 1 < len(tokens) and tokens[i + 1] in MAGNITUDES:
        value, approximate, j = 1.0, token in ("few", "several"), i + 1
    else:
        return None
    while j < len(tokens) and tokens[j] in MAGNITUDES:  # "1 thousand", "a few hundred"
        value, j = value * MAGNITUDES[tokens[j]], j + 1
    return value, approximate, j


def quantities(text: str) -> list[Quantity]:
    """Every quantity `text` states, in order."""
    low = text.casefold().translate(_TYPO)
    low = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", low)  # Markdown links: their URLs hold no claim
    found: list[Quantity] = [
        Quantity("relative", None, " ".join(filter(None, m.groups())), m.group(0)) for m in RELATIVE.finditer(low)
    ]
    for phrase, period in PERIODS.items():
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            found.append(Quantity("period", None, period, phrase))
    tokens = _TOKEN.findall(low)
    i = 0
    while i < len(tokens):
        quantity, i = _quantity_at(tokens, i)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity_at(tokens: list[str], i: int) -> tuple[Quantity | None, int]:
    token = tokens[i]
    if _YEAR.fullmatch(token):  # "2024"; "the late 2000s"
        return Quantity("year", float(token.rstrip("s")), "", token, token.endswith("s")), i + 1
    if _ORDINAL.fullmatch(token) or (token in ORDINALS and not _is_time_unit(tokens, i)):
        value = float(ORDINALS.get(token) or re.sub(r"\D", "", token))
        return Quantity("ordinal", value, "", token), i + 1
    if token in MONTHS:
        return Quantity("month", float(MONTHS[token]), "", token), i + 1
    if token in WEEKDAYS:
        return Quantity("weekday", None, token, token), i + 1
    number = _number_at(tokens, i)
    if number is not None:
        value, approximate, j = number
        unit, k = _unit_after(tokens, j)
        return Quantity("number", value, unit, " ".join(tokens[i:k]), approximate), k
    for vague in VAGUE_COUNTS:  # "several seconds": a duration without a figure is still a unit
        words = vague.split()
        if tokens[i : i + len(words)] == words and i + len(words) < len(tokens):
            unit = UNITS.get(tokens[i + len(words)], "")
            if unit in TIME_UNITS:
                return Quantity("number", None, unit, " ".join(tokens[i : i + len(words) + 1])), i + len(words) + 1
    return None, i + 1


def _is_time_unit(tokens: list[str], i: int) -> bool:
    """'second' after a number or "a" ("1 second", "a second") is a unit, not an ordinal."""
    if tokens[i] != "second" or i == 0:
        return False
    before = tokens[i - 1]
    return _numeral(before) is not None or before in NUMBER_WORDS or before in ("a", "few", "several")


def same(a: Quantity, b: Quantity, context_words: frozenset[str] = frozenset()) -> bool:
    """Whether `b` states quantity `a` (`context_words`: the words around `b`, for count nouns)."""
    if a.kind != b.kind:
        return False
    if a.kind != "number":
        return (a.value, a.unit) == (b.value, b.unit)
    if a.value is not None and b.value is not None:
        if a.approximate or b.approximate:  # "hundreds of" and "100s": the same order of magnitude
            if a.value <= 0 or b.value <= 0 or math.floor(math.log10(a.value)) != math.floor(math.log10(b.value)):
                return False
        elif abs(a.value - b.value) > 1e-9 * max(abs(a.value), 1.0):
            return False
    elif a.value is not None or b.value is not None:
        return False
    return _same_unit(a, b, context_words)


def _same_unit(a: Quantity, b: Quantity, context_words: frozenset[str]) -> bool:
    if a.dimension != "count" or b.dimension != "count":
        return a.unit == b.unit or (not b.unit and a.dimension == "count")
    if not a.unit or not b.unit or a.unit == b.unit or a.unit in context_words:
        return True
    return any(a.unit in group and b.unit in group for group in SAME_COUNT)


def rivals(a: Quantity, b: Quantity) -> bool:
    """Whether `b` is what `a` changed: the same kind of quantity, measured the same way."""
    if a.kind != b.kind:
        return False
    if a.kind != "number":
        return True
    return a.family == b.family


def words_of(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in _TOKEN.findall(text.casefold().translate(_TYPO)))


def check_quantities(claim: str, aligned: str, elsewhere: str) -> list[str]:
    """Why the claim's quantities are not those of `aligned` (the passage sentences it restates);
    `elsewhere` (the rest of the passage, its byline, the conference, the question) may supply a
    quantity `aligned` says nothing of. Empty when they all hold."""
    claimed = quantities(claim)
    if not claimed:
        return []  # most sentences state no quantity: nothing else to read
    told = quantities(aligned)
    near = words_of(aligned)
    other: list[Quantity] | None = None  # read only when `aligned` does not settle a quantity
    problems = []
    for q in claimed:
        if any(same(q, t, near) for t in told):
            continue
        changed = [t for t in told if rivals(q, t)]
        if changed:
            problems.append(f"says {q.text!r} where the passage says {changed[0].text!r}")
            continue
        if other is None:
            other, other_words = quantities(elsewhere), words_of(elsewhere)
        if any(same(q, t, other_words) for t in other):
            continue
        if q.kind in ("number", "year"):
            problems.append(f"says {q.text!r}, which the passage does not give")
    return problems
