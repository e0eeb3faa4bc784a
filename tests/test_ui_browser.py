"""The web UI end to end in headless Chromium: ask, inspect citations, upload, and stay inert to hostile recaps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pages import ANSWER_TIMEOUT, SIZES, ask, opened, upload
from playwright.sync_api import Browser, Page

from index.settings import Settings
from ui.app import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_RECAP = """---
title: Hallway notes from Paris
author: Grace Hopper
publisher: Example Notes
date: 2024-03-29
url: https://notes.example.com/paris
---

# Marzipanctl

Marzipanctl was the command line tool everyone kept demoing in the hallway: it moves namespaces between
clusters without downtime by mirroring the workloads first and switching traffic at the gateway last.
"""

HOSTILE_RECAP = """---
title: <img src=x onerror="window.__pwned = 'title'">Zanzibarium notes
author: <script>window.__pwned = 'author'</script>
url: javascript:window.__pwned = 'url'
---

# Zanzibarium telemetry

Zanzibarium telemetry was the surprise of the week <script>window.__pwned = 'body'</script> and the
booth crowd loved it <img src=x onerror="window.__pwned = 'img'"> because Zanzibarium telemetry exports traces.
Zanzibarium telemetry has [a demo](javascript:window.__pwned='md') and <a href="javascript:window.__pwned='a'">docs</a>.
"""


@pytest.fixture(params=["desktop"])
def page(request: pytest.FixtureRequest, browser: Browser, ui: tuple[Server, Settings]) -> Iterator[Page]:
    """The UI at a desktop size; tests about layout ask for `SIZES` through `indirect` parametrisation."""
    with opened(browser, ui[0].url, SIZES[request.param]) as page:
        yield page


@pytest.mark.parametrize("page", list(SIZES), indirect=True)
def test_wasm_question_shows_answer_and_source_cards(page: Page, artifacts: Path) -> None:
    page.get_by_role("button", name="What did people say about Wasm?").click()
    page.wait_for_selector("#recap-cards .recap-card", timeout=ANSWER_TIMEOUT)
    answer = page.locator("#recap-chat .bot").last
    assert "Wasm" in answer.inner_text() or "WebAssembly" in answer.inner_text()
    assert page.locator("#recap-status").inner_text().strip().startswith("extractive")
    cards = page.locator("#recap-cards .recap-card")
    assert cards.count() >= 3
    first = cards.first
    assert first.locator(".recap-byline").inner_text().strip()
    assert first.locator("a.recap-title").get_attribute("href").startswith("https://")
    assert first.locator(".recap-quote mark").inner_text().strip()
    size = "phone" if page.viewport_size == SIZES["phone"] else "desktop"
    page.screenshot(path=str(artifacts / f"ui-answer-{size}.png"), full_page=True)

    # [2] in the answer leads to card 2, and opening it shows the section the quote came from.
    answer.locator('a[href="#recap-cite-2"]').first.click()
    second = page.locator("#recap-cite-2")
    assert not second.locator(".recap-section").is_visible()
    second.locator("summary").click()
    section = second.locator(".recap-section")
    section.wait_for(state="visible")
    quote = second.locator(".recap-quote mark").inner_text().strip()
    assert quote in section.inner_text() and len(section.inner_text()) > len(quote)
    assert section.locator("mark").count() >= 1
    second.screenshot(path=str(artifacts / f"ui-card-open-{size}.png"))


def test_uploaded_recap_is_listed_and_answerable(page: Page, artifacts: Path, tmp_path: Path) -> None:
    path = tmp_path / "hallway-notes.md"
    path.write_text(NEW_RECAP, encoding="utf-8")
    upload(page, path)
    assert "added" in page.locator("#recap-report").inner_text()
    library = page.locator("#recap-library")
    library.get_by_text("Hallway notes from Paris").wait_for()
    assert "Grace Hopper" in library.inner_text()
    page.screenshot(path=str(artifacts / "ui-sources.png"), full_page=True)

    page.get_by_role("tab", name="Ask").click()
    ask(page, "What does Marzipanctl do?")
    page.wait_for_selector("#recap-cards .recap-card", timeout=ANSWER_TIMEOUT)
    titles = page.locator("#recap-cards .recap-title").all_inner_texts()
    assert any("Hallway notes from Paris" in t for t in titles)


def test_hostile_recap_renders_as_text_and_runs_nothing(page: Page, artifacts: Path, tmp_path: Path) -> None:
    path = tmp_path / "zanzibarium.md"
    path.write_text(HOSTILE_RECAP, encoding="utf-8")
    upload(page, path)
    page.locator("#recap-library").get_by_text("Zanzibarium notes").wait_for()

    page.get_by_role("tab", name="Ask").click()
    ask(page, "What was the surprise about Zanzibarium telemetry?")
    page.wait_for_selector("#recap-cards .recap-card", timeout=ANSWER_TIMEOUT)
    for card in page.locator("#recap-cards .recap-card").all():
        card.locator("summary").click()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "ui-hostile.png"), full_page=True)

    assert page.evaluate("window.__pwned") is None
    shown = page.locator("#recap-cards").inner_text()
    assert "<script>" in shown or "onerror" in shown  # the markup is visible as text
    chat = page.locator("#recap-chat .bot").last.inner_text()
    assert "Zanzibarium" in chat
    assert page.locator("#recap-cards img, #recap-chat img[src='x'], #recap-library img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    # A Markdown link to javascript: shows its text and links nowhere; raw HTML stays text.
    assert "a demo" in shown and "](javascript" not in shown and '<a href="javascript' in shown
    page.locator("#recap-cards").get_by_text("a demo").first.click()
    assert page.evaluate("window.__pwned") is None


@pytest.mark.parametrize("page", list(SIZES), indirect=True)
def test_topic_map_cell_asks_about_that_recap(page: Page, artifacts: Path) -> None:
    page.get_by_role("tab", name="Topic map").click()
    cell = page.locator(".recap-cell button[data-topic='AI / LLMs']").first
    cell.wait_for(timeout=ANSWER_TIMEOUT)
    assert page.locator(".recap-heatmap tbody tr").count() >= 5
    size = "phone" if page.viewport_size == SIZES["phone"] else "desktop"
    page.screenshot(path=str(artifacts / f"ui-topic-map-{size}.png"), full_page=True)
    source = cell.get_attribute("data-source")
    cell.click()
    page.wait_for_selector("#recap-status .recap-badge", timeout=ANSWER_TIMEOUT)
    asked = page.locator("#recap-chat .user").last.inner_text()
    assert asked.strip() == f"What did {source} say about AI / LLMs?"
