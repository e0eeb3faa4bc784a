"""recap at a million chunks, by simulation: query latency, memory and disk of a 1M-chunk index.

    .venv/bin/python bench/million.py --workdir /tmp/million                # build (resumable), then measure
    .venv/bin/python bench/million.py --workdir /tmp/million --chunks 200000 # a smaller run
    .venv/bin/python bench/million.py --workdir /tmp/million --phases measure --stores server

Embedding a million chunks takes 6-12 hours on two cores, so the index is made instead:
- the five KubeCon recaps are ingested as usual (their chunks, sentences, catalog and BM25);
- `--seeds` filler chunks (bench/scale.py's offline prose) are embedded for real, and with the
  recaps' own chunk vectors they are the seeds;
- every filler chunk's vector is a seed plus Gaussian noise, renormalised (`--noise` 0.75: cosine about
  0.8 to its seed, 0.64 between two copies of one seed), so the vectors lie where real text
  embeddings lie rather than uniformly on the sphere, which is HNSW's hardest case;
- every filler chunk's text is a ~280-character window of that prose, so BM25 indexes real words with a
  real vocabulary; 40 chunks make a filler document, with its text and catalog record (signature
  included) as an ingest writes them;
- BM25 is built over all chunks by `index.keyword_terms` (what an ingest does).
What it does not show: whether answers stay good (a filler vector does not match its text, and the
questions' evidence is outranked by copies of its own neighbours); the sentence collection holds the
recaps' sentences only (a real 1M-chunk index has about five sentence vectors per chunk); the ingest
time (see bench/scale.py and docs/benchmarks.md).

Phases (each resumes where the last run stopped): `prepare`, `fill`, `bm25`, `measure`, and
`ingest-parts`: what adding one recap costs in the parts of an ingest that grow with the index.
Prints a Markdown table (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import disk_usage, prose_paragraphs, rss_mb, start_chroma

from assistant import Assistant
from assistant.evaluation import load_questions
from index.catalog import Catalog, SourceRecord
from index.dedup import signature
from index.keyword import KeywordIndex
from index.metadata import DocumentMeta
from index.settings import Settings
from index.store import VectorStore

CHUNK_CHARS = 280
CHUNKS_PER_DOC = 40
BATCH = 5000


def chunk_texts(pool: list[str], doc: int) -> list[str]:
    """The filler chunks of document `doc`: windows of the prose, the same on every run."""
    rng = random.Random(doc)
    out = []
    for _ in range(CHUNKS_PER_DOC):
        para = rng.choice(pool)
        start = rng.randrange(max(1, len(para) - CHUNK_CHARS))
        start = para.rfind(" ", 0, start) + 1  # whole words
        end = para.find(" ", start + CHUNK_CHARS)
        out.append(para[start : end if end > 0 else len(para)])
    return out


def pool_of(workdir: Path) -> list[str]:
    path = workdir / "pool.json"
    if not path.exists():
        path.write_text(json.dumps(prose_paragraphs()))
    return list(json.loads(path.read_text()))


def prepare(workdir: Path, settings: Settings, seeds: int) -> None:
    """The real recaps ingested, and the seed vectors: their chunks' and `seeds` embedded filler chunks'."""
    if (workdir / "seeds.npy").exists():
        return
    assistant = Assistant(settings, auto_ingest=False)
    assistant.ingest(progress=False)
    store = VectorStore(settings)
    real = np.asarray(store.chunks.get(include=["embeddings"])["embeddings"], dtype=np.float32)
    pool = pool_of(workdir)
    texts = [t for d in range(seeds // CHUNKS_PER_DOC + 1) for t in chunk_texts(pool, 10_000_000 + d)][:seeds]
    started = time.perf_counter()
    filler = assistant.embedder.embed(texts)
    print(f"seeds: {len(real)} recap chunks + {len(texts)} filler chunks embedded in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
    np.save(workdir / "seeds.npy", np.vstack([real, filler]).astype(np.float32))


def vectors(seeds: np.ndarray, start: int, count: int, noise: float) -> np.ndarray:
    rng = np.random.default_rng(start)
    base = seeds[rng.integers(0, len(seeds), count)]
    out = base + rng.standard_normal(base.shape).astype(np.float32) * (noise / np.sqrt(base.shape[1]))
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def fill(workdir: Path, settings: Settings, chunks: int, noise: float) -> None:
    """Add filler chunks until the collection holds `chunks`; a document at a time is the unit of resumption."""
    store = VectorStore(settings)
    catalog = Catalog.load(settings.data_dir / settings.collection)
    seeds = np.load(workdir / "seeds.npy")
    pool = pool_of(workdir)
    real = sum(r.chunk_count for r in catalog.indexed() if not r.id.startswith("filler-"))  # the recaps alone
    docs = (chunks - real) // CHUNKS_PER_DOC
    done = sum(1 for r in catalog.records.values() if r.id.startswith("filler-"))
    per_batch = BATCH // CHUNKS_PER_DOC
    started, added = time.perf_counter(), 0
    with tqdm(total=docs, initial=done, desc="filling", unit="doc") as bar:
        for first in range(done, docs, per_batch):
            batch_docs = range(first, min(docs, first + per_batch))
            ids, texts, metas = [], [], []
            for d in batch_docs:
                source_id, parts, at = f"filler-{d:06d}", chunk_texts(pool, d), 0
                for i, text in enumerate(parts):
                    ids.append(f"{source_id}-{i:04d}")
                    texts.append(text)
                    span = [at, at + len(text)]
                    metas.append({"source_id": source_id, "chunk_index": i, "section": 0, "section_title": "",
                                  "start": span[0], "end": span[1], "spans": json.dumps([span])})  # fmt: skip
                    at += len(text) + 2
                body = "\n\n".join(parts)
                catalog.save_text(source_id, body)
                catalog.records[f"/filler/{source_id}.md"] = SourceRecord(
                    id=source_id, path=f"/filler/{source_id}.md", content_hash=source_id,
                    meta=DocumentMeta(title=f"Filler document {d}"), signature=signature(body),
                    chunk_count=len(parts),
                )  # fmt: skip
            store.chunks.add(
                ids=ids, embeddings=vectors(seeds, first, len(ids), noise), documents=texts, metadatas=metas
            )
            catalog.save()  # after the chunks: a rerun redoes at most this batch (add of existing ids is a no-op)
            added += len(ids)
            bar.update(len(batch_docs))
            bar.set_postfix(chunks_per_s=f"{added / (time.perf_counter() - started):.0f}")


def build_bm25(workdir: Path, settings: Settings) -> None:
    """BM25 over every chunk, as an ingest builds it, from the texts (not re-read from Chroma)."""
    from index.keyword_terms import ChunkTerms

    folder = settings.data_dir / settings.collection / "bm25"
    catalog = Catalog.load(settings.data_dir / settings.collection)
    expected = sum(r.chunk_count for r in catalog.indexed())
    current = KeywordIndex.load(folder)
    if current is not None and len(current.ids) == expected:
        return
    store = VectorStore(settings)
    pool = pool_of(workdir)
    real_ids = {r.id for r in catalog.indexed() if not r.id.startswith("filler-")}
    started = time.perf_counter()
    fresh = ChunkTerms.from_chunks(c for c in store.all_chunks() if c.source_id in real_ids)
    for d in tqdm(range(len(catalog.indexed()) - len(real_ids)), desc="bm25 terms", unit="doc"):
        source_id = f"filler-{d:06d}"
        fresh.extend(_Fresh(f"{source_id}-{i:04d}", source_id, "", text) for i, text in enumerate(chunk_texts(pool, d)))
    tokenised = time.perf_counter() - started
    index = fresh.index()
    index.save(folder, beside=fresh.save)
    print(f"bm25: {len(index.ids):,} chunks tokenised in {tokenised:.0f} s, built and saved in "
          f"{time.perf_counter() - started - tokenised:.0f} s", file=sys.stderr)  # fmt: skip


def ingest_parts(workdir: Path, settings: Settings, old_bm25: bool) -> None:
    """The parts of an ingest that grow with the index, as one more recap is added, old way and new."""
    from index.dedup import PERMUTATIONS, find_duplicates, similarity
    from index.keyword_terms import keyword_text, refresh

    folder = settings.data_dir / settings.collection
    started = time.perf_counter()
    catalog = Catalog.load(folder)
    print(f"catalog: {len(catalog.records):,} records, {(folder / 'catalog.json').stat().st_size / 1e6:.0f} MB, "
          f"loaded in {time.perf_counter() - started:.2f} s")  # fmt: skip
    signatures = [(r.path, r.signature) for r in catalog.records.values() if len(r.signature) == PERMUTATIONS]
    for n in sorted({min(size, len(signatures)) for size in (1000, 2500, len(signatures))}):
        started = time.perf_counter()
        find_duplicates(signatures[:n], 0.8)
        lsh = time.perf_counter() - started
        pairs = min(n, 1000) * (min(n, 1000) - 1) // 2
        started = time.perf_counter()
        for i in range(min(n, 1000)):  # all pairs: timed on up to 1,000 documents, scaled by the pair count
            for j in range(i):
                similarity(signatures[i][1], signatures[j][1])
        all_pairs = (time.perf_counter() - started) * (n * (n - 1) / 2) / pairs
        print(f"duplicates among {n:,} documents: LSH {lsh:.2f} s, all pairs {all_pairs:.1f} s (estimated)")
    texts = chunk_texts(pool_of(workdir), 99_999_999)
    expected = {r.id: r.chunk_count for r in catalog.indexed()} | {"extra": CHUNKS_PER_DOC}
    store = VectorStore(settings)
    fresh = [_Fresh(f"extra-{i:04d}", "extra", "", text) for i, text in enumerate(texts)]
    scratch = workdir / "bm25-scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(folder / "bm25", scratch)
    started = time.perf_counter()
    index = refresh(scratch, store, expected, fresh)
    took = time.perf_counter() - started
    print(f"BM25 refresh with one more recap (kept terms): {took:.1f} s, {len(index.ids):,} chunks")
    if old_bm25:
        started = time.perf_counter()
        chunks = [c for c in store.all_chunks() if c.source_id in expected]
        read = time.perf_counter() - started
        KeywordIndex.build([c.id for c in chunks], [keyword_text(c) for c in chunks])
        print(f"BM25 rebuild from every stored chunk (before): {time.perf_counter() - started:.1f} s "
              f"({read:.1f} s reading {len(chunks):,} chunks from Chroma)")  # fmt: skip


@dataclass(frozen=True)
class _Fresh:
    id: str
    source_id: str
    section_title: str
    text: str


def bm25_memory_mb(folder: Path) -> float:
    tracemalloc.start()
    index = KeywordIndex.load(folder)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert index is not None
    return size / 1e6


@dataclass(frozen=True)
class StoreFigures:
    """What one store of the 1M index measured: latencies in ms (p50, p95), sizes in MB."""

    store: str
    chunks: int
    open_s: float
    dense: tuple[float, float]
    search: tuple[float, float]
    ask: tuple[float, float]
    rss_mb: float
    server_rss_mb: float
    bm25_mb: float
    disk_mb: float

    def row(self) -> str:
        return (
            f"| {self.store} | {self.chunks:,} | {self.open_s:.1f} | {self.dense[0]:.1f} / {self.dense[1]:.1f} "
            f"| {self.search[0]:.1f} / {self.search[1]:.1f} | {self.ask[0]:.1f} / {self.ask[1]:.1f} "
            f"| {self.rss_mb:.0f} | {self.server_rss_mb:.0f} | {self.bm25_mb:.0f} | {self.disk_mb:,.0f} |"
        )


def settings_for(workdir: Path) -> Settings:
    return Settings(data_dir=workdir / "data", llm="extractive")


def measure(workdir: Path, settings: Settings, store_kind: str) -> StoreFigures:
    """Open the index (embedded, or behind a `chroma run` of its folder) and time the evaluation questions:
    a dense query alone, a whole `search` (dense + sentences + BM25 + fusion), and an extractive `ask`."""
    server = None
    if store_kind == "server":
        server, url = start_chroma(settings.chroma_path())
        settings = settings.model_copy(update={"chroma_url": url})
    try:
        base_rss = rss_mb(os.getpid())
        started = time.perf_counter()
        assistant = Assistant(settings, auto_ingest=False)
        view = assistant.view()
        chunks = view.store.count()
        assistant.search("warm up the embedder", k=5)
        opened = time.perf_counter() - started
        questions = [q.question for q in load_questions() if q.answerable] * 2
        dense, search, ask = [], [], []
        for q in questions:
            vector = assistant.embedder.embed([q])[0]
            t = time.perf_counter()
            view.store.query(vector, 40)
            dense.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.search(q, k=5)
            search.append((time.perf_counter() - t) * 1000)
        for q in questions[: len(questions) // 2]:
            t = time.perf_counter()
            assistant.ask(q)
            ask.append((time.perf_counter() - t) * 1000)
        return StoreFigures(
            store=store_kind,
            chunks=chunks,
            open_s=opened,
            dense=(p(dense, 50), p(dense, 95)),
            search=(p(search, 50), p(search, 95)),
            ask=(p(ask, 50), p(ask, 95)),
            rss_mb=rss_mb(os.getpid()) - base_rss,
            server_rss_mb=rss_mb(server.pid) if server else 0.0,
            bm25_mb=bm25_memory_mb(settings.data_dir / settings.collection / "bm25"),
            disk_mb=disk_usage(settings.data_dir) / 1e6,
        )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=60)


def p(values: list[float], q: int) -> float:
    values = sorted(values)
    return (
        values[min(len(values) - 1, int(q / 100 * (len(values) - 1) + 0.5))] if q != 50 else statistics.median(values)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--workdir", type=Path, required=True, help="Where the index is built (kept; about 5 GB at 1M)."
    )
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--seeds", type=int, default=1000, help="Filler chunks embedded for real as seeds.")
    parser.add_argument("--noise", type=float, default=0.75)
    parser.add_argument("--phases", nargs="+", default=["prepare", "fill", "bm25", "measure", "ingest-parts"])
    parser.add_argument("--old-bm25", action="store_true", help="ingest-parts: also time the old BM25 rebuild")
    parser.add_argument("--stores", nargs="+", choices=["embedded", "server"], default=["embedded", "server"])
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    settings = settings_for(args.workdir)
    if "prepare" in args.phases:
        prepare(args.workdir, settings, args.seeds)
    if "fill" in args.phases:
        fill(args.workdir, settings, args.chunks, args.noise)
    if "bm25" in args.phases:
        build_bm25(args.workdir, settings)
    if "measure" in args.phases:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print("| store | chunks | open s | dense query p50 / p95 ms | search p50 / p95 ms | ask p50 / p95 ms "
              "| RSS MB | server RSS MB | BM25 MB | disk MB |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|")
        for kind in args.stores:
            print(measure(args.workdir, settings, kind).row(), flush=True)
    if "ingest-parts" in args.phases:
        ingest_parts(args.workdir, settings, args.old_bm25)


if __name__ == "__main__":
    main()
