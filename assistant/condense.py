"""Turn a follow-up ("and about Rust?") into a question that stands alone, without a model.

The generative chain can condense with the LLM; this rule-based version keeps follow-ups working
offline and is what the extractive backend uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Turn = tuple[str, str]  # (role, text), role "user" or "assistant"

_FOLLOW_UP = re.compile(
    r"^\s*(?:and|but|also|ok(?:ay)?|so)?[\s,]*(?:what|how)?\s*(?:about|regarding|re:?|on)\s+(?P<topic>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
_TOPIC_IN_QUESTION = re.compile(r"\b(?:about|on|regarding)\s+(?P<topic>[^?]+)\??\s*$", re.IGNORECASE)


def topic_of(question: str) -> str | None:
    """The X of "what did people say about X?", if the question has that shape."""
    match = _TOPIC_IN_QUESTION.search(question)
    return match.group("topic").strip() if match else None


def last_user_question(history: Sequence[Turn] | None) -> str | None:
    for role, text in reversed(history or []):
        if role == "user" and text.strip():
            return text.strip()
    return None


def condense(question: str, history: Sequence[Turn] | None) -> str:
    """A standalone version of `question` given the conversation so far."""
    previous = last_user_question(history)
    follow = _FOLLOW_UP.match(question)
    if not previous or not follow:
        return question
    topic = follow.group("topic").strip()
    old = _TOPIC_IN_QUESTION.search(previous)
    if old:
        return previous[: old.start("topic")] + topic + "?"
    return f"{previous.rstrip('?')} — {topic}?"
