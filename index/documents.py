"""Load a recap file into a `Document`: its text (what citations quote verbatim) and its metadata.

Metadata comes from, in rising order of authority: the file name, the file's own front matter,
and a `manifest.toml` in the same folder. A field nobody states stays empty rather than invented.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from index.errors import BadDocumentError
from index.loaders import LOADER_SUFFIXES, load
from index.metadata import DocumentMeta

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.toml"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | LOADER_SUFFIXES  # the one list of what ingest (and the UI's upload) accepts
_FIRST_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Document:
    """One recap file. `text` is the file's text; every offset elsewhere points into it."""

    path: Path
    text: str
    meta: DocumentMeta
    content_hash: str
    body_start: int = 0  # where the text starts after front matter
    markdown: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, data: bytes) -> str:
    """Bytes → str, or a `BadDocumentError` naming why not."""
    if not data.strip():
        raise BadDocumentError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise BadDocumentError(f"{path}: looks binary (NUL bytes), not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadDocumentError(f"{path}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from exc
    # Control characters other than whitespace mean this is not prose.
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 8:
        raise BadDocumentError(f"{path}: looks binary ({controls} control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadDocumentError(f"{path}: cannot read it ({exc.strerror})") from exc
    if size > max_bytes:
        raise BadDocumentError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit (RECAP_MAX_FILE_BYTES)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadDocumentError(f"{path}: cannot read it ({exc.strerror})") from exc


def _front_matter(path: Path, text: str) -> tuple[DocumentMeta, int]:
    match = FRONT_MATTER.match(text)
    if not match:
        return DocumentMeta(), 0
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise BadDocumentError(f"{path}: malformed front matter ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise BadDocumentError(f"{path}: front matter is not a mapping of fields")
    authors = data.get("authors") or data.get("author") or ""
    if isinstance(authors, list):
        names = [a.get("name", "") if isinstance(a, dict) else str(a) for a in authors]
        authors = ", ".join(n for n in names if n)
    elif isinstance(authors, dict):
        authors = authors.get("name", "")
    date = data.get("date") or data.get("publishdate") or data.get("published") or ""
    meta = DocumentMeta(
        title=str(data.get("title") or ""),
        author=str(authors),
        publisher=str(data.get("publisher") or data.get("site_name") or ""),
        date=str(date)[:10],
        url=str(data.get("url") or data.get("canonical_url") or ""),
    )
    return meta, match.end()


@lru_cache(maxsize=64)
def _manifest_entries(folder: Path, mtime_ns: int) -> dict[str, DocumentMeta]:
    del mtime_ns  # part of the cache key only: an edited manifest is read again
    path = folder / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    entries: dict[str, DocumentMeta] = {}
    fields = DocumentMeta.__dataclass_fields__
    for entry in data.get("document", []):
        if isinstance(entry, dict) and "file" in entry:
            entries[entry["file"]] = DocumentMeta(**{k: str(v) for k, v in entry.items() if k in fields})
    return entries


def manifest_meta(path: Path) -> DocumentMeta:
    manifest = path.parent / MANIFEST_NAME
    if not manifest.is_file():
        return DocumentMeta()
    return _manifest_entries(path.parent, manifest.stat().st_mtime_ns).get(path.name, DocumentMeta())


def check_supported(path: Path) -> None:
    """Raise `BadDocumentError` naming the supported types unless `path` has one of them."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise BadDocumentError(f"{path}: unsupported file type '{path.suffix}' (supported: {supported})")


def load_document(path: Path, max_bytes: int = 20_000_000) -> Document:
    """Read and decode one file; raise `BadDocumentError` with the reason if it cannot be used."""
    path = path.resolve()
    check_supported(path)
    data = read_bytes(path, max_bytes)
    fallback = DocumentMeta(title=path.stem.replace("_", " ").replace("-", " "))
    if path.suffix.lower() in LOADER_SUFFIXES:
        loaded = load(path, data)
        return Document(
            path=path,
            text=loaded.text,
            meta=fallback.merged(loaded.meta).merged(manifest_meta(path)),
            content_hash=file_hash(data),  # of the file's bytes: an edit anywhere re-indexes it
            markdown=loaded.markdown,
        )
    text = decode(path, data)
    front, body_start = _front_matter(path, text)
    markdown = path.suffix.lower() in {".md", ".markdown"} or body_start > 0
    heading = _FIRST_H1.search(text, body_start) if markdown else None
    if heading:  # a Markdown page names itself in its first "# " heading better than its file name does
        fallback = DocumentMeta(title=heading.group(1).strip())
    meta = fallback.merged(front).merged(manifest_meta(path))
    return Document(
        path=path,
        text=text,
        meta=meta,
        content_hash=file_hash(data),
        body_start=body_start,
        markdown=markdown,
    )
