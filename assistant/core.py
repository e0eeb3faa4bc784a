"""`Assistant`: the one object the CLI, the UI and Python callers use."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.backends import EXTRACTIVE, OLLAMA, Backend, choose_backend, forget_checks
from assistant.condense import Turn, condense
from assistant.extractive import extractive_answer
from assistant.retrieval import Retrieval, Retriever
from assistant.types import Answer, Citation, Hit
from index.catalog import Catalog, Source
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


@dataclass
class IndexView:
    """One version of the index: everything a question is answered from, consistent with itself.

    A new view replaces this one when a catalog changes (an ingest here or in another process);
    a question already under way keeps the view it started with.
    """

    catalog: Catalog | CatalogGroup
    store: VectorStore | StoreGroup
    retriever: Retriever
    version: float
    _texts: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def texts(self, source_ids: Iterable[str]) -> dict[str, str]:
        """The documents' texts (what citation offsets point into), read once per view."""
        with self._lock:
            for source_id in source_ids:
                if source_id not in self._texts:
                    self._texts[source_id] = self.catalog.text(source_id)
            return dict(self._texts)


class Assistant:
    """Cited answers about conference recaps.

    `Assistant()` uses the settings from the environment (`RECAP_*`); on first use, when the index
    is empty, it ingests the bundled recaps. One Assistant may answer from several threads at once.
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
        self._view: IndexView | None = None
        self._lock = threading.RLock()  # guards swapping views and ingesting

    # -- the index, opened lazily so that `recap --help` loads neither Chroma nor the model --------

    @property
    def federated(self) -> bool:
        """True for `--collection all`: ask across every collection in the data directory."""
        return self.settings.collection == ALL_COLLECTIONS

    def _collections(self) -> list[str]:
        return collection_names(self.settings.data_dir) if self.federated else [self.settings.collection]

    def _catalog_version(self) -> float:
        paths = [self.settings.data_dir / name / "catalog.json" for name in self._collections()]
        return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)

    def view(self) -> IndexView:
        """The current version of the index (reopened when a catalog changed since the last call)."""
        with self._lock:
            version = self._catalog_version()
            if self._view is not None and self._view.version == version:
                return self._view
            # An embedded Chroma client keeps serving the vectors it loaded: after another process
            # wrote, open a fresh one. Our own first view needs no such thing.
            fresh = self._view is not None and not self.settings.chroma_url
            view = self._open_view(version, fresh)
            if not view.catalog.records and self.auto_ingest and not self.federated:
                log.info("index is empty: ingesting the bundled recaps from %s", self.settings.corpus_dir)
                Ingestor(self.settings, view.store, view.catalog, self.embedder).ingest([self.settings.corpus_dir])  # type: ignore[arg-type]
                view = self._open_view(self._catalog_version(), fresh=False)
            self._view = view
            return view

    def _open_view(self, version: float, fresh: bool) -> IndexView:
        data_dir = self.settings.data_dir
        if self.federated:
            client = make_client(self.settings, fresh=fresh)
            names = self._collections()
            stores = [VectorStore(self.settings.model_copy(update={"collection": n}), client) for n in names]
            catalogs = [Catalog.load(data_dir / n) for n in names]
            keyword: KeywordIndex | KeywordGroup = KeywordGroup(
                [self._keyword_index(n, s, c) for n, s, c in zip(names, stores, catalogs, strict=True)]
            )
            store: VectorStore | StoreGroup = StoreGroup(stores)
            catalog: Catalog | CatalogGroup = CatalogGroup(catalogs)
        else:
            single_store = VectorStore(self.settings, fresh=fresh)
            single_catalog = Catalog.load(data_dir / self.settings.collection)
            keyword = self._keyword_index(self.settings.collection, single_store, single_catalog)
            store, catalog = single_store, single_catalog
        sources = {s.id: s for s in catalog.sources()}
        retriever = Retriever(
            store, keyword, sources, self.embedder, self.settings.candidates, self.settings.source_floor
        )
        return IndexView(catalog, store, retriever, version)

    def _keyword_index(self, collection: str, store: VectorStore, catalog: Catalog) -> KeywordIndex:
        keyword = KeywordIndex.load(self.settings.data_dir / collection / "bm25")
        if keyword is None:
            # Built in memory only: a reader must not write without the writer lock.
            keyword = keyword_index_for(store, {r.id for r in catalog.indexed()})
        return keyword

    @property
    def store(self) -> VectorStore | StoreGroup:
        return self.view().store

    @property
    def catalog(self) -> Catalog | CatalogGroup:
        return self.view().catalog

    # -- public API -------------------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path] | None = None, progress: bool = False) -> IngestReport:
        """Add, update or remove documents; `None` means the bundled recaps."""
        if self.federated:
            raise RecapError(
                f"--collection {ALL_COLLECTIONS} is for asking across collections; "
                "ingest into a named collection (e.g. --collection kubecon-eu-2024)"
            )
        targets = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        with self._lock:
            # Write through a store and catalog of our own: readers keep their view until the commit.
            store = VectorStore(self.settings)
            catalog = Catalog.load(self.settings.data_dir / self.settings.collection)
            report = Ingestor(self.settings, store, catalog, self.embedder).ingest(targets, progress=progress)
        return report

    def sources(self) -> list[Source]:
        return self.view().catalog.sources()

    def document_text(self, source_id: str) -> str:
        """The full text of an indexed document (what citation offsets point into)."""
        return self.view().texts([source_id])[source_id]

    def section_of(self, citation: Citation) -> tuple[str, list[tuple[int, int]]]:
        """The heading and paragraph spans (offsets into `document_text`) of the section holding
        `citation`'s quote: what a reader opens to see the quote in its context.

        The section is the one its chunk was indexed under, so the card matches what was retrieved.
        Falls back to the quote's own span when the chunk is gone (re-ingested since).
        """
        store = self.view().store
        chunk = next(iter(store.get_chunks([citation.chunk_id])), None)
        if chunk is None:
            start = max(citation.start, 0)
            return citation.section, [(start, start + len(citation.quote))]
        return chunk.section_title or citation.section, store.section_spans(chunk.source_id, chunk.section)

    def retrieve(self, query: str, k: int | None = None) -> Retrieval:
        return self.view().retriever.retrieve(query, k or self.settings.top_k)

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
        view = self.view()
        timings["open"] = (time.perf_counter() - started) * 1000

        mark = time.perf_counter()
        standalone = condense(question, normalise_history(history))
        retrieval = view.retriever.retrieve(standalone, self.settings.top_k)
        timings["retrieve"] = (time.perf_counter() - mark) * 1000

        mark = time.perf_counter()
        texts = view.texts(p.source.id for p in retrieval.passages)
        answer = extractive_answer(retrieval, view.store, texts, self.settings)
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
            # Imported here: LangChain costs half a second at start-up that extractive answers don't need.
            from assistant.generative import GenerativeAnswerer

            try:
                yield from GenerativeAnswerer(self, backend).stream(question, normalise_history(history))
                return
            except LLMUnavailableError as exc:
                log.warning("%s", exc)
                forget_checks()  # it failed while answering: look again next time rather than trust the check
                backend = Backend(EXTRACTIVE, notice=str(exc))
        answer = self._ask_extractive(question, history)
        answer.notice = backend.notice
        yield answer.text
        yield answer
