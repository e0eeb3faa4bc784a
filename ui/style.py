"""The UI's look: its Gradio theme, its CSS and the one script it adds to the page (strings, so the
package needs no data files).

Colours are chosen for WCAG AA contrast (4.5:1) in the light and the dark theme alike, which the
browser tests check with axe-core. Under 640 px the layout becomes a phone's: the question box and
Ask button sit at the bottom of the screen, the library becomes cards, and the topic map scrolls
inside its own box.
"""

from __future__ import annotations

import gradio as gr

PHONE = "(max-width: 640px)"


def theme() -> gr.themes.Base:
    """Gradio's Soft theme, with the accents and the subdued text dark enough to read."""
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="cyan").set(
        color_accent="*primary_600",
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        button_primary_background_fill_dark="*primary_600",
        button_primary_background_fill_hover_dark="*primary_700",
        block_label_text_color="*primary_700",
        block_title_text_color="*primary_700",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_400",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        link_text_color="*primary_700",
        link_text_color_hover="*primary_800",
        link_text_color_visited="*primary_800",
        link_text_color_active="*primary_800",
        link_text_color_dark="*primary_300",
        link_text_color_hover_dark="*primary_200",
        link_text_color_visited_dark="*primary_300",
        link_text_color_active_dark="*primary_200",
    )


CSS = (
    """
.gradio-container { max-width: 1180px !important; margin: 0 auto; }
.recap-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
#recap-header { padding: 18px 22px; border-radius: 16px; color: #fff;
  background: linear-gradient(120deg, #1e3a8a 0%, #4338ca 45%, #0e7490 100%); }
#recap-header h1 { margin: 0; font-size: 1.7rem; letter-spacing: -0.01em; color: #fff; }
#recap-header p { margin: 6px 0 0; font-size: .98rem; color: #eef2ff; }
#recap-header .recap-pill { display: inline-block; margin: 8px 6px 0 0; padding: 2px 10px; border-radius: 999px;
  background: rgba(15, 23, 42, .35); font-size: .8rem; color: #fff; }
.recap-examples button { font-size: .86rem !important; }
#recap-chat h2 { font-size: 1.25rem; margin-bottom: 6px; }

/* Long URLs and code wrap instead of widening the page. */
#recap-chat .message, #recap-chat .prose, .recap-card, .recap-library, .recap-report, .recap-status {
  overflow-wrap: anywhere; }
#recap-chat code, .recap-card code { white-space: pre-wrap; overflow-wrap: anywhere; }

/* The answer: [n] markers, and links quoted from the recaps. */
#recap-chat a.recap-cite { text-decoration: none; font-weight: 700; font-size: .85em; padding: 0 3px;
  border-radius: 5px; background: #e0e7ff; color: #3730a3; white-space: nowrap; }
.dark #recap-chat a.recap-cite { background: #312e81; color: #e0e7ff; }
#recap-chat a.recap-cite:hover { text-decoration: underline; }
#recap-chat a:focus-visible, .recap-card a:focus-visible, .recap-card summary:focus-visible,
.recap-section:focus-visible { outline: 2px solid #4f46e5; outline-offset: 2px; border-radius: 4px; }
.dark #recap-chat a:focus-visible { outline-color: #a5b4fc; }
.dark .recap-card a:focus-visible { outline-color: #a5b4fc; }
.dark .recap-card summary:focus-visible { outline-color: #a5b4fc; }
.dark .recap-section:focus-visible { outline-color: #a5b4fc; }

.recap-status { font-size: .88rem; color: var(--body-text-color-subdued); margin: 4px 2px 2px; }
.recap-working::before { content: "⏳ " / ""; }
.recap-badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 600; font-size: .78rem;
  margin-right: 6px; color: #fff; background: #0e7490; }
.recap-badge.recap-model { background: #7c3aed; }
.recap-notice { margin-top: 4px; color: #b45309; }
.dark .recap-notice { color: #fbbf24; }

/* Source cards. */
.recap-cards-label { font-size: .85rem; font-weight: 500; color: var(--body-text-color-subdued); margin: 10px 2px 8px; }
.recap-cards-label span { font-weight: 400; }
.recap-card { border: 1px solid var(--border-color-primary); border-radius: 14px; margin: 0 0 10px;
  padding: 12px 16px; background: var(--background-fill-primary); box-shadow: 0 1px 3px rgba(15,23,42,.06);
  transition: box-shadow .2s, border-color .2s; scroll-margin: 24px 0 110px; }
.recap-card:hover { border-color: #818cf8; box-shadow: 0 4px 14px rgba(67,56,202,.12); }
.recap-card:focus { outline: none; }
.recap-card:focus-visible, .recap-card.recap-flash { border-color: #4f46e5; box-shadow: 0 0 0 3px rgba(79,70,229,.35); }
.recap-card-head { display: flex; gap: 12px; align-items: flex-start; }
.recap-n { flex: none; width: 28px; height: 28px; border-radius: 50%; background: #4f46e5; color: #fff;
  display: flex; align-items: center; justify-content: center; font-weight: 700; font-size: .85rem; }
.recap-meta { min-width: 0; }
.recap-card-title { margin: 0 !important; font-size: 1rem !important; font-weight: 650; line-height: 1.35; }
.recap-card a, .recap-library a { padding: 0 !important; }  /* Gradio pads links in HTML blocks */
.recap-title { font-weight: 650; color: var(--body-text-color) !important; text-decoration: none; }
a.recap-title:hover { text-decoration: underline; }
.recap-byline { font-size: .84rem; color: var(--body-text-color-subdued); }
.recap-card .recap-quote { margin: 10px 0 4px 40px !important; padding: 8px 12px; border-left: 3px solid #c7d2fe;
  font-size: .92rem; line-height: 1.55; color: var(--body-text-color); white-space: pre-wrap; }
.recap-quote a, .recap-section a { color: var(--link-text-color); text-decoration: underline; }
.recap-card code { font-size: .88em; padding: 0 3px; border-radius: 4px; background: var(--background-fill-secondary); }
.recap-quote mark, .recap-section mark { background: #fef08a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
.recap-card mark a { color: #3730a3; }
.recap-card mark code { background: rgba(15,23,42,.08); }
.recap-more summary { display: inline-block; margin: 2px 0 0 40px; padding: 6px 0; font-size: .84rem;
  color: #4338ca; cursor: pointer; list-style: none; }
.dark .recap-more summary { color: #a5b4fc; }
.recap-more summary::-webkit-details-marker { display: none; }
.recap-more summary::before { content: "▸ " / ""; }
.recap-more[open] summary::before { content: "▾ " / ""; }
.recap-section { margin: 4px 0 4px 40px; padding: 10px 14px; max-height: 420px; overflow: auto;
  border-radius: 10px; background: var(--background-fill-secondary); font-size: .9rem; line-height: 1.6; }
.recap-section h4 { margin: 2px 0 8px; font-size: .95rem; }
.recap-section p { margin: 0 0 10px; white-space: pre-wrap; }

/* The library. */
.recap-library table, .recap-heatmap table { border-collapse: collapse; width: 100%; }
.recap-library th, .recap-library td { text-align: left; padding: 8px 10px; vertical-align: top; font-size: .9rem;
  border-bottom: 1px solid var(--border-color-primary); }
.recap-file { font-size: .78rem; color: var(--body-text-color-subdued); font-family: var(--font-mono); }
.recap-num { text-align: right !important; font-variant-numeric: tabular-nums; }
.recap-report li.ok { color: #047857; }
.recap-report li.warn { color: #b45309; }
.recap-report li.err { color: #b91c1c; }
.dark .recap-report li.ok { color: #6ee7b7; }
.dark .recap-report li.warn { color: #fbbf24; }
.dark .recap-report li.err { color: #fca5a5; }
.recap-library table, .recap-library th, .recap-library td, .recap-heatmap table, .recap-heatmap th,
.recap-heatmap td { border-left: none !important; border-right: none !important; border-top: none !important; }

/* The topic map: it scrolls in its own box; the topic names stay in view. */
.recap-heatmap { contain: inline-size; }  /* its width comes from the page, never from the table */
.recap-heatmap-scroll { overflow-x: auto; max-width: 100%; }
.recap-heatmap table { border-collapse: separate; border-spacing: 4px; }
.recap-heatmap th, .recap-heatmap td { border: none !important; }
.recap-heatmap th { font-size: .82rem; padding: 6px; font-weight: 600; }
.recap-heatmap thead th { max-width: 150px; overflow-wrap: break-word; vertical-align: bottom; text-align: center; }
.recap-heatmap thead th small { display: block; font-weight: 400; color: var(--body-text-color-subdued); }
.recap-heatmap th.recap-topic { text-align: right; white-space: nowrap; padding-right: 12px; position: sticky; left: 0;
  z-index: 1; background: var(--body-background-fill); }
.recap-cell { padding: 0 !important; }
.recap-cell button { display: block; width: 100%; min-width: 72px; height: 40px; border: 0; border-radius: 8px;
  cursor: pointer; background: var(--bg); color: var(--fg); font-size: .8rem; font-variant-numeric: tabular-nums;
  transition: transform .12s; }
.dark .recap-cell button { background: var(--bg-dark); color: var(--fg-dark); }
.recap-cell button:hover, .recap-cell button:focus-visible { transform: scale(1.06); outline: 2px solid #f59e0b;
  outline-offset: 1px; }
.recap-legend { font-size: .82rem; color: var(--body-text-color-subdued); margin-top: 10px; }
"""
    + f"""
@media {PHONE} {{
  #recap-header {{ padding: 12px 14px; border-radius: 12px; }}
  #recap-header h1 {{ font-size: 1.2rem; }}
  #recap-header p {{ font-size: .84rem; line-height: 1.4; }}
  #recap-chat .message-row.bot-row {{ max-width: 100% !important; margin: 12px 2px 6px !important; }}
  #recap-header .recap-pill {{ font-size: .72rem; margin-top: 6px; }}
  #recap-ask-row {{ position: fixed; left: 0; right: 0; bottom: 0; z-index: 50; margin: 0 !important;
    padding: 8px 10px calc(8px + env(safe-area-inset-bottom)); flex-wrap: nowrap !important; gap: 8px;
    background: var(--background-fill-primary); border-top: 1px solid var(--border-color-primary);
    box-shadow: 0 -4px 14px rgba(15, 23, 42, .10); }}
  #recap-ask-row > * {{ min-width: 0 !important; }}
  #recap-ask {{ flex: none !important; min-width: 72px !important; min-height: 48px; }}
  .recap-card {{ padding: 12px; }}
  .recap-card .recap-quote {{ margin: 10px 0 4px !important; }}
  .recap-more summary, .recap-section {{ margin-left: 0; }}
  .recap-section {{ max-height: 60vh; }}
  .recap-library thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }}
  .recap-library table, .recap-library tbody, .recap-library tr, .recap-library td {{ display: block; width: 100%; }}
  .recap-library tr {{ border: 1px solid var(--border-color-primary); border-radius: 12px; margin: 0 0 10px;
    padding: 10px 12px; background: var(--background-fill-primary); }}
  .recap-library td {{ border: none !important; padding: 2px 0; text-align: left !important; }}
  .recap-library td.recap-lib-title {{ padding-bottom: 6px; }}
  .recap-library td[data-label]::before {{ content: attr(data-label) ": "; font-weight: 600;
    color: var(--body-text-color-subdued); }}
  .recap-heatmap th.recap-topic {{ white-space: normal; min-width: 0; max-width: 92px; font-size: .76rem;
    padding: 2px 6px 2px 0; }}
  .recap-heatmap thead th {{ font-size: .72rem; padding: 4px 2px; }}
  .recap-heatmap table {{ border-spacing: 3px; }}
  .recap-cell button {{ min-width: 48px; height: 38px; }}
}}
"""
)

# Clicking or pressing "[n]" in an answer scrolls to card n, flashes it and moves the focus there, so
# the next Tab reaches the card's links. Gradio's sanitiser drops aria-label from chat messages but
# keeps title: each marker is named from its title. Our own code, added once to the page; document
# text never reaches a script.
HEAD = (
    """
<style>
/* Page-level rules: Gradio scopes the app's CSS inside its container, and these reach outside it. */
.dark .gradio-container { --color-accent: var(--primary-400); }  /* the theme has one accent for both */
"""
    + f"""
@media {PHONE} {{
  .gradio-container > .main {{ padding: 10px 10px 104px !important; }}  /* room for the question bar */
  html {{ scroll-padding-bottom: 104px; }}
}}
</style>
"""
    + """
<script>
(function () {
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#recap-cite-"]');
    if (!link) { return; }
    event.preventDefault();
    event.stopPropagation();
    var card = document.getElementById(link.getAttribute("href").slice(1));
    if (!card) { return; }
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    card.focus({ preventScroll: true });
    card.classList.add("recap-flash");
    setTimeout(function () { card.classList.remove("recap-flash"); }, 1600);
  }, true);
  var pending = false;
  function nameMarkers() {
    pending = false;
    document.querySelectorAll("a.recap-cite[title]").forEach(function (link) {
      if (link.getAttribute("aria-label") !== link.title) { link.setAttribute("aria-label", link.title); }
    });
  }
  new MutationObserver(function () {
    if (!pending) { pending = true; setTimeout(nameMarkers, 30); }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>
"""
)

# A heatmap cell reports which topic and source it stands for; Python builds the question.
HEATMAP_JS = """
element.addEventListener("click", function (event) {
  var cell = event.target.closest("[data-topic]");
  if (cell) { trigger("click", { topic: cell.dataset.topic, source: cell.dataset.source }); }
});
"""
