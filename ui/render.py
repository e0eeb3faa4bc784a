"""HTML and Markdown for the UI. Everything that came from a document or a user is escaped here.

Recaps are third-party web pages: their text, titles and URLs are data, never markup. Each function
takes plain values and returns a string that is safe to hand to Gradio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urlparse

from assistant.types import Answer, Citation
from index.catalog import Source, human_date

# Characters Markdown gives a meaning to; a backslash makes each one literal (CommonMark allows it for
# any ASCII punctuation). `&`, `<`, `>` become entities instead, so no tag can survive.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]()#!|~{}+\-$=^])")
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")
_CONTEXT_CHARS = 420  # characters of the paragraph kept on each side of a quote on a card


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders literally: no formatting, links, images or HTML."""
    return _MD_ACTIVE.sub(r"\\\1", escape(text, quote=False))


def answer_markdown(text: str, numbers: set[int] | None = None) -> str:
    """The answer as chat Markdown: literal text, with each `[n]` a link to citation card `n`.

    `numbers` limits the links to citations that exist (a streamed draft may mention others).
    """

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if numbers is not None and n not in numbers:
            return match.group(0)
        return f"[\\[{n}\\]](#recap-cite-{n})"

    return _MARKER.sub(link, escape_markdown(text))


def safe_url(url: str) -> str:
    """`url` if it is an http(s) link, else "" (a `javascript:` URL in metadata must not become a link)."""
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in {"http", "https"} and parsed.netloc else ""


def byline_html(source: Source) -> str:
    return escape(source.byline())


def _title_link(source: Source) -> str:
    url = safe_url(source.url)
    title = escape(source.title or "untitled")
    if not url:
        return f'<span class="recap-title">{title}</span>'
    return (
        f'<a class="recap-title" href="{escape(url)}" target="_blank" rel="noopener noreferrer nofollow" '
        f'title="Open the original post">{title}&nbsp;↗</a>'
    )


def _highlight(text: str, start: int, end: int, span_start: int, span_end: int) -> str:
    """`text[span_start:span_end]` escaped, with the part inside [start, end) marked."""
    a, b = max(start, span_start), min(end, span_end)
    if a >= b:
        return escape(text[span_start:span_end])
    return f"{escape(text[span_start:a])}<mark>{escape(text[a:b])}</mark>{escape(text[b:span_end])}"


@dataclass(frozen=True)
class CardContext:
    """What a card shows around its quote: the document text and the section's paragraph spans."""

    text: str
    section_title: str
    paragraphs: list[tuple[int, int]]


def _quote_span(citation: Citation, text: str) -> tuple[int, int]:
    if citation.start >= 0 and text[citation.start : citation.end] == citation.quote:
        return citation.start, citation.end
    found = text.find(citation.quote)
    return (found, found + len(citation.quote)) if found >= 0 else (-1, -1)


def card_html(citation: Citation, context: CardContext) -> str:
    """One source card: who wrote it, the quote inside its paragraph, and (opened) its whole section."""
    text = context.text
    start, end = _quote_span(citation, text)
    holding = next(((s, e) for s, e in context.paragraphs if s <= start < e), None)
    if holding is None:  # the quote could not be placed: show it on its own
        excerpt = f"<mark>{escape(citation.quote)}</mark>"
    else:
        lo = max(holding[0], start - _CONTEXT_CHARS)
        hi = min(holding[1], end + _CONTEXT_CHARS)
        excerpt = ("… " if lo > holding[0] else "") + _highlight(text, start, end, lo, hi)
        excerpt += " …" if hi < holding[1] else ""
    section = "".join(f"<p>{_highlight(text, start, end, s, e)}</p>" for s, e in context.paragraphs)
    title = context.section_title or citation.section
    heading = f"<h4>{escape(title)}</h4>" if title else "<h4 class='recap-untitled'>From the recap</h4>"
    n = citation.n
    return f"""
<details class="recap-card" id="recap-cite-{n}" data-n="{n}">
  <summary>
    <div class="recap-card-head">
      <span class="recap-n">{n}</span>
      <div class="recap-meta">{_title_link(citation.source)}
        <div class="recap-byline">{byline_html(citation.source)}</div></div>
    </div>
    <blockquote class="recap-quote">{excerpt}</blockquote>
    <span class="recap-open">Show the whole section{": " + escape(title) if title else ""}</span>
  </summary>
  <div class="recap-section">{heading}{section}</div>
</details>"""


def cards_html(answer: Answer, contexts: dict[int, CardContext]) -> str:
    """The cards under an answer, one per citation, in the order of their numbers."""
    if answer.abstained or not answer.citations:
        return ""
    cards = "".join(card_html(c, contexts[c.n]) for c in sorted(answer.citations, key=lambda c: c.n))
    count = len({c.source.id for c in answer.citations})
    label = f"{len(answer.citations)} quote{'s' * (len(answer.citations) != 1)} from {count} recap{'s' * (count != 1)}"
    hint = f'<div class="recap-cards-label">{label} — open a card to read the whole section</div>'
    return f'<div class="recap-cards">{hint}{cards}</div>'


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
    """The library: one row per indexed recap, with its metadata, chunk count and duplicates."""
    if not sources:
        return "<p>No recaps indexed yet.</p>"
    rows = []
    for s in sources:
        dupes = (
            "<br>".join(f"<code>{escape(p.rsplit('/', 1)[-1])}</code>" for p in s.duplicates) if s.duplicates else "—"
        )
        rows.append(
            f"<tr data-source='{escape(s.id)}'><td>{_title_link(s)}"
            f"<div class='recap-file'>{escape(s.path.rsplit('/', 1)[-1])}</div></td>"
            f"<td>{escape(s.author or 'unknown')}</td><td>{escape(s.publisher or '—')}</td>"
            f"<td>{escape(human_date(s.date) or '—')}</td><td class='recap-num'>{s.chunks}</td><td>{dupes}</td></tr>"
        )
    head = (
        "<tr><th>Recap</th><th>Author</th><th>Publisher</th><th>Date</th><th>Chunks</th><th>Duplicates found</th></tr>"
    )
    total = sum(s.chunks for s in sources)
    return (
        f"<div class='recap-library'><p>{len(sources)} recaps, {total} chunks in the index.</p>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def heatmap_html(topics: list[str], sources: list[Source], scores: list[list[float]]) -> str:
    """Topics (rows) against sources (columns); each cell carries the question it asks when clicked."""
    if not topics or not sources:
        return "<p>No topics found in the index yet.</p>"
    # Scaled to the map's own range: similarities bunch between 0.2 and 0.6, and contrast is the point.
    values = [v for row in scores for v in row]
    low, high = min(values), max(values)
    spread = (high - low) or 1.0
    head = "".join(
        f"<th title='{escape(s.title)}'><div>{escape(s.author or s.publisher or s.title)}</div>"
        f"<small>{escape(s.publisher if s.author else human_date(s.date))}</small></th>"
        for s in sources
    )
    rows = []
    for topic, row in zip(topics, scores, strict=True):
        cells = []
        for source, value in zip(sources, row, strict=True):
            strength = (value - low) / spread
            name = source.author or source.publisher or source.title
            tone = "recap-dark" if strength > 0.5 else "recap-light"
            cells.append(
                f"<td class='recap-cell {tone}' style='--s:{strength:.3f}' data-topic='{escape(topic)}' "
                f"data-source='{escape(name)}' title='Ask what “{escape(name)}” said about {escape(topic)}'>"
                f"<span>{value:.2f}</span></td>"
            )
        rows.append(f"<tr><th class='recap-topic'>{escape(topic)}</th>{''.join(cells)}</tr>")
    return (
        "<div class='recap-heatmap'><table><thead><tr><th></th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "<p class='recap-legend'>Darker = the recap spends more words on the topic (embedding similarity of "
        "its best passages). Click a cell to ask about it.</p></div>"
    )


def ingest_report_html(added: list[str], updated: list[str], errors: list[tuple[str, str]], dupes: list[str]) -> str:
    items = [f"<li class='ok'>added <code>{escape(p)}</code></li>" for p in added]
    items += [f"<li class='ok'>updated <code>{escape(p)}</code></li>" for p in updated]
    items += [f"<li class='warn'>already indexed as another file: <code>{escape(p)}</code></li>" for p in dupes]
    items += [f"<li class='err'>skipped <code>{escape(p)}</code>: {escape(why)}</li>" for p, why in errors]
    if not items:
        return ""
    return f"<ul class='recap-report'>{''.join(items)}</ul>"
