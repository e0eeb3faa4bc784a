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
from assistant.types import Answer, Hit
from index.catalog import Catalog, Source
from index.embeddings import Embedder, shared_embedder
from index.errors import LLMUnavailableError, RecapError
from index.ingest import Ingestor, IngestReport, keyword_index_for
from index.keyword import KeywordIndex
from index.settings import Settings
from index.store import VectorStore

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
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = VectorStore(self.settings)
        return self._store

    @property
    def catalog_folder(self) -> Path:
        return self.settings.data_dir / self.settings.collection

    @property
    def catalog(self) -> Catalog:
        path = self.catalog_folder / "catalog.json"
        mtime = path.stat().st_mtime if path.exists() else 0.0
        if self._catalog is None or mtime != self._catalog_mtime:
            # Another process (or our own ingest) changed the index: reload what depends on it.
            if self._catalog is not None and self._store is not None and not self.settings.chroma_url:
                # Another process wrote it: an embedded Chroma client keeps serving the vectors it loaded.
                self._store = VectorStore(self.settings, fresh=True)
            self._catalog = Catalog.load(self.catalog_folder)
            self._catalog_mtime = mtime
            self._retriever = None
            self._texts = {}
        return self._catalog

    def _ingestor(self) -> Ingestor:
        return Ingestor(self.settings, self.store, self.catalog, self.embedder)

    def _ready(self) -> Retriever:
        catalog = self.catalog
        if not catalog.records and self.auto_ingest:
            log.info("index is empty: ingesting the bundled recaps from %s", self.settings.corpus_dir)
            self.ingest([self.settings.corpus_dir], progress=False)
            catalog = self.catalog
        if self._retriever is None:
            keyword = KeywordIndex.load(self.catalog_folder / "bm25")
            if keyword is None:
                # Built in memory only: a reader must not write without the writer lock.
                keyword = keyword_index_for(self.store, {r.id for r in catalog.indexed()})
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
