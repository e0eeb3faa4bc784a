"""The web UI is safe by default: loopback, escaped document text, bounded uploads, no stray files served."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from gradio.utils import get_cache_folder
from servers import copy_index, running_ui

from assistant import Assistant, Citation, Source
from assistant.types import Answer
from index.embeddings import Embedder
from index.settings import Settings
from ui import render
from ui.app import RecapUI, Server
from ui.cards import CardContext, cards_html

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def file_route(url: str, path: str) -> httpx.Response:
    return httpx.get(f"{url.rstrip('/')}/gradio_api/file={path}", timeout=10)


@pytest.mark.slow
def test_binds_loopback_by_default(ui: tuple[Server, Settings]) -> None:
    server, settings = ui
    assert settings.ui_host == "127.0.0.1" and Settings().ui_host == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


@pytest.mark.slow
def test_data_dir_and_chroma_files_are_not_served(ui: tuple[Server, Settings]) -> None:
    server, settings = ui
    data = settings.data_dir.resolve()
    secrets = [data / settings.collection / "catalog.json", *sorted(data.rglob("*.sqlite3"))]
    secrets += sorted((data / settings.collection / "documents").glob("*.txt"))[:1]
    assert len(secrets) >= 3 and all(p.is_file() for p in secrets)
    cache = get_cache_folder().resolve()  # the folder Gradio does serve: climb out of it
    depth = len(cache.parts)
    for secret in secrets:
        climb = "../" * depth + str(secret).lstrip("/")
        for path in (str(secret), f"{cache}/{climb}", f"{cache}/{climb}".replace("../", "%2e%2e/")):
            response = file_route(server.url, path)
            assert response.status_code in {403, 404}, (path, response.status_code)
            assert secret.read_bytes()[:64] not in response.content
    for path in ("/etc/passwd", "pyproject.toml", "../../../../etc/passwd", str(settings.corpus_dir)):
        assert file_route(server.url, path).status_code in {403, 404}, path


@pytest.mark.slow
def test_uploads_are_served_back_but_bounded_in_size(ui: tuple[Server, Settings], tmp_path: Path) -> None:
    server, settings = ui
    small = tmp_path / "note.md"
    small.write_text("# A note\n\nSmall enough.\n", encoding="utf-8")
    with small.open("rb") as fh:
        response = httpx.post(f"{server.url}gradio_api/upload", files={"files": fh}, timeout=30)
    assert response.status_code == 200
    uploaded = response.json()[0]
    # The file route works for what it is meant to serve, so the refusals above are refusals.
    assert file_route(server.url, uploaded).status_code == 200

    big = tmp_path / "big.md"
    big.write_bytes(b"# big\n\n" + b"word " * int(settings.ui_max_upload_mb * 1_000_000 / 5 + 1000))
    with big.open("rb") as fh:
        response = httpx.post(f"{server.url}gradio_api/upload", files={"files": fh}, timeout=30)
    assert response.status_code == 413


@pytest.mark.slow
def test_login_required_when_configured(
    tmp_path_factory: pytest.TempPathFactory, corpus_index: Path, embedder: Embedder
) -> None:
    data = copy_index(tmp_path_factory, corpus_index, "ui-auth")
    with running_ui(data, embedder, ui_user="ada", ui_password="s3cret-pass") as (server, _):
        assert httpx.post(f"{server.url}gradio_api/upload", files={"files": b"x"}, timeout=10).status_code == 401
        assert httpx.get(f"{server.url}config", timeout=10).status_code == 401
        with httpx.Client(base_url=server.url, timeout=10) as client:
            bad = client.post("login", data={"username": "ada", "password": "wrong"})
            assert bad.status_code == 400
            good = client.post("login", data={"username": "ada", "password": "s3cret-pass"})
            assert good.status_code == 200
            assert client.get("config").status_code == 200


def test_auth_is_off_unless_both_user_and_password_are_set() -> None:
    assert Settings(ui_user="ada").auth() is None
    assert Settings(ui_user="ada", ui_password="pw").auth() == ("ada", "pw")


def test_unsupported_and_oversized_uploads_are_refused(fresh_assistant: Assistant, tmp_path: Path) -> None:
    ui = RecapUI(fresh_assistant, Settings(data_dir=fresh_assistant.settings.data_dir, ui_max_upload_mb=0.001))
    before = {s.id for s in fresh_assistant.sources()}
    script = tmp_path / "run.sh"
    script.write_text("echo hi\n", encoding="utf-8")
    large = tmp_path / "large.md"
    large.write_text("# Large\n\n" + "text " * 1000, encoding="utf-8")
    report, _, _ = ui.add_recaps([str(script), str(large)])
    assert "run.sh" in report and "unsupported file type" in report
    assert "large.md" in report and "larger than" in report
    assert {s.id for s in fresh_assistant.sources()} == before


def _citation(quote: str, title: str = HOSTILE, url: str = "javascript:window.__pwned=3") -> Citation:
    source = Source(id="s1", title=title, author=HOSTILE, publisher="<b>pub</b>", url=url, path="/x/evil.md")
    return Citation(
        n=1, source=source, quote=quote, section=HOSTILE, chunk_id="c1", score=0.9, start=6, end=6 + len(quote)
    )


def test_document_text_is_escaped_everywhere() -> None:
    text = f"Intro\n{HOSTILE} and more\n"
    citation = _citation(HOSTILE)
    context = CardContext(text, HOSTILE, [(6, len(text) - 1)])
    answer = Answer(f"They said {HOSTILE} [1]", [citation], abstained=False, backend="extractive", notice=HOSTILE)
    outputs = [
        cards_html(answer, {1: context}),
        render.sources_html([citation.source]),
        render.heatmap_html([HOSTILE], [citation.source], [[0.5]]),
        render.status_html(answer),
        render.ingest_report_html([HOSTILE], [], [(HOSTILE, HOSTILE)], []),
    ]
    for html in outputs:
        assert "<script" not in html and "<img" not in html and "javascript:" not in html
        assert "&lt;script&gt;" in html
    chat = render.answer_markdown(answer.text, [citation])
    # The only tag is the marker's own link to its card; the recap's markup is escaped.
    assert "<script" not in chat and "<img" not in chat and "&lt;script&gt;" in chat
    assert chat.count("<a ") == 1 and '<a class="recap-cite" href="#recap-cite-1"' in chat
    # Markdown from a document stays literal too: no links or images it could smuggle in.
    assert render.escape_markdown("[x](javascript:alert(1)) ![i](http://x/i.png)").count("\\[") == 2


def test_uploads_with_the_same_name_are_both_kept(fresh_assistant: Assistant, tmp_path: Path) -> None:
    ui = RecapUI(fresh_assistant, Settings(data_dir=fresh_assistant.settings.data_dir))
    first, second = tmp_path / "a" / "recap.md", tmp_path / "b" / "recap.md"
    for path, topic in [(first, "Quasarflow tracing"), (second, "Nimbusmesh routing")]:
        path.parent.mkdir()
        path.write_text(f"# Notes\n\nAt KubeCon the hallway track was all about {topic} for platform teams.\n")
        ui.add_recaps([str(path)])
    titles = {Path(s.path).name for s in fresh_assistant.sources()}
    assert "recap.md" in titles and any(t.startswith("recap-") and t.endswith(".md") for t in titles)
    for topic in ["Quasarflow", "Nimbusmesh"]:  # neither upload replaced the other
        assert fresh_assistant.ask(f"What did people say about {topic}?").citations
