"""The whole flow by keyboard alone, at phone and desktop sizes: ask; from an [n] to its card; open the
card's section; switch tabs; upload a recap. Citation markers are named for screen readers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pages import ANSWER_TIMEOUT, SIZES, choose_file_by_keyboard, focused, opened, tab_to
from playwright.sync_api import Browser, Page

from index.settings import Settings
from ui.app import Server

SEVERAL_CITATIONS = "What did people say about Wasm?"  # three recaps, so there is an [n] to move between
pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECAP = """---
title: Corridor notes from {where}
author: Ada Lovelace
publisher: Example Notes
date: 2024-03-30
---

# Quokkaflow

Quokkaflow was the {where} demo of the week: it replays cluster events so teams can rehearse incidents.
"""


def card_names(page: Page) -> dict[int, str]:
    """What each [n] should be called: 'citation n: ' and the author and publisher on card n."""
    names = {}
    for card in page.locator("#recap-cards .recap-card").all():
        n = int(card.get_attribute("data-n") or 0)
        byline = card.locator(".recap-byline").inner_text().strip()
        who = byline.rsplit(", ", 1)[0] if byline.count(", ") >= 2 else byline  # the date goes
        names[n] = f"citation {n}: {who}"
    return names


@pytest.mark.parametrize("size", list(SIZES))
def test_the_whole_flow_works_by_keyboard_alone(
    browser: Browser, ui: tuple[Server, Settings], tmp_path: Path, size: str
) -> None:
    with opened(browser, ui[0].url, SIZES[size]) as page:
        # Ask: reach the question box, type, press Enter.
        tab_to(page, "#recap-question textarea")
        page.keyboard.type(SEVERAL_CITATIONS)
        page.keyboard.press("Enter")
        page.locator("#recap-cards .recap-card").first.wait_for(timeout=ANSWER_TIMEOUT)

        # Each [n] is named for the source it cites.
        names = card_names(page)
        assert len(names) >= 2
        for n, name in names.items():
            marker = page.get_by_role("link", name=name, exact=True)
            assert marker.count() == 1 and marker.get_attribute("href") == f"#recap-cite-{n}", name

        # From an [n] in the answer to its card: the focus lands on the card, and Tab reaches its links.
        tab_to(page, "#recap-chat a.recap-cite[href='#recap-cite-2']", backwards=True)
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'recap-cite-2'")
        page.keyboard.press("Tab")
        assert focused(page, "#recap-cite-2 a.recap-title")

        # Open the card's section.
        tab_to(page, "#recap-cite-2 summary", limit=5)
        page.keyboard.press("Enter")
        page.locator("#recap-cite-2 .recap-section").wait_for(state="visible")

        # Switch tabs, then upload a recap from the file chooser the keyboard opens.
        tab_to(page, "button[role=tab][data-tab-id=sources]")
        page.keyboard.press("Enter")
        page.locator("#recap-library tr").first.wait_for(state="visible")
        tab_to(page, "#recap-upload button.upload-container")
        path = tmp_path / f"corridor-{size}.md"
        path.write_text(RECAP.format(where=size), encoding="utf-8")
        choose_file_by_keyboard(page, "#recap-upload button.upload-container", path)
        page.locator("#recap-report li").first.wait_for(timeout=ANSWER_TIMEOUT)
        assert "added" in page.locator("#recap-report").inner_text()
        page.locator("#recap-library").get_by_text(f"Corridor notes from {size}").wait_for()
