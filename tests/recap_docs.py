"""Small recap documents written by the tests themselves, one per supported format.

Each is a few paragraphs about a distinct topic, so a question can be traced to the file that
answers it. `write_formats` puts one of each in a folder; the duplicate repeats the HTML post as
Markdown with different chrome.
"""

from __future__ import annotations

from pathlib import Path

ARTICLE_TITLE = "What we learned at KubeCon Paris"
ARTICLE_PARAGRAPHS = [
    "KubeCon Europe 2024 in Paris drew more than twelve thousand attendees to the Porte de Versailles, "
    "and the hallway track was busier than ever before, with queues for every talk about platforms.",
    "Platform teams talked about golden paths, internal developer portals and the cost of running too many "
    "clusters. Several speakers argued that a platform is a product, that it needs a product manager, and "
    "that the teams who build one should measure adoption rather than count features.",
    "Large language models were everywhere: inference on Kubernetes, GPU sharing with dynamic resource "
    "allocation, and the new working group on serving workloads. The Zephyrine scheduler demo showed "
    "fractional GPUs handed to notebooks and batch jobs from the same quota.",
]

HTML_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>KubeCon Paris recap | Example Blog</title>
<meta property="og:title" content="{ARTICLE_TITLE}">
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2024-03-25T09:00:00+01:00">
<meta property="og:site_name" content="Example Blog">
<link rel="canonical" href="https://blog.example.com/kubecon-paris">
<script>window.dataLayer = []; function track() {{ console.log("tracking pixel fired"); }}</script>
<style>body {{ font-family: serif }}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button> <button>Manage preferences</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li>
<li><a href="/about">About us</a></li><li><a href="/careers">Careers at Example</a></li></ul></nav></header>
<main><article>
<h1>{ARTICLE_TITLE}</h1>
<p class="byline">By Ada Lovelace</p>
<p>{ARTICLE_PARAGRAPHS[0]}</p>
<h2>Platform engineering</h2>
<p>{ARTICLE_PARAGRAPHS[1]}</p>
<h2>Artificial intelligence</h2>
<p>{ARTICLE_PARAGRAPHS[2]}</p>
</article></main>
<footer><p>© 2024 Example Blog. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
<script>track();</script>
</body></html>
"""

HTML_NO_META = """<html><head><title>Notes from the conference</title></head><body>
<nav>Home | Archive | Contact</nav>
<article><h1>Notes from the conference</h1>
<p>The observability track was packed: OpenTelemetry profiling signals, eBPF based agents and a lot of
talk about the cost of storing every trace that a busy cluster produces in a single day.</p>
<p>Several maintainers showed how sampling at the collector keeps the bill down without losing the
traces that matter when an incident starts at three in the morning.</p></article>
<footer>Powered by a static site generator</footer></body></html>
"""

# The HTML post again, saved as Markdown by another tool: front matter, a reading time, a share line.
DUPLICATE_MD = (
    f"---\ntitle: {ARTICLE_TITLE}\nauthor: Ada Lovelace\n---\n\n5 min read\n\n# {ARTICLE_TITLE}\n\n"
    f"{ARTICLE_PARAGRAPHS[0]}\n\n## Platform engineering\n\n{ARTICLE_PARAGRAPHS[1]}\n\n"
    f"## Artificial intelligence\n\n{ARTICLE_PARAGRAPHS[2]}\n\nShare this post\n"
)

FRONT_MATTER_MD = """---
title: "WebAssembly at KubeCon"
author: Grace Hopper
publisher: Wasm Weekly
date: 2024-03-28
url: https://wasm.example.org/kubecon
---

# WebAssembly at KubeCon

SpinKube was the WebAssembly story of the week: it runs Spin applications on Kubernetes next to
containers, and the demos started functions in under a millisecond on a small cluster.

## Component model

The component model lets teams compose modules written in Rust, Go and Python, which several speakers
saw as the piece that finally makes WebAssembly useful on the server side.
"""

PLAIN_MD = """# Security notes

Software supply chain security came up in many talks: signing images with Sigstore, attestations
with in-toto, and admission policies that refuse unsigned workloads before they ever start.

The Kyverno maintainers showed policy reports that explain, in plain words, why a deployment was refused.
"""

PLAIN_TXT = """Sustainability at KubeCon

The environmental sustainability group presented Kepler, which estimates the energy each pod uses
from hardware counters, and showed dashboards that put a carbon figure next to every namespace.

Teams said the numbers changed how they schedule batch work, moving it to hours with cleaner power.
"""

PDF_TITLE = "Cluster API in production"
PDF_AUTHOR = "Alan Turing"
PDF_PARAGRAPHS = [
    "Cluster API has become the default way to run fleets of clusters. Operators at the conference "
    "described upgrading two hundred clusters in a weekend with the Quillfeather rollout controller.",
    "The maintainers explained that machine health checks and managed topologies now cover most of "
    "what teams used to script by hand, and that the next release focuses on in-place updates.",
]


def write_pdf(path: Path, title: str = PDF_TITLE, author: str = PDF_AUTHOR) -> Path:
    """A real PDF with a text layer, made with fpdf2 (pure Python)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in PDF_PARAGRAPHS:
        pdf.multi_cell(0, 6, text=paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))
    return path


def write_formats(folder: Path) -> dict[str, Path]:
    """One good file of each format (and the duplicate), by role."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "html": folder / "kubecon-paris.html",
        "html_no_meta": folder / "notes.htm",
        "duplicate": folder / "kubecon-paris-copy.md",
        "front_matter": folder / "wasm.md",
        "markdown": folder / "security.md",
        "text": folder / "sustainability.txt",
    }
    files["html"].write_text(HTML_PAGE, encoding="utf-8")
    files["html_no_meta"].write_text(HTML_NO_META, encoding="utf-8")
    files["duplicate"].write_text(DUPLICATE_MD, encoding="utf-8")
    files["front_matter"].write_text(FRONT_MATTER_MD, encoding="utf-8")
    files["markdown"].write_text(PLAIN_MD, encoding="utf-8")
    files["text"].write_text(PLAIN_TXT, encoding="utf-8")
    files["pdf"] = write_pdf(folder / "cluster-api.pdf")
    return files
