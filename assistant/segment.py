"""Cut a streamed answer into sentences as it arrives, and put the kept ones back together.

A sentence is complete only once the text after it has begun: its `[n]` markers may follow the
full stop ("... hype. [2]"), and a lower-case word after "e.g. " means the sentence goes on.
Lines end sentences too (list items, headings). Separators of dropped sentences are merged so the
kept text never shows a hole: two paragraph breaks at most, no leading or trailing space.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_BOUNDARY = re.compile(
    r"[.!?…][\"'”’)*_]*(?:[ \t]*\[[^\[\]\n]{1,24}\])*(?P<space>[ \t]+)(?=[^\s\[a-z])"
    r"|(?P<newline>[ \t]*\n\s*)(?=\S)"
)


@dataclass(frozen=True)
class Segment:
    sentence: str  # without surrounding whitespace
    separator: str  # the whitespace that followed it


def _strength(separator: str) -> int:
    return min(separator.count("\n"), 2)


class Segmenter:
    def __init__(self) -> None:
        self._buffer = ""
        self._pending = ""
        self._started = False

    def feed(self, delta: str) -> Iterator[Segment]:
        """The sentences `delta` completes."""
        self._buffer += delta
        while match := _BOUNDARY.search(self._buffer):
            separator = match.group("space") or match.group("newline")
            end = match.start("space") if match.group("space") else match.start("newline")
            sentence = self._buffer[:end].strip()
            self._buffer = self._buffer[match.end() :]
            if sentence:
                yield Segment(sentence, separator)

    def flush(self) -> Iterator[Segment]:
        """The last sentence, once the stream has ended."""
        rest, self._buffer = self._buffer.strip(), ""
        if rest:
            yield Segment(rest, "")

    def emit(self, text: str, separator: str, paragraph: bool = False) -> str:
        """The delta that shows `text` after what was shown before; `separator` is kept for later."""
        before = ""
        if self._started:
            before = "\n\n" if paragraph else self._pending
        self._started = True
        self._pending = separator
        return before + text

    def skip(self, separator: str) -> None:
        """A sentence was dropped: keep the stronger of its separator and the pending one."""
        if _strength(separator) > _strength(self._pending):
            self._pending = "\n" * _strength(separator)
