"""The documents a model sees: retrieved passages, numbered, fenced and fitted to its context window.

Numbers are what the model cites ([n]); fences (`<document>` ... `</document>`) mark where data
starts and stops, so that text inside a recap cannot pose as an instruction. tiktoken (cl100k, the
same encoding the chunker uses) sizes everything so the prompt plus the answer fit `num_ctx`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.retrieval import Passage, Retrieval
from index.chunking import count_tokens
from index.embeddings import Embedder
from index.protocols import StoreReader
from index.sentences import sentence_spans

# cl100k is not the model's own tokenizer (Llama 3's is close to it, others differ): leave headroom.
TOKENIZER_SLACK = 1.15
RESERVED_TOKENS = 96  # chat-template tokens Ollama adds around each message
_FENCE = re.compile(r"<(/?)(document)", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into the source document's text
    end: int
    vector: np.ndarray


@dataclass(frozen=True)
class NumberedPassage:
    """Passage `n` as shown to the model, with its sentences for checking what cites it."""

    n: int
    passage: Passage
    text: str  # what the model sees (possibly cut to fit the window)
    sentences: list[Sentence]
    document: str  # the full text of the source document (sentence offsets point into it)

    def quote(self, sentence: Sentence) -> str:
        return self.document[sentence.start : sentence.end]


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("\n", " ")


def fence(item: NumberedPassage) -> str:
    """One passage as a `<document>` block; a fence tag inside the text is defused so it cannot close it."""
    source = item.passage.source
    body = _FENCE.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", item.text)
    attributes = [
        f'id="{item.n}"',
        f'source="{_attribute(source.byline())}"',
        f'title="{_attribute(source.title)}"',
    ]
    if item.passage.chunk.section_title:
        attributes.append(f'section="{_attribute(item.passage.chunk.section_title)}"')
    return f"<document {' '.join(attributes)}>\n{body}\n</document>"


def render(passages: list[NumberedPassage]) -> str:
    return "\n\n".join(fence(p) for p in passages)


def prompt_tokens(text: str) -> int:
    return int(count_tokens(text) * TOKENIZER_SLACK) + 1


def _cut(text: str, tokens: int) -> str:
    """`text` shortened to about `tokens`, at a sentence boundary when one is near."""
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:  # the longest prefix (in words) that fits
        mid = (low + high + 1) // 2
        if prompt_tokens(" ".join(words[:mid])) <= tokens:
            low = mid
        else:
            high = mid - 1
    cut = " ".join(words[:low])
    stop = max(cut.rfind(". "), cut.rfind(".\n"))
    return (cut[: stop + 1] if stop > len(cut) // 2 else cut) + " …"


def number_passages(
    retrieval: Retrieval,
    store: StoreReader,
    texts: dict[str, str],
    embedder: Embedder,
    budget: int,
) -> list[NumberedPassage]:
    """Retrieved passages numbered 1..n in rank order, as many as fit in `budget` prompt tokens.

    The best passage is kept even when it alone is too long (it is cut to fit); lower-ranked ones
    are dropped whole rather than cut, so the model never sees half of a minor passage.
    """
    vectors = store.sentence_vectors([p.chunk.id for p in retrieval.passages])
    by_chunk: dict[str, list[Sentence]] = {}
    for i, chunk_id in enumerate(vectors.chunk_ids):
        start, end = vectors.spans[i]
        by_chunk.setdefault(chunk_id, []).append(Sentence(start, end, vectors.vectors[i]))

    numbered: list[NumberedPassage] = []
    used = 0
    for passage in retrieval.passages:
        item = NumberedPassage(
            n=len(numbered) + 1,
            passage=passage,
            text=passage.chunk.text,
            sentences=sorted(by_chunk.get(passage.chunk.id, []), key=lambda s: s.start),
            document=texts[passage.source.id],
        )
        if not item.sentences:
            item = _with_embedded_sentences(item, embedder)
        cost = prompt_tokens(fence(item)) + 2
        if used + cost > budget:
            if numbered:
                continue  # a shorter passage further down may still fit
            overhead = prompt_tokens(fence(NumberedPassage(1, passage, "", [], item.document)))
            item = NumberedPassage(1, passage, _cut(item.text, budget - overhead - 2), item.sentences, item.document)
            cost = budget
        numbered.append(item)
        used += cost
    return numbered


def _with_embedded_sentences(item: NumberedPassage, embedder: Embedder) -> NumberedPassage:
    """Sentence vectors computed now, for a chunk the store holds none for (an older index)."""
    spans = [span for start, end in item.passage.chunk.spans for span in sentence_spans(item.document, start, end)]
    vectors = embedder.embed([item.document[s:e] for s, e in spans])
    sentences = [Sentence(s, e, vectors[i]) for i, (s, e) in enumerate(spans)]
    return NumberedPassage(item.n, item.passage, item.text, sentences, item.document)
