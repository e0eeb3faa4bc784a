"""Which catalogue items fit a question's topic or a reader's role, through the retrieval recap has:
an item fits when one of its mention sentences is among the retrieved passages and is close to the
query, or names the query's telling words ("Argo" in "ArgoCon", "eBPF")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.catalogue import CatalogueItem, ItemMention, check_kind, view_items
from assistant.retrieval import Retrieval
from assistant.view import IndexView
from index.keyword import terms
from index.protocols import StoreReader

# Chosen on the dev planning and list questions of tests/eval/blind.jsonl.
ITEM_FLOOR = 0.35  # a mention sentence this similar to the query (with its word bonus) makes its item fit
WORD_WEIGHT = 0.03  # per unit of idf of each query word the mention sentence contains (as in extractive)
WORD_CAP = 0.2
NAME_BONUS = 0.3  # a query word in the item's own name ("green" in "kube-green", "Argo" in "ArgoCon")
OUTSIDE_PENALTY = 0.1  # a mention in a retrieved passage whose own sentence vector is not stored

# Words of a planning question that say what to list or how, not what about.
_PLAN_WORDS = (
    "which what who where when should would could can i me my we next time year edition recaps recap mention "
    "mentioned mentions named name get across kubecon conference watch attend attending go try look catch "
    "see recommend recommended worth good best first talk talks session sessions keynote keynotes event events "
    "colocated co-located project projects tool tools company companies vendor vendors organisation organization "
    "organisations organizations people person speaker speakers recording recordings video videos spoke presented "
    "gave list plan planning up on about for to of in at the a an and or any some all there did do does is are was "
    "were as be been from with into new came come up bother if only have time one it follow following after before"
)


@lru_cache(maxsize=1)
def plan_words() -> frozenset[str]:
    """`_PLAN_WORDS` stemmed as queries are (computed on first use: stemming loads bm25s and PyStemmer)."""
    return frozenset(terms(_PLAN_WORDS))


@dataclass(frozen=True)
class Fit:
    item: CatalogueItem
    score: float
    why: ItemMention
    chunk_id: str = ""


def topic_terms(text: str) -> list[str]:
    """The query's words that say what it is about (stemmed), without the words of asking."""
    return [t for t in dict.fromkeys(terms(text)) if t not in plan_words()]


def fits(items: list[CatalogueItem], retrieval: Retrieval, store: StoreReader, floor: float | None = None) -> list[Fit]:
    """The items that fit the retrieval's query (score ≥ `floor`, default `ITEM_FLOOR`), best first;
    each with the mention that fits best."""
    floor = ITEM_FLOOR if floor is None else floor
    sims = _mention_similarities(items, retrieval, store)
    wanted = topic_terms(retrieval.query)
    weights = retrieval.term_weights
    out: list[Fit] = []
    for item in items:
        best: Fit | None = None
        named = NAME_BONUS if any(_in_name(t, item) for t in wanted) else 0.0
        for mention in item.mentions:
            found = sims.get((mention.source.id, mention.start, mention.end))
            if found is None:
                continue
            sim, chunk_id = found
            said = set(terms(mention.quote))
            bonus = named + min(WORD_CAP, WORD_WEIGHT * sum(weights.get(t, 1.0) for t in wanted if t in said))
            if best is None or sim + bonus > best.score:
                best = Fit(item, sim + bonus, mention, chunk_id)
        if best is not None and best.score >= floor:
            out.append(best)
    return sorted(out, key=lambda f: -f.score)


def _mention_similarities(
    items: list[CatalogueItem], retrieval: Retrieval, store: StoreReader
) -> dict[tuple[str, int, int], tuple[float, str]]:
    """Similarity of the query to each mention sentence, from the sentence vectors stored at ingest
    (under the chunk each mention records); a mention without one counts only inside a retrieved passage."""
    chunk_ids = {m.chunk_id for i in items for m in i.mentions if m.chunk_id}
    chunk_ids |= {p.chunk.id for p in retrieval.passages}
    vectors = store.sentence_vectors(sorted(chunk_ids))
    sims: dict[tuple[str, int, int], tuple[float, str]] = {}
    for k, chunk_id in enumerate(vectors.chunk_ids):
        start, end = vectors.spans[k]
        sims[(vectors.source_ids[k], start, end)] = (float(vectors.vectors[k] @ retrieval.query_vector), chunk_id)
    for passage in retrieval.passages:
        for item in items:
            for m in item.mentions:
                key = (m.source.id, m.start, m.end)
                if key not in sims and m.source.id == passage.chunk.source_id and _inside(m, passage.chunk.spans):
                    sims[key] = (passage.similarity - OUTSIDE_PENALTY, passage.chunk.id)
    return sims


def _inside(mention: ItemMention, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(s <= mention.start and mention.end <= e for s, e in spans)


def _in_name(term: str, item: CatalogueItem) -> bool:
    """'argo' in 'ArgoCon', 'cost' in 'KubeCost': a query word that starts a word (or a camel-case
    part) of the item's own name."""
    if len(term) < 3:
        return False
    for name in [item.name, *item.aliases]:
        parts = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
        if re.search(rf"(?i)(?<![a-z]){re.escape(term)}", parts):
            return True
    return False


def catalogue_items(view: IndexView, kind: str | None, topic: str | None, k: int) -> list[CatalogueItem]:
    """The view's items of `kind` (all when None), narrowed to those that fit `topic` when one is given."""
    wanted = check_kind(kind)
    items = [i for i in view_items(view) if wanted is None or i.kind == wanted]
    if not topic or not topic.strip() or not items:
        return items
    retrieval = view.retriever.retrieve(topic.strip(), k)
    return [f.item for f in fits(items, retrieval, view.store)]
