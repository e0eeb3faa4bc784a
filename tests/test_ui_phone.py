"""The web UI fits a phone and passes axe-core: every tab, before and after an answer, light and dark.

An answer to "Where can I watch the talks I missed?" quotes a sentence holding a long Markdown link,
which is what once widened the page on a phone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pages import (
    LINK_QUESTION,
    PLAYLIST,
    SIZES,
    ask,
    opened,
    page_width,
    serious_violations,
    show_tab,
    tabs,
)
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize

from index.settings import Settings
from ui.app import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def answer_with_open_card(page: Page) -> None:
    """Ask the question whose quote holds a link, and open the first card's section."""
    show_tab(page, "Ask")
    ask(page, LINK_QUESTION)
    page.locator("#recap-cards .recap-card").first.wait_for()
    page.locator("#recap-cards .recap-more summary").first.click()
    page.locator("#recap-cards .recap-section").first.wait_for(state="visible")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_tab_fits_and_passes_axe_before_and_after_an_answer(
    browser: Browser, ui: tuple[Server, Settings], artifacts: Path, size: str, theme: str
) -> None:
    viewport = SIZES[size]
    violations: dict[str, list[str]] = {}
    widths: dict[str, int] = {}
    with opened(browser, ui[0].url, viewport, theme) as page:
        for state in ("before", "after"):
            if state == "after":
                answer_with_open_card(page)
            for tab in tabs(page):
                show_tab(page, tab)
                where = f"{state} an answer, {tab} tab"
                violations[where] = serious_violations(page)
                widths[where] = page_width(page)
                if state == "after":
                    name = f"ui-{size}-{theme}-{tab.lower().replace(' ', '-')}.png"
                    page.screenshot(path=str(artifacts / name), full_page=True)
    assert {where: found for where, found in violations.items() if found} == {}
    assert {where: w for where, w in widths.items() if w > viewport["width"]} == {}


@pytest.mark.parametrize("width", [360, 768])
def test_nothing_scrolls_sideways_on_a_small_phone_or_a_tablet(
    browser: Browser, ui: tuple[Server, Settings], width: int
) -> None:
    with opened(browser, ui[0].url, ViewportSize(width=width, height=800)) as page:
        answer_with_open_card(page)
        assert page.locator(f"#recap-cards a[href='{PLAYLIST}']").count() >= 1  # the long link is on screen
        for tab in tabs(page):
            show_tab(page, tab)
            assert page_width(page) <= width, f"{tab} tab is {page_width(page)} px wide at {width} px"


def test_on_a_phone_the_question_box_stays_in_reach_and_the_library_is_cards(
    browser: Browser, ui: tuple[Server, Settings], artifacts: Path
) -> None:
    viewport = SIZES["phone"]
    with opened(browser, ui[0].url, viewport) as page:
        answer_with_open_card(page)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # reading the last card
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / "ui-phone-bottom.png"))
        for control in ("#recap-question textarea", "#recap-ask"):
            box = page.locator(control).bounding_box()
            assert box is not None, control
            # In view, in the lower half where a thumb reaches.
            assert viewport["height"] / 2 <= box["y"] and box["y"] + box["height"] <= viewport["height"], (control, box)
        ask_box = page.locator("#recap-ask").bounding_box()
        assert ask_box is not None and min(ask_box["width"], ask_box["height"]) >= 44  # a thumb-sized target

        # The bar does not hide the last card: the page leaves room under it.
        last = page.locator("#recap-cards .recap-card").last.bounding_box()
        bar = page.locator("#recap-ask-row").bounding_box()
        assert last is not None and bar is not None and last["y"] + last["height"] <= bar["y"]

        show_tab(page, "Sources")
        row = page.locator(".recap-library tr[data-source]").first
        assert row.evaluate("e => getComputedStyle(e).display") == "block"
        assert row.locator("td[data-label='Author']").is_visible()
        header = page.locator(".recap-library thead").bounding_box()  # kept for screen readers, not shown
        assert header is not None and header["height"] <= 1


def test_an_n_marker_brings_its_card_into_view_on_a_phone(
    browser: Browser, ui: tuple[Server, Settings], artifacts: Path
) -> None:
    """Also writes the README's phone screenshot: the answer, and the card its [1] leads to."""
    viewport = SIZES["phone"]
    with opened(browser, ui[0].url, viewport) as page:
        ask(page, LINK_QUESTION)
        page.locator("#recap-cards .recap-card").first.wait_for()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / "ui-phone-answer.png"))
        page.locator("#recap-chat a.recap-cite[href='#recap-cite-1']").click()
        page.wait_for_function("document.activeElement && document.activeElement.id === 'recap-cite-1'")
        page.wait_for_timeout(800)  # the smooth scroll
        card = page.locator("#recap-cite-1").bounding_box()
        assert card is not None and 0 <= card["y"] < viewport["height"] / 2
        page.screenshot(path=str(artifacts / "ui-phone-card.png"))
    shots = [Image.open(artifacts / f"ui-phone-{name}.png") for name in ("answer", "card")]
    gap = 24
    both = Image.new("RGB", (2 * viewport["width"] + 3 * gap, viewport["height"] + 2 * gap), "#e5e7eb")
    for i, shot in enumerate(shots):
        both.paste(shot, (gap + i * (viewport["width"] + gap), gap))
    both.save(artifacts / "ui-phone-readme.png", optimize=True)
