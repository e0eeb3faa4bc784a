"""`Assistant`: the one object the CLI, the UI and Python callers use."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.about import about_the_recaps, whose_words
from assistant.aio import answer_parts
from assistant.answerer import Answerer, answerer_for
from assistant.backends import choose_backend
from assistant.catalogue import CatalogueItem, check_kind
from assistant.condense import Turn, condense
from assistant.mentions import mention_answer
from assistant.plan import Plan, build_plan
from assistant.question import holds_instruction, problem_with
from assistant.relevance import catalogue_items
from assistant.retrieval import Retrieval
from assistant.stream import AnswerStream
from assistant.summary import summary_answer
from assistant.topics import TopicMap, TopicMatrix
from assistant.types import MAX_SEARCH_K, Answer, AnswerPart, Citation, Hit, Provisional
from assistant.view import IndexView, open_view
from assistant.warm import warm_up
from index.catalog import Catalog, Source
from index.embeddings import Embedder, shared_embedder
from index.errors import BadQuestionError, IndexNotReadyError, RecapError
from index.federation import ALL_COLLECTIONS, CatalogGroup, collection_names
from index.ingest import Ingestor, IngestReport, vector_mismatch
from index.protocols import CatalogReader, StoreReader
from index.settings import Settings, load_settings
from index.store import VectorStore

if TYPE_CHECKING:  # LangChain is imported only when a retriever or runnable is asked for
    from assistant.lcel import RecapRetriever, RecapRunnable

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

    `Assistant()` uses the settings from the environment (`RECAP_*`); keyword overrides
    (`Assistant(top_k=5)`) are validated the same way and raise `SettingsError` when invalid. On
    first use, when the index is empty, it ingests the bundled recaps.

    Thread-safe: one Assistant may answer from several threads at once, and ingest meanwhile; each
    question is answered from the version of the index it started with.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        auto_ingest: bool = True,
        **overrides: Any,
    ) -> None:
        self.settings = load_settings(settings, **overrides)
        self.embedder = embedder or shared_embedder(self.settings)
        self.auto_ingest = auto_ingest
        self._view: IndexView | None = None
        self._lock = threading.RLock()  # guards swapping views and ingesting
        self._topics = TopicMap(self.embedder)

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
            view = open_view(self.settings, self.embedder, self._collections(), version, fresh)
            if not view.catalog.records and self.auto_ingest and not self.federated:
                log.info("index is empty: ingesting the bundled recaps from %s", self.settings.corpus_dir)
                self.ingest()
                view = open_view(self.settings, self.embedder, self._collections(), self._catalog_version(), False)
            elif self._reindex_stale_vectors():
                view = open_view(self.settings, self.embedder, self._collections(), self._catalog_version(), True)
            self._view = view
            return view

    def _reindex_stale_vectors(self) -> bool:
        """Re-index a collection whose vectors were made another way (model, precision, sentence vectors):
        a question embedded one way must never be compared with vectors made another. True if it did."""
        reindexed = False
        for name in self._collections():
            catalog = Catalog.load(self.settings.data_dir / name)
            problem = vector_mismatch(catalog.config, self.settings, self.embedder) if catalog.records else None
            if problem is None:
                continue
            if self.federated or not self.auto_ingest:
                raise IndexNotReadyError(
                    f"collection {name} was indexed with other vectors ({problem}); run `recap ingest`"
                )
            log.warning("collection %s was indexed with other vectors (%s): re-indexing it", name, problem)
            Ingestor(self.settings, VectorStore(self.settings), catalog, self.embedder).ingest([], progress=False)
            reindexed = True
        return reindexed

    @property
    def store(self) -> StoreReader:
        return self.view().store

    @property
    def catalog(self) -> CatalogReader:
        return self.view().catalog

    def _current_catalog(self) -> CatalogReader:
        """The catalog alone: the view's when it is current, else read from disk without opening
        Chroma or BM25 (`recap sources` and the topic map need nothing else)."""
        with self._lock:
            view = self._view
        if view is not None and view.version == self._catalog_version():
            return view.catalog
        catalogs = [Catalog.load(self.settings.data_dir / name) for name in self._collections()]
        catalog: CatalogReader = catalogs[0] if len(catalogs) == 1 else CatalogGroup(catalogs)
        if not catalog.records and self.auto_ingest and not self.federated:
            return self.view().catalog  # nothing indexed yet: the view ingests the bundled recaps
        return catalog

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
        """The indexed recaps (read from the catalog only)."""
        return self._current_catalog().sources()

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

    def topic_map(self) -> TopicMatrix:
        """How much each indexed recap says about each conference topic (the UI's topic map).

        Scored at ingest and read from the data directory: nothing is embedded here."""
        version = self._catalog_version()
        folders = [self.settings.data_dir / name for name in self._collections()]
        return self._topics.matrix(self.sources(), folders, version, lambda: self.view().store)

    def warm(self) -> dict[str, float]:
        """Load now what the first question would wait for: the embedding model, the index, the
        topic map; and ask Ollama to load its model (in the background) when one is configured.

        `recap serve` calls this before it says it is serving. Returns the ms each step took.
        """
        return warm_up(self.settings, self.embedder, self.view, self.topic_map)

    def catalogue(self, kind: str | None = None, topic: str | None = None) -> list[CatalogueItem]:
        """The talks, keynotes, events, projects, organisations, people, announcements and recordings
        the recaps name, each with its verbatim mentions; only `kind` ('event', 'talk', …; an
        unknown kind raises `UnknownKindError`), and only those that fit `topic` (best first)."""
        check_kind(kind)  # before the index is opened: a typo is reported at once
        return catalogue_items(self.view(), kind, topic, self.settings.top_k * 2)

    def plan(self, role: str | None = None, topic: str | None = None) -> Plan:
        """A one-page plan for the next edition: talks to watch (and where the recordings are),
        co-located events, projects to try, people and companies to follow, each with a cited why.
        An empty or meaningless role gives the general plan, and `Plan.note` says so."""
        return build_plan(self.view(), self.settings, role, topic)

    def retrieve(self, query: str, k: int | None = None) -> Retrieval:
        return self.view().retriever.retrieve(query, k or self.settings.top_k)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The `k` passages that best match `query`. Raises `BadQuestionError` for an empty query."""
        if not query.strip():
            raise BadQuestionError("search() needs a query: it was empty")
        if not 1 <= k <= MAX_SEARCH_K:
            raise BadQuestionError(f"search() returns 1 to {MAX_SEARCH_K} passages: k={k} is out of range")
        retrieval = self.retrieve(query, k)
        return [
            Hit(
                text=p.chunk.text,
                source=p.source,
                section=p.chunk.section_title,
                score=p.similarity,
                chunk_id=p.chunk.id,
                start=p.chunk.spans[0][0],
                end=p.chunk.spans[-1][1],
            )
            for p in retrieval.passages
        ]

    def ask(self, question: str, history: History | None = None) -> Answer:
        """Answer `question` from the recaps, citing every claim; abstain when they don't cover it.

        The backend is `settings.llm`: a local model (Ollama) writes the answer and every citation
        is verified, or, without one, the best sentences are quoted (extractive).
        """
        return self.stream(question, history).answer()

    def stream(self, question: str, history: History | None = None) -> AnswerStream:
        """The answer as it is produced: iterate for text (str deltas), then call `.answer()`.

        The final `Answer.text` is authoritative: if the model fails mid-answer, the streamed text
        is superseded by the extractive answer (`Answer.notice` says why, `stream.superseded` is
        True). The extractive backend has nothing to stream, so it yields its whole text at once.
        With a model, the extractive quotes come first, before the model is asked: `stream.events()`
        yields them as a `Provisional`, and `stream.provisional` holds them (see `AnswerStream`).
        Raises `BadQuestionError` at once for an empty question.
        """
        question = question.strip()
        if not question:
            raise BadQuestionError("ask() needs a question: it was empty")
        turns = normalise_history(history)
        problem = problem_with(condense(question, turns))
        if problem:
            raise BadQuestionError(problem)
        if holds_instruction(question):
            return AnswerStream(declined(question))
        if not turns and (listing := about_the_recaps(question, self.sources())) is not None:
            return AnswerStream(_whole(listing))
        if turns and (quoted := whose_words(question, turns, self.sources())) is not None:
            return AnswerStream(_whole(quoted))
        started = time.perf_counter()
        view = self.view()
        opened = (time.perf_counter() - started) * 1000
        if not turns and (summary := summary_answer(question, view)) is not None:
            return AnswerStream(_with_open_time(_whole(summary), opened))
        if not turns and (mentioned := mention_answer(question, view)) is not None:
            return AnswerStream(_with_open_time(_whole(mentioned), opened))
        answerer = self.answerer()
        return AnswerStream(_with_open_time(answerer.stream(question, turns, view), opened))

    # -- async and LangChain: thin hooks over the methods above ---------------------------------------

    async def aask(self, question: str, history: History | None = None) -> Answer:
        """`ask` for async callers: answered in a worker thread, so the event loop keeps running."""
        return await asyncio.to_thread(self.ask, question, history)

    async def astream(self, question: str, history: History | None = None) -> AsyncIterator[str | Answer]:
        """`stream` for async callers: `async for part in ...` gives what iterating `stream()` gives
        (text as it is produced), then the final `Answer`. Produced in a worker thread."""
        async for part in answer_parts(await asyncio.to_thread(self.stream, question, history)):
            yield part

    def as_retriever(self, k: int = 5) -> RecapRetriever:
        """A LangChain `BaseRetriever` over this assistant's hybrid search: `Document`s whose
        `page_content` is the passage and whose `metadata` is a `recap search --json` row."""
        from assistant.lcel import RecapRetriever

        return RecapRetriever(searcher=self, k=k)

    def as_runnable(self) -> RecapRunnable:
        """A LangChain `Runnable`: `{"question", "history"}` in, the `recap ask --json` dict out
        (`stream`/`astream` give the text as it is produced, then that dict)."""
        from assistant.lcel import RecapRunnable

        return RecapRunnable(self)

    def answerer(self) -> Answerer:
        """The answerer for the next question (a local model if `settings.llm` asks for one and it answers)."""
        return answerer_for(choose_backend(self.settings), self.settings, self.embedder)


def declined(question: str) -> Iterator[AnswerPart]:
    """The answer to a question that tries to instruct rather than ask: recap only quotes the recaps."""
    text = (
        "I only answer questions from the recaps, and don't follow instructions given in a question. "
        "Ask about the conference, e.g. “What did people say about Wasm?”"
    )
    yield text
    yield Answer(text, [], True, "extractive", question=question)


def _whole(answer: Answer) -> Iterator[AnswerPart]:
    """An answer known at once, as a stream: its text, then the answer."""
    yield answer.text
    yield answer


def _with_open_time(parts: Iterator[AnswerPart], opened_ms: float) -> Iterator[AnswerPart]:
    """The parts, with the time taken to open the index view counted in the answers' timings."""
    for part in parts:
        answer = part.answer if isinstance(part, Provisional) else part
        if isinstance(answer, Answer):
            total = answer.timings.get("total", 0.0) + opened_ms
            answer.timings = {"open": opened_ms, **answer.timings, "total": total}
        yield part
