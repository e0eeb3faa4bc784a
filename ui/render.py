"""HTML and Markdown for the UI. Everything that came from a document or a user is escaped here.

Recaps are third-party web pages: their text, titles and URLs are data, never markup. Each function
takes plain values and returns a string that is safe to hand to Gradio.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from assistant.types import Answer, Citation
from index.catalog import Source, human_date
from ui import inline
from ui.colors import mix, text_on
from ui.inline import safe_url

# Characters Markdown gives a meaning to; a backslash makes each one literal (CommonMark allows it for
# any ASCII punctuation). `:` and `@` are escaped so Markdown's own autolinks never form (they would
# show these backslashes): URLs become links here, or stay text. `&`, `<`, `>` become entities.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]()#!|~{}+\-$=^:@])")
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"'


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders literally: no formatting, links, images or HTML."""
    return _WWW.sub(r"\1\\.", _MD_ACTIVE.sub(r"\\\1", escape(text, quote=False)))


def citation_name(citation: Citation) -> str:
    """What a screen reader says for `[n]`: 'citation 2: Daniel Bryant, Medium'."""
    source = citation.source
    who = ", ".join(p for p in (source.author, source.publisher) if p) or "author unknown"
    return f"citation {citation.n}: {who}"


def _with_markers(text: str, names: dict[int, str]) -> str:
    """Literal Markdown for `text`, each `[n]` of a known citation a link to its card."""
    out, last = [], 0
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        if n in names:
            out.append(escape_markdown(text[last : match.start()]))
            # `title` survives Gradio's sanitiser (aria-label does not): the page script makes it the name.
            out.append(f'<a class="recap-cite" href="#recap-cite-{n}" title="{escape(names[n])}">\\[{n}\\]</a>')
            last = match.end()
    return "".join(out) + escape_markdown(text[last:])


def answer_markdown(text: str, citations: Sequence[Citation] = ()) -> str:
    """The answer as chat Markdown: literal text, except that links a quote holds stay links (http(s)
    only) and each `[n]` of `citations` links to card `n`, named for screen readers.

    A streamed draft passes no citations: its markers stay text until they are checked.
    """
    names = {c.n: citation_name(c) for c in citations}
    out = []
    for node in inline.parse(text, links_only=True):
        if node.kind == "link":
            label = "".join(text[leaf.start : leaf.end] for leaf in inline.leaves([node]))
            out.append(f'<a href="{escape(node.href)}" {_LINK_ATTRS}>{escape_markdown(label)}</a>')
        else:
            out.append(_with_markers(text[node.start : node.end], names))
    return "".join(out)


def title_link(source: Source) -> str:
    url = safe_url(source.url)
    title = escape(source.title or "untitled")
    if not url:
        return f'<span class="recap-title">{title}</span>'
    return (
        f'<a class="recap-title" href="{escape(url)}" {_LINK_ATTRS}>{title}'
        '<span aria-hidden="true">&nbsp;↗</span><span class="recap-sr"> (opens the original post)</span></a>'
    )


def status_html(answer: Answer | None, working: str = "") -> str:
    """Which backend answered (and why, when it is not the one asked for), and how long it took."""
    if answer is None:
        return f'<div class="recap-status recap-working">{escape(working)}</div>' if working else ""
    kind = "model" if answer.backend.startswith("ollama") else "quotes"
    label = (
        f"Answered by {escape(answer.backend)}"
        if kind == "model"
        else "Answered extractively: the best sentences, quoted from the recaps"
    )
    total = answer.timings.get("total")
    took = f" · {total / 1000:.1f} s" if total else ""
    notice = f'<div class="recap-notice">{escape(answer.notice)}</div>' if answer.notice else ""
    badge = f'<span class="recap-badge recap-{kind}">{escape(answer.backend)}</span>'
    return f'<div class="recap-status" data-backend="{escape(answer.backend)}">{badge} {label}{took}{notice}</div>'


def sources_html(sources: list[Source]) -> str:
    """The library: one row per indexed recap, with its metadata, chunk count and duplicates.

    Each cell carries its column's name, so on a narrow screen a row becomes a card of labelled lines.
    """
    if not sources:
        return "<p>No recaps indexed yet.</p>"
    rows = []
    for s in sources:
        dupes = (
            "<br>".join(f"<code>{escape(p.rsplit('/', 1)[-1])}</code>" for p in s.duplicates) if s.duplicates else "—"
        )
        rows.append(
            f"<tr data-source='{escape(s.id)}'><td class='recap-lib-title'>{title_link(s)}"
            f"<div class='recap-file'>{escape(s.path.rsplit('/', 1)[-1])}</div></td>"
            f"<td data-label='Author'>{escape(s.author or 'unknown')}</td>"
            f"<td data-label='Publisher'>{escape(s.publisher or '—')}</td>"
            f"<td data-label='Date'>{escape(human_date(s.date) or '—')}</td>"
            f"<td data-label='Chunks' class='recap-num'>{s.chunks}</td>"
            f"<td data-label='Duplicates found'>{dupes}</td></tr>"
        )
    head = (
        "<tr><th scope='col'>Recap</th><th scope='col'>Author</th><th scope='col'>Publisher</th>"
        "<th scope='col'>Date</th><th scope='col'>Chunks</th><th scope='col'>Duplicates found</th></tr>"
    )
    total = sum(s.chunks for s in sources)
    return (
        f"<div class='recap-library'><p>{len(sources)} recaps, {total} chunks in the index.</p>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


# Heatmap ramps, weakest to strongest: indigo on a light page, and lighter indigo on a dark one.
_RAMP_LIGHT = ("#eef2ff", "#312e81")
_RAMP_DARK = ("#1e1b4b", "#a5b4fc")


def _cell(topic: str, source: Source, value: float, strength: float) -> str:
    """One heatmap cell: a button asking what `source` said about `topic`, coloured by `strength` (0..1)."""
    name = source.author or source.publisher or source.title
    light, dark = mix(*_RAMP_LIGHT, strength), mix(*_RAMP_DARK, strength)
    colours = f"--bg:{light};--fg:{text_on(light)};--bg-dark:{dark};--fg-dark:{text_on(dark)}"
    ask = f"Ask what {escape(name)} said about {escape(topic)}"
    return (
        f"<td class='recap-cell'><button type='button' style='{colours}' data-topic='{escape(topic)}' "
        f"data-source='{escape(name)}' title='{ask}' aria-label='{ask}, {value:.2f}'>{value:.2f}</button></td>"
    )


def heatmap_html(topics: list[str], sources: list[Source], scores: list[list[float]]) -> str:
    """Topics (rows) against sources (columns); each cell is a button asking its question.

    The table scrolls inside its own box when the sources do not fit the screen; topic names stay put.
    """
    if not topics or not sources:
        return "<p>No topics found in the index yet.</p>"
    # Scaled to the map's own range: similarities bunch between 0.2 and 0.6, and contrast is the point.
    values = [v for row in scores for v in row]
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    head = "".join(
        f"<th scope='col' title='{escape(s.title)}'><div>{escape(s.author or s.publisher or s.title)}</div>"
        f"<small>{escape(s.publisher if s.author else human_date(s.date))}</small></th>"
        for s in sources
    )
    rows = []
    for topic, row in zip(topics, scores, strict=True):
        cells = "".join(_cell(topic, s, v, (v - low) / spread) for s, v in zip(sources, row, strict=True))
        rows.append(f"<tr><th scope='row' class='recap-topic'>{escape(topic)}</th>{cells}</tr>")
    return (
        "<div class='recap-heatmap'><div class='recap-heatmap-scroll' role='region' aria-label='Topic map'>"
        "<table><thead><tr><td class='recap-corner'></td>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        "<p class='recap-legend'>A stronger colour = the recap spends more words on the topic (embedding "
        "similarity of its best passages). Click or press a cell to ask about it.</p></div>"
    )


def ingest_report_html(added: list[str], updated: list[str], errors: list[tuple[str, str]], dupes: list[str]) -> str:
    items = [f"<li class='ok'>added <code>{escape(p)}</code></li>" for p in added]
    items += [f"<li class='ok'>updated <code>{escape(p)}</code></li>" for p in updated]
    items += [f"<li class='warn'>already indexed as another file: <code>{escape(p)}</code></li>" for p in dupes]
    items += [f"<li class='err'>skipped <code>{escape(p)}</code>: {escape(why)}</li>" for p, why in errors]
    if not items:
        return ""
    return f"<ul class='recap-report'>{''.join(items)}</ul>"
