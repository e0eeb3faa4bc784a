"""The item catalogue as callers meet it: every talk, keynote, event, project, organisation, person,
announcement and recording the indexed recaps name, each mention tied to its source and offsets.

Items are extracted at ingest (`index.extract`) and read here from the collection's `items.json`,
limited to the sources the view's catalog indexes, so a question never sees items of a recap that
has been removed or replaced.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.types import Citation
from assistant.view import IndexView
from index.catalog import Catalog, Source
from index.errors import UnknownKindError
from index.federation import CatalogGroup
from index.items import KINDS, Item, ItemStore, merge_items, parse_kind


@dataclass(frozen=True)
class ItemMention:
    """One sentence naming an item: `quote` is `source`'s text at [start, end)."""

    source: Source
    quote: str
    start: int
    end: int
    recommends: bool = False
    critical: bool = False
    section: str = ""
    chunk_id: str = ""

    def citation(self, n: int, chunk_id: str = "", score: float = 1.0) -> Citation:
        return Citation(
            n, self.source, self.quote, self.section, chunk_id or self.chunk_id, score, self.start, self.end
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.source.title,
            "author": self.source.author,
            "publisher": self.source.publisher,
            "url": self.source.url,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "recommends": self.recommends,
        }


@dataclass(frozen=True)
class CatalogueItem:
    """Something the recaps name, with the attributes the text gives and every mention."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    speaker: str = ""
    organisation: str = ""
    url: str = ""
    mentions: tuple[ItemMention, ...] = field(default_factory=tuple)

    @property
    def mentioned_by(self) -> list[str]:
        """Who mentions it: one byline per recap."""
        return list(dict.fromkeys(_who(m.source) for m in self.mentions))

    @property
    def recommended(self) -> bool:
        return any(m.recommends for m in self.mentions)

    @property
    def recommended_by(self) -> list[str]:
        return list(dict.fromkeys(_who(m.source) for m in self.mentions if m.recommends))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "url": self.url, "mentions": [m.to_json() for m in self.mentions]}


def _who(source: Source) -> str:
    return source.author or source.publisher or source.title


def check_kind(kind: str | None) -> str | None:
    """The kind `kind` names ('events' → 'event'), None for all; an unknown kind is an error listing the kinds."""
    if kind is None or not kind.strip():
        return None
    parsed = parse_kind(kind)
    if parsed is None:
        raise UnknownKindError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    return parsed


_cache: dict[tuple[Any, ...], list[CatalogueItem]] = {}
_cache_lock = threading.Lock()


def _catalogs(view: IndexView) -> list[Catalog]:
    catalog = view.catalog
    if isinstance(catalog, Catalog):
        return [catalog]
    if isinstance(catalog, CatalogGroup):
        return list(catalog.catalogs)
    return []


def view_items(view: IndexView) -> list[CatalogueItem]:
    """Every item the view's indexed sources name, merged across recaps (read once per index version)."""
    catalogs = _catalogs(view)
    files = [c.folder / "items.json" for c in catalogs]
    key = (tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in files), view.version)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    sources = {s.id: s for s in view.catalog.sources()}
    raw: list[Item] = []
    for catalog in catalogs:
        raw.extend(ItemStore.load(Path(catalog.folder)).items(r.id for r in catalog.indexed()))
    items = [_resolve(i, sources) for i in merge_items(raw)]
    items = [i for i in items if i.mentions]
    items.sort(key=lambda i: (KINDS.index(i.kind), -len(i.mentions), i.name.casefold()))
    with _cache_lock:
        _cache.clear()  # one version at a time: the index moved on
        _cache[key] = items
    return items


def _resolve(item: Item, sources: dict[str, Source]) -> CatalogueItem:
    mentions = tuple(
        ItemMention(sources[m.source_id], m.quote, m.start, m.end, m.recommends, m.critical, m.section, m.chunk_id)
        for m in item.mentions
        if m.source_id in sources
    )
    return CatalogueItem(item.name, item.kind, tuple(item.aliases), item.speaker, item.organisation, item.url, mentions)


SUBJECT_KINDS = {"person", "organisation", "project", "talk", "keynote", "event"}


def items_named_in(text: str, items: Sequence[CatalogueItem], sources: int) -> list[tuple[str, ...]]:
    """The items a question names ("Solomon Hykes", "Platform Engineering Day"), each as its
    spellings, the one the question uses first.

    Items most of the `sources` name (the conference, Kubernetes, the CNCF) are the backdrop every
    sentence stands against, not a subject a sentence must name: "how many sponsors did KubeCon
    have?" is answered by "…not to mention 100s of sponsors"."""
    folded = text.casefold()
    named: list[tuple[str, ...]] = []
    for item in items:
        if item.kind not in SUBJECT_KINDS or (sources > 1 and 2 * len({m.source.id for m in item.mentions}) > sources):
            continue
        spellings = [n for n in (item.name, *item.aliases) if len(n) > 2]
        used = next((n for n in spellings if n.casefold() in folded and _names_in_question(text, n)), None)
        if used is not None:  # the question's own spelling first
            named.append((used, *(n for n in spellings if n != used)))
    return named


def _names_in_question(question: str, name: str) -> bool:
    """A one-word name is named as written ("Mark" the person, not "did the conference mark");
    a longer one in any case ("platform engineering day")."""
    if " " in name.strip():
        return names(question, name)
    return bool(re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", question))


def names(text: str, name: str) -> bool:
    """Whether `text` names `name` as a whole word, in any case ("kaito" in "Kaito aims…")."""
    return bool(re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE))


MentionSpans = dict[str, list[tuple[int, int, str]]]  # source id → (start, end, item kind) of each mention


def mention_spans(view: IndexView) -> MentionSpans:
    """Where each item of the view's catalogue is mentioned, by source: which sentences name a
    person, an organisation, a talk… (what the extractive answer checks a "who" question against)."""
    spans: MentionSpans = {}
    for item in view_items(view):
        for m in item.mentions:
            spans.setdefault(m.source.id, []).append((m.start, m.end, item.kind))
    return spans
