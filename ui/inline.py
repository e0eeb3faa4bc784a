"""A recap's inline Markdown, parsed over offsets into its raw text, so it can be shown as the author meant it.

Recaps are third-party text, so none of it goes to a general Markdown or HTML library. `parse`
recognises a few inline constructs (links, emphasis, strikethrough, inline code, autolinks, bare
URLs, list bullets) and records where each one's visible characters lie in the raw text; everything
it does not recognise, raw HTML included, stays text. `html` writes the result as escaped HTML with
a highlight given by raw offsets (the offsets a citation carries), so the highlight covers exactly
the quoted characters whatever syntax surrounds them.

Every search for a closing delimiter is a bisection into positions found in one pass over the text,
and nesting depth is bounded by the kinds of delimiter, so a hostile paragraph of a hundred thousand
`*`, `[` or backticks costs about what a normal one does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlparse

_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_ANGLE_URL = re.compile(r"<(https?://[^\s<>]+)>", re.IGNORECASE)
# `(destination "title")` after a link's `]`: one level of parentheses inside a destination, as CommonMark.
_DESTINATION = re.compile(
    r"""\(\s*(?:<(?P<angle>[^<>\n]*)>|(?P<bare>(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+))"""
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"""
)
_LINE_PREFIX = re.compile(r"[ \t]*(?:(?P<bullet>[-*+])[ \t]+|#{1,6}[ \t]+|>[ \t]?)")
_URL_TRAILING = ".,:;!?*_~'\""  # punctuation that ends a sentence rather than a bare URL
_EMPHASIS = {"*": (1, 2), "_": (1, 2), "~": (2,)}  # delimiter → run lengths that open and close emphasis
_TAGS = {("*", 1): "em", ("_", 1): "em", ("*", 2): "strong", ("_", 2): "strong", ("~", 2): "del"}
_LINK_ATTRS = 'target="_blank" rel="noopener noreferrer nofollow"'


@dataclass(frozen=True)
class Node:
    """A construct spanning `text[start:end]`, its syntax included.

    `kind` is "text" (a leaf: the reader sees `text[start:end]`, or `shown` instead), "em", "strong",
    "del", "code", "link" (`href` is its http(s) URL) or "span" (a link to anything else, or an
    image: its text is shown and it links nowhere).
    """

    kind: str
    start: int
    end: int
    children: tuple[Node, ...] = ()
    href: str = ""
    shown: str | None = None


def safe_url(url: str) -> str:
    """`url` if it is an http(s) link, else "" (a `javascript:` URL in a recap must not become a link)."""
    url = url.strip()
    parsed = urlparse(url)
    return url if parsed.scheme.lower() in {"http", "https"} and parsed.netloc else ""


def parse(text: str, start: int = 0, end: int | None = None, *, links_only: bool = False) -> list[Node]:
    """The inline constructs of `text[start:end]` in order; their leaves cover every visible character once.

    With `links_only`, only links (`[text](url)`, `<url>`, bare URLs) are recognised and a link's text
    is one leaf: the chat shows everything else as written.
    """
    end = len(text) if end is None else end
    return _Parser(text, start, end, links_only).inline(start, end, links=True, top=True)


def leaves(nodes: Sequence[Node]) -> list[Node]:
    found: list[Node] = []
    for node in nodes:
        found.extend([node] if node.kind == "text" else leaves(node.children))
    return found


def visible(text: str, nodes: Sequence[Node], start: int = 0, end: int | None = None) -> str:
    """What a reader sees of the raw span `text[start:end]`: the text a highlight of that span covers."""
    end = len(text) if end is None else end
    out = []
    for leaf in leaves(nodes):
        lo, hi = max(leaf.start, start), min(leaf.end, end)
        if lo < hi:
            out.append(text[lo:hi] if leaf.shown is None else leaf.shown)
    return "".join(out)


def html(text: str, nodes: Sequence[Node], window: tuple[int, int], mark: tuple[int, int]) -> str:
    """The part of `nodes` inside the raw `window`, as escaped HTML, with the raw span `mark` in `<mark>`.

    A highlight that starts or ends inside link syntax covers the visible characters in its range; when
    it crosses an element boundary it is closed and reopened there, so the HTML always nests.
    """
    writer = _Writer(text, window, mark)
    writer.nodes(nodes)
    return writer.finish()


class _Parser:
    """Positions of escapes, brackets and delimiter runs in `text[lo:hi]`, found once; then the constructs."""

    def __init__(self, text: str, lo: int, hi: int, links_only: bool) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        self.links_only = links_only
        self.escaped = self._escapes()
        self.brackets = self._brackets()
        self.ticks: dict[int, list[int]] = defaultdict(list)  # backtick run length → run starts
        self.openers: dict[tuple[str, int], set[int]] = defaultdict(set)
        self.closers: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._runs()

    def _escapes(self) -> set[int]:
        """Positions of characters a backslash makes literal (in `\\\\*` the backslash is the escaped one)."""
        escaped: set[int] = set()
        i = self.lo
        while i < self.hi - 1:
            if self.text[i] == "\\" and self.text[i + 1] in _PUNCTUATION:
                escaped.add(i + 1)
                i += 2
            else:
                i += 1
        return escaped

    def _brackets(self) -> dict[int, int]:
        pairs: dict[int, int] = {}
        stack: list[int] = []
        for i in range(self.lo, self.hi):
            c = self.text[i]
            if c == "[" and i not in self.escaped:
                stack.append(i)
            elif c == "]" and i not in self.escaped and stack:
                pairs[stack.pop()] = i
        return pairs

    def _runs(self) -> None:
        """Backtick runs, and which emphasis runs may open or close (CommonMark's flanking, simplified)."""
        text, i = self.text, self.lo
        while i < self.hi:
            c, n = text[i], 1
            if c not in "`*_~" or i in self.escaped:
                i += 1
                continue
            while i + n < self.hi and text[i + n] == c:
                n += 1
            before = text[i - 1] if i > self.lo else " "
            after = text[i + n] if i + n < self.hi else " "
            if c == "`":
                self.ticks[n].append(i)
            elif n in _EMPHASIS[c]:
                intraword = c == "_"
                if not after.isspace() and not (intraword and before.isalnum()):
                    self.openers[(c, n)].add(i)
                if not before.isspace() and not (intraword and after.isalnum()):
                    self.closers[(c, n)].append(i)
            i += n

    def inline(self, lo: int, hi: int, *, links: bool, top: bool = False) -> list[Node]:
        text, nodes = self.text, []
        plain = i = lo
        while i < hi:
            if top and not self.links_only and (i == self.lo or text[i - 1] == "\n"):
                prefix = _LINE_PREFIX.match(text, i, hi)
                if prefix:  # a list bullet shows as one; heading and quote markers are syntax
                    nodes += [Node("text", plain, i)] if plain < i else []
                    bullet = prefix.start("bullet")
                    nodes += [Node("text", bullet, bullet + 1, shown="•")] if bullet >= 0 else []
                    plain = bullet + 1 if bullet >= 0 else prefix.end()
                    i = prefix.end()
                    continue
            if not self.links_only and text[i] == "\\" and i + 1 in self.escaped and i + 1 < hi:
                node: Node | None = Node("text", i + 1, i + 2)
            else:
                node = self.construct(i, hi, links)
            if node is None:
                i += self._run_length(i) if text[i] in "`*_~" else 1
                continue
            nodes += [Node("text", plain, i)] if plain < i else []
            nodes.append(node)
            plain = i = node.end
        nodes += [Node("text", plain, hi)] if plain < hi else []
        return nodes

    def construct(self, i: int, hi: int, links: bool) -> Node | None:
        c = self.text[i]
        if links and c == "[":
            return self.link(i, hi)
        if links and c in "<hH":
            return self.autolink(i, hi)
        if self.links_only:
            return None
        if c == "`":
            return self.code(i, hi)
        if c in _EMPHASIS:
            return self.emphasis(i, hi, links)
        if c == "!" and self.text.startswith("[", i + 1):
            image = self.link(i + 1, hi)
            return Node("span", i, image.end, image.children) if image else None
        return None

    def _run_length(self, i: int) -> int:
        n = 1
        while i + n < self.hi and self.text[i + n] == self.text[i]:
            n += 1
        return n

    def code(self, i: int, hi: int) -> Node | None:
        n = self._run_length(i)
        starts = self.ticks[n]
        k = bisect_right(starts, i)
        if k == len(starts) or starts[k] + n > hi:
            return None
        lo, end = i + n, starts[k]
        if end - lo >= 2 and self.text[lo] == " " and self.text[end - 1] == " " and self.text[lo:end].strip():
            lo, end = lo + 1, end - 1  # CommonMark drops one space on each side
        return Node("code", i, starts[k] + n, (Node("text", lo, end),))

    def emphasis(self, i: int, hi: int, links: bool) -> Node | None:
        key = (self.text[i], self._run_length(i))
        if i not in self.openers.get(key, ()):
            return None
        closers = self.closers[key]
        k = bisect_right(closers, i + key[1])  # the content is never empty
        if k == len(closers) or closers[k] + key[1] > hi:
            return None
        inner = self.inline(i + key[1], closers[k], links=links)
        return Node(_TAGS[key], i, closers[k] + key[1], tuple(inner))

    def link(self, i: int, hi: int) -> Node | None:
        close = self.brackets.get(i, hi)
        destination = _DESTINATION.match(self.text, close + 1, hi) if close < hi else None
        if destination is None:
            return None
        url = destination["angle"] if destination["angle"] is not None else destination["bare"]
        href = safe_url(re.sub(r"\\(.)", r"\1", url))
        if i + 1 == close:  # `[](url)`: nothing to show but the URL
            label = [Node("text", *destination.span("angle" if destination["angle"] is not None else "bare"))]
        elif self.links_only:
            label = [Node("text", i + 1, close)]
        else:
            label = self.inline(i + 1, close, links=False)
        return Node("link" if href else "span", i, destination.end(), tuple(label), href=href)

    def autolink(self, i: int, hi: int) -> Node | None:
        text = self.text
        if text[i] == "<":
            angle = _ANGLE_URL.match(text, i, hi)
            href = safe_url(angle[1]) if angle else ""
            if angle is None:
                return None
            return Node("link" if href else "span", i, angle.end(), (Node("text", i + 1, angle.end() - 1),), href=href)
        if i > self.lo and (text[i - 1].isalnum() or text[i - 1] in "/:@"):
            return None
        bare = _BARE_URL.match(text, i, hi)
        if bare is None:
            return None
        url = bare[0].rstrip(_URL_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_TRAILING)
        href = safe_url(url)
        return Node("link", i, i + len(url), (Node("text", i, i + len(url)),), href=href) if href else None


class _Writer:
    """Escaped HTML for nodes, clipped to a window, with a highlight that always nests properly.

    Elements open lazily, at their first visible character, so clipping or a highlight boundary never
    leaves an empty element behind.
    """

    def __init__(self, text: str, window: tuple[int, int], mark: tuple[int, int]) -> None:
        self.text, self.window, self.mark = text, window, mark
        self.out: list[str] = []
        self.open: list[list[str]] = []  # [tag name, opening tag, "" until it is written], outermost first

    def nodes(self, nodes: Sequence[Node]) -> None:
        lo, hi = self.window
        for node in nodes:
            if not any(leaf.start < hi and leaf.end > lo for leaf in leaves([node])):
                continue
            if node.kind == "text":
                self.leaf(node)
                continue
            tag = f'<a href="{escape(node.href)}" {_LINK_ATTRS}>' if node.kind == "link" else f"<{node.kind}>"
            if node.kind != "span":
                self.open.append(["a" if node.kind == "link" else node.kind, tag, ""])
            self.nodes(node.children)
            if node.kind != "span":
                self.pop()

    def leaf(self, node: Node) -> None:
        (lo, hi), (a, b) = self.window, self.mark
        start, end = max(node.start, lo), min(node.end, hi)
        if node.shown is not None:
            self.write(node.shown, a <= node.start < b)
            return
        for lo_piece, hi_piece, marked in ((start, a, False), (a, b, True), (b, end, False)):
            lo_piece, hi_piece = max(lo_piece, start), min(hi_piece, end)
            if lo_piece < hi_piece:
                self.write(self.text[lo_piece:hi_piece], marked)

    def write(self, chars: str, marked: bool) -> None:
        at = next((k for k, (name, _, _) in enumerate(self.open) if name == "mark"), -1)
        if marked and at < 0:  # outside the elements not yet written, so a link inside the quote is inside it
            first_pending = next((k for k, (_, _, written) in enumerate(self.open) if not written), len(self.open))
            self.open.insert(first_pending, ["mark", "<mark>", ""])
        elif at >= 0 and not marked:  # close what the highlight holds; it reopens at its next character
            self.out += [f"</{name}>" for name, _, written in reversed(self.open[at:]) if written]
            for element in self.open[at + 1 :]:
                element[2] = ""
            del self.open[at]
        for element in self.open:
            if not element[2]:
                self.out.append(element[1])
                element[2] = "written"
        self.out.append(escape(chars, quote=False))

    def pop(self) -> None:
        if self.open[-1][0] == "mark":  # the highlight began inside this element: it ends with it
            self.out.append("</mark>")
            self.open.pop()
        name, _, written = self.open.pop()
        self.out += [f"</{name}>"] if written else []

    def finish(self) -> str:
        self.out += [f"</{name}>" for name, _, written in reversed(self.open) if written]
        self.open = []
        return "".join(self.out)
