"""Every supported format, read from documents the tests write: main content, metadata, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from recap_docs import ARTICLE_PARAGRAPHS, ARTICLE_TITLE, PDF_AUTHOR, PDF_PARAGRAPHS, PDF_TITLE, write_formats

from assistant import Assistant
from index.clean import structure
from index.documents import load_document
from index.embeddings import Embedder
from index.errors import BadDocumentError
from index.ingest import IngestReport
from index.settings import Settings

CHROME = ["cookies", "Accept all", "Careers at Example", "tracking pixel", "All rights reserved", "Privacy policy"]


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_formats(tmp_path_factory.mktemp("formats") / "recaps")


@pytest.fixture(scope="module")
def ingested(
    formats: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> tuple[Assistant, IngestReport]:
    assistant = Assistant(Settings(data_dir=tmp_path_factory.mktemp("formats-data")), embedder=embedder)
    report = assistant.ingest([formats["html"].parent])
    return assistant, report


def test_html_keeps_the_article_and_drops_the_chrome(formats: dict[str, Path]) -> None:
    doc = load_document(formats["html"])
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in doc.text
    for chrome in CHROME:
        assert chrome not in doc.text, chrome
    titles = [s.title for s in structure(doc).sections]
    assert titles == [ARTICLE_TITLE, "Platform engineering", "Artificial intelligence"]


def test_html_metadata_from_meta_tags(formats: dict[str, Path]) -> None:
    meta = load_document(formats["html"]).meta
    assert meta.title == ARTICLE_TITLE  # og:title, not the <title> with the site name
    assert meta.author == "Ada Lovelace"
    assert meta.publisher == "Example Blog"
    assert meta.date == "2024-03-25"
    assert meta.url == "https://blog.example.com/kubecon-paris"


def test_html_without_meta_tags_leaves_fields_empty(formats: dict[str, Path]) -> None:
    doc = load_document(formats["html_no_meta"])
    assert doc.meta.title == "Notes from the conference"
    assert (doc.meta.author, doc.meta.publisher, doc.meta.date, doc.meta.url) == ("", "", "", "")
    assert "Powered by" not in doc.text and "Archive" not in doc.text


def test_manifest_overrides_html_meta(tmp_path: Path) -> None:
    files = write_formats(tmp_path / "recaps")
    (tmp_path / "recaps" / "manifest.toml").write_text(
        '[[document]]\nfile = "kubecon-paris.html"\ntitle = "Paris, the official title"\nauthor = ""\n',
        encoding="utf-8",
    )
    meta = load_document(files["html"]).meta
    assert meta.title == "Paris, the official title"
    assert meta.author == "Ada Lovelace"  # an empty manifest field does not erase what the page says


def test_pdf_text_layer_and_metadata(formats: dict[str, Path]) -> None:
    doc = load_document(formats["pdf"])
    assert doc.meta.title == PDF_TITLE and doc.meta.author == PDF_AUTHOR
    assert doc.meta.url == "" and doc.meta.publisher == ""
    flat = " ".join(doc.text.split())
    for paragraph in PDF_PARAGRAPHS:
        assert paragraph in flat


def test_markdown_with_and_without_front_matter(formats: dict[str, Path]) -> None:
    with_fm = load_document(formats["front_matter"])
    assert with_fm.meta.author == "Grace Hopper" and with_fm.meta.date == "2024-03-28"
    assert with_fm.body_start > 0 and "author:" not in with_fm.text[with_fm.body_start :]
    without = load_document(formats["markdown"])
    assert without.body_start == 0 and without.meta.author == ""
    assert [s.title for s in structure(without).sections] == ["Security notes"]


def test_unknown_type_is_refused(tmp_path: Path) -> None:
    slides = tmp_path / "talk.pptx"
    slides.write_bytes(b"PK\x03\x04 slides")
    with pytest.raises(BadDocumentError, match=r"unsupported file type '\.pptx'.*\.html.*\.pdf"):
        load_document(slides)


def test_folder_of_every_format_is_ingested(ingested: tuple[Assistant, IngestReport], formats: dict[str, Path]) -> None:
    assistant, report = ingested
    assert report.errors == []
    (dup,) = report.duplicates
    assert sorted(report.added) == sorted(str(p) for p in formats.values() if str(p) != dup.path)
    assert len(assistant.sources()) == 6  # seven files, one of them the same post twice


def test_same_post_in_html_and_markdown_is_one_source(
    ingested: tuple[Assistant, IngestReport], formats: dict[str, Path]
) -> None:
    assistant, report = ingested
    (dup,) = report.duplicates
    assert {dup.path, dup.duplicate_of} == {str(formats["html"]), str(formats["duplicate"])}
    assert dup.similarity >= 0.8
    (kept,) = [s for s in assistant.sources() if s.title == ARTICLE_TITLE]
    assert kept.duplicates == (dup.path,)
    assert "Zephyrine" in "".join(h.text for h in assistant.search("Zephyrine scheduler fractional GPUs", k=3))


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("What is the Quillfeather rollout controller?", PDF_TITLE),
        ("Which scheduler demo showed fractional GPUs for notebooks?", ARTICLE_TITLE),
        ("What is SpinKube?", "WebAssembly at KubeCon"),
    ],
)
def test_answers_cite_the_right_document(ingested: tuple[Assistant, IngestReport], question: str, title: str) -> None:
    assistant, _ = ingested
    answer = assistant.ask(question)
    assert answer.citations, answer.text
    assert answer.citations[0].source.title == title
    for citation in answer.citations:  # quotes are verbatim text of the document, whatever its format
        assert citation.quote in assistant.document_text(citation.source.id)


def test_source_card_section_is_the_indexed_one(ingested: tuple[Assistant, IngestReport]) -> None:
    # HTML is chunked as Markdown; the card must show the section its chunk was indexed under.
    assistant, _ = ingested
    answer = assistant.ask("Which scheduler demo showed fractional GPUs for notebooks?")
    citation = answer.citations[0]
    title, spans = assistant.section_of(citation)
    text = assistant.document_text(citation.source.id)
    assert title == citation.section
    assert any(s <= citation.start and citation.end <= e for s, e in spans)
    assert all(text[s:e].strip() for s, e in spans)
