"""The UI's CSS and the one script it adds to the page (kept as strings so the package needs no data files)."""

from __future__ import annotations

CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto; }
#recap-header { padding: 18px 22px; border-radius: 16px; color: #fff;
  background: linear-gradient(120deg, #1e3a8a 0%, #4338ca 45%, #0e7490 100%); }
#recap-header h1 { margin: 0; font-size: 1.7rem; letter-spacing: -0.01em; color: #fff; }
#recap-header p { margin: 6px 0 0; opacity: .9; font-size: .98rem; color: #e0e7ff; }
#recap-header .recap-pill { display: inline-block; margin: 8px 6px 0 0; padding: 2px 10px; border-radius: 999px;
  background: rgba(255,255,255,.16); font-size: .8rem; color: #fff; }
.recap-examples button { font-size: .86rem !important; }
#recap-chat a[href^="#recap-cite-"] { text-decoration: none; font-weight: 600; font-size: .85em;
  padding: 0 3px; border-radius: 5px; background: rgba(79,70,229,.12); color: #4338ca; }
.recap-status { font-size: .88rem; color: var(--body-text-color-subdued); margin: 4px 2px 2px; }
.recap-working::before { content: "⏳ "; }
.recap-badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 600; font-size: .78rem;
  margin-right: 6px; color: #fff; background: #0e7490; }
.recap-badge.recap-model { background: #7c3aed; }
.recap-notice { margin-top: 4px; color: #b45309; }
.recap-cards-label { font-size: .85rem; color: var(--body-text-color-subdued); margin: 10px 2px 8px; }
.recap-card { border: 1px solid var(--border-color-primary); border-radius: 14px; margin: 0 0 10px;
  background: var(--background-fill-primary); box-shadow: 0 1px 3px rgba(15,23,42,.06);
  transition: box-shadow .2s, border-color .2s; }
.recap-card:hover { border-color: #818cf8; box-shadow: 0 4px 14px rgba(67,56,202,.12); }
.recap-card.recap-flash { border-color: #4f46e5; box-shadow: 0 0 0 3px rgba(79,70,229,.35); }
.recap-card summary { list-style: none; cursor: pointer; padding: 12px 16px; }
.recap-card summary::-webkit-details-marker { display: none; }
.recap-card-head { display: flex; gap: 12px; align-items: flex-start; }
.recap-n { flex: none; width: 28px; height: 28px; border-radius: 50%; background: #4f46e5; color: #fff;
  display: flex; align-items: center; justify-content: center; font-weight: 700; font-size: .85rem; }
.recap-meta { min-width: 0; }
.recap-title { font-weight: 650; color: var(--body-text-color); text-decoration: none; }
a.recap-title:hover { text-decoration: underline; color: #4338ca; }
.recap-byline { font-size: .84rem; color: var(--body-text-color-subdued); }
.recap-quote { margin: 10px 0 4px 40px; padding: 8px 12px; border-left: 3px solid #c7d2fe;
  font-size: .92rem; line-height: 1.55; color: var(--body-text-color); white-space: pre-wrap; }
.recap-quote mark, .recap-section mark { background: #fef08a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
.recap-open { display: inline-block; margin-left: 40px; font-size: .82rem; color: #4f46e5; }
.recap-open::before { content: "▸ "; }
.recap-card[open] .recap-open::before { content: "▾ "; }
.recap-section { margin: 0 16px 14px 56px; padding: 10px 14px; max-height: 420px; overflow: auto;
  border-radius: 10px; background: var(--background-fill-secondary); font-size: .9rem; line-height: 1.6; }
.recap-section h4 { margin: 2px 0 8px; font-size: .95rem; }
.recap-section p { margin: 0 0 10px; white-space: pre-wrap; }
.recap-library table, .recap-heatmap table { border-collapse: collapse; width: 100%; }
.recap-library th, .recap-library td { text-align: left; padding: 8px 10px; vertical-align: top; font-size: .9rem;
  border-bottom: 1px solid var(--border-color-primary); }
.recap-file { font-size: .78rem; color: var(--body-text-color-subdued); font-family: var(--font-mono); }
.recap-num { text-align: right !important; font-variant-numeric: tabular-nums; }
.recap-report li.ok { color: #047857; }
.recap-report li.warn { color: #b45309; }
.recap-report li.err { color: #b91c1c; }
.recap-heatmap th { font-size: .82rem; padding: 6px; font-weight: 600; }
.recap-heatmap thead th small { display: block; font-weight: 400; color: var(--body-text-color-subdued); }
.recap-heatmap th.recap-topic { text-align: right; white-space: nowrap; padding-right: 12px; }
.recap-cell { cursor: pointer; text-align: center; padding: 0; height: 40px; min-width: 90px;
  border-radius: 8px;
  background: rgba(79, 70, 229, calc(0.05 + var(--s) * 0.9)); transition: transform .12s; }
.recap-cell span { font-size: .75rem; font-variant-numeric: tabular-nums; }
.recap-cell.recap-dark span { color: #fff; } .recap-cell.recap-light span { color: #312e81; }
.recap-library table, .recap-library th, .recap-library td, .recap-heatmap table, .recap-heatmap th,
.recap-heatmap td { border-left: none !important; border-right: none !important; border-top: none !important; }
.recap-heatmap td, .recap-heatmap thead th { border-bottom: none !important; }
.recap-heatmap table { border-collapse: separate; border-spacing: 4px; }
.recap-heatmap th { border: none !important; } .recap-heatmap thead th { max-width: 150px; overflow-wrap: anywhere; }
.recap-cell:hover { transform: scale(1.06); outline: 2px solid #f59e0b; }
.recap-legend { font-size: .82rem; color: var(--body-text-color-subdued); margin-top: 10px; }
"""

# Clicking "[n]" in an answer scrolls to card n and flashes it. Our own code, added once to the page;
# document text never reaches a script.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest('a[href^="#recap-cite-"]');
  if (!link) { return; }
  event.preventDefault();
  event.stopPropagation();
  var card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) { return; }
  card.scrollIntoView({ behavior: "smooth", block: "center" });
  card.classList.add("recap-flash");
  setTimeout(function () { card.classList.remove("recap-flash"); }, 1600);
}, true);
</script>
"""

# A heatmap cell reports which topic and source it stands for; Python builds the question.
HEATMAP_JS = """
element.addEventListener("click", function (event) {
  var cell = event.target.closest("[data-topic]");
  if (cell) { trigger("click", { topic: cell.dataset.topic, source: cell.dataset.source }); }
});
"""
