"""Who a claim says said it: "Haintz wrote that …", "According to the OpsRamp blog, …", "…, Bryant notes".

A claim that credits its words to one recap's author or publisher must cite that recap: credited to
another recap's author, it is a wrong attribution however well the words match. The frame is also
cut from the claim before its content is compared with the passage, so "Franzke reports that"
neither helps nor hurts the overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from index.catalog import Source

# What a recap's author does to a statement in a model's answer sentence ("Bryant counted …").
_VERBS = (
    r"wr(?:ote|ites)|says?|said|notes?d?|reports?(?:ed)?|observe[sd]?|argue[sd]?|explain(?:s|ed)?|"
    r"mention(?:s|ed)?|adds?|added|points? out|pointed out|admit(?:s|ted)?|thinks?|thought|believe[sd]?|"
    r"recall(?:s|ed)?|highlight(?:s|ed)?|describe[sd]?|praise[sd]?|call(?:s|ed)?|recommend(?:s|ed)?|"
    r"count(?:s|ed)?|f(?:ou|i)nds?|feels?|felt|suggest(?:s|ed)?|claim(?:s|ed)?|remark(?:s|ed)?|"
    r"comment(?:s|ed)?|conclude[sd]?|stress(?:es|ed)?|emphasi[sz]e[sd]?|consider(?:s|ed)?|sees?|saw|"
    r"share[sd]?|lists?(?:ed)?|warn(?:s|ed)?|predict(?:s|ed)?|expect(?:s|ed)?|hope[sd]?|reflect(?:s|ed)?|"
    r"summari[sz]e[sd]?|singles? out|singled out|shout(?:s|ed)? out|credit(?:s|ed)?|cite[sd]?|reckons?|"
    r"doubt(?:s|ed)?|is (?:more |less )?(?:positive|cautious|sceptical|skeptical|critical)|"
    r"was (?:more |less )?(?:positive|cautious|sceptical|skeptical|critical)|describes?|"
    r"hears?|heard|notice[sd]?|spott(?:s|ed)|learn(?:s|ed)|enjoy(?:s|ed)|liked?|loved?|wonder(?:s|ed)|"
    r"asks?|asked|(?:is|was) (?:impressed|excited|struck|surprised|pleased)|"
    r"(?:also |further )+\w+"
)
_WORK = r"(?:['’]s)?(?:\s+(?:own\s+)?(?:recap|post|blog post|blog|write-?up|article|report|summary|review|takeaways))?"
_BYLINE = r"(?:\s*\([^)]{0,40}\))?"  # "Daniel Bryant (Medium) says"
_FRAMES = (
    # "Haintz wrote that …", "The OpsRamp blog notes …", "OpsRamp's recap says …"
    r"^(?:the\s+)?{alias}{work}{byline}\s+(?:{verbs})\b(?:\s+that)?[\s,:]*",
    # "Bryant presented …": the author as the subject; the claim keeps its words
    r"^(?:the\s+)?{alias}{work}{byline}(?=\s+(?:also\s+)?[a-z]+(?:s|ed)\b)",
    # "According to Haintz, …", "In Christian Haintz's recap, …", "As Bryant notes, …"
    r"^(?:according to|per|in|as|for|from)\s+(?:the\s+)?{alias}{work}{byline}(?:\s+(?:{verbs}))?\s*[,:]\s*",
    # "…, according to Bryant.", "…, Bryant notes."
    r"(?:\s*[,;—–-]\s*(?:(?:according to|per|as)\s+)?|\s+(?:according to|per)\s+)"
    r"(?:the\s+)?{alias}{work}{byline}(?:\s+(?:{verbs}))?\s*(?=[.!?…]*$)",
)
SUBJECT = 1  # the frame naming the author as the subject of any verb: credited, not cut
_MARKUP = re.compile(r"[*_`]+")


@dataclass(frozen=True)
class Attribution:
    """The recap a claim credits (`source`; None when it credits none) and the claim without that frame."""

    source: Source | None
    said: str  # the alias as the claim spells it ("the OpsRamp blog")
    content: str


def identity(source: Source) -> str:
    """What makes two sources one voice: the author, or the publisher of an anonymous post."""
    return (source.author or source.publisher).casefold()


def aliases(sources: Iterable[Source]) -> dict[str, Source]:
    """Lower-cased names a claim may credit each source by: author, surname, publisher ("Gardener blog",
    "Gardener"). A name two voices share is dropped: it cannot tell them apart."""
    found: dict[str, Source] = {}
    shared: set[str] = set()
    for source in sources:
        names = set()
        if source.author:
            names |= {source.author, source.author.split()[-1]}
        if source.publisher:
            names |= {source.publisher, re.sub(r"\s+blog$", "", source.publisher, flags=re.IGNORECASE)}
        for name in (n.casefold().strip() for n in names):
            if len(name) < 3:
                continue
            if name in found and identity(found[name]) != identity(source):
                shared.add(name)
            found.setdefault(name, source)
    return {name: source for name, source in found.items() if name not in shared}


@cache
def _patterns(names: tuple[str, ...]) -> list[tuple[str, bool, re.Pattern[str]]]:
    """The frames for these aliases, compiled once per process (every answer over one catalog shares them)."""
    return [
        (
            name,
            i == SUBJECT,
            re.compile(frame.format(alias=re.escape(name), work=_WORK, byline=_BYLINE, verbs=_VERBS), re.I),
        )
        for i, frame in enumerate(_FRAMES)
        for name in names
    ]


class Attributions:
    """Finds attribution frames for a fixed set of known sources (compiled once per answer)."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._aliases = aliases(sources)
        # Longest first, so "Daniel Bryant" is preferred to "Bryant" and "Gardener blog" to "Gardener".
        self._patterns = _patterns(tuple(sorted(self._aliases, key=len, reverse=True)))

    def find(self, claim: str) -> Attribution:
        plain = _MARKUP.sub("", claim).strip()
        for name, subject, pattern in self._patterns:
            match = pattern.search(plain)
            if match:
                if subject:  # "Bryant presented …": who did it is part of what the claim says
                    return Attribution(self._aliases[name], match.group(0).strip(), plain)
                before, after = plain[: match.start()].rstrip(), plain[match.end() :].lstrip()
                content = before + after if not before or after[:1] in ".!?…" else f"{before} {after}"
                content = content[:1].upper() + content[1:]
                return Attribution(self._aliases[name], match.group(0).strip(" ,:;"), content or plain)
        return Attribution(None, "", plain)
