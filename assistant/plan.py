"""A one-page plan for the next edition, from the item catalogue: the talks to watch now (and where
the recordings are), the co-located events to attend, the projects to try, the people and companies
to follow; each item with why, a mention quoted verbatim from a recap.

Narrowed to a role or topic through the retrieval ("platform engineer" keeps what the recaps say
about platform engineering). An empty role, or one no recap speaks to, gives the general plan, and
the plan says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.catalogue import CatalogueItem, ItemMention, view_items
from assistant.planning import best_mention, choose, describe, is_edition
from assistant.relevance import Fit, topic_terms
from assistant.view import IndexView
from index.settings import Settings

SECTION_SIZE = 6  # items per section: a plan fits on one page
# (heading, kinds) in the order a plan reads.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Talks to watch now", ("talk", "keynote", "recording")),
    ("Co-located events to attend", ("event",)),
    ("Projects to try", ("project",)),
    ("People and companies to follow", ("person", "organisation")),
)
_ALL_TALKS = re.compile(r"\b(?:all\s+(?:the\s+)?talks|talks?|sessions)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PlanEntry:
    """An item of the plan and why it is there (a mention, quoted verbatim, with its source)."""

    item: CatalogueItem
    why: ItemMention

    def to_json(self) -> dict[str, Any]:
        return {**self.item.to_json(), "why": self.why.to_json()}


@dataclass(frozen=True)
class PlanSection:
    heading: str
    items: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class Plan:
    """`general` is True when no role or topic narrowed it; `note` then says why."""

    role: str
    topic: str
    sections: tuple[PlanSection, ...]
    general: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "topic": self.topic,
            "general": self.general,
            "note": self.note,
            "sections": [{"heading": s.heading, "items": [e.to_json() for e in s.items]} for s in self.sections],
        }

    def markdown(self, conference: str = "") -> str:
        """A checklist a person can keep."""
        about = " · ".join(p for p in (self.role and f"role: {self.role}", self.topic and f"topic: {self.topic}") if p)
        lines = [f"# Plan for the next {conference or 'conference'}".rstrip(), ""]
        if about:
            lines += [f"_{about}_", ""]
        if self.note:
            lines += [f"> {self.note}", ""]
        for section in self.sections:
            lines += [f"## {section.heading}", ""]
            for entry in section.items:
                source = entry.why.source
                who = source.author or source.publisher or source.title
                link = f" — <{source.url}>" if source.url else ""
                lines.append(f"- [ ] {describe(entry.item)}")
                lines.append(f"  - why: “{entry.why.quote}” ({who}{link})")
            if not section.items:
                lines.append("- (nothing in the recaps)")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def build_plan(view: IndexView, settings: Settings, role: str | None = None, topic: str | None = None) -> Plan:
    """The plan for `role` and `topic` (either may be empty)."""
    role, topic = (role or "").strip(), (topic or "").strip()
    query = " ".join(p for p in (role, topic) if p)
    items = [i for i in view_items(view) if not is_edition(i, settings.conference)]
    if query and topic_terms(query):
        retrieval = view.retriever.retrieve(query, settings.top_k * 2)
        sections = tuple(_section(h, kinds, items, choose_for(items, kinds, retrieval, view)) for h, kinds in SECTIONS)
        if any(s.items for s in sections[1:]) or any(e.item.kind != "recording" for e in sections[0].items):
            return Plan(role, topic, sections)
        note = f"No recap speaks to “{query}”, so this is the general plan."
    else:
        note = "No role or topic was given (or it names nothing), so this is the general plan."
    general = tuple(_section(h, kinds, items, _popular(items, kinds)) for h, kinds in SECTIONS)
    return Plan(role, topic, general, general=True, note=note)


def choose_for(items: list[CatalogueItem], kinds: tuple[str, ...], retrieval: Any, view: IndexView) -> list[Fit]:
    wanted = [i for i in items if i.kind in kinds]
    return choose(wanted, retrieval, view, limit=SECTION_SIZE, per_kind=SECTION_SIZE)


def _popular(items: list[CatalogueItem], kinds: tuple[str, ...]) -> list[Fit]:
    """Without a topic: what the recaps recommend, then what they mention most."""
    wanted = [i for i in items if i.kind in kinds]
    wanted.sort(key=lambda i: (not i.recommended, -len(i.mentions), i.name.casefold()))
    return [Fit(i, 0.0, best_mention(i)) for i in wanted[:SECTION_SIZE]]


def _section(heading: str, kinds: tuple[str, ...], items: list[CatalogueItem], fits: list[Fit]) -> PlanSection:
    entries = [PlanEntry(f.item, f.why) for f in fits if f.item.kind != "recording"]
    if "recording" in kinds:
        # Where the talks' recordings are is always part of the plan; other recordings only when they fit.
        shown = {f.item.name for f in fits}
        videos = [i for i in items if i.kind == "recording" and i.url and _about_talks(i)]
        entries += [PlanEntry(f.item, f.why) for f in fits if f.item.kind == "recording"]
        entries += [PlanEntry(i, best_mention(i)) for i in videos if i.name not in shown]
    return PlanSection(heading, tuple(entries))


def _about_talks(item: CatalogueItem) -> bool:
    return any(_ALL_TALKS.search(m.quote) for m in item.mentions)
