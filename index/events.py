"""Events in a sentence: co-located events ("Platform Engineering Day", "ArgoCon"), gatherings
("AI labs running …") and editions of the conference series ("KubeCon EU 2024", "the Chicago KubeCon
in 2023").

Editions are told apart by what the text says of them (region, city, year): one compatible with the
collection's conference (`Settings.conference`, e.g. "KubeCon + CloudNativeCon Europe 2024 in Paris")
is that conference; one that contradicts it is another edition; the series name alone is the series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import patterns as P
from index.doctext import Sentence

_SERIES = re.compile(r"\b([A-Z][a-z]+Con)(s?)\b")
_CITY_BEFORE = re.compile(r"\bthe\s+([A-Z][a-z]+)\s+$")


@dataclass(frozen=True)
class Edition:
    series: str
    region: str = ""
    city: str = ""
    year: str = ""

    def conflicts(self, other: Edition) -> bool:
        pairs = [(self.region, other.region), (self.city, other.city), (self.year, other.year)]
        return any(a and b and a.casefold() != b.casefold() for a, b in pairs)

    @property
    def qualified(self) -> bool:
        return bool(self.region or self.city or self.year)


def _parse_qualifiers(series: str, text: str) -> tuple[Edition, int]:
    """The edition `series` followed by `text` names, and how many characters of `text` it used."""
    match = P.SERIES_QUALIFIERS.match(text)
    if match is None:
        return Edition(series), 0
    region = city = year = ""
    for word in re.findall(r"North America|[A-Za-z]+|\d{4}", match.group("quals")):
        if word.isdigit():
            year = word
        elif word.casefold() in P.REGIONS:
            region = P.REGIONS[word.casefold()]
        else:
            city = word
    if match.group("year"):
        year = match.group("year").split()[-1]
    return Edition(series, region, city, year), match.end()


def conference_edition(conference: str) -> tuple[str, Edition | None]:
    """('KubeCon + CloudNativeCon Europe 2024', its Edition) from the settings' conference text."""
    found = _SERIES.search(conference)
    if not found:
        return "", None
    name = re.split(r"\s+(?:in|at)\s+|\s*\(", conference)[0].strip()
    edition, _ = _parse_qualifiers(found.group(1), conference[found.end() :])
    city = re.search(r"\b(?:in|at)\s+([A-Z][a-z]+)|\(([A-Z][a-z]+)", conference)
    if city and not edition.city:
        edition = Edition(edition.series, edition.region, city.group(1) or city.group(2), edition.year)
    return name, edition


def _series_name(conference: str, series: str) -> str:
    """The series as the conference spells it ('KubeCon + CloudNativeCon'), or the token itself."""
    head = re.match(rf"{re.escape(series)}(?:\s*[+/]\s*[A-Z][A-Za-z]*Con)?", conference)
    return head.group(0) if head else series


def editions(sentence: Sentence, conference: str) -> list[tuple[str, list[str]]]:
    """Mentions of a conference series in `sentence`, each as (item name, aliases)."""
    conf_name, conf = conference_edition(conference)
    out: list[tuple[str, list[str]]] = []
    text = sentence.masked()
    for match in _SERIES.finditer(text):
        if (match.start() > 0 and text[match.start() - 1] in "/+") or text[max(0, match.start() - 2)] in "/+":
            continue  # the second half of "KubeCon + CloudNativeCon"
        edition, used = _parse_qualifiers(match.group(1), text[match.end() :])
        begin, end = match.start(), match.end() + used
        before = _CITY_BEFORE.search(text[: match.start()])
        if before and before.group(1).casefold() not in P.GENERIC:
            edition = Edition(edition.series, edition.region, before.group(1), edition.year)
            begin = before.start(1)
        found = _edition_text(text[begin:end].strip(), edition, conf)
        if conf is not None and conf.series == edition.series:
            if not edition.qualified:
                out.append((_series_name(conf_name, edition.series), [found]))
            elif not edition.conflicts(conf):
                out.append((conf_name, [found]))
            else:
                out.append((found, _edition_aliases(edition)))
        elif conf is None or edition.series not in conf_name:
            out.append((found, []))  # a co-located event ("ArgoCon") or another series
        sentence.take(begin, end)
    return out


def _edition_text(found: str, edition: Edition, conf: Edition | None) -> str:
    """The edition as named: "in 2023" is dropped when the rest already tells it from the conference
    ("the Chicago KubeCon in 2023" → "Chicago KubeCon"), kept as a year otherwise ("KubeCon EU 2022")."""
    at = re.search(r"\s+in\s+(\d{4})$", found)
    if not at:
        return found
    rest = found[: at.start()]
    without_year = Edition(edition.series, edition.region, edition.city)
    if conf is not None and without_year.conflicts(conf):
        return rest
    return f"{rest} {at.group(1)}"


def _edition_aliases(edition: Edition) -> list[str]:
    """Keys that join the ways recaps name one other edition ('KubeCon NA Chicago', 'the Chicago KubeCon
    in 2023', 'KubeCon NA 2023'): by city, by year, or by region when neither is given."""
    keys = [f"{edition.series} {v}" for v in (edition.city, edition.year) if v]
    return keys or [f"{edition.series} {edition.region}"]


def find_events(sentence: Sentence, conference: str) -> list[tuple[str, list[str]]]:
    """Events named in `sentence`, as (name, aliases); the text they take is masked."""
    out = editions(sentence, conference)
    text = sentence.masked()
    for pattern in (P.PRE_DAY, P.EVENT_PHRASE, P.CAMEL_EVENT, P.GATHERING):
        for match in pattern.finditer(text):
            if not sentence.free(match.start(1), match.end(1)):
                continue
            name = re.sub(r"^(?:The|A|An)\s+", "", match.group(1))
            out.append((name, []))
            sentence.take(match.start(1), match.end(1))
        text = sentence.masked()
    return out
