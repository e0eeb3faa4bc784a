"""One version of the index, opened for answering: catalog, vector store, BM25 and the retriever over them.

A question is answered from one `IndexView` from start to end, so an ingest committed meanwhile (here
or in another process) never mixes two versions into one answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.retrieval import Retriever
from index.catalog import Catalog
from index.embeddings import Embedder
from index.federation import CatalogGroup, KeywordGroup, StoreGroup
from index.ingest import keyword_index_for
from index.keyword import KeywordIndex
from index.protocols import CatalogReader, KeywordReader, StoreReader
from index.settings import Settings
from index.store import VectorStore, make_client


@dataclass
class IndexView:
    """Everything a question is answered from, consistent with itself.

    A new view replaces this one when a catalog changes (an ingest here or in another process);
    a question already under way keeps the view it started with.
    """

    catalog: CatalogReader
    store: StoreReader
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


def open_view(settings: Settings, embedder: Embedder, collections: list[str], version: float, fresh: bool) -> IndexView:
    """Open `collections` (one, or several read as one) at catalog version `version`.

    `fresh` makes an embedded Chroma load the vectors from disk again (another process wrote).
    """
    data_dir = settings.data_dir
    store: StoreReader
    keyword: KeywordReader
    catalog: CatalogReader
    if len(collections) == 1 and collections[0] == settings.collection:
        single_store = VectorStore(settings, fresh=fresh)
        single_catalog = Catalog.load(data_dir / settings.collection)
        keyword = _keyword_index(settings, settings.collection, single_store, single_catalog)
        store, catalog = single_store, single_catalog
    else:
        client = make_client(settings, fresh=fresh)
        stores = [VectorStore(settings.model_copy(update={"collection": n}), client) for n in collections]
        catalogs = [Catalog.load(data_dir / n) for n in collections]
        keyword = KeywordGroup(
            [_keyword_index(settings, n, s, c) for n, s, c in zip(collections, stores, catalogs, strict=True)]
        )
        store, catalog = StoreGroup(stores), CatalogGroup(catalogs)
    sources = {s.id: s for s in catalog.sources()}
    retriever = Retriever(store, keyword, sources, embedder, settings.candidates, settings.source_floor)
    return IndexView(catalog, store, retriever, version)


def _keyword_index(settings: Settings, collection: str, store: VectorStore, catalog: Catalog) -> KeywordIndex:
    keyword = KeywordIndex.load(settings.data_dir / collection / "bm25")
    if keyword is None:
        # Built in memory only: a reader must not write without the writer lock.
        keyword = keyword_index_for(store, {r.id for r in catalog.indexed()})
    return keyword
