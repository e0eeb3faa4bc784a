"""Quotes read as their author wrote them: a recap's inline Markdown on cards, links in the chat, nothing else.

The highlight covers exactly the quoted characters (citation offsets point into the raw Markdown),
the HTML always nests, and nothing a recap says becomes markup except http(s) links we write ourselves.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from assistant import Assistant, Citation, Source
from ui import inline, render
from ui.cards import CardContext, card_html

PLAYLIST = "https://www.youtube.com/playlist?list=PLj6h78yzYM2N8nw1YcqqKveySH6_0VnI0"
PARAGRAPH = (
    "Notable talks were given. All the talks are now uploaded to YouTube in the following "
    f"[playlist]({PLAYLIST}). Those do not include the [separate playlists]"
    "(https://www.youtube.com/@cncf/playlists?view=1&sort=dd&flow=grid) by CNCF."
)
QUOTE = f"All the talks are now uploaded to YouTube in the following [playlist]({PLAYLIST})."
VOID = {"br", "img", "hr"}


class Tree(HTMLParser):
    """Parses HTML strictly enough to catch misnested or unclosed tags, and keeps what each tag holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.marked: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.tags: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "a":
            self._href, self._link_text = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()
        if tag == "a":
            self.links.append((self._href or "", "".join(self._link_text)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "mark" in self.stack:
            self.marked.append(data)
        if "a" in self.stack:
            self._link_text.append(data)


def tree(html: str) -> Tree:
    parsed = Tree()
    parsed.feed(html)
    parsed.close()
    assert parsed.stack == [], f"unclosed {parsed.stack}"
    return parsed


def render_span(text: str, mark: tuple[int, int], window: tuple[int, int] | None = None) -> Tree:
    return tree(inline.html(text, inline.parse(text), window or (0, len(text)), mark))


def test_links_emphasis_and_code_render_and_the_syntax_does_not_show() -> None:
    text = "Try *this*, **that**, `kubectl get <pods>`, ~~old~~ and [the docs](https://k8s.io/docs_(v1)) today."
    shown = render_span(text, (0, 0))
    assert "".join(shown.text) == "Try this, that, kubectl get <pods>, old and the docs today."
    assert shown.links == [("https://k8s.io/docs_(v1)", "the docs")]
    assert {"em", "strong", "code", "del", "a"} <= set(shown.tags)


def test_the_highlight_covers_exactly_the_quoted_characters() -> None:
    start = PARAGRAPH.index(QUOTE)
    shown = render_span(PARAGRAPH, (start, start + len(QUOTE)))
    assert "".join(shown.marked) == "All the talks are now uploaded to YouTube in the following playlist."
    assert "".join(shown.marked) == inline.visible(PARAGRAPH, inline.parse(PARAGRAPH), start, start + len(QUOTE))
    assert (PLAYLIST, "playlist") in shown.links
    html = inline.html(PARAGRAPH, inline.parse(PARAGRAPH), (0, len(PARAGRAPH)), (start, start + len(QUOTE)))
    assert html.count("<mark>") == 1 and "<mark>All the talks" in html  # one highlight, the link inside it


@pytest.mark.parametrize("offset", range(-3, 4))
def test_a_highlight_boundary_inside_link_syntax_still_nests_and_shows_no_syntax(offset: int) -> None:
    link = PARAGRAPH.index("[playlist]")
    for mark in [(link + offset, len(PARAGRAPH)), (0, link + offset), (link + 5 + offset, link + 40 + offset)]:
        shown = render_span(PARAGRAPH, mark)
        assert "](" not in "".join(shown.text) and "[" not in "".join(shown.text)
        visible = inline.visible(PARAGRAPH, inline.parse(PARAGRAPH), *mark)
        assert "".join(shown.marked) == visible


def test_a_window_cuts_links_without_leaving_syntax_or_empty_elements() -> None:
    link = PARAGRAPH.index("[separate")
    for lo in range(link - 2, link + 12):
        html = inline.html(PARAGRAPH, inline.parse(PARAGRAPH), (lo, len(PARAGRAPH)), (0, 0))
        assert "<a " not in html or re.search(r"<a [^>]*>[^<]+</a>", html)
        assert "](" not in "".join(tree(html).text)


def test_javascript_and_relative_links_and_raw_html_stay_inert() -> None:
    text = (
        "[click](javascript:alert(1)) [rel](/blog/x) ![pic](https://x.org/i.png) "
        '<script>alert(2)</script> <img src=x onerror="alert(3)"> <a href="javascript:alert(4)">a</a> '
        "<javascript:alert(5)> [ok](HTTPS://example.org/a)"
    )
    html = inline.html(text, inline.parse(text), (0, len(text)), (0, 5))
    shown = tree(html)
    assert shown.links == [("HTTPS://example.org/a", "ok")]
    assert "<script" not in html and "<img" not in html
    assert not re.search(r"<[a-z][^>]*javascript:", html)  # shown as text, never inside a tag
    assert set(shown.tags) <= {"a", "mark"}
    assert "click rel pic <script>alert(2)</script>" in "".join(shown.text)


def test_escapes_bullets_and_bare_urls() -> None:
    text = "- one \\*not em\\*\n- two: see https://example.org/a_(b)_c). And snake_case_name, 5 * 3 * 2."
    shown = render_span(text, (0, 0))
    expected = "• one *not em*\n• two: see https://example.org/a_(b)_c). And snake_case_name, 5 * 3 * 2."
    assert "".join(shown.text) == expected
    assert shown.links == [("https://example.org/a_(b)_c", "https://example.org/a_(b)_c")]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "hostile", ["*a " * 40_000, "[a](" * 30_000, "`" * 60_000 + "a", "[" * 50_000 + "]" * 50_000, "_a" * 60_000]
)
def test_hostile_paragraphs_render_in_linear_time(hostile: str) -> None:
    tree(inline.html(hostile, inline.parse(hostile), (0, len(hostile)), (10, 500)))


def _citation(quote: str, start: int, n: int = 2) -> Citation:
    source = Source(id="s", title="Highlights", author="Daniel Bryant", publisher="Medium", url="https://x.org/p")
    end = start + len(quote)
    return Citation(n=n, source=source, quote=quote, section="Talks", chunk_id="c", score=1.0, start=start, end=end)


def test_the_chat_keeps_a_quoted_link_as_a_link_and_everything_else_literal() -> None:
    text = f"Rafael Franzke: “{QUOTE}” [2] and *stars*, <b>bold</b>, [js](javascript:x) https://x.org/a_b [9]"
    markdown = render.answer_markdown(text, [_citation(QUOTE, 0)])
    assert f'<a href="{PLAYLIST}" target="_blank" rel="noopener noreferrer nofollow">playlist</a>' in markdown
    assert '<a href="https://x.org/a_b"' in markdown
    # The marker is a link to its card, named for screen readers; [9] cites nothing and stays text.
    assert '<a class="recap-cite" href="#recap-cite-2" title="citation 2: Daniel Bryant, Medium">' in markdown
    assert "\\[9\\]" in markdown and "#recap-cite-9" not in markdown
    # Only the tags written here: the recap's own markup is escaped, its other Markdown backslashed.
    assert set(re.findall(r"<(/?\w+)", markdown)) == {"a", "/a"}
    assert "&lt;b&gt;" in markdown and "\\*stars\\*" in markdown and "\\[js\\]\\(javascript\\:x\\)" in markdown
    # No URL the browser sees carries a backslash (Markdown would not undo it inside a link).
    assert all("\\" not in href for href in re.findall(r'href="([^"]*)"', markdown))


def test_a_streamed_draft_has_no_citation_links_yet() -> None:
    assert "recap-cite" not in render.answer_markdown("Quoted [1] and [2]")


def test_a_card_renders_the_paragraph_around_a_quote_from_its_markdown() -> None:
    text = f"# Notable Talks\n\n{PARAGRAPH}\n"
    start = text.index(QUOTE)
    paragraph = (text.index("Notable talks"), len(text) - 1)
    html = card_html(_citation(QUOTE, start), CardContext(text, "Notable Talks", [paragraph]))
    shown = tree(html)
    assert "](" not in "".join(shown.text)
    assert (PLAYLIST, "playlist") in shown.links
    assert "All the talks are now uploaded to YouTube in the following playlist." in "".join(shown.marked)
    # The card is not interactive itself: its controls are not nested in one another.
    assert not re.search(r"<summary[^>]*>(?:(?!</summary>).)*<a ", html, re.S)


def test_real_recap_card_shows_the_playlist_link(assistant: Assistant) -> None:
    answer = assistant.ask("Where can I watch the talks I missed?")
    citation = next(c for c in answer.citations if "[playlist](" in c.quote)
    title, paragraphs = assistant.section_of(citation)
    text = assistant.document_text(citation.source.id)
    assert text[citation.start : citation.end] == citation.quote  # offsets still point at the raw Markdown
    shown = tree(card_html(citation, CardContext(text, title, paragraphs)))
    assert any(href.startswith("https://www.youtube.com/playlist?list=") and t == "playlist" for href, t in shown.links)
    assert "".join(shown.marked).count("playlist") >= 2 and "](" not in "".join(shown.text)
    chat = render.answer_markdown(answer.text, answer.citations)
    assert ">playlist</a>" in chat and "list\\=" not in chat and "\\_0VnI0" not in chat
