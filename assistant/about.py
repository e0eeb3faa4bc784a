"""Questions about the recaps themselves ("Who wrote the recaps?", "Which blogs do you have?"):
answered from the index's own record of its documents, not searched for in their text.

No recap says who wrote the recaps, so searching for it abstains ("no recap mentions “wrote”")
while the answer sits in the catalog. Only a question wholly about the collection is taken: "What
did the recaps say about Wasm?" is a question about Wasm and goes to retrieval as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.types import Answer
from index.catalog import Source

_DOCUMENTS = r"(?:recaps?|blogs?|blog\s+posts?|posts|sources|write-?ups|articles)"
_ABOUT_THE_RECAPS = re.compile(
    rf"^\s*(?:who\s+(?:wrote|writes|authored|published)|who\s+(?:are|were)\s+the\s+(?:authors|writers)\s+of"
    rf"|(?:which|what)(?:\s+are\s+the)?|how\s+many|list(?:\s+the)?|show\s+me(?:\s+the)?|when\s+were)"
    rf"\s+(?:the\s+|your\s+|all\s+(?:the\s+)?)?{_DOCUMENTS}"
    rf"(?:\s+(?:are\s+(?:there|indexed|in\s+the\s+index)|do\s+you\s+(?:have|know|use|cover)|did\s+you\s+(?:read|index)"
    rf"|(?:were|are)\s+(?:published|written|indexed)|(?:were\s+)?(?:published|written|indexed)|you\s+(?:have|use)))?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def asks_about_the_recaps(question: str) -> bool:
    return bool(_ABOUT_THE_RECAPS.match(question))


def about_the_recaps(question: str, sources: Sequence[Source]) -> Answer | None:
    """The indexed recaps, each with its author, publisher, date, title and link, when `question` is
    about the collection itself; None for any other question."""
    if not asks_about_the_recaps(question):
        return None
    if not sources:
        text = "No recaps are indexed yet: run `recap ingest` (or add files in the web UI's Sources tab)."
        return Answer(text, [], True, "extractive", question=question)
    ordered = sorted(sources, key=lambda s: (s.date or "9999", s.title))
    lines = [f"- {s.byline()}: “{s.title}”" + (f" — {s.url}" if s.url else "") for s in ordered]
    count = len(ordered)
    head = f"{count} recap{'s are' if count != 1 else ' is'} indexed (from the index's records, not from their text):"
    return Answer(head + "\n\n" + "\n".join(lines), [], False, "extractive", question=question)
