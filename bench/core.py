"""Speed of the retrieval core on this machine. Prints figures; asserts nothing.

    .venv/bin/python bench/core.py

- cold ingest: `recap ingest` of the bundled recaps in a new process and an empty data directory
  (imports, model load, cleaning, chunking, embedding, Chroma and BM25 writes);
- warm ask: `Assistant.ask` over the evaluation questions with everything loaded, p50/p95;
- cold ask: `recap ask` as a new process against an existing index.
Targets (2 cores): warm extractive ask p50 <= 150 ms, cold ingest <= 20 s.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant import Assistant
from assistant.evaluation import load_questions
from index.settings import Settings

RECAP = [sys.executable, "-m", "assistant.cli"]


def timed_run(args: list[str], data_dir: Path) -> float:
    env = {**os.environ, "RECAP_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    subprocess.run([*RECAP, *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="recap-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        cold_ingest = timed_run(["ingest"], data_dir)
        cold_asks = [timed_run(["ask", "What did people say about Wasm?"], data_dir) for _ in range(3)]

        assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"), auto_ingest=False)
        questions = load_questions()
        assistant.ask(questions[0].question)  # warm-up: model and index loaded
        latencies = []
        for _ in range(3):
            for q in questions:
                started = time.perf_counter()
                assistant.ask(q.question)
                latencies.append((time.perf_counter() - started) * 1000)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"cold ingest of the bundled recaps (new process): {cold_ingest:6.2f} s   (target <= 20 s)")
    print(f"cold `recap ask` (new process), median of 3:     {statistics.median(cold_asks):6.2f} s")
    print(
        f"warm ask over {len(questions)} questions x3: p50 {percentile(latencies, 0.5):6.1f} ms, "
        f"p95 {percentile(latencies, 0.95):6.1f} ms, max {max(latencies):6.1f} ms   (target p50 <= 150 ms)"
    )


if __name__ == "__main__":
    main()
