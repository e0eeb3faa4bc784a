"""`recap`: a thin command line over `Assistant`. It parses and prints; the API does the work."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from assistant.core import Assistant
from assistant.planning import describe
from assistant.types import Answer, Provisional
from assistant.verify import strip_markers

if TYPE_CHECKING:
    from assistant.evaluation import EvalReport
    from assistant.graded import GradedReport
from index.errors import RecapError
from index.ingest import IngestReport
from index.settings import Settings, load_settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
P = ParamSpec("P")
R = TypeVar("R")
_LLM_OPTION = click.option(
    "--llm",
    help="auto (Ollama if it answers, else extractive), extractive, or ollama:<model> (RECAP_LLM).",
)


@dataclass
class CliState:
    """What the group options set for every command."""

    overrides: dict[str, Any] = field(default_factory=dict)  # settings given as options
    verbose: int = 0


def _friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """recap's own errors, and a path the user gave that cannot be used, become one clear line on
    stderr and exit status 1. Anything else is a bug: one line saying so, or its traceback with -v."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except RecapError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            err.print(f"[red]error:[/] {escape(where + (exc.strerror or str(exc)))}")
        except Exception as exc:
            state = click.get_current_context().find_object(CliState)
            if state is not None and state.verbose:
                raise
            err.print(f"[red]error:[/] unexpected {type(exc).__name__}: {escape(str(exc))} (run with -v for details)")
        sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the index lives (RECAP_DATA_DIR).")
@click.option("--collection", help="Which collection to use (RECAP_COLLECTION).")
@click.option("--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000 (RECAP_CHROMA_URL).")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or everything (-vv); show tracebacks.")
@click.pass_context
def cli(
    ctx: click.Context, data_dir: Path | None, collection: str | None, chroma_url: str | None, verbose: int
) -> None:
    """Cited answers about a conference from the recaps people published about it."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"data_dir": data_dir, "collection": collection, "chroma_url": chroma_url}
    ctx.obj = CliState({k: v for k, v in overrides.items() if v is not None}, verbose)


def _settings(ctx: click.Context, **more: Any) -> Settings:
    """The environment's settings with the command line's options on top, validated."""
    state: CliState = ctx.obj
    return load_settings(None, **{**state.overrides, **more})


def _assistant(ctx: click.Context, **more: Any) -> Assistant:
    return Assistant(_settings(ctx, **more))


def print_report(report: IngestReport) -> None:
    out.print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.duplicates)} duplicate(s), {len(report.errors)} error(s); "
        f"{report.chunks_total} chunks in the index"
    )
    for path in report.added:
        out.print(f"  [green]added[/]     {escape(path)}")
    for path in report.updated:
        out.print(f"  [yellow]updated[/]   {escape(path)}")
    for path in report.removed:
        out.print(f"  [red]removed[/]   {escape(path)}")
    for dup in report.duplicates:
        out.print(
            f"  [cyan]duplicate[/] {escape(dup.path)}\n"
            f"            same post as {escape(dup.duplicate_of)} (similarity {dup.similarity:.2f}); indexed once"
        )
    for error in report.errors:
        err.print(f"  [red]skipped[/]   {escape(error.path)}: {escape(error.reason)}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
@_friendly_errors
def ingest(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Add recaps (files or folders) to the index; with no PATH, the bundled KubeCon EU 2024 recaps."""
    report = _assistant(ctx).ingest(list(paths) or None, progress=sys.stderr.isatty())
    print_report(report)
    if report.errors and not report.ingested_anything:
        sys.exit(1)


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


def markup(text: str) -> str:
    """Answer text as rich markup: literal, except that a Markdown link a recap wrote (quoted
    verbatim) shows as its text, linked, rather than as brackets and a URL."""
    parts: list[str] = []
    last = 0
    for match in _MARKDOWN_LINK.finditer(text):
        url = match.group(2).replace("]", "%5D")
        parts += [escape(text[last : match.start()]), f"[link={url}]{escape(match.group(1))}[/link]"]
        last = match.end()
    return "".join([*parts, escape(text[last:])])


def print_answer(answer: Answer, text_shown: bool = False) -> None:
    if answer.notice:
        err.print(f"[yellow]{escape(answer.notice)}[/]")
    if not text_shown:
        out.print(markup(answer.text))
    if answer.citations:
        out.print()
    for c in answer.citations:
        where = f" › {c.section}" if c.section else ""
        out.print(f"[bold][{c.n}][/] {escape(c.source.byline())} — {escape(c.source.title)}{escape(where)}")
        if c.source.url:
            out.print(f"    {escape(c.source.url)}")
    tokens = answer.timings.get("prompt_tokens")
    prompt = f" · {tokens:.0f} prompt tokens" if tokens else ""
    out.print(f"[dim]{answer.backend} · {answer.timings.get('total', 0):.0f} ms{prompt}[/]")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer and citations as JSON.")
@_LLM_OPTION
@click.pass_context
@_friendly_errors
def ask(ctx: click.Context, question: str, as_json: bool, llm: str | None) -> None:
    """Answer QUESTION from the recaps, citing every claim."""
    assistant = _assistant(ctx, llm=llm)
    if as_json:
        click.echo(json.dumps(assistant.ask(question).to_json(), ensure_ascii=False, indent=2))
    else:
        stream_answer(assistant, question, [])


def stream_answer(assistant: Assistant, question: str, history: list[tuple[str, str]]) -> Answer:
    """Print the answer as the model writes it (already verified), then its citations.

    With a model, the quotes come first, while it reads the prompt. A terminal cannot take back
    what it printed, so they go to stderr, dimmed, without their [n] (the model's answer numbers
    its own citations), under a line saying the answer follows; stdout gets the final answer only,
    so `recap ask … > answer.txt` holds the answer alone.
    """
    stream = assistant.stream(question, history)
    for part in stream.events():
        if isinstance(part, Provisional):
            err.print(f"[dim]{markup(strip_markers(part.answer.text))}[/]")
            err.print("[dim italic](quotes from the recaps; the model's checked answer follows)[/]\n")
        elif isinstance(part, str):
            out.print(markup(part), end="")
    if stream.text:
        out.print()
    answer = stream.answer()
    if stream.superseded:
        err.print("[yellow]The text above is incomplete; the answer is:[/]")
    print_answer(answer, text_shown=bool(stream.text) and not stream.superseded)
    return answer


@cli.command()
@click.argument("query")
@click.option("-k", "k", default=5, show_default=True, help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@click.pass_context
@_friendly_errors
def search(ctx: click.Context, query: str, k: int, as_json: bool) -> None:
    """Show the passages that best match QUERY (hybrid dense + BM25 retrieval)."""
    hits = _assistant(ctx).search(query, k=k)
    if as_json:
        click.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return
    for i, h in enumerate(hits, 1):
        where = f" › {h.section}" if h.section else ""
        out.print(f"[bold]{i}.[/] {h.score:.3f}  {escape(h.source.byline())}{escape(where)}")
        out.print(f"   {escape(h.text[:400])}{'…' if len(h.text) > 400 else ''}\n")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@click.pass_context
@_friendly_errors
def sources(ctx: click.Context, as_json: bool) -> None:
    """List the indexed recaps, with the duplicates found for each."""
    items = _assistant(ctx).sources()
    if as_json:
        click.echo(json.dumps([asdict(s) for s in items], ensure_ascii=False, indent=2))
        return
    out.print(f"{len(items)} source(s)")
    for s in items:
        out.print(f"\n[bold]{escape(s.title)}[/]  [dim]{escape(s.id)}[/]")
        out.print(f"  {escape(s.byline())} · {s.chunks} chunks")
        if s.url:
            out.print(f"  {escape(s.url)}")
        for dup in s.duplicates:
            out.print(f"  [cyan]duplicate:[/] {escape(dup)} (same post, indexed once)")


@cli.command()
@click.option(
    "--kind", help="Only this kind: talk, keynote, event, project, organisation, person, announcement, recording."
)
@click.option("--json", "as_json", is_flag=True, help="Print the items and their mentions as JSON.")
@click.pass_context
@_friendly_errors
def catalogue(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """List the talks, events, projects, people and more that the recaps name, with who mentions them."""
    items = _assistant(ctx).catalogue(kind=kind)
    if as_json:
        click.echo(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
        return
    out.print(f"{len(items)} item(s)")
    for item in items:
        who = f"mentioned by {', '.join(item.mentioned_by)}"
        if item.recommended_by:
            who += f"; recommended by {', '.join(item.recommended_by)}"
        link = f"  {item.url}" if item.url else ""
        out.print(f"[bold]{escape(item.kind)}[/]  {escape(describe(item))} — {escape(who)}{escape(link)}")


@cli.command()
@click.option("--role", help='Who the plan is for, e.g. "platform engineer".')
@click.option("--topic", help='What it is about, e.g. "WebAssembly".')
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--markdown", "markdown", type=click.Path(dir_okay=False, path_type=Path), help="Write a checklist here.")
@click.pass_context
@_friendly_errors
def plan(ctx: click.Context, role: str | None, topic: str | None, as_json: bool, markdown: Path | None) -> None:
    """A one-page plan for the next edition: talks to watch, events to attend, projects to try, people to follow."""
    assistant = _assistant(ctx)
    result = assistant.plan(role=role, topic=topic)
    if markdown is not None:
        markdown.write_text(result.markdown(assistant.settings.conference), encoding="utf-8")
        err.print(f"wrote {escape(str(markdown))}")
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif markdown is None:
        out.print(escape(result.markdown(assistant.settings.conference)))


@cli.command()
@_LLM_OPTION
@click.pass_context
@_friendly_errors
def chat(ctx: click.Context, llm: str | None) -> None:
    """Ask questions in the terminal; follow-ups ("and about Rust?") use the conversation so far."""
    assistant = _assistant(ctx, llm=llm)
    history: list[tuple[str, str]] = []
    out.print("Ask about the recaps (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        answer = stream_answer(assistant, question, history)
        history += [("user", question), ("assistant", answer.text)]


@cli.command()
@click.option("--host", help="Interface to bind (RECAP_UI_HOST, default 127.0.0.1: this machine only).")
@click.option("--port", type=int, help="Port to listen on (RECAP_UI_PORT, default 7860).")
@_LLM_OPTION
@click.pass_context
@_friendly_errors
def serve(ctx: click.Context, host: str | None, port: int | None, llm: str | None) -> None:
    """Open the chat in a browser: cited answers, the sources, and a topic map."""
    from ui.app import launch  # imported here: gradio takes seconds to import, other commands need not wait

    settings = _settings(ctx, llm=llm)
    # Warm first (model, index, topic map), then listen, then say so: the first question is answered at once.
    server = launch(settings=settings, host=host, port=port, block=False)
    url = f"http://{settings.ui_host if host is None else host}:{port or settings.ui_port}"
    out.print(f"recap: serving on {url} (MCP: {url}/gradio_api/mcp/)")
    server.wait()


@cli.command()
@_LLM_OPTION
@click.pass_context
@_friendly_errors
def mcp(ctx: click.Context, llm: str | None) -> None:
    """Serve recap's tools (ask, search, sources) to an MCP client over stdio."""
    from assistant.mcp_server import serve_stdio  # imported here: only this command needs the MCP SDK

    serve_stdio(_assistant(ctx, llm=llm))


@cli.command(name="eval")
@click.option(
    "--questions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSONL question set, with evidence phrases or graded gold sentences (default: both bundled sets).",
)
@click.option("-k", "k", default=5, show_default=True, help="Retrieval depth for recall@k, MRR and nDCG.")
@click.option(
    "--claims",
    is_flag=True,
    help="Score the citation verifier on tests/eval/claims.jsonl instead (precision, recall per label; dev, test).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("eval-results"),
    show_default=True,
    help="Folder for eval.json, eval.png and eval-graded.json.",
)
@_LLM_OPTION
@click.pass_context
@_friendly_errors
def evaluate_command(
    ctx: click.Context, questions: Path | None, k: int, claims: bool, out_dir: Path, llm: str | None
) -> None:
    """Measure retrieval and answers (recall@k, MRR, nDCG, answer precision and recall, abstention, latency),
    or with --claims the citation verifier."""
    if claims:
        _evaluate_claims(_assistant(ctx), out_dir)
        return
    from assistant.evaluation import DEFAULT_QUESTIONS, chart, evaluate, load_questions
    from assistant.graded import BLIND_QUESTIONS, evaluate_graded, is_graded, load_graded

    assistant = _assistant(ctx, llm=llm)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in [questions] if questions else [DEFAULT_QUESTIONS, BLIND_QUESTIONS]:
        if is_graded(path):
            graded = evaluate_graded(assistant, load_graded(path), k=k)
            print_graded(graded, path)
            written.append(out_dir / "eval-graded.json")
            written[-1].write_text(json.dumps(graded.to_json(), indent=2, default=str), encoding="utf-8")
            continue
        report = evaluate(assistant, load_questions(path), k=k)
        print_evaluation(report, k)
        (out_dir / "eval.json").write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        written += [out_dir / "eval.json", chart(report, out_dir / "eval.png")]
    out.print(f"wrote {escape(', '.join(str(p) for p in written))}")


def print_evaluation(report: EvalReport, k: int) -> None:
    latencies = sorted(r.latency_ms for r in report.results)
    out.print(f"questions: {len(report.results)}")
    out.print(f"recall@{k}: {report.recall_at_k:.3f}   MRR: {report.mrr:.3f}")
    out.print(f"source coverage: {report.source_coverage:.3f}   citation validity: {report.citation_validity:.3f}")
    out.print(f"abstention recall: {report.abstention_recall:.3f}   precision: {report.abstention_precision:.3f}")
    out.print(f"ask latency p50: {latencies[len(latencies) // 2]:.1f} ms   max: {latencies[-1]:.1f} ms")
    stages = "   ".join(f"{stage} {ms:.1f}" for stage, ms in report.stage_p50().items())
    out.print(f"p50 by stage (ms): {stages}")
    for r in report.results:
        if r.missing or (r.kind == "unanswerable") != r.abstained:
            out.print(f"  [yellow]{r.id}[/] {escape(r.question)}  missing: {escape(', '.join(r.missing)) or '—'}")


def print_graded(report: GradedReport, path: Path) -> None:
    """Dev and test side by side, then each question kind (test split: it is only ever scored)."""
    dev, test = report.figures("dev"), report.figures("test")
    out.print(f"\n[bold]{escape(path.name)}[/]: graded at sentence level, {dev['questions']:.0f} dev / "
              f"{test['questions']:.0f} test questions")  # fmt: skip
    out.print(f"{'':28s} {'dev':>7s} {'test':>7s}")
    for name in dev:
        if name != "questions":
            count = name == "abstained_with_evidence" or name.startswith("latency")
            out.print(f"{name.replace('_', ' '):28s} {_figure(dev[name], count)} {_figure(test[name], count)}")
    names = ["evidence_recall@" + str(report.k), "ndcg@" + str(report.k), "answer_precision", "answer_recall"]
    out.print(f"\n{'test split, by kind':28s} " + " ".join(f"{n.split('@')[0][:9]:>9s}" for n in names))
    for kind in report.kinds():
        figures = report.figures("test", kind)
        out.print(f"{kind:28s} " + " ".join(f"{_figure(figures[n]):>9s}" for n in names))


def _figure(value: float | None, count: bool = False) -> str:
    if value is None:
        return f"{'—':>7s}"
    return f"{value:7.0f}" if count else f"{value:7.3f}"


def _evaluate_claims(assistant: Assistant, out_dir: Path) -> None:
    from assistant.claim_eval import evaluate_claims, score_table

    report = evaluate_claims(assistant.view(), assistant.embedder, assistant.settings.conference)
    for line in score_table(report):
        out.print(escape(line))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "claims.json").write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
    out.print(f"wrote {escape(str(out_dir / 'claims.json'))}")


def main() -> None:
    cli(prog_name="recap")


if __name__ == "__main__":
    main()
