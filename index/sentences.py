"""Sentence spans inside a block of text, as offsets, so that a quote is a slice of the document."""

from __future__ import annotations

import re

# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[A-Z0-9“\"‘(\[])")
_ABBREVIATIONS = {"i.e.", "e.g.", "etc.", "vs.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "approx.", "u.s.", "inc."}
_LEADER = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])?\s*")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•–]|\d{1,2}[.)])\s")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets (absolute, into `text`) of the sentences in text[start:end].

    List items (lines starting with a bullet or a number) are split apart first; other line breaks
    are hard wrapping inside a sentence. Then sentences are split within each item; list markers
    and surrounding whitespace are left outside the spans.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    item_start = start
    line_start = start
    while line_start < end:
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end == -1 else line_end
        next_start = line_end + 1
        if next_start >= end or _LIST_ITEM.match(text, next_start, end):
            spans.extend(_split_line(text, item_start, line_end))
            item_start = next_start
        line_start = next_start
    return spans


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end]
    lead = _LEADER.match(line)
    cursor = lead.end() if lead else 0
    spans: list[tuple[int, int]] = []
    piece_start = cursor
    for match in _BOUNDARY.finditer(line, cursor):
        before = line[piece_start : match.start()].split()
        last_word = before[-1].lower() if before else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 2 and last_word[0].isalpha() and last_word[1] == "."):
            continue  # "i.e." or an initial, not the end of a sentence
        spans.append((piece_start, match.start() + len(match.group(0).rstrip())))
        piece_start = match.end()
    spans.append((piece_start, len(line)))
    out = []
    for s, e in spans:
        while e > s and line[e - 1].isspace():
            e -= 1
        while s < e and line[s].isspace():
            s += 1
        if e > s:
            out.append((start + s, start + e))
    return out
