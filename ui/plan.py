"""The Plan tab: the item catalogue as a filterable table (open an item to read its mentions,
highlighted as on the source cards) and a plan for a role or topic, downloadable as Markdown.

It calls the public `Assistant` API only, and everything a recap says goes through `ui.render`'s
escaping helpers.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import Assistant, CatalogueItem, ItemMention, Plan, Settings
from index.items import KINDS
from ui import render
from ui.cards import CardContext, card_html

ALL = "all"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
PLAN_CSS = """
#recap-items .recap-item-head, #recap-items summary.recap-item-row {
  display: grid; grid-template-columns: 8em minmax(12em, 2fr) 1.4fr 1.4fr; gap: .6em; align-items: baseline;
}
#recap-items .recap-item-head { grid-template-columns: 8em minmax(12em, 2fr) 1.4fr 1.4fr 5em; }
/* The link sits beside the row, not inside the <summary> that toggles it: one control per element. */
#recap-items .recap-item-line { display: grid; grid-template-columns: 1fr 5em; gap: .6em;
  border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
#recap-items .recap-item-link { padding: .4em .5em .4em 0; }
#recap-items summary.recap-item-row { cursor: pointer; padding: .4em .5em; list-style: none; }
#recap-items summary.recap-item-row::-webkit-details-marker { display: none; }
#recap-items .recap-item-kind { font-size: .85em; text-transform: uppercase; letter-spacing: .03em; }
#recap-items .recap-item-mentions { padding: .3em .5em 1em 2em; }
#recap-plan section { margin-bottom: 1em; }
#recap-plan blockquote { margin: .2em 0 .6em 1em; }
@media (max-width: 700px) {
  #recap-items .recap-item-head { display: none; }
  #recap-items summary.recap-item-row { grid-template-columns: 1fr; gap: .1em; }
  #recap-items .recap-item-line { grid-template-columns: 1fr; }
  #recap-items .recap-item-link { padding: 0 .5em .4em; }
}
"""


def _who(names: list[str]) -> str:
    return escape(", ".join(names)) or "—"


def _link(url: str) -> str:
    safe = render.safe_url(url)
    if not safe:
        return "—"
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer nofollow">link&nbsp;↗</a>'


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph of `text` holding [start, end): what a mention card shows around its sentence."""
    before = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, start)]
    after = _PARAGRAPH_BREAK.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


@dataclass
class PlanTab:
    """The handlers behind the Plan tab, callable without a browser."""

    assistant: Assistant
    settings: Settings

    def items(self, kind: str = ALL, query: str = "") -> list[CatalogueItem]:
        items = self.assistant.catalogue(kind=None if kind in ("", ALL) else kind)
        needle = query.strip().casefold()
        if needle:
            items = [i for i in items if any(needle in n.casefold() for n in (i.name, *i.aliases, i.speaker))]
        return items

    def table(self, kind: str = ALL, query: str = "") -> str:
        """The catalogue, filtered, as rows that open to show their mentions."""
        items = self.items(kind, query)
        head = (
            "<div class='recap-item-head'><span>Kind</span><span>Name</span><span>Mentioned by</span>"
            "<span>Recommended by</span><span>Link</span></div>"
        )
        rows = "".join(self._row(k, item) for k, item in enumerate(items))
        count = f"<p class='recap-cards-label'>{len(items)} item{'s' * (len(items) != 1)}</p>"
        return f"<div class='recap-items'>{count}{head}{rows}</div>"

    def _row(self, k: int, item: CatalogueItem) -> str:
        details = ", ".join(d for d in (item.speaker, item.organisation) if d)
        extra = f" <span class='recap-byline'>({escape(details)})</span>" if details else ""
        cards = "".join(self._card(k, n, m) for n, m in enumerate(item.mentions, 1))
        return (
            f"<div class='recap-item-line'><details class='recap-item' data-kind='{escape(item.kind)}'>"
            f"<summary class='recap-item-row'><span class='recap-item-kind'>{escape(item.kind)}</span>"
            f"<span class='recap-item-name'>{escape(item.name)}{extra}</span>"
            f"<span>{_who(item.mentioned_by)}</span><span>{_who(item.recommended_by)}</span></summary>"
            f"<div class='recap-item-mentions'>{cards}</div></details>"
            f"<span class='recap-item-link'>{_link(item.url)}</span></div>"
        )

    def _card(self, k: int, n: int, mention: ItemMention) -> str:
        text = self.assistant.document_text(mention.source.id)
        context = CardContext(text, mention.section, [_paragraph(text, mention.start, mention.end)])
        card = card_html(mention.citation(n), context)
        # Card ids must not clash with the Ask tab's citation cards.
        return card.replace(f'id="recap-cite-{n}"', f'id="recap-item-{k}-{n}"', 1)

    def plan(self, role: str = "", topic: str = "") -> tuple[str, Any]:
        """The plan as HTML, and the Markdown checklist to download."""
        result = self.assistant.plan(role=role, topic=topic)
        folder = Path(tempfile.mkdtemp(prefix="recap-plan-"))
        path = folder / "recap-plan.md"
        path.write_text(result.markdown(self.settings.conference), encoding="utf-8")
        return plan_html(result), gr.DownloadButton(value=str(path), visible=True)


def plan_html(plan: Plan) -> str:
    note = f"<p class='recap-plan-note'>{escape(plan.note)}</p>" if plan.note else ""
    sections = []
    for section in plan.sections:
        entries = []
        for entry in section.items:
            item, why = entry.item, entry.why
            details = ", ".join(d for d in (item.kind, item.speaker, item.organisation) if d)
            link = f" {_link(item.url)}" if item.url else ""
            entries.append(
                f"<li><strong>{escape(item.name)}</strong> <span class='recap-byline'>({escape(details)})</span>{link}"
                f"<blockquote class='recap-quote'><mark>{escape(why.quote)}</mark></blockquote>"
                f"<div class='recap-byline'>{escape(why.source.byline())}</div></li>"
            )
        body = f"<ul>{''.join(entries)}</ul>" if entries else "<p>Nothing in the recaps.</p>"
        sections.append(f"<section><h3>{escape(section.heading)}</h3>{body}</section>")
    return f"<div class='recap-plan'>{note}{''.join(sections)}</div>"


def build_plan_tab(assistant: Assistant, settings: Settings) -> None:
    """The Plan tab's layout and events; call inside the app's `gr.Tabs()`."""
    tab = PlanTab(assistant, settings)
    with gr.Tab("Plan", id="plan") as plan_tab:
        gr.HTML(f"<style>{PLAN_CSS}</style>", js_on_load=None)
        gr.Markdown("Everything the recaps name. Filter by kind or name; open an item to read its mentions.")
        with gr.Row():
            kind = gr.Dropdown([ALL, *KINDS], value=ALL, label="Kind", elem_id="recap-kind", scale=1)
            query = gr.Textbox(label="Name contains", elem_id="recap-item-filter", scale=3)
        table = gr.HTML(elem_id="recap-items", js_on_load=None)
        gr.Markdown("**Plan the next edition** for a role or a topic (leave both empty for the general plan).")
        with gr.Row(equal_height=True):
            role = gr.Textbox(label="Role", placeholder="platform engineer", elem_id="recap-role", scale=3)
            topic = gr.Textbox(label="Topic", placeholder="WebAssembly", elem_id="recap-topic", scale=3)
            make = gr.Button("Make plan", variant="primary", elem_id="recap-make-plan", scale=1)
        plan = gr.HTML(elem_id="recap-plan", js_on_load=None)
        download = gr.DownloadButton("Download plan (Markdown)", visible=False, elem_id="recap-plan-download")
    plan_tab.select(tab.table, inputs=[kind, query], outputs=table, api_visibility="private")
    kind.change(tab.table, inputs=[kind, query], outputs=table, api_visibility="private")
    query.submit(tab.table, inputs=[kind, query], outputs=table, api_visibility="private")
    make.click(tab.plan, inputs=[role, topic], outputs=[plan, download], api_visibility="private")
    role.submit(tab.plan, inputs=[role, topic], outputs=[plan, download], api_visibility="private")
