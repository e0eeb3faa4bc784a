"""The keyword side of hybrid retrieval: BM25 (bm25s) over stemmed, stop-worded chunk text."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # bm25s (with scipy) is imported when a keyword index is first built, loaded or searched
    import bm25s
    import Stemmer

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG through its own handler

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """NLTK's English list (question words included) plus words every question about the recaps has."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | {
        "would",
        "could",
        "say",
        "said",
        "people",
        "recap",
        "recaps",
        "think",
        "next",
    }


# Words a question is worded with that say nothing of what it asks about ("was it actually a record?",
# "according to OpsRamp"): that no recap uses them does not make the question one no recap covers.
_QUESTION_FILLERS = frozenset({
    "actually", "really", "according", "overall", "basically", "generally",
    "exactly", "honestly", "literally", "anyway", "seriously", "truly",
})  # fmt: skip


# Spellings of one thing, folded to one term on both sides (documents and queries).
ALIASES = {
    "webassembly": "wasm",
    "k8s": "kubernetes",
    "llms": "llm",
    "genai": "ai",
    "idps": "idp",
}


# Long forms added to a query before it is embedded: the small embedder knows "WebAssembly" far
# better than "Wasm".
EXPANSIONS = {
    "wasm": "WebAssembly",
    "k8s": "Kubernetes",
    "idp": "internal developer platform",
    "idps": "internal developer platforms",
    "llm": "large language model",
    "llms": "large language models",
    "genai": "generative AI",
    "ebpf": "extended Berkeley Packet Filter",
    "cde": "cloud development environment",
    "cdes": "cloud development environments",
}


def expand(query: str) -> str:
    """`query` with the long form of any abbreviation it uses, for the embedder."""
    extra = [EXPANSIONS[w] for w in dict.fromkeys(_TOKEN.findall(query.casefold())) if w in EXPANSIONS]
    return f"{query} ({', '.join(extra)})" if extra else query


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Lower-cased, alias-folded, stop-worded, stemmed terms of `text`."""
    text = text.casefold().replace("co-located", "colocated").replace("co-hosted", "cohosted")
    words = [ALIASES.get(w, w) for w in _TOKEN.findall(text)]
    stop = _stop_words()
    return _stemmer().stemWords([w for w in words if w not in stop and len(w) > 1])


def fingerprint(ids: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


def surface_words(text: str) -> list[str]:
    """The words of `text` as written (lower-cased), before stemming: what spelling is checked against."""
    return _TOKEN.findall(text.casefold())


class KeywordIndex:
    """BM25 over chunk ids; persisted beside the vector store and rebuilt when the chunk set changes.

    `vocabulary` maps each word of the indexed text, as written, to the number of chunks holding
    it: the index's own spelling list (a query's "Kuberentes" or "modularisation" is matched
    against it).
    """

    def __init__(self, ids: list[str], retriever: bm25s.BM25 | None, vocabulary: dict[str, int] | None = None) -> None:
        self.ids = ids
        self._retriever = retriever
        self.vocabulary: dict[str, int] = vocabulary or {}

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> KeywordIndex:
        if not ids:
            return cls([], None)
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([terms(t) or ["<empty>"] for t in texts], show_progress=False)
        vocabulary: dict[str, int] = {}
        for text in texts:
            for word in set(surface_words(text)):
                vocabulary[word] = vocabulary.get(word, 0) + 1
        return cls(list(ids), retriever, vocabulary)

    def save(self, folder: Path, beside: Callable[[Path], None] | None = None) -> None:
        """Write into a new subfolder, then switch the CURRENT pointer: readers never see half an index.

        `beside` writes more files into that subfolder before it becomes current."""
        version = fingerprint(self.ids)
        target = folder / version
        target.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(target), show_progress=False)
        if beside is not None:
            beside(target)
        payload = {"fingerprint": version, "ids": self.ids, "vocabulary": self.vocabulary}
        (target / "ids.json").write_text(json.dumps(payload))
        pointer = folder / "CURRENT.tmp"
        pointer.write_text(version)
        os.replace(pointer, folder / "CURRENT")
        # Keep the previous version too: a reader may be loading it right now.
        versions = sorted((d for d in folder.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True)
        for old in [d for d in versions if d.name != version][1:]:
            shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def current_folder(folder: Path) -> Path | None:
        """The subfolder of the current version, or None if there is none."""
        try:
            return folder / (folder / "CURRENT").read_text().strip()
        except OSError:
            return None

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, or None if there is none (callers rebuild it)."""
        current = cls.current_folder(folder)
        if current is None:
            return None
        try:
            saved = json.loads((current / "ids.json").read_text())
            ids = saved["ids"]
        except (OSError, ValueError, KeyError):
            return None
        if not ids:
            return cls([], None)
        if "vocabulary" not in saved:
            return None  # saved by an older recap: rebuilt (in memory by a reader, on disk at the next ingest)
        try:
            import bm25s

            retriever = bm25s.BM25.load(str(current), show_progress=False)
        except (OSError, ValueError) as exc:
            log.warning("keyword index in %s unreadable (%s); it will be rebuilt", current, exc)
            return None
        return cls(ids, retriever, saved["vocabulary"])

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term (0 if unknown): how telling a match on it is."""
        if self._retriever is None or term not in self._retriever.vocab_dict:
            return 0.0
        indptr = self._retriever.scores["indptr"]
        column = self._retriever.vocab_dict[term]
        df = int(indptr[column + 1] - indptr[column]) if column + 1 < len(indptr) else 0
        n = len(self.ids)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def unknown_words(self, query: str) -> list[str]:
        """Content words of `query` that no indexed chunk contains (e.g. "quantum")."""
        if self._retriever is None:
            return []
        vocab = self._retriever.vocab_dict
        return [
            w
            for w in dict.fromkeys(_TOKEN.findall(query.casefold()))
            if w not in _QUESTION_FILLERS and (t := terms(w)) and t[0] not in vocab
        ]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) for chunks sharing a term with `query`, best first."""
        if self._retriever is None:
            return []
        query_terms = terms(query)
        if not query_terms:
            return []
        docs, scores = self._retriever.retrieve([query_terms], k=min(k, len(self.ids)), show_progress=False)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
