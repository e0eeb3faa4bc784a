"""Strip site chrome and find the structure of a recap, without rewriting a character of it.

The result is a list of `Block`s: spans (start, end) of the document's own text, each under a
section heading. Citations quote these spans, so a quote is always verbatim text of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.documents import Document

# Whole lines that are page furniture rather than the author's prose.
_CHROME_LINE = re.compile(
    r"""^(?:
        -{2,}|_{3,}|\*{3,}                                    # Medium-style separators
      | \d{1,3}\s*min(?:ute)?s?(?:\s+read)?                   # reading time: "11 Minutes", "5 min read"
      | (?:photo|image|picture)\s+(?:by|credit|courtesy)\b.*  # photo credits
      | (?:this\s+(?:web)?site\s+uses|we\s+use)\s+cookies\b.* # cookie banners
      | (?:accept|reject|manage)\s+(?:all\s+)?cookies.*
      | cookie\s+(?:settings|policy|preferences).*
      | (?:next\s+steps|related\s+posts?|share\s+this(?:\s+post)?|read\s+more|recommended
         |subscribe(?:\s+to\s+.*)?|sign\s+up(?:\s+.*)?|follow\s+us(?:\s+.*)?|tags?|share)\s*:?
      | (?:posted|published|updated)\s+on\s+.{3,40}            # bylines' dates
      | !\[[^\]]*\]\([^)]*\)                                   # Markdown images
      | CTA[-_ ].*                                             # call-to-action widget ids
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# One token with underscores or several hyphens: an asset name left behind by an image ("KubeCon_2024_Jayanth").
_ASSET_NAME = re.compile(r"^(?=\S{6,}$)(?:\S*_\S*|[^\s-]+(?:-[^\s-]+){2,})$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
_CLOSERS = "\"'”’)]*»"


@dataclass(frozen=True)
class Block:
    """A contiguous span of the document's text holding prose, under section `section`."""

    start: int
    end: int
    section: int


@dataclass(frozen=True)
class Section:
    index: int
    title: str  # "" when the page lost its heading
    start: int  # offset of the heading (or of the first block when there is none)


@dataclass(frozen=True)
class Structure:
    sections: list[Section]
    blocks: list[Block]

    def section_text(self, doc_text: str, index: int) -> str:
        return "\n\n".join(doc_text[b.start : b.end] for b in self.blocks if b.section == index)


def is_chrome(line: str, doc: Document) -> bool:
    stripped = line.strip().strip("\u00a0\u200b").strip()
    if not stripped:
        return True
    if _CHROME_LINE.match(stripped) or _ASSET_NAME.match(stripped):
        return True
    # A byline that only repeats the author's name.
    return bool(doc.meta.author) and stripped.casefold() == doc.meta.author.casefold()


def _heading_of(paragraph: list[str], is_last: bool, markdown: bool) -> str | None:
    """The heading text if this paragraph is a heading, else None."""
    if len(paragraph) != 1:
        return None
    line = paragraph[0].strip()
    md = _MD_HEADING.match(line)
    if md:
        return md.group(2).strip()
    if markdown or is_last or _BULLET.match(paragraph[0]):
        return None
    if len(line) > 100 or len(line.split()) > 14 or line[0] in "“\"'‘(":
        return None
    if not (line[0].isupper() or line[0].isdigit()):
        return None
    if line.rstrip(_CLOSERS)[-1:] in ".,;:?":
        return None
    return line


def _lines_with_offsets(text: str, start: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for line in text[start:].split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _drop_header_and_footer(doc: Document, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Remove what a page puts around the article: author cards above the title, bios after the end."""
    text = doc.text
    title = doc.meta.title.strip().casefold()
    if title:
        for i, (s, e) in enumerate(lines[:12]):
            if text[s:e].strip().casefold() == title:
                lines = lines[i + 1 :]
                break
    # Medium closes an article with "--" separators followed by the author's card.
    tail_from = int(len(lines) * 0.8)
    for i in range(tail_from, len(lines)):
        s, e = lines[i]
        if text[s:e].strip() in {"--", "---", "—"} and i > 0:
            return lines[:i]
    return lines


def structure(doc: Document) -> Structure:
    """Split `doc` into sections and prose blocks, leaving site chrome out."""
    text = doc.text
    lines = _drop_header_and_footer(doc, _lines_with_offsets(text, doc.body_start))

    # Paragraphs: runs of kept lines; remember how many blank lines came before each.
    paragraphs: list[tuple[list[tuple[int, int]], int]] = []
    run: list[tuple[int, int]] = []
    blanks = 0
    for s, e in lines:
        line = text[s:e]
        if not line.strip("\u00a0\u200b \t"):
            if run:
                paragraphs.append((run, blanks))
                run, blanks = [], 0
            blanks += 1
            continue
        if is_chrome(line, doc):
            if run:
                paragraphs.append((run, blanks))
                run, blanks = [], 0
            continue
        run.append((s, e))
    if run:
        paragraphs.append((run, blanks))

    sections = [Section(0, "", paragraphs[0][0][0][0] if paragraphs else doc.body_start)]
    blocks: list[Block] = []
    for i, (para, blanks_before) in enumerate(paragraphs):
        para_lines = [text[s:e] for s, e in para]
        heading = _heading_of(para_lines, is_last=i == len(paragraphs) - 1, markdown=doc.markdown)
        if heading is not None:
            sections.append(Section(len(sections), heading, para[0][0]))
            continue
        # Two or more blank lines where a heading used to be: a new section whose title was lost.
        if blanks_before >= 2 and blocks and blocks[-1].section == sections[-1].index:
            sections.append(Section(len(sections), "", para[0][0]))
        start = para[0][0] + (len(para_lines[0]) - len(para_lines[0].lstrip()))
        end = para[-1][1]
        while end > start and text[end - 1] in " \t\u00a0":
            end -= 1
        blocks.append(Block(start, end, sections[-1].index))

    used = {b.section for b in blocks}
    return Structure(sections=[s for s in sections if s.index in used], blocks=blocks)
