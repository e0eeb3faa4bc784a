"""Extraction measured against the gold list (`tests/eval/catalogue.jsonl`, shipped as
`assistant.evalsets`): precision and recall on the dev and test splits and on essential items.

Matching follows the gold list's README: an extracted item matches a gold item when its normalised
name is the gold name or an alias and its kind is the gold kind or one of its `also` kinds; an
extracted announcement also matches when one of its mentions quotes a sentence the gold item quotes.
Each gold item is matched at most once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from assistant.evaluation import split_of
from index.items import Item, normalise_name


@dataclass(frozen=True)
class GoldItem:
    name: str
    kind: str
    also: tuple[str, ...]
    aliases: tuple[str, ...]
    essential: bool
    mentions: tuple[tuple[str, str], ...]  # (doc, sentence with whitespace folded)

    @property
    def keys(self) -> set[str]:
        return {normalise_name(n) for n in (self.name, *self.aliases)}

    @property
    def split(self) -> str:
        return split_of(self.name)


def load_gold() -> list[GoldItem]:
    text = resources.files("assistant.evalsets").joinpath("catalogue.jsonl").read_text(encoding="utf-8")
    gold = []
    for line in text.splitlines():
        if line.strip():
            d: dict[str, Any] = json.loads(line)
            mentions = tuple((m["doc"], " ".join(m["text"].split())) for m in d["mentions"])
            gold.append(GoldItem(d["name"], d["kind"], tuple(d["also"]), tuple(d["aliases"]), d["essential"], mentions))
    return gold


@dataclass
class Score:
    extracted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


def match(items: list[Item], gold: list[GoldItem], doc_of: dict[str, str]) -> dict[int, GoldItem | None]:
    """For each extracted item (by index), the gold item it matches, or None."""
    free = list(gold)
    out: dict[int, GoldItem | None] = {}
    for k, item in enumerate(items):
        key = normalise_name(item.name)
        hit = next((g for g in free if key in g.keys and item.kind in (g.kind, *g.also)), None)
        if hit is None and item.kind == "announcement":
            quotes = {(doc_of.get(m.source_id, m.source_id), " ".join(m.quote.split())) for m in item.mentions}
            hit = next((g for g in free if "announcement" in (g.kind, *g.also) and quotes & set(g.mentions)), None)
        if hit is not None:
            free.remove(hit)
        out[k] = hit
    return out


def score(items: list[Item], gold: list[GoldItem], doc_of: dict[str, str]) -> dict[str, Score]:
    """Scores for 'dev', 'test', 'all' and 'essential'. An unmatched extracted item counts in the
    split of its own name."""
    matched = match(items, gold, doc_of)
    scores = {k: Score() for k in ("dev", "test", "all", "essential")}
    hits = {id(g) for g in matched.values() if g is not None}
    for k, item in enumerate(items):
        g = matched[k]
        split = g.split if g else split_of(item.name)
        for name in (split, "all"):
            scores[name].extracted += 1
            scores[name].correct += g is not None
            if g is None:
                scores[name].wrong.append(f"{item.kind}: {item.name}")
    for g in gold:
        for name in [g.split, "all"] + (["essential"] if g.essential else []):
            scores[name].gold += 1
            scores[name].found += id(g) in hits
            if id(g) not in hits:
                scores[name].missed.append(f"{g.kind}: {g.name}")
    return scores
