"""`Assistant`: the one object the CLI, the UI and Python callers use."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.backends import EXTRACTIVE, OLLAMA, Backend, choose_backend
from assistant.condense import Turn, condense
from assistant.extractive import extractive_answer
from assistant.generative import GenerativeAnswerer
from assistant.retrieval import Retrieval, Retriever
from assistant.types import Answer, Citation, Hit
from index.catalog import Catalog, Source
from index.clean import structure
from index.documents import FRONT_MATTER, Document, DocumentMeta
from index.embeddings import Embedder, shared_embedder
from index.errors import LLMUnavailableError, RecapError
from index.federation import ALL_COLLECTIONS, CatalogGroup, KeywordGroup, StoreGroup, collection_names
from index.ingest import Ingestor, IngestReport, keyword_index_for
from index.keyword import KeywordIndex
from index.settings import Settings
from index.store import VectorStore, make_client

log = logging.getLogger(__name__)

History = Sequence[Turn] | Sequence[dict[str, Any]]


def normalise_history(history: History | None) -> list[Turn]:
    """Accept (role, text) pairs or Gradio/OpenAI-style {"role", "content"} messages."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, dict):
            content = item.get("content", "")
            turns.append((str(item.get("role", "")), content if isinstance(content, str) else str(content)))
        else:
            role, text = item
            turns.append((str(role), str(text)))
    return turns


class Assistant:
    """Cited answers about conference recaps.

    `Assistant()` uses the settings from the environment (`RECAP_*`); on first use, when the index
    is empty, it ingests the bundled recaps.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        auto_ingest: bool = True,
        **overrides: Any,
    ) -> None:
        base = settings or Settings()
        self.settings = base.model_copy(update=overrides) if overrides else base
        self.embedder = embedder or shared_embedder()
        self.auto_ingest = auto_ingest
        self._store: VectorStore | None = None
        self._catalog: Catalog | None = None
        self._catalog_mtime: float = -1.0
        self._retriever: Retriever | None = None
        self._texts: dict[str, str] = {}

    # -- the parts, opened lazily so that `recap --help` does not load Chroma or the model ----------

    @property
    def federated(self) -> bool:
        """True for `--collection all`: ask across every collection in the data directory."""
        return self.settings.collection == ALL_COLLECTIONS

    def _collections(self) -> list[str]:
        return collection_names(self.settings.data_dir) if self.federated else [self.settings.collection]

    def _open_store(self, fresh: bool = False) -> VectorStore | StoreGroup:
        if not self.federated:
            return VectorStore(self.settings, fresh=fresh)
        client = make_client(self.settings, fresh=fresh)
        return StoreGroup(
            [VectorStore(self.settings.model_copy(update={"collection": n}), client) for n in self._collections()]
        )

    @property
    def store(self) -> VectorStore | StoreGroup:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @property
    def catalog_folder(self) -> Path:
        return self.settings.data_dir / self.settings.collection

    @property
    def catalog(self) -> Catalog | CatalogGroup:
        folders = [self.settings.data_dir / name for name in self._collections()]
        mtime = max(
            ((f / "catalog.json").stat().st_mtime for f in folders if (f / "catalog.json").exists()), default=0.0
        )
        if self._catalog is None or mtime != self._catalog_mtime:
            # Another process (or our own ingest) changed the index: reload what depends on it.
            if self._catalog is not None and self._store is not None and not self.settings.chroma_url:
                # Another process wrote it: an embedded Chroma client keeps serving the vectors it loaded.
                self._store = self._open_store(fresh=True)
            if self.federated:
                self._store = None  # the set of collections may have changed too
                self._catalog = CatalogGroup([Catalog.load(f) for f in folders])
            else:
                self._catalog = Catalog.load(self.catalog_folder)
            self._catalog_mtime = mtime
            self._retriever = None
            self._texts = {}
        return self._catalog

    def _keyword_index(self, collection: str, store: VectorStore, catalog: Catalog) -> KeywordIndex:
        keyword = KeywordIndex.load(self.settings.data_dir / collection / "bm25")
        if keyword is None:
            # Built in memory only: a reader must not write without the writer lock.
            keyword = keyword_index_for(store, {r.id for r in catalog.indexed()})
        return keyword

    def _ingestor(self) -> Ingestor:
        store, catalog = self.store, self.catalog
        assert isinstance(store, VectorStore) and isinstance(catalog, Catalog)  # ingest() refuses "all"
        return Ingestor(self.settings, store, catalog, self.embedder)

    def _ready(self) -> Retriever:
        catalog = self.catalog
        if not catalog.records and self.auto_ingest and not self.federated:
            log.info("index is empty: ingesting the bundled recaps from %s", self.settings.corpus_dir)
            self.ingest([self.settings.corpus_dir], progress=False)
            catalog = self.catalog
        if self._retriever is None:
            store = self.store
            keyword: KeywordIndex | KeywordGroup
            if isinstance(store, StoreGroup) and isinstance(catalog, CatalogGroup):
                keyword = KeywordGroup(
                    [
                        self._keyword_index(name, s, c)
                        for name, s, c in zip(self._collections(), store.stores, catalog.catalogs, strict=True)
                    ]
                )
            else:
                assert isinstance(store, VectorStore) and isinstance(catalog, Catalog)
                keyword = self._keyword_index(self.settings.collection, store, catalog)
            sources = {s.id: s for s in catalog.sources()}
            self._retriever = Retriever(
                self.store, keyword, sources, self.embedder, self.settings.candidates, self.settings.source_floor
            )
        return self._retriever

    def _document_texts(self, source_ids: Iterable[str]) -> dict[str, str]:
        for source_id in source_ids:
            if source_id not in self._texts:
                self._texts[source_id] = self.catalog.text(source_id)
        return self._texts

    # -- public API -------------------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path] | None = None, progress: bool = False) -> IngestReport:
        """Add, update or remove documents; `None` means the bundled recaps."""
        if self.federated:
            raise RecapError(
                f"--collection {ALL_COLLECTIONS} is for asking across collections; "
                "ingest into a named collection (e.g. --collection kubecon-eu-2024)"
            )
        targets = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        report = self._ingestor().ingest(targets, progress=progress)
        self._catalog = None  # force a reload of catalog, keyword index and texts
        self._retriever = None
        return report

    def sources(self) -> list[Source]:
        self._ready()
        return self.catalog.sources()

    def document_text(self, source_id: str) -> str:
        """The full text of an indexed document (what citation offsets point into)."""
        return self._document_texts([source_id])[source_id]

    def section_of(self, citation: Citation) -> tuple[str, list[tuple[int, int]]]:
        """The heading and paragraph spans (offsets into `document_text`) of the section holding
        `citation`'s quote: what a reader opens to see the quote in its context.

        Falls back to the quote's own span when the quote lies outside every paragraph.
        """
        source = citation.source
        text = self.document_text(source.id)
        # Rebuilt from the stored text rather than kept in the catalog: only opened cards need it.
        front = FRONT_MATTER.match(text)
        doc = Document(
            path=Path(source.path),
            text=text,
            meta=DocumentMeta(title=source.title, author=source.author),
            content_hash="",
            body_start=front.end() if front else 0,
            markdown=Path(source.path).suffix.lower() in {".md", ".markdown"} or front is not None,
        )
        parts = structure(doc)
        start = citation.start if citation.start >= 0 else text.find(citation.quote)
        holding = next((b for b in parts.blocks if b.start <= start < b.end), None)
        if start < 0 or holding is None:
            return citation.section, [(max(start, 0), max(start, 0) + len(citation.quote))]
        title = next((s.title for s in parts.sections if s.index == holding.section), citation.section)
        return title or citation.section, [(b.start, b.end) for b in parts.blocks if b.section == holding.section]

    def retrieve(self, query: str, k: int | None = None) -> Retrieval:
        return self._ready().retrieve(query, k or self.settings.top_k)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        retrieval = self.retrieve(query, k)
        return [
            Hit(
                text=p.chunk.text,
                source=p.source,
                section=p.chunk.section_title,
                score=p.similarity,
                chunk_id=p.chunk.id,
            )
            for p in retrieval.passages
        ]

    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer `question` from the recaps, citing every claim; abstain when they don't cover it.

        The backend is `settings.llm`: a local model (Ollama) writes the answer and every citation
        is verified, or, without one, the best sentences are quoted (extractive).
        """
        answer = None
        for item in self.stream(question, history):
            answer = item if isinstance(item, Answer) else answer
        if answer is None:  # stream() always ends with an Answer; this guards a broken backend
            raise RecapError("the answer stream ended without an answer")
        return answer

    def _ask_extractive(self, question: str, history: History | None = None) -> Answer:
        """The answer without a model: quotes of the best sentences, or an abstention."""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        self._ready()
        timings["open"] = (time.perf_counter() - started) * 1000

        mark = time.perf_counter()
        standalone = condense(question, normalise_history(history))
        retrieval = self.retrieve(standalone)
        timings["retrieve"] = (time.perf_counter() - mark) * 1000

        mark = time.perf_counter()
        texts = self._document_texts(p.source.id for p in retrieval.passages)
        answer = extractive_answer(retrieval, self.store, texts, self.settings)
        timings["answer"] = (time.perf_counter() - mark) * 1000
        timings["total"] = (time.perf_counter() - started) * 1000
        answer.timings = timings
        answer.question = standalone
        return answer

    def stream(self, question: str, history: History | None = None) -> Iterator[str | Answer]:
        """Yield the answer's text as it is produced (str deltas), then the final `Answer`.

        The final `Answer.text` is authoritative: if the model fails mid-answer, the streamed text
        is superseded by the extractive answer (and `Answer.notice` says why). The extractive
        backend has nothing to stream, so it yields its whole text at once.
        """
        question = question.strip()
        if not question:
            raise ValueError("ask() needs a question")
        backend = choose_backend(self.settings)
        if backend.kind == OLLAMA:
            try:
                yield from GenerativeAnswerer(self, backend).stream(question, normalise_history(history))
                return
            except LLMUnavailableError as exc:
                log.warning("%s", exc)
                backend = Backend(EXTRACTIVE, notice=str(exc))
        answer = self._ask_extractive(question, history)
        answer.notice = backend.notice
        yield answer.text
        yield answer
