"""documents → chunks → embeddings → Chroma + BM25, incrementally.

Unchanged files (same content hash) cost nothing; a changed file's chunks are replaced; a file
gone from a folder that is ingested again loses its chunks; near-duplicates are indexed once.
Bad files are reported and skipped: nothing already in the index is touched because of them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from index.catalog import Catalog, SourceRecord
from index.chunking import Chunk, chunk_document
from index.clean import Structure, structure
from index.dedup import find_duplicates, signature
from index.documents import MANIFEST_NAME, Document, check_supported, file_hash, load_document, read_bytes
from index.embeddings import Embedder
from index.errors import BadDocumentError
from index.item_ingest import refresh_items
from index.keyword import KeywordIndex
from index.keyword_terms import ChunkTerms, refresh
from index.lock import writer_lock
from index.sentence_vectors import embed_document
from index.settings import Settings
from index.store import VectorStore
from index.topics import update_topics

log = logging.getLogger(__name__)

PIPELINE_VERSION = 2  # bump when cleaning or chunking changes: every document is then re-indexed


@dataclass(frozen=True)
class Duplicate:
    path: str
    duplicate_of: str  # the path of the copy that is indexed
    similarity: float


@dataclass(frozen=True)
class IngestError:
    path: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest did, path by path."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    chunks_added: int = 0
    chunks_total: int = 0

    @property
    def ingested_anything(self) -> bool:
        return bool(self.added or self.updated or self.unchanged or self.duplicates)


@dataclass
class _Prepared:
    doc: Document
    structure: Structure
    signature: list[int]


def source_id_for(path: Path, content_hash: str) -> str:
    """Names one version of one file. A new version gets a new id, so its chunks (ids derive from
    this) never mix with the old version's: a reader still holding the old catalog keeps seeing the
    old chunks and text until it reloads, and a crash part way leaves the new ones as orphans that
    the next ingest removes."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:40] or "doc"
    version = hashlib.sha1(f"{path}\n{content_hash}".encode()).hexdigest()[:8]
    return f"{slug}-{version}"


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[IngestError]]:
    """Files to ingest, folders whose contents are mirrored, and paths that cannot be used."""
    files: list[Path] = []
    roots: list[Path] = []
    errors: list[IngestError] = []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            roots.append(path)
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.name != MANIFEST_NAME
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            # A link to nothing is a file the user meant us to read: say so instead of skipping it.
            errors.extend(
                IngestError(str(p), "cannot read it (broken symbolic link)")
                for p in sorted(path.rglob("*"))
                if p.is_symlink() and not p.exists()
            )
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            errors.append(IngestError(str(path), "cannot read it (broken symbolic link)"))
        else:
            errors.append(IngestError(str(path), "no such file or folder"))
    return list(dict.fromkeys(files)), roots, errors


def _prepare(path: Path, settings: Settings) -> _Prepared:
    doc = load_document(path, settings.max_file_bytes)
    struct = structure(doc)
    if not struct.blocks:
        raise BadDocumentError(f"{path}: no prose left once site chrome is removed")
    cleaned = "\n".join(doc.text[b.start : b.end] for b in struct.blocks)
    return _Prepared(doc, struct, signature(cleaned))


def _preference(record: SourceRecord) -> tuple[int, int, str]:
    # Of two copies of one post, index the one with more structure (headings make better chunks).
    return (-len([s for s in record.sections if s[1]]), -record.chunk_count, record.path)


def _assign_duplicates(records: dict[str, SourceRecord], threshold: float) -> None:
    ordered = sorted(records.values(), key=_preference)
    found = find_duplicates([(r.path, r.signature) for r in ordered], threshold)
    for record in ordered:
        match = found.get(record.path)
        record.duplicate_of = records[match.canonical].id if match else None
        record.similarity = match.similarity if match else 0.0


# What the stored vectors depend on: a question must be embedded the same way the index was.
VECTOR_KEYS = ("embedding_model", "embedding_weights", "embedding_precision", "sentence_vectors")


def index_config(settings: Settings, embedder: Embedder) -> dict[str, object]:
    """What an index is built with; an index whose recorded config differs is re-indexed."""
    return {
        "pipeline": PIPELINE_VERSION,
        "chunk_tokens": settings.chunk_tokens,
        **embedder.config(),  # model, weights and precision
        "sentence_vectors": settings.sentence_vectors,
    }


def vector_mismatch(recorded: dict[str, object], settings: Settings, embedder: Embedder) -> str | None:
    """How an index's recorded vectors differ from what `embedder` and `settings` make, or None."""
    expected = index_config(settings, embedder)
    differ = [
        f"{k} {recorded.get(k, 'unrecorded')} != {expected[k]}" for k in VECTOR_KEYS if recorded.get(k) != expected[k]
    ]
    return ", ".join(differ) or None


class Ingestor:
    """Writes one collection. Holds the data directory's writer lock while it works."""

    def __init__(self, settings: Settings, store: VectorStore, catalog: Catalog, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.catalog = catalog
        self.embedder = embedder

    def _config(self) -> dict[str, object]:
        return index_config(self.settings, self.embedder)

    def ingest(self, paths: Sequence[Path], progress: bool = True) -> IngestReport:
        with writer_lock(self.settings.data_dir):
            # The catalog as committed now, not as it was when our caller loaded it: another
            # process may have committed in between, and starting from its predecessor would undo it.
            current = Catalog.load(self.catalog.folder)
            self.catalog.records, self.catalog.config = current.records, current.config
            if not self.settings.chroma_url:
                # Likewise the vectors: an embedded Chroma loaded before another process's commit
                # keeps its vector index in memory and would persist it over that commit, leaving the
                # other process's chunks in SQLite but never found by a search again.
                self.store = VectorStore(self.settings, fresh=True)
            return self._ingest(paths, progress)

    def _ingest(self, paths: Sequence[Path], progress: bool) -> IngestReport:
        report = IngestReport()
        files, roots, report.errors = discover(paths)
        rebuild_all = self.catalog.config != self._config()
        old = self.catalog.records
        records = {k: SourceRecord.from_json(v.to_json()) for k, v in old.items()}
        prepared: dict[str, _Prepared] = {}

        for path in tqdm(files, desc="reading", unit="file", disable=not progress or len(files) < 20):
            key = str(path)
            try:
                check_supported(path)
                digest = file_hash(read_bytes(path, self.settings.max_file_bytes))
                if key in records and records[key].content_hash == digest and not rebuild_all:
                    report.unchanged.append(key)
                    continue
                item = _prepare(path, self.settings)
            except BadDocumentError as exc:
                report.errors.append(IngestError(key, str(exc).removeprefix(f"{path}: ")))
                continue
            prepared[key] = item
            (report.updated if key in records else report.added).append(key)
            records[key] = SourceRecord(
                id=source_id_for(path, item.doc.content_hash),
                path=key,
                content_hash=item.doc.content_hash,
                meta=item.doc.meta,
                signature=item.signature,
                sections=[(s.index, s.title) for s in item.structure.sections],
            )

        for key in list(records):
            path = Path(key)
            in_root = any(path.is_relative_to(root) for root in roots)
            if key in old and in_root and not path.exists():
                report.removed.append(key)
                del records[key]

        _assign_duplicates(records, self.settings.duplicate_threshold)
        for record in records.values():
            if record.duplicate_of:
                canonical = next(r for r in records.values() if r.id == record.duplicate_of)
                report.duplicates.append(Duplicate(record.path, canonical.path, round(record.similarity, 3)))
                if record.path in report.added:
                    report.added.remove(record.path)

        self._apply(old, records, prepared, rebuild_all, report, progress)
        return report

    def _damaged(self, old: dict[str, SourceRecord], held: dict[str, int]) -> set[str]:
        """Ids of indexed sources whose chunks in the store are not the number the catalog recorded.

        The catalog is written last, so after a crash it still describes the previous, complete
        index; this catches the rest (a store that lost writes, or was changed behind our back).
        """
        damaged = {r.id for r in old.values() if r.duplicate_of is None and held.get(r.id, 0) != r.chunk_count}
        if damaged:
            log.warning("%d source(s) have missing or extra chunks; re-indexing them", len(damaged))
        return damaged

    def _apply(
        self,
        old: dict[str, SourceRecord],
        records: dict[str, SourceRecord],
        prepared: dict[str, _Prepared],
        rebuild_all: bool,
        report: IngestReport,
        progress: bool,
    ) -> None:
        """Write new chunks, then commit the catalog, then delete what it no longer names.

        Readers see either the old catalog (whose chunks and texts are all still there) or the new
        one (whose chunks and texts were written before it). A kill at any point leaves the last
        committed catalog intact; the orphans it left are removed by the next run.
        """
        was_indexed = {r.id for r in old.values() if r.duplicate_of is None}
        held = self.store.source_counts()  # one pass over the store's metadata (it grows with the index)
        damaged = self._damaged(old, held)
        to_index = [
            r
            for key, r in records.items()
            if r.duplicate_of is None and (key in prepared or r.id not in was_indexed or r.id in damaged or rebuild_all)
        ]
        keep_ids = {r.id for r in records.values() if r.duplicate_of is None}

        groups: list[tuple[SourceRecord, _Prepared, list[Chunk]]] = []
        for record in to_index:
            item = prepared.get(record.path)
            if item is None:  # a former duplicate promoted, or a re-index after a settings change
                try:
                    item = _prepare(Path(record.path), self.settings)
                except BadDocumentError as exc:
                    report.errors.append(IngestError(record.path, str(exc).removeprefix(f"{record.path}: ")))
                    continue
            doc_chunks = chunk_document(item.doc, item.structure, record.id, self.settings.chunk_tokens)
            record.chunk_count = len(doc_chunks)
            groups.append((record, item, doc_chunks))

        self._embed_and_store(groups, progress)
        self._refresh_items(groups, records, keep_ids, was_indexed)
        report.chunks_added = sum(len(chunks) for _, _, chunks in groups)
        indexed = {r.id: r.chunk_count for r in records.values() if r.duplicate_of is None}
        fresh = [c for _, _, chunks in groups for c in chunks]
        self.refresh_keyword_index(indexed, fresh)  # before the commit: a reader reloads it when the catalog changes
        update_topics(self.catalog.folder, self.store, keep_ids, {r.id for r, _, _ in groups}, self.embedder)

        self.catalog.records = records
        self.catalog.config = self._config()
        self.catalog.save()  # the commit point

        for source_id in (set(held) | {r.id for r, _, _ in groups}) - keep_ids:
            self.store.delete_source(source_id)  # removed, now a duplicate, an old version, or a crash's orphan
        self._collect_texts(keep_ids | was_indexed)
        report.chunks_total = self.store.count()
        log.info(
            "ingest: %d added, %d updated, %d unchanged, %d removed, %d duplicates, %d errors; %d chunks",
            len(report.added), len(report.updated), len(report.unchanged), len(report.removed),
            len(report.duplicates), len(report.errors), report.chunks_total,
        )  # fmt: skip

    def _refresh_items(
        self, groups: list[tuple[SourceRecord, _Prepared, list[Chunk]]], records: dict[str, SourceRecord],
        keep_ids: set[str], previous: set[str],
    ) -> None:  # fmt: skip
        """The items each indexed source names (index/extract.py), beside its chunks, before the commit."""
        fresh = {record.id: (item.doc, item.structure, chunks) for record, item, chunks in groups}
        kept = {r.id: Path(r.path) for r in records.values() if r.id in keep_ids}
        folder, settings = self.catalog.folder, self.settings
        stored = self.store
        refresh_items(
            folder, fresh, kept, previous, settings.conference, settings.max_file_bytes,
            lambda sid: stored.get_chunks(sorted(stored.chunk_ids(sid))),
        )  # fmt: skip

    def _collect_texts(self, keep: set[str]) -> None:
        # The previous version's texts are kept one ingest longer, for readers still answering from it.
        folder = self.catalog.folder / "documents"
        for path in folder.glob("*.txt") if folder.is_dir() else []:
            if path.stem not in keep:
                path.unlink(missing_ok=True)

    def _embed_and_store(self, groups: list[tuple[SourceRecord, _Prepared, list[Chunk]]], progress: bool) -> None:
        """Embed and store one document at a time, so an interruption loses at most one document's work."""
        total = sum(len(chunks) for _, _, chunks in groups)
        if groups:
            self.embedder.keep_in(self.settings.models_path())  # a later reader of this data dir needs no export
        with tqdm(total=total, desc="embedding", unit="chunk", disable=not progress or not groups) as bar:
            for record, item, chunks in groups:
                text = item.doc.text
                self.catalog.save_text(record.id, text)  # before its chunks: a chunk never lacks its text
                chunk_vectors, sentences, sentence_vectors = embed_document(
                    self.embedder, text, chunks, self.settings.sentence_vectors
                )
                # Upsert, then drop what this source held before: a re-run never leaves two copies.
                self.store.add(chunks, chunk_vectors, sentences, sentence_vectors)
                stale = self.store.chunk_ids(record.id) - {c.id for c in chunks}
                if stale:
                    self.store.delete_chunks(sorted(stale))
                log.debug("stored %d chunks of %s", len(chunks), record.path)
                bar.update(len(chunks))

    def refresh_keyword_index(
        self, indexed: Mapping[str, int] | None = None, fresh: Sequence[Chunk] = ()
    ) -> KeywordIndex:
        """BM25 over the chunks of `indexed` (source id -> chunk count; default: the catalog's indexed
        sources): `fresh` chunks are tokenised, the others' terms come from the last refresh."""
        if indexed is None:
            indexed = {r.id: r.chunk_count for r in self.catalog.indexed()}
        return refresh(self.catalog.folder / "bm25", self.store, indexed, fresh)


def keyword_index_for(store: VectorStore, source_ids: set[str]) -> KeywordIndex:
    """BM25 over the stored chunks of `source_ids`, built in memory."""
    return ChunkTerms.from_chunks(c for c in store.all_chunks() if c.source_id in source_ids).index()
