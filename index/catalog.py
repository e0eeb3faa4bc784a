"""What is in a collection: one record per known file, saved as JSON beside the vector store.

The catalog also keeps each indexed document's text, so that citations can be checked and shown
even if the original file moves.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from index.metadata import DocumentMeta

CATALOG_VERSION = 1


@dataclass(frozen=True)
class Source:
    """A recap as a reader knows it. `duplicates` lists other files found to be the same post."""

    id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""
    path: str = ""
    chunks: int = 0
    duplicates: tuple[str, ...] = ()

    def byline(self) -> str:
        """'Daniel Bryant, Medium, 27 Mar 2024' — with 'author unknown' rather than a guess."""
        who = self.author or (f"{self.publisher} (author unknown)" if self.publisher else "author unknown")
        parts = [who]
        if self.author and self.publisher:
            parts.append(self.publisher)
        if self.date:
            parts.append(human_date(self.date))
        return ", ".join(parts)


def human_date(value: str) -> str:
    """'2024-03-27' → '27 Mar 2024'; anything else is returned as it is."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        d = date.fromisoformat(value)
        return f"{d.day} {d.strftime('%b')} {d.year}"
    return value


@dataclass
class SourceRecord:
    id: str
    path: str
    content_hash: str
    meta: DocumentMeta
    signature: list[int]
    chunk_count: int = 0
    sections: list[tuple[int, str]] = field(default_factory=list)
    duplicate_of: str | None = None  # the id of the record this one repeats
    similarity: float = 0.0

    def to_json(self) -> dict:
        data = asdict(self)
        data["meta"] = asdict(self.meta)
        return data

    @classmethod
    def from_json(cls, data: dict) -> SourceRecord:
        data = dict(data)
        data["meta"] = DocumentMeta(**data["meta"])
        data["sections"] = [tuple(s) for s in data.get("sections", [])]
        return cls(**data)


@dataclass
class Catalog:
    folder: Path
    records: dict[str, SourceRecord] = field(default_factory=dict)  # by resolved path
    config: dict[str, object] = field(default_factory=dict)  # what the chunks were built with

    @property
    def path(self) -> Path:
        return self.folder / "catalog.json"

    def text_path(self, source_id: str) -> Path:
        return self.folder / "documents" / f"{source_id}.txt"

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        path = folder / "catalog.json"
        if not path.exists():
            return cls(folder)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CATALOG_VERSION:
            return cls(folder)
        records = {p: SourceRecord.from_json(r) for p, r in data["records"].items()}
        return cls(folder, records, data.get("config", {}))

    def save(self) -> None:
        """Atomic: a crash leaves the previous catalog, never half of one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": CATALOG_VERSION,
            "config": self.config,
            "records": {p: r.to_json() for p, r in sorted(self.records.items())},
        }
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    def save_text(self, source_id: str, text: str) -> None:
        path = self.text_path(source_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def text(self, source_id: str) -> str:
        return self.text_path(source_id).read_text(encoding="utf-8")

    def indexed(self) -> list[SourceRecord]:
        return [r for r in self.records.values() if r.duplicate_of is None]

    def by_id(self) -> dict[str, SourceRecord]:
        return {r.id: r for r in self.records.values()}

    def sources(self) -> list[Source]:
        dupes: dict[str, list[str]] = {}
        for r in self.records.values():
            if r.duplicate_of:
                dupes.setdefault(r.duplicate_of, []).append(r.path)
        return [
            Source(
                id=r.id,
                path=r.path,
                chunks=r.chunk_count,
                duplicates=tuple(sorted(dupes.get(r.id, []))),
                **asdict(r.meta),
            )
            for r in sorted(self.indexed(), key=lambda r: r.path)
        ]
