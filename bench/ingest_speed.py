"""Ingest speed of two versions of recap, side by side: a large first ingest, then one more recap.

    .venv/bin/python bench/ingest_speed.py --filler-chunks 10000       # this tree alone

    git worktree add /tmp/recap-before <commit> --detach   # or: git archive <commit> | tar -x -C /tmp/recap-before
    .venv/bin/python bench/ingest_speed.py --before /tmp/recap-before --filler-chunks 5000

Each version runs `recap ingest` as a new process (imports, model load, cleaning, chunking,
embedding, Chroma, BM25 and the duplicate search all counted), from a new data directory whose
`models/` already holds the exported ONNX file (the one-time export is left out: see
bench/embedding_options.py). The versions alternate, so a busy spell on a shared machine hits both.
Words of input are whitespace-separated words of the files. Then each index gets one more recap
(`recap ingest FILE`): the cost of an incremental ingest into an index of that size, where the
all-pairs duplicate search and the BM25 rebuild from every stored chunk used to grow with the index.
Recall@5 of the evaluation questions' evidence is measured on every index (bench/scale.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from embedding_options import seeded, words_in
from scale import write_filler

from index.embeddings import Embedder
from index.settings import BUNDLED_CORPUS

REPO = Path(__file__).resolve().parent.parent


def recap_ingest(code: Path, data_dir: Path, paths: list[Path]) -> tuple[float, float]:
    """(wall s, CPU s) of `recap ingest PATHS` run from the source tree `code`, in a new process."""
    env = {**os.environ, "RECAP_DATA_DIR": str(data_dir), "RECAP_LLM": "extractive", "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", *map(str, paths)], check=True,
                   capture_output=True, env=env, cwd=code)  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def recall_at_5(code: Path, data_dir: Path) -> float:
    """Evidence recall@5 of the evaluation questions on `data_dir`, searched by the version that built it
    (another version may read its index differently, or refuse it)."""
    script = (
        f"import sys; sys.path.insert(0, {str(REPO / 'bench')!r}); from scale import measure_queries; "
        "from assistant import Assistant; from index.settings import Settings; "
        f"print(measure_queries(Assistant(Settings(data_dir={str(data_dir)!r}), auto_ingest=False))[2])"
    )
    env = {**os.environ, "RECAP_LLM": "extractive", "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env, cwd=code)
    return float(done.stdout.strip().splitlines()[-1])


def one_more(workdir: Path) -> Path:
    """A folder with one recap the index does not hold yet (filler of another seed, about 40 chunks)."""
    folder = workdir / "one-more"
    if not folder.exists():
        write_filler(folder, 40, seed=99)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="A source tree of the version to compare with (default: none).")
    parser.add_argument("--filler-chunks", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="Keep data here (default: a temporary folder).")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="recap-ingest-speed-"))
    models = workdir / "models"
    Embedder(models, "int8", "cpu").backend()  # exported once, linked into every data directory
    filler = workdir / "filler"
    if not filler.exists():
        write_filler(filler, args.filler_chunks)
    paths = [BUNDLED_CORPUS, filler]
    words = words_in(BUNDLED_CORPUS) + words_in(filler)
    versions = ({"before": args.before.resolve()} if args.before else {}) | {"after": REPO}
    first: dict[str, list[tuple[float, float]]] = {v: [] for v in versions}
    extra: dict[str, list[tuple[float, float]]] = {v: [] for v in versions}
    recall: dict[str, float] = {}
    try:
        for repeat in range(args.repeats):
            for name, code in versions.items():
                data_dir = workdir / f"data-{name}-{repeat}"
                shutil.rmtree(data_dir, ignore_errors=True)
                first[name].append(recap_ingest(code, seeded(data_dir, models), paths))
                extra[name].append(recap_ingest(code, data_dir, [one_more(workdir)]))
                print(f"{name}: {first[name][-1]}, one more {extra[name][-1]}", file=sys.stderr, flush=True)
                if repeat == 0:
                    recall[name] = recall_at_5(code, data_dir)
        print(f"{words:,} words of input ({args.filler_chunks:,} filler chunks and the bundled recaps)")
        print("| version | ingest s (CPU s) | words/s | words per CPU-s | one more recap: s (CPU s) | recall@5 |")
        print("|---|---|---|---|---|---|")
        for name in versions:
            wall, cpu = (statistics.median(x) for x in zip(*first[name], strict=True))
            more_wall, more_cpu = (statistics.median(x) for x in zip(*extra[name], strict=True))
            print(f"| {name} | {wall:.1f} ({cpu:.1f}) | {words / wall:,.0f} | {words / cpu:,.0f} "
                  f"| {more_wall:.1f} ({more_cpu:.1f}) | {recall[name]:.3f} |")  # fmt: skip
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
