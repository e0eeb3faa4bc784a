"""Questions about the recaps themselves ("Who wrote the recaps?", "Which blogs do you have?"):
answered from the index's own record of its documents, not searched for in their text.

No recap says who wrote the recaps, so searching for it abstains ("no recap mentions “wrote”")
while the answer sits in the catalog. Only a question wholly about the collection is taken: "What
did the recaps say about Wasm?" is a question about Wasm and goes to retrieval as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.condense import Turn
from assistant.retrieval import scope_to_named_sources
from assistant.types import Answer
from index.catalog import Source

_DOCUMENTS = r"(?:recaps?|blog\s+posts?|blogs?|posts?|sources?|write-?ups?|articles?)"
_ABOUT_THE_RECAPS = re.compile(
    rf"^\s*(?:who\s+(?:wrote|writes|authored|published)|who\s+(?:are|were)\s+the\s+(?:authors|writers)\s+of"
    rf"|(?:which|what)(?:\s+are\s+the)?|how\s+many|list(?:\s+the)?|show\s+me(?:\s+the)?|when\s+were)"
    rf"\s+(?:the\s+|your\s+|all\s+(?:the\s+)?)?{_DOCUMENTS}"
    rf"(?:\s+(?:are\s+(?:there|indexed|in\s+the\s+index)|do\s+you\s+(?:have|know|use|cover)|did\s+you\s+(?:read|index)"
    rf"|(?:were|are)\s+(?:published|written|indexed)|(?:were\s+)?(?:published|written|indexed)|you\s+(?:have|use)))?"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)


# Who wrote it, when it came out, where to read it: what the catalog records of a recap.
_RECORD_ASKED = re.compile(
    r"\bwho\s+(?:wrote|writes|authored|penned)\b(?!\s+about)|\bwho\s+(?:is|was|are|were)\s+(?:the\s+)?(?:authors?|writers?)\b"
    r"|\b(?:authors?|writers?)\s+of\b|\bwhen\s+(?:was|were|did)\b.*\b(?:published|written|posted|come\s+out|appear)\b"
    r"|\bpublication\s+date\b|\bwhere\s+(?:can|could|do|should)\s+i\s+(?:read|find)\b|\b(?:link|url)\s+(?:of|to|for)\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(rf"\b{_DOCUMENTS}\b|\b(?:his|her|their)\s+(?:recap|post|write-?up)\b", re.IGNORECASE)


# "Who wrote that?", "Which blog is that from?" right after an answer: whose words it quoted.
_WHOSE_WORDS = re.compile(
    r"^\s*(?:who\s+(?:wrote|said|says|writes)|where\s+(?:is|was|are|were|does|did)\s+(?:that|this|it|those|these)\s+(?:from|come\s+from)"
    r"|(?:which|what)\s+(?:blogs?|recaps?|posts?|sources?)\s+(?:is|was|are|were|did)\s+(?:that|this|it|those|these)(?:\s+(?:from|come\s+from))?"
    r"|what(?:'s|\s+is|\s+are)\s+the\s+sources?\s+(?:of|for)|sources?)"
    r"(?:\s+(?:that|this|it|those|these))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def whose_words(question: str, turns: Sequence[Turn], sources: Sequence[Source]) -> Answer | None:
    """The records of the recaps the last answer quoted, when `question` asks whose words they were
    ("Who wrote that?"); None for any other question, or when there is no answer to point back to."""
    if not _WHOSE_WORDS.match(question):
        return None
    last = next((text for role, text in reversed(turns) if role == "assistant"), "")
    quoted = [s for s in sources if s.byline() in last]
    if not quoted:
        return None
    lines = [f"- {s.byline()}: “{s.title}”" + (f" — {s.url}" if s.url else "") for s in quoted]
    head = "The last answer quoted " + ("this recap:" if len(quoted) == 1 else f"these {len(quoted)} recaps:")
    return Answer(head + "\n\n" + "\n".join(lines), [], False, "extractive", question=question)


def about_the_recaps(question: str, sources: Sequence[Source]) -> Answer | None:
    """The recaps' records (author, publisher, date, title and link) when `question` is about the
    collection itself ("Who wrote the recaps?"), or about the record of recaps it names ("When was
    Bryant's recap published?", "Who wrote the Gardener post?"); None for any other question."""
    whole = bool(_ABOUT_THE_RECAPS.match(question))
    listed = list(sources) if whole else _named_records(question, sources)
    if not (whole or listed):
        return None
    if not listed:
        text = "No recaps are indexed yet: run `recap ingest` (or add files in the web UI's Sources tab)."
        return Answer(text, [], True, "extractive", question=question)
    ordered = sorted(listed, key=lambda s: (s.date or "9999", s.title))
    lines = [f"- {s.byline()}: “{s.title}”" + (f" — {s.url}" if s.url else "") for s in ordered]
    count = len(ordered)
    head = (
        f"{count} recap{'s are' if count != 1 else ' is'} indexed (from the index's records, not from their text):"
        if whole
        else "From the index's records (not from the recaps' text):"
    )
    return Answer(head + "\n\n" + "\n".join(lines), [], False, "extractive", question=question)


def _named_records(question: str, sources: Sequence[Source]) -> list[Source]:
    """The recaps `question` names, when what it asks is their record rather than what they say."""
    if not (_RECORD_ASKED.search(question) and _DOCUMENT.search(question)):
        return []
    by_id = {s.id: s for s in sources}
    _, named = scope_to_named_sources(question, by_id)
    return [] if named is by_id else list(named.values())
