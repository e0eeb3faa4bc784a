"""The sentences of a cleaned document as the item extractor reads them: spans of its own text,
with the characters already claimed by a name masked out."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.clean import Structure
from index.sentences import sentence_spans


@dataclass
class Sentence:
    """A sentence (or heading) of the document: text[start:end]."""

    start: int
    end: int
    text: str
    heading: bool = False
    section: str = ""  # the heading of the section it is in
    taken: list[tuple[int, int]] = field(default_factory=list)  # spans claimed by a name, a URL or a title
    _masked: str | None = None
    cache: dict[str, object] = field(default_factory=dict)  # what readers computed from the masked text

    def take(self, start: int, end: int) -> None:
        self.taken.append((max(start, 0), min(end, len(self.text))))
        self._masked = None
        self.cache.clear()

    def free(self, start: int, end: int) -> bool:
        return all(e <= start or s >= end for s, e in self.taken)

    def masked(self) -> str:
        """The text with taken characters blanked, offsets unchanged."""
        if self._masked is None:
            chars = list(self.text)
            for s, e in self.taken:
                chars[s:e] = " " * (e - s)
            self._masked = "".join(chars)
        return self._masked


def document_sentences(text: str, struct: Structure) -> list[Sentence]:
    """The sentences of the prose blocks, and the section headings, in document order."""
    titles = {s.index: s.title for s in struct.sections}
    out: list[Sentence] = []
    for section in struct.sections:
        if section.title:
            at = text.find(section.title, section.start)
            if at >= 0:
                out.append(Sentence(at, at + len(section.title), section.title, heading=True, section=section.title))
    for block in struct.blocks:
        title = titles.get(block.section, "")
        out.extend(Sentence(s, e, text[s:e], section=title) for s, e in sentence_spans(text, block.start, block.end))
    return sorted(out, key=lambda s: s.start)
