"""Every speed and memory target of the core (issue 17) beside what this machine measures. Asserts nothing.

    .venv/bin/python bench/core.py [--runs 5]

All figures come from one run, side by side, on the bundled recaps:
- cold ingest: `recap ingest` in a new process and an empty data directory, and its words of input
  per second (the whole process counted);
- cold `recap ask` / `recap search`: a new process against the built index, median of `--runs`;
- `recap serve`: a new process; from the moment it prints "serving on", the first answer through the
  app's HTTP API (`/ask`, as a script calls it), the process's resident memory after that answer,
  and the topic map: the time `Assistant.topic_map()` takes in a fresh process (what the tab waits
  for on the server), and, when Playwright and Debian's chromium are installed, the time from
  clicking the tab to the map on screen;
- warm extractive ask: `Assistant.ask` over the evaluation questions with everything loaded, p50;
- 1M chunks: `recap search` p50 on the index bench/million.py simulates (`--million DIR`: its workdir),
  embedded and behind `chroma run`.
The machine is shared: take the figures of one run together, not against another run's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from scale import free_port, rss_mb

from assistant import Assistant
from assistant.evaluation import load_questions
from index.settings import BUNDLED_CORPUS, Settings

RECAP = [sys.executable, "-m", "assistant.cli"]
QUESTION = "What did people say about Wasm?"


@dataclass(frozen=True)
class Figure:
    """One target of the issue and what was measured (None: not measured in this run)."""

    name: str
    target: float
    measured: float | None
    unit: str
    higher_is_better: bool = False
    note: str = ""

    def row(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        if self.measured is None:
            shown, verdict = "—", "not measured"
        else:
            met = self.measured >= self.target if self.higher_is_better else self.measured <= self.target
            shown, verdict = (
                f"{self.measured:,.{2 if self.measured < 10 else 0}f} {self.unit}",
                "met" if met else "MISSED",
            )
        target = f"{sign} {self.target:,g} {self.unit}"
        return f"{self.name:<46} {target:>14} {shown:>14}  {verdict:<12} {self.note}"


def environment(data_dir: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "RECAP_DATA_DIR": str(data_dir), "RECAP_LLM": "extractive", **more}


def timed_run(args: list[str], data_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*RECAP, *args], check=True, capture_output=True, env=environment(data_dir))
    return time.perf_counter() - started


def corpus_words() -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in BUNDLED_CORPUS.iterdir() if p.suffix == ".txt")


def ingest_figures(data_dir: Path) -> list[Figure]:
    """Cold ingest of the bundled recaps into `data_dir` (which the other figures then use).

    The ingest-speed work (another branch) may replace the throughput figure with its own, larger
    measurement: keep its name and target.
    """
    seconds = timed_run(["ingest"], data_dir)
    words = corpus_words()
    return [
        Figure("cold ingest of the bundled recaps", 20, seconds, "s"),
        Figure(
            "ingest throughput (whole `recap ingest` process)",
            1000,
            words / seconds,
            "words/s",
            higher_is_better=True,
            note=f"{words:,} words; start-up dominates at this size",
        ),
    ]


def cold_figures(data_dir: Path, runs: int) -> list[Figure]:
    asks = [timed_run(["ask", QUESTION], data_dir) for _ in range(runs)]
    searches = [timed_run(["search", QUESTION], data_dir) for _ in range(runs)]
    return [
        Figure("cold `recap ask` (new process), median", 1.5, statistics.median(asks), "s", note=spread(asks)),
        Figure(
            "cold `recap search` (new process), median", 1.2, statistics.median(searches), "s", note=spread(searches)
        ),
    ]


def spread(values: list[float]) -> str:
    return f"{len(values)} runs, {min(values):.2f}-{max(values):.2f} s"


@contextmanager
def recap_serve(data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], str, float]]:
    """`recap serve` on a free port: the process, its URL, and when it printed "serving on"."""
    port = free_port()
    proc = subprocess.Popen(
        [*RECAP, "serve", "--port", str(port)],
        env=environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "serving on" in line:
                break
        else:
            raise RuntimeError("recap serve exited before it served")
        yield proc, f"http://127.0.0.1:{port}", time.perf_counter()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def api_ask(url: str, question: str) -> dict:
    """One answer through the app's `/ask` endpoint, over Gradio's plain HTTP API.

    A server that said "serving on" before it listened (as recap did before it warmed up first) is
    asked again until it answers: the user's wait counts from that line."""
    deadline = time.monotonic() + 300
    with httpx.Client(base_url=url, timeout=120) as client:
        while True:
            try:
                event = client.post("/gradio_api/call/ask", json={"data": [question]}).json()["event_id"]
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with client.stream("GET", f"/gradio_api/call/ask/{event}") as response:
            for line in response.iter_lines():
                if line.startswith("data:") and line[5:].strip().startswith("["):
                    return json.loads(line[5:])[0]
    raise RuntimeError("no answer from /ask")


def serve_figures(data_dir: Path) -> list[Figure]:
    with recap_serve(data_dir) as (proc, url, ready):
        answer = api_ask(url, QUESTION)
        first = time.perf_counter() - ready
        rss = rss_mb(proc.pid)
        browser = browser_topic_map(url)
    assert answer["citations"], answer
    return [
        Figure("serve: first answer (API) after 'serving on'", 1.0, first, "s"),
        Figure("serve: resident memory after the first answer", 400, rss, "MB"),
        Figure("topic map: Assistant.topic_map(), new process", 300, topic_map_ms(data_dir), "ms"),
        Figure("topic map: tab click to map on screen", 300, browser, "ms", note="" if browser else "no browser here"),
    ]


TOPIC_MAP = """
import sys, time
from assistant import Assistant
from index.settings import Settings
assistant = Assistant(Settings(data_dir=sys.argv[1]), auto_ingest=False)
started = time.perf_counter()
assistant.topic_map()
print((time.perf_counter() - started) * 1000)
"""


def topic_map_ms(data_dir: Path) -> float:
    out = subprocess.run([sys.executable, "-c", TOPIC_MAP, str(data_dir)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def browser_topic_map(url: str) -> float | None:
    """Milliseconds from clicking the Topic map tab to its cells on screen; None without a browser."""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium.exists():
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--headless"])
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#recap-question textarea")
        started = time.perf_counter()
        page.get_by_role("tab", name="Topic map").click()
        page.locator(".recap-cell").first.wait_for(timeout=60_000)
        elapsed = (time.perf_counter() - started) * 1000
        browser.close()
    return elapsed


def warm_figures(data_dir: Path) -> list[Figure]:
    assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"), auto_ingest=False)
    questions = load_questions()
    assistant.ask(questions[0].question)  # warm-up: model and index loaded
    latencies = []
    for _ in range(3):
        for q in questions:
            started = time.perf_counter()
            assistant.ask(q.question)
            latencies.append((time.perf_counter() - started) * 1000)
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    note = f"{len(questions)} questions x3; p95 {p95:.1f} ms"
    return [Figure("warm extractive ask p50", 40, statistics.median(latencies), "ms", note=note)]


def million_figures(workdir: Path | None) -> list[Figure]:
    """`recap search` p50 on the simulated 1M-chunk index bench/million.py built in `workdir`, if given."""
    names = {"embedded": "1M chunks: query p50, embedded", "server": "1M chunks: query p50, `chroma run`"}
    if workdir is None or not (workdir / "data" / "chroma").is_dir():
        return [Figure(name, 100, None, "ms", note="build it: bench/million.py --workdir DIR, then --million DIR")
                for name in names.values()]  # fmt: skip
    from million import measure, settings_for

    figures = []
    for kind, name in names.items():
        measured = measure(workdir, settings_for(workdir), kind)
        note = (f"{measured.chunks:,} chunks; p95 {measured.search[1]:.0f} ms; dense query alone p50 "
                f"{measured.dense[0]:.0f} ms")  # fmt: skip
        figures.append(Figure(name, 100, measured.search[0], "ms", note=note))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="new processes per cold figure")
    parser.add_argument("--million", type=Path, help="the --workdir of a bench/million.py build: time its 1M index")
    parser.add_argument("--million-only", action="store_true", help="only the 1M rows (with --million)")
    args = parser.parse_args()
    steps: list[Callable[[Path], list[Figure]]] = [
        lambda d: cold_figures(d, args.runs),
        serve_figures,
        warm_figures,
    ]
    figures: list[Figure] = []
    if not args.million_only:
        with tempfile.TemporaryDirectory(prefix="recap-bench-") as tmp:
            data_dir = Path(tmp) / "data"
            figures = ingest_figures(data_dir)
            for step in steps:
                figures += step(data_dir)
    figures += million_figures(args.million)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'figure':<46} {'target':>14} {'measured':>14}  verdict")
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
