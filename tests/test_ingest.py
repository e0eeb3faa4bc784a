"""Ingestion of the real corpus: chrome removed, duplicates found, incremental, bad files harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_crash import write_doc

from assistant import Assistant
from index.catalog import Catalog
from index.documents import load_document
from index.embeddings import WINDOW, Embedder
from index.ingest import Ingestor
from index.settings import BUNDLED_CORPUS, Settings
from index.store import VectorStore

OPSRAMP_PLAIN = "000_a0198031c7396802.txt"
OPSRAMP_WITH_HEADINGS = "002_8756dfcdad1dbd7d.txt"


def all_chunks(assistant: Assistant) -> dict[str, str]:
    return {c.id: c.text for c in assistant.store.all_chunks()}


def test_opsramp_duplicate_is_indexed_once(assistant: Assistant) -> None:
    sources = assistant.sources()
    opsramp = [s for s in sources if s.publisher == "OpsRamp blog"]
    assert len(sources) == 4
    assert len(opsramp) == 1
    (kept,) = opsramp
    assert Path(kept.path).name == OPSRAMP_WITH_HEADINGS  # the copy with headings chunks better
    assert [Path(d).name for d in kept.duplicates] == [OPSRAMP_PLAIN]


def test_reingest_is_idempotent(fresh_assistant: Assistant) -> None:
    before = all_chunks(fresh_assistant)
    report = fresh_assistant.ingest()
    assert report.added == [] and report.updated == [] and report.removed == []
    assert len(report.unchanged) == 5
    assert [Path(d.path).name for d in report.duplicates] == [OPSRAMP_PLAIN]
    assert all_chunks(fresh_assistant) == before


def test_site_chrome_is_not_indexed(assistant: Assistant) -> None:
    text = "\n".join(all_chunks(assistant).values())
    for chrome in ["We use Cookies", "CTA-USI-eBook", "KubeCon_2024_Jayanth", "Photo by", "11 Minutes", "Next Steps:"]:
        assert chrome not in text, chrome
    assert "\n--\n" not in text and "DevRel and Technical GTM Leader" not in text  # Medium separators and bio
    assert "authors:" not in text and "![KubeCon EU 2024 Keynote Room]" not in text  # front matter, image


def test_chunks_fit_the_embedding_window_and_keep_sections(assistant: Assistant, embedder: Embedder) -> None:
    chunks = assistant.store.all_chunks()
    worst = max(embedder.count_word_pieces(f"{c.section_title}\n{c.text}") for c in chunks)
    assert worst <= WINDOW, f"a chunk has {worst} word pieces; the model would truncate it"
    sections = {c.section_title for c in chunks}
    assert {"WASM Everywhere", "Wasm: A hot topic, but with some uncertainty", "Observability"} <= sections
    for c in chunks:  # offsets point at the text
        doc = assistant.document_text(c.source_id)
        assert all(doc[s:e] in c.text for s, e in c.spans)


def test_metadata_from_manifest_and_front_matter() -> None:
    doc = load_document(BUNDLED_CORPUS / "001_fa5dea81f7911e80.txt")
    assert doc.meta.author == "Rafael Franzke" and doc.meta.date == "2024-04-05"
    assert doc.meta.url == "https://gardener.cloud/blog/2024/04/05/01/"
    assert doc.body_start > 0 and doc.text[: doc.body_start].startswith("---")


def test_changed_file_replaced_and_removed_file_gone(corpus_copy: Path, tmp_path: Path, embedder: Embedder) -> None:
    assistant = Assistant(Settings(data_dir=tmp_path / "data"), embedder=embedder, auto_ingest=False)
    assistant.ingest([corpus_copy])
    bryant = corpus_copy / "003_88e24cc23989dd1a.txt"
    haintz = corpus_copy / "004_187b5ab0ce31c12c.txt"
    old_bryant = {cid for cid in all_chunks(assistant) if cid.startswith("003")}

    bryant.write_text(
        bryant.read_text(encoding="utf-8").replace("Dapr", "Zorblax"), encoding="utf-8"
    )  # a distinctive edit
    haintz.unlink()
    report = assistant.ingest([corpus_copy])

    assert report.updated == [str(bryant)]
    assert report.removed == [str(haintz)]
    assert report.added == []
    chunks = all_chunks(assistant)
    new_bryant = {cid for cid in chunks if cid.startswith("003")}
    assert new_bryant and new_bryant != old_bryant
    assert not any(cid.startswith("004") for cid in chunks)
    assert "Christian Haintz" not in {s.author for s in assistant.sources()}
    hits = assistant.search("Zorblax enterprise service bus", k=3)
    assert "Zorblax" in hits[0].text
    assert not any("Dapr" in t for t in chunks.values())


def test_a_writer_does_not_undo_a_commit_made_since_it_loaded_the_catalog(tmp_path: Path, embedder: Embedder) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    folder = tmp_path / "recaps"
    folder.mkdir()
    for i in range(3):
        write_doc(folder / f"recap-{i}.md", i)
    Assistant(settings, embedder=embedder, auto_ingest=False).ingest([folder / "recap-0.md"])
    loaded_early = Catalog.load(settings.data_dir / settings.collection)  # by a writer not yet started

    Assistant(settings, embedder=embedder, auto_ingest=False).ingest([folder / "recap-1.md"])  # another commit
    Ingestor(settings, VectorStore(settings), loaded_early, embedder).ingest([folder / "recap-2.md"])

    committed = Catalog.load(settings.data_dir / settings.collection)
    assert sorted(Path(p).name for p in committed.records) == ["recap-0.md", "recap-1.md", "recap-2.md"]
    stored = VectorStore(settings).source_counts()
    assert all(stored.get(r.id, 0) == r.chunk_count > 0 for r in committed.indexed())


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("blank.txt", b"  \n\n \n", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("latin1.txt", "Café déjà vu, naïve façade".encode("latin-1"), "UTF-8"),
        ("chrome-only.txt", b"We use Cookies\n\n--\n\n11 Minutes\n", "no prose"),
        ("slides.pptx", b"PK\x03\x04 not a recap", "unsupported"),
    ],
)
def test_bad_file_reported_and_index_untouched(
    fresh_assistant: Assistant, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    before = all_chunks(fresh_assistant)
    folder = tmp_path / "incoming"
    folder.mkdir()
    bad = folder / name
    bad.write_bytes(content)
    good = folder / "good.md"
    good.write_text("# Hallway track\n\nThe hallway track at KubeCon Paris was full of talk about Kueue batch jobs.\n")

    report = fresh_assistant.ingest([folder])

    assert [e.path for e in report.errors] == [str(bad)]
    assert reason.lower() in report.errors[0].reason.lower()
    assert report.added == [str(good)]
    after = all_chunks(fresh_assistant)
    assert set(before) < set(after)  # nothing lost, the good file added
    assert {cid: after[cid] for cid in before} == before
