"""Source cards: who wrote a quote, the quote highlighted in its paragraph, and the whole section on demand.

Paragraphs read like the post: `ui.inline` renders the recap's own Markdown (links, emphasis, inline
code) as escaped HTML, with the highlight on exactly the quoted characters. The card is not itself
interactive (its title link and its "whole section" toggle are separate controls), so assistive
technology meets each control once; `[n]` in the answer moves focus to card `n`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from assistant.types import Answer, Citation
from ui import inline
from ui.render import title_link

_CONTEXT_CHARS = 420  # characters of the paragraph kept on each side of a quote on a card


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


def _window(text: str, paragraph: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """Up to `_CONTEXT_CHARS` either side of the quote, cut at a space rather than inside a word."""
    lo, hi = max(paragraph[0], start - _CONTEXT_CHARS), min(paragraph[1], end + _CONTEXT_CHARS)
    if lo > paragraph[0]:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < paragraph[1]:
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    return lo, hi


def paragraph_html(
    text: str, span: tuple[int, int], quote: tuple[int, int], window: tuple[int, int] | None = None
) -> str:
    """`text[span]` rendered from its Markdown, only the part inside `window`, with `quote` highlighted."""
    return inline.html(text, inline.parse(text, *span), window or span, quote)


def _excerpt(citation: Citation, context: CardContext) -> str:
    text = context.text
    start, end = _quote_span(citation, text)
    holding = next(((s, e) for s, e in context.paragraphs if s <= start < e), None)
    if holding is None:  # the quote could not be placed: show it on its own
        quote = citation.quote
        return paragraph_html(quote, (0, len(quote)), (0, len(quote)))
    lo, hi = _window(text, holding, start, end)
    body = paragraph_html(text, holding, (start, end), (lo, hi))
    return ("… " if lo > holding[0] else "") + body + (" …" if hi < holding[1] else "")


def card_html(citation: Citation, context: CardContext) -> str:
    """One source card: who wrote it, the quote inside its paragraph, and (opened) its whole section."""
    start, end = _quote_span(citation, context.text)
    section = "".join(f"<p>{paragraph_html(context.text, span, (start, end))}</p>" for span in context.paragraphs)
    title = context.section_title or citation.section
    heading = f"<h4>{escape(title)}</h4>" if title else "<h4 class='recap-untitled'>From the recap</h4>"
    toggle = "Show the whole section" + (f": {escape(title)}" if title else "")
    n = citation.n
    title_html = f'<span class="recap-sr">Source {n}: </span>{title_link(citation.source)}'
    return f"""
<article class="recap-card" id="recap-cite-{n}" data-n="{n}" tabindex="-1" aria-labelledby="recap-cite-{n}-title">
  <div class="recap-card-head">
    <span class="recap-n" aria-hidden="true">{n}</span>
    <div class="recap-meta">
      <h3 class="recap-card-title" id="recap-cite-{n}-title">{title_html}</h3>
      <div class="recap-byline">{escape(citation.source.byline())}</div>
    </div>
  </div>
  <blockquote class="recap-quote">{_excerpt(citation, context)}</blockquote>
  <details class="recap-more">
    <summary class="recap-open">{toggle}</summary>
    <div class="recap-section" role="region" aria-label="The whole section" tabindex="0">{heading}{section}</div>
  </details>
</article>"""


def cards_html(answer: Answer, contexts: dict[int, CardContext]) -> str:
    """The cards under an answer, one per citation, in the order of their numbers."""
    if answer.abstained or not answer.citations:
        return ""
    cards = "".join(card_html(c, contexts[c.n]) for c in sorted(answer.citations, key=lambda c: c.n))
    count = len({c.source.id for c in answer.citations})
    quotes = len(answer.citations)
    label = f"{quotes} quote{'s' * (quotes != 1)} from {count} recap{'s' * (count != 1)}"
    hint = f'<h2 class="recap-cards-label">{label} <span>— open a card\'s section to read it in full</span></h2>'
    return f'<section class="recap-cards" aria-label="Sources">{hint}{cards}</section>'
