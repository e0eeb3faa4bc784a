"""The Plan tab in headless Chromium: filter the catalogue by kind, open an item to read its
highlighted mention, make a plan for a role and download it as Markdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pages import ANSWER_TIMEOUT
from playwright.sync_api import Browser, Page

from index.settings import Settings
from ui.app import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def plan_page(browser: Browser, ui: tuple[Server, Settings]) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(ui[0].url)
    page.get_by_role("tab", name="Plan").click()
    page.locator("#recap-items details.recap-item").first.wait_for(timeout=ANSWER_TIMEOUT)
    yield page
    page.close()


def kinds_shown(page: Page) -> set[str]:
    return set(page.locator("#recap-items details.recap-item").evaluate_all("rows => rows.map(r => r.dataset.kind)"))


def test_filter_by_kind_and_open_an_item_to_see_its_highlighted_mention(plan_page: Page, artifacts: Path) -> None:
    page = plan_page
    assert len(kinds_shown(page)) > 3
    page.locator("#recap-kind input").click()
    page.get_by_role("option", name="event", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#recap-items details.recap-item')].every(r => r.dataset.kind === 'event')"
    )
    assert kinds_shown(page) == {"event"}
    row = page.locator("#recap-items details.recap-item", has_text="Platform Engineering Day").first
    assert not row.locator(".recap-card").first.is_visible()
    row.locator("summary.recap-item-row").click()
    mark = row.locator(".recap-card .recap-quote mark").first
    mark.wait_for(state="visible")
    assert "Platform Engineering Day" in mark.inner_text()
    assert row.locator("a.recap-title").first.get_attribute("href").startswith("https://")
    page.screenshot(path=str(artifacts / "ui-plan-catalogue.png"), full_page=True)


def test_plan_for_a_role_downloads_as_markdown(plan_page: Page, artifacts: Path, tmp_path: Path) -> None:
    page = plan_page
    page.locator("#recap-role textarea, #recap-role input").first.fill("platform engineer")
    page.locator("#recap-make-plan").click()
    plan = page.locator("#recap-plan")
    plan.locator("section").first.wait_for(timeout=ANSWER_TIMEOUT)
    assert "Platform Engineering Day" in plan.inner_text()
    assert "Boosting Developer Platform Teams with Product Thinking" in plan.inner_text()
    with page.expect_download(timeout=ANSWER_TIMEOUT) as download:
        page.locator("#recap-plan-download").click()
    saved = tmp_path / "plan.md"
    download.value.save_as(saved)
    checklist = saved.read_text(encoding="utf-8")
    assert checklist.startswith("# Plan for the next")
    assert "- [ ] Platform Engineering Day (event)" in checklist
    assert "role: platform engineer" in checklist
    page.screenshot(path=str(artifacts / "ui-plan.png"), full_page=True)
