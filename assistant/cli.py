"""`recap`: a thin command line over `Assistant`. It parses and prints; the API does the work."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from assistant.core import Assistant
from assistant.types import Answer
from index.errors import RecapError
from index.ingest import IngestReport
from index.settings import Settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def _friendly_errors(func: F) -> F:
    """Typed errors become one clear line on stderr and exit status 1, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RecapError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where the index lives (RECAP_DATA_DIR).")
@click.option("--collection", help="Which collection to use (RECAP_COLLECTION).")
@click.option("--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000 (RECAP_CHROMA_URL).")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or everything (-vv).")
@click.pass_context
def cli(
    ctx: click.Context, data_dir: Path | None, collection: str | None, chroma_url: str | None, verbose: int
) -> None:
    """Cited answers about a conference from the recaps people published about it."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"data_dir": data_dir, "collection": collection, "chroma_url": chroma_url}
    ctx.obj = {k: v for k, v in overrides.items() if v is not None}


def _assistant(ctx: click.Context, **more: Any) -> Assistant:
    settings = Settings(**{**ctx.obj, **{k: v for k, v in more.items() if v is not None}})
    return Assistant(settings)


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


def print_answer(answer: Answer) -> None:
    if answer.notice:
        err.print(f"[yellow]{escape(answer.notice)}[/]")
    out.print(escape(answer.text))
    if answer.citations:
        out.print()
    for c in answer.citations:
        where = f" › {c.section}" if c.section else ""
        out.print(f"[bold][{c.n}][/] {escape(c.source.byline())} — {escape(c.source.title)}{escape(where)}")
        if c.source.url:
            out.print(f"    {escape(c.source.url)}")
    out.print(f"[dim]{answer.backend} · {answer.timings.get('total', 0):.0f} ms[/]")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer and citations as JSON.")
@click.pass_context
@_friendly_errors
def ask(ctx: click.Context, question: str, as_json: bool) -> None:
    """Answer QUESTION from the recaps, citing every claim."""
    answer = _assistant(ctx).ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)


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
        rows = [
            {
                "text": h.text,
                "title": h.source.title,
                "url": h.source.url,
                "section": h.section,
                "score": round(h.score, 4),
            }
            for h in hits
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
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
@click.pass_context
@_friendly_errors
def chat(ctx: click.Context) -> None:
    """Ask questions in the terminal; follow-ups ("and about Rust?") use the conversation so far."""
    assistant = _assistant(ctx)
    history: list[tuple[str, str]] = []
    out.print("Ask about the recaps (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        answer = assistant.ask(question, history=history)
        print_answer(answer)
        history += [("user", question), ("assistant", answer.text)]


def main() -> None:
    cli(prog_name="recap")


if __name__ == "__main__":
    main()
