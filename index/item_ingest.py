"""Keeping `items.json` in step with the index: the items of a source are extracted when its text is
(re)indexed and leave with it, so the item catalogue always describes the indexed documents."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from index.chunking import Chunk
from index.clean import Structure, structure
from index.documents import Document, load_document
from index.errors import BadDocumentError
from index.extract import extract_items
from index.items import Item, ItemStore
from index.store import StoredChunk

log = logging.getLogger(__name__)


def refresh_items(
    folder: Path,
    fresh: dict[str, tuple[Document, Structure, list[Chunk]]],
    kept: dict[str, Path],
    previous: set[str],
    conference: str,
    max_file_bytes: int,
    stored_chunks: Callable[[str], Sequence[Chunk | StoredChunk]],
) -> ItemStore:
    """Extract the items of the `fresh` documents (by source id). Keep the stored items of the other
    `kept` sources, extracting those with none stored (an index built before items existed, or by an
    older extractor) with the chunks `stored_chunks` gives. Keep `previous` sources one ingest longer,
    for readers still answering from the last catalog; drop the rest. Written atomically, before the
    catalog commit."""
    store = ItemStore.load(folder)
    by_source = {sid: items for sid, items in store.by_source.items() if sid in kept or sid in previous}
    for source_id, (doc, struct, chunks) in fresh.items():
        by_source[source_id] = [_with_chunks(i, chunks) for i in extract_items(doc.text, struct, source_id, conference)]
    for source_id, path in kept.items():
        if source_id in by_source:
            continue
        try:
            doc = load_document(path, max_file_bytes)
        except BadDocumentError as exc:
            log.warning("no items for %s: %s", path, exc)
            continue
        items = extract_items(doc.text, structure(doc), source_id, conference)
        by_source[source_id] = [_with_chunks(i, stored_chunks(source_id)) for i in items]
    store.by_source = by_source
    store.save()
    return store


def _with_chunks(item: Item, chunks: Sequence[Chunk | StoredChunk]) -> Item:
    """The item with each mention's chunk: where its sentence vector is stored, and what a card opens."""
    item.mentions = [
        replace(m, chunk_id=next((c.id for c in chunks if any(s <= m.start and m.end <= e for s, e in c.spans)), ""))
        for m in item.mentions
    ]
    return item
