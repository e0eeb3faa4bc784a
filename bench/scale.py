"""How recap scales: grow the index with filler recaps and measure ingest, size, memory and queries.

    .venv/bin/python bench/scale.py --sizes 10000 100000 --stores embedded server
    .venv/bin/python bench/scale.py --sizes 83200 --stores embedded --serve-built --workdir /tmp/scale

`--serve-built` also measures a `chroma run` server serving the very index the embedded run built
(Chroma's on-disk format is the same), for when a second ingest of that size does not fit the time
at hand: that row has query figures only. With `--serve-built` and no `--stores`, an earlier
embedded run kept in `--workdir` is served and nothing is ingested.

Filler documents are built from prose that is on every machine offline: the Python reference
topics shipped with CPython (pydoc_data) and the descriptions of the installed packages
(*.dist-info/METADATA) other than recap's own, paragraphs shuffled into documents with a fixed
seed; none quotes a recap. The five KubeCon recaps are ingested first; at every size the evaluation
questions are asked again and the recall@5 of their evidence reported.
Prints a Markdown table (paste it into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant
from assistant.evaluation import found, load_questions
from index.settings import Settings

CHUNK_CHARS = 280  # what one chunk of this filler holds on average (paragraphs are packed whole)


SHINGLE_WORDS = 8  # a run of this many words shared with a recap means the paragraph quotes it


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def prose_paragraphs() -> list[str]:
    """Paragraphs of offline prose that say nothing about the recaps.

    Our own package's description (the README) quotes the recaps, and so would any other text about
    them: filler holding the questions' evidence would let it be "found" in the wrong place."""
    import pydoc_data.topics

    texts = list(pydoc_data.topics.topics.values())
    site = Path(pydoc_data.topics.__file__).parents[1]
    for venv_site in {Path(p) for p in sys.path if p.endswith("site-packages")} | {site}:
        for metadata in venv_site.glob("*.dist-info/METADATA"):
            if not metadata.parent.name.startswith("recap-"):
                texts.append(metadata.read_text(errors="ignore"))
    recaps = set().union(*(shingles(f.read_text()) for f in Settings().corpus_dir.iterdir() if f.is_file()))
    paragraphs = []
    for text in texts:
        for para in text.split("\n\n"):
            para = " ".join(para.split())
            # Prose only: headers of METADATA files ("Requires-Dist: ...") are not sentences.
            if len(para) > 200 and ":" not in para[:30] and para.count(" ") > 30 and not shingles(para) & recaps:
                paragraphs.append(para)
    return paragraphs


def write_filler(folder: Path, chunks: int, seed: int = 7) -> int:
    """Write documents holding about `chunks` chunks in total; return how many files."""
    paragraphs = prose_paragraphs()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per_doc = 40  # chunks per filler document
    docs = max(1, chunks // per_doc)
    for d in range(docs):
        body, size = [], 0
        while size < per_doc * CHUNK_CHARS:
            para = rng.choice(paragraphs)
            body.append(para)
            size += len(para)
        (folder / f"filler-{d:05d}.md").write_text(f"# Filler document {d}\n\n" + "\n\n".join(body) + "\n")
    return docs


def disk_usage(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    cmd = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start within 60 s")


@dataclass
class Row:
    store: str
    chunks: int
    ingest_s: float | None  # None: the row measures an index built by another row
    chunks_per_s: float | None
    disk_mb: float
    rss_mb: float
    server_rss_mb: float
    p50_ms: float
    p95_ms: float
    recall: float


def run(size: int, store: str, workdir: Path) -> Row:
    filler = workdir / f"filler-{size}"
    if not filler.exists():
        write_filler(filler, size)
    data_dir = workdir / f"data-{store}-{size}"
    server, url, server_path = None, None, workdir / f"chroma-{size}"
    if store == "server":
        server, url = start_chroma(server_path)
    try:
        assistant = Assistant(Settings(data_dir=data_dir, chroma_url=url), auto_ingest=False)
        assistant.ingest()  # the real recaps first
        started = time.perf_counter()
        report = assistant.ingest([filler], progress=True)
        ingest_s = time.perf_counter() - started
        p50, p95, recall = measure_queries(assistant)
        return Row(
            store=store,
            chunks=report.chunks_total,
            ingest_s=ingest_s,
            chunks_per_s=report.chunks_added / ingest_s,
            disk_mb=(disk_usage(data_dir) + (disk_usage(server_path) if server else 0)) / 1e6,
            rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            server_rss_mb=rss_mb(server.pid) if server else 0.0,
            p50_ms=p50,
            p95_ms=p95,
            recall=recall,
        )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)


def measure_queries(assistant: Assistant) -> tuple[float, float, float]:
    """Query latency p50/p95 (ms) and evidence recall@5 over the answerable questions, each asked twice."""
    questions = [q for q in load_questions() if q.answerable]
    latencies, recalls = [], []
    for q in questions * 2:
        t = time.perf_counter()
        hits = assistant.search(q.question, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        recalls.append(sum(found(e, [h.text for h in hits]) is not None for e in q.evidence) / len(q.evidence))
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))], statistics.fmean(recalls)


def serve_built(size: int, workdir: Path) -> Row:
    """A `chroma run` server over the index the embedded run of this size built; queries only."""
    data_dir = workdir / f"data-embedded-{size}"
    if not (data_dir / "chroma").is_dir():
        raise SystemExit(f"--serve-built needs the embedded run of size {size} in {workdir} first")
    server, url = start_chroma(data_dir / "chroma")
    try:
        started = time.perf_counter()
        assistant = Assistant(Settings(data_dir=data_dir, chroma_url=url), auto_ingest=False)
        chunks = assistant.view().store.count()  # the server answers for the whole collection
        print(f"(server serves {chunks:,} chunks, {time.perf_counter() - started:.1f} s to open)", file=sys.stderr)
        p50, p95, recall = measure_queries(assistant)
        return Row(
            store="server (`chroma run`), same index",
            chunks=chunks,
            ingest_s=None,
            chunks_per_s=None,
            disk_mb=disk_usage(data_dir) / 1e6,
            rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            server_rss_mb=rss_mb(server.pid),
            p50_ms=p50,
            p95_ms=p95,
            recall=recall,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def table_row(r: Row) -> str:
    ingest = f"{r.ingest_s:.0f} | {r.chunks_per_s:.1f}" if r.ingest_s is not None else "— | —"
    return (
        f"| {r.store} | {r.chunks:,} | {ingest} | {r.disk_mb:.0f} | {r.rss_mb:.0f} | {r.server_rss_mb:.0f} "
        f"| {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.recall:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--stores", nargs="+", choices=["embedded", "server"], help="default: both")
    parser.add_argument("--workdir", type=Path, help="Keep data here (default: a temporary folder).")
    parser.add_argument(
        "--serve-built",
        action="store_true",
        help="Also query each size's embedded index through a `chroma run` server (no second ingest).",
    )
    args = parser.parse_args()
    if args.stores is None:
        args.stores = [] if args.serve_built else ["embedded", "server"]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="recap-scale-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| store | chunks | ingest s | chunks/s | disk MB | peak RSS MB | server RSS MB "
        "| query p50 ms | p95 ms | recall@5 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    try:
        for size in args.sizes:
            for store in args.stores:
                print(table_row(run(size, store, workdir)), flush=True)
            if args.serve_built:
                print(table_row(serve_built(size, workdir)), flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
