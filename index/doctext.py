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
    mask: list[bool] = field(default_factory=list)  # characters already taken by a name, a URL or a title

    def __post_init__(self) -> None:
        self.mask = [False] * len(self.text)

    def take(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.text))):
            self.mask[i] = True

    def free(self, start: int, end: int) -> bool:
        return not any(self.mask[start:end])

    def masked(self) -> str:
        """The text with taken characters blanked, offsets unchanged."""
        return "".join(" " if m else c for c, m in zip(self.text, self.mask, strict=True))


def document_sentences(text: str, struct: Structure) -> list[Sentence]:
    """The sentences of the prose blocks, and the section headings, in document order."""
    out: list[Sentence] = []
    for section in struct.sections:
        if section.title:
            at = text.find(section.title, section.start)
            if at >= 0:
                out.append(Sentence(at, at + len(section.title), section.title, heading=True))
    for block in struct.blocks:
        out.extend(Sentence(s, e, text[s:e]) for s, e in sentence_spans(text, block.start, block.end))
    return sorted(out, key=lambda s: s.start)
