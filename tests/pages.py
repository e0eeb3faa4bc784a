"""Driving the web UI in Debian's headless Chromium: open it at a size and theme, ask, upload, run axe, tab."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ANSWER_TIMEOUT = 90_000  # ms: the first answer of a session may wait for the index to open

# The sizes the layout is held to: a small phone, the common phone, a tablet, a laptop.
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# What each tab shows once it is ready; a tab added later is checked too (see `tabs`), once it settles.
READY = {
    "Ask": "#recap-question textarea",
    "Sources": "#recap-library tr",
    "Topic map": ".recap-cell button",
    "Plan": "#recap-items details.recap-item",
}

# A question whose quote holds a Markdown link: `[playlist](https://www.youtube.com/playlist?list=…)`.
LINK_QUESTION = "Where can I watch the talks I missed?"
PLAYLIST = "https://www.youtube.com/playlist?list=PLj6h78yzYM2N8nw1YcqqKveySH6_0VnI0"

_AXE = Axe()
# No component waiting on an event, and none still fading back from Gradio's dimmed "pending" look.
_SETTLED = """() => !document.querySelector(".pending, .translucent:not(.hide), .generating")
  && [...document.querySelectorAll(".html-container")].every(e => getComputedStyle(e).opacity === "1")"""


@contextmanager
def opened(browser: Browser, url: str, viewport: ViewportSize, theme: str = "light") -> Iterator[Page]:
    """A fresh page on the UI at `viewport`, in Gradio's light or dark theme, ready for a question."""
    page = browser.new_page(viewport=viewport)
    try:
        page.goto(f"{url}?__theme={theme}")
        page.wait_for_selector("#recap-question textarea")
        yield page
    finally:
        page.close()


def send(page: Page, question: str) -> None:
    """Type `question` and send it, without waiting for the answer."""
    page.locator("#recap-question textarea").fill(question)
    page.locator("#recap-ask").click()


def ask(page: Page, question: str) -> None:
    """Type `question`, send it, and wait until its answer and its cards are shown."""
    send(page, question)
    page.wait_for_selector("#recap-status .recap-badge", timeout=ANSWER_TIMEOUT)
    settle(page)


def upload(page: Page, path: Path) -> None:
    page.get_by_role("tab", name="Sources").click()
    page.locator("#recap-upload input[type=file]").set_input_files(str(path))
    page.locator("#recap-report li").first.wait_for(timeout=ANSWER_TIMEOUT)


def tabs(page: Page) -> list[str]:
    """Every tab the page has, so "on every tab" stays true when one is added."""
    names = [name.strip() for name in page.get_by_role("tab").all_inner_texts()]
    assert set(READY) <= set(names), names
    return names


def show_tab(page: Page, name: str) -> None:
    """Select tab `name` and wait for what it shows (the topic map is computed each time it opens)."""
    page.get_by_role("tab", name=name, exact=True).click()
    if name in READY:
        page.locator(READY[name]).first.wait_for(state="visible", timeout=ANSWER_TIMEOUT)
    settle(page)


def settle(page: Page) -> None:
    """Wait until no component is being updated: Gradio dims one while its event runs (what axe must not see)."""
    page.wait_for_function(_SETTLED, timeout=ANSWER_TIMEOUT)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is, one line per rule and element."""
    results: dict[str, Any] = _AXE.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]!r}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
        for node in v["nodes"]
    ]


def page_width(page: Page) -> int:
    """How wide the document is; wider than the viewport means the page scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector))


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focus is on an element matching `selector`, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def choose_file_by_keyboard(page: Page, button: str, path: Path, attempts: int = 3) -> None:
    """Open the file chooser of the focused `button` with Space (then Enter), and pick `path`.

    Headless Chromium drops a keyboard-opened file chooser now and then, even on a bare <button>
    outside Gradio, more often on a busy machine: each attempt checks the focus is still on the
    button and presses again. A button that never opens one fails.
    """
    for attempt in range(attempts):
        assert focused(page, button), f"the focus left {button}"
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space" if attempt % 2 == 0 else "Enter")
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError(f"neither Space nor Enter opened a file chooser from {button} in {attempts} presses")
