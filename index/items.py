"""The item catalogue: the talks, keynotes, events, projects, organisations, people, announcements
and recordings the recaps name, each with its verbatim mentions.

Not to be confused with `index.catalog` (the catalog of source files). Items are extracted per
document at ingest (`index.extract`) and stored beside the chunks as `items.json`, one entry per
indexed source, so a re-ingested, removed or duplicate source's items go with it. Readers merge the
per-document items into one list (`merge_items`): variants of one name from several recaps are one
item.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

ITEMS_VERSION = 4  # bump when extraction changes: every source's items are then extracted again
ITEMS_FILE = "items.json"

KINDS = ("talk", "keynote", "event", "project", "organisation", "person", "announcement", "recording")
KIND_ALIASES = {
    "co-located event": "event",
    "colocated event": "event",
    "events": "event",
    "talks": "talk",
    "keynotes": "keynote",
    "projects": "project",
    "tool": "project",
    "tools": "project",
    "organization": "organisation",
    "organisations": "organisation",
    "organizations": "organisation",
    "company": "organisation",
    "companies": "organisation",
    "people": "person",
    "persons": "person",
    "announcements": "announcement",
    "recordings": "recording",
    "recording link": "recording",
}


def normalise_name(name: str) -> str:
    """Case, punctuation and spacing folded: 'K8s GPT' and 'k8sgpt' are one key."""
    return re.sub(r"[\W_]+", "", name.casefold())


def parse_kind(value: str) -> str | None:
    """A kind as a person types it ('events', 'Talk', 'co-located event'), or None when unknown."""
    key = value.strip().casefold()
    return key if key in KINDS else KIND_ALIASES.get(key)


@dataclass(frozen=True)
class Mention:
    """One sentence naming an item: `quote == document_text[start:end]` of source `source_id`."""

    source_id: str
    start: int
    end: int
    quote: str
    recommends: bool = False
    critical: bool = False
    section: str = ""  # the heading of the section the sentence is in
    chunk_id: str = ""  # the chunk holding the sentence (its sentence vector is stored under it)


@dataclass
class Item:
    """Something the recaps name. `aliases` are the other spellings found; attributes are empty
    when the text gives none."""

    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    speaker: str = ""
    organisation: str = ""
    url: str = ""
    mentions: list[Mention] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {normalise_name(n) for n in [self.name, *self.aliases]} - {""}

    @property
    def recommended(self) -> bool:
        return any(m.recommends for m in self.mentions)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Item:
        data = dict(data)
        data["mentions"] = [Mention(**m) for m in data.get("mentions", [])]
        return cls(**data)


def merge_items(items: Iterable[Item]) -> list[Item]:
    """One item per thing named: items sharing a normalised name or alias are merged (the fullest
    name wins; the kind most of the mentions gave wins; attributes come from whichever gives them)."""
    merged: list[Item] = []
    by_key: dict[str, Item] = {}
    votes: dict[int, dict[str, int]] = {}
    for item in items:
        target = next((by_key[k] for k in item.keys if k in by_key), None)
        if target is None:
            target = replace(item, aliases=list(item.aliases), mentions=list(item.mentions))
            merged.append(target)
        else:
            _absorb(target, item)
        tally = votes.setdefault(id(target), {})
        tally[item.kind] = tally.get(item.kind, 0) + len(item.mentions)
        for key in target.keys:
            by_key[key] = target
    for item in merged:
        tally = votes[id(item)]
        item.kind = max(tally, key=lambda k: (tally[k], k == item.kind))
        item.mentions.sort(key=lambda m: (m.source_id, m.start))
    return merged


def _absorb(target: Item, item: Item) -> None:
    names = [target.name, *target.aliases, item.name, *item.aliases]
    best = max(names, key=lambda n: (len(n.split()), len(n), n[:1].isupper()))
    seen: set[str] = {normalise_name(best)}
    aliases = []
    for name in names:
        if normalise_name(name) not in seen:
            seen.add(normalise_name(name))
            aliases.append(name)
    target.name, target.aliases = best, aliases
    target.speaker = target.speaker or item.speaker
    target.organisation = target.organisation or item.organisation
    target.url = target.url or item.url
    have = {(m.source_id, m.start) for m in target.mentions}
    target.mentions.extend(m for m in item.mentions if (m.source_id, m.start) not in have)


@dataclass
class ItemStore:
    """`items.json` of one collection: the items extracted from each indexed source, by source id."""

    folder: Path
    by_source: dict[str, list[Item]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.folder / ITEMS_FILE

    @classmethod
    def load(cls, folder: Path) -> ItemStore:
        """The stored items, or none when the file is missing or from an older extractor."""
        path = folder / ITEMS_FILE
        if not path.exists():
            return cls(folder)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != ITEMS_VERSION:
            return cls(folder)
        by_source = {sid: [Item.from_json(i) for i in items] for sid, items in data["sources"].items()}
        return cls(folder, by_source)

    def save(self) -> None:
        """Atomic, like the catalog: a crash leaves the previous file, never half of one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": ITEMS_VERSION,
            "sources": {sid: [i.to_json() for i in items] for sid, items in sorted(self.by_source.items())},
        }
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    def items(self, source_ids: Iterable[str] | None = None) -> list[Item]:
        """The merged items of `source_ids` (default: every stored source)."""
        wanted = set(self.by_source) if source_ids is None else set(source_ids)
        return merge_items(i for sid in sorted(wanted) for i in self.by_source.get(sid, []))
