"""Embedding options side by side: ingest speed and what each does to retrieval and extractive answers.

    .venv/bin/python bench/embedding_options.py                      # the bundled recaps, 3 ingests each
    .venv/bin/python bench/embedding_options.py --filler-chunks 3000 # plus a larger corpus (bench/scale.py)

Options (Settings.embed_precision x Settings.sentence_vectors):
- fp32-separate: the model's own weights, every sentence embedded in a pass of its own (before issue 17);
- fp32-late: one pass per chunk, sentence vectors pooled from the chunk's token states (late chunking);
- int8-separate, int8-late: the same with ONNX Runtime dynamic int8 quantisation.

For each option:
- ingest words/s: `recap ingest` as a new process (imports, model load, cleaning, chunking, embedding,
  Chroma and BM25 writes), words of input = whitespace-separated words of the files. "cold" is a new
  data directory (the ONNX export included); "exported" is a new data directory whose models folder
  already holds the file. Wall clock and CPU seconds (user + sys) of the process, median of --repeats,
  options interleaved so that a busy spell hits them alike;
- `recap eval` on tests/eval/questions.jsonl: recall@5, MRR, abstention recall, warm ask p50;
- tests/eval/blind.jsonl, dev split only: evidence recall@5 (grade-2 gold sentences contained in the
  top-5 `Assistant.search` hits) and extractive answer precision (quoted sentences overlapping a gold
  sentence, grade 1 or 2, of the same document);
- how question-to-sentence similarities move (the extractive answer and the verifier have thresholds
  on them): quantiles over dev questions, for gold sentences and for every sentence of the top-8 passages,
  and the cosine between each sentence's vector under the option and under fp32-separate.
Prints Markdown tables (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import write_filler

from assistant import Assistant
from assistant.evaluation import EVAL_SETS, evaluate, load_questions, normalise, split_of
from index.embeddings import Embedder
from index.settings import BUNDLED_CORPUS, Settings
from index.store import VectorStore

OPTIONS = {
    "fp32-separate": ("fp32", "separate"),
    "fp32-late": ("fp32", "late"),
    "int8-separate": ("int8", "separate"),
    "int8-late": ("int8", "late"),
}
BASELINE = "fp32-separate"
RECAP = [sys.executable, "-m", "assistant.cli"]


def words_in(folder: Path) -> int:
    return sum(len(p.read_text(errors="ignore").split()) for p in folder.rglob("*") if p.suffix in {".txt", ".md"})


def run_ingest(data_dir: Path, option: str, paths: list[Path]) -> tuple[float, float]:
    """(wall s, CPU s) of `recap ingest PATHS` in a new process."""
    precision, sentences = OPTIONS[option]
    env = {
        **os.environ,
        "RECAP_DATA_DIR": str(data_dir),
        "RECAP_EMBED_PRECISION": precision,
        "RECAP_SENTENCE_VECTORS": sentences,
        "RECAP_LLM": "extractive",
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*RECAP, "ingest", *map(str, paths)], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def seeded(data_dir: Path, models: Path) -> Path:
    """A new data directory whose models folder already holds the exported files (hard links)."""
    (data_dir / "models").mkdir(parents=True)
    for f in models.glob("*.onnx"):
        os.link(f, data_dir / "models" / f.name)
    return data_dir


@dataclass
class Result:
    option: str
    cold: list[tuple[float, float]] = field(default_factory=list)
    exported: list[tuple[float, float]] = field(default_factory=list)
    filler: list[tuple[float, float]] = field(default_factory=list)
    quality: dict[str, float] = field(default_factory=dict)
    similarities: dict[str, list[float]] = field(default_factory=dict)


def gold_spans(assistant: Assistant) -> dict[str, tuple[str, str]]:
    """Recap file name -> (source id, document text) of what is indexed (000 is indexed as 002)."""
    out = {}
    for source in assistant.sources():
        out[Path(source.path).name] = (source.id, assistant.document_text(source.id))
    return out


def blind_dev(assistant: Assistant) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Evidence recall@5 and extractive answer precision on the blind set's dev split, and the
    question-to-sentence similarities seen on the way."""
    rows = [json.loads(line) for line in (EVAL_SETS / "blind.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if split_of(r["id"]) == "dev"]
    docs = gold_spans(assistant)
    found = total = quoted = hit = 0
    gold_sims: list[float] = []
    all_sims: list[float] = []
    top_sims: list[float] = []
    for row in rows:
        gold2 = [g for g in row["gold"] if g["grade"] == 2]
        hits = assistant.search(row["question"], k=5)
        texts = normalise(" \n ".join(h.text for h in hits))
        found += sum(normalise(g["text"]) in texts for g in gold2)
        total += len(gold2)
        spans = {}
        for g in row["gold"]:
            source_id, text = docs[g["doc"]]
            at = text.find(g["text"])
            if at >= 0:
                spans.setdefault(source_id, []).append((at, at + len(g["text"])))
        answer = assistant.ask(row["question"], history=row.get("history"))
        for c in answer.citations:
            quoted += 1
            hit += any(s < c.end and c.start < e for s, e in spans.get(c.source.id, []))
        sims, gold_flags = sentence_similarities(assistant, row["question"], spans)
        all_sims += sims
        gold_sims += [s for s, g in zip(sims, gold_flags, strict=True) if g]
        if sims:
            top_sims.append(max(sims))
    quality = {"blind_evidence_recall5": found / total, "blind_answer_precision": hit / quoted if quoted else 1.0}
    quality["blind_quotes"] = quoted
    return quality, {"gold": gold_sims, "all": all_sims, "top": top_sims}


def sentence_similarities(
    assistant: Assistant, question: str, gold: dict[str, list[tuple[int, int]]]
) -> tuple[list[float], list[bool]]:
    """Similarity of the question to every stored sentence of its top-8 passages, and which are gold."""
    view = assistant.view()
    retrieval = view.retriever.retrieve(question, 8)
    vectors = view.store.sentence_vectors([p.chunk.id for p in retrieval.passages])
    sims = (vectors.vectors @ retrieval.query_vector).tolist() if vectors.chunk_ids else []
    flags = [
        any(s < e2 and s2 < e for s2, e2 in gold.get(source_id, []))
        for (s, e), source_id in zip(vectors.spans, vectors.source_ids, strict=True)
    ]
    return sims, flags


def stored_sentences(data_dir: Path) -> dict[str, np.ndarray]:
    store = VectorStore(Settings(data_dir=data_dir))
    res = store.sentences.get(include=["embeddings"])
    return dict(zip(res["ids"], np.asarray(res["embeddings"], dtype=np.float32), strict=True))


def quality_of(option: str, data_dir: Path, models: Path) -> tuple[dict[str, float], dict[str, list[float]]]:
    precision, sentences = OPTIONS[option]
    settings = Settings(data_dir=data_dir, llm="extractive", embed_precision=precision, sentence_vectors=sentences)
    assistant = Assistant(settings, embedder=Embedder(models, precision, "cpu"), auto_ingest=False)
    report = evaluate(assistant, load_questions(), k=5)
    latencies = sorted(r.latency_ms for r in report.results)
    quality = {
        "recall5": report.recall_at_k,
        "mrr": report.mrr,
        "abstention_recall": report.abstention_recall,
        "abstention_precision": report.abstention_precision,
        "ask_p50_ms": statistics.median(latencies),
    }
    blind, sims = blind_dev(assistant)
    return {**quality, **blind}, sims


def quantiles(values: list[float]) -> str:
    if not values:
        return "-"
    q = np.quantile(np.asarray(values), [0.1, 0.5, 0.9])
    return " / ".join(f"{v:.3f}" for v in q)


def median_pair(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--options", nargs="+", default=list(OPTIONS), choices=list(OPTIONS))
    parser.add_argument("--repeats", type=int, default=3, help="ingests of the bundled recaps per option")
    parser.add_argument("--filler-chunks", type=int, default=0, help="also ingest filler of about this many chunks")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="recap-embedding-options-"))
    workdir.mkdir(parents=True, exist_ok=True)
    models = workdir / "models"
    for precision in sorted({OPTIONS[o][0] for o in args.options}):
        Embedder(models, precision, "cpu").backend()  # exported once, then linked into every data dir
    results = {o: Result(o) for o in args.options}
    bundled_words = words_in(BUNDLED_CORPUS)
    for repeat in range(args.repeats):
        for option in args.options:
            cold = workdir / f"cold-{option}-{repeat}"
            results[option].cold.append(run_ingest(cold, option, []))
            shutil.rmtree(cold)
            target = workdir / f"data-{option}"
            if repeat == args.repeats - 1:
                shutil.rmtree(target, ignore_errors=True)
                results[option].exported.append(run_ingest(seeded(target, models), option, []))
            else:
                scratch = seeded(workdir / f"exported-{option}-{repeat}", models)
                results[option].exported.append(run_ingest(scratch, option, []))
                shutil.rmtree(scratch)
            print(f"[{repeat}] {option}: cold {results[option].cold[-1]}, exported {results[option].exported[-1]}",
                  file=sys.stderr, flush=True)  # fmt: skip
    filler_words = 0
    if args.filler_chunks:
        filler = workdir / "filler"
        if not filler.exists():
            write_filler(filler, args.filler_chunks)
        filler_words = words_in(filler)
        for option in args.options:
            data_dir = seeded(workdir / f"filler-{option}", models)
            results[option].filler.append(run_ingest(data_dir, option, [filler]))
            print(f"filler {option}: {results[option].filler[-1]}", file=sys.stderr, flush=True)
            shutil.rmtree(data_dir)
    baseline_sentences = stored_sentences(workdir / f"data-{BASELINE}") if BASELINE in args.options else {}
    for option in args.options:
        data_dir = workdir / f"data-{option}"
        results[option].quality, results[option].similarities = quality_of(option, data_dir, models)
        if baseline_sentences:
            mine = stored_sentences(data_dir)
            results[option].similarities["vs_baseline"] = [
                float(mine[k] @ v) for k, v in baseline_sentences.items() if k in mine
            ]
        print(f"quality {option}: {results[option].quality}", file=sys.stderr, flush=True)
    report(results, bundled_words, filler_words, args)


def report(results: dict[str, Result], bundled_words: int, filler_words: int, args: argparse.Namespace) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average at the end {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"bundled recaps: {bundled_words:,} words, median of {args.repeats} ingests per option")
    header = "| option | cold ingest s (CPU s) | words/s | exported: ingest s (CPU s) | words/s | words/CPU-s |"
    if filler_words:
        header += f" filler {filler_words:,} words: s (CPU s) | words/s |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for option, r in results.items():
        cw, cc = median_pair(r.cold)
        ew, ec = median_pair(r.exported)
        line = (
            f"| {option} | {cw:.1f} ({cc:.1f}) | {bundled_words / cw:,.0f} | {ew:.1f} ({ec:.1f}) | "
            f"{bundled_words / ew:,.0f} | {bundled_words / ec:,.0f} |"
        )
        if filler_words and r.filler:
            fw, fc = median_pair(r.filler)
            line += f" {fw:.1f} ({fc:.1f}) | {filler_words / fw:,.0f} |"
        print(line)
    print()
    keys = [
        ("recall5", "eval recall@5"),
        ("mrr", "eval MRR"),
        ("abstention_recall", "abstention recall"),
        ("abstention_precision", "abstention precision"),
        ("blind_evidence_recall5", "blind dev evidence recall@5"),
        ("blind_answer_precision", "blind dev answer precision"),
        ("blind_quotes", "blind dev quotes"),
        ("ask_p50_ms", "warm ask p50 ms"),
    ]
    print("| option | " + " | ".join(label for _, label in keys) + " |")
    print("|" + "---|" * (len(keys) + 1))
    for option, r in results.items():
        print(f"| {option} | " + " | ".join(f"{r.quality[k]:.3f}" for k, _ in keys) + " |")
    print()
    print("| option | question-sentence similarity p10 / p50 / p90: gold | all in top-8 | best per question "
          "| sentence cosine to fp32-separate p10 / p50 / p90 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for option, r in results.items():
        s = r.similarities
        print(
            f"| {option} | {quantiles(s['gold'])} | {quantiles(s['all'])} | {quantiles(s['top'])} "
            f"| {quantiles(s.get('vs_baseline', []))} |"
        )


if __name__ == "__main__":
    main()
