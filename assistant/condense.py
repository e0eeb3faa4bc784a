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
# "on" introduces a topic only after a word of speaking or viewing ("thoughts on X", "a talk on X"), not
# in "on the same page", "on the show floor" or "on Kubernetes, in Haintz's view".
_TOPIC_IN_QUESTION = re.compile(
    r"(?:\babout|\bregarding|\b(?:thoughts?|views?|takes?|opinions?|say|said|write|wrote|spoke|speak|talks?|talked|"
    r"sessions?|keynotes?|focus(?:ed)?|touch(?:ed)?|comment(?:ed)?)\s+on)\s+(?P<topic>[^?]+)\??\s*$",
    re.IGNORECASE,
)
# A short question that leans on the one before: it opens with a connective, or points back with a pronoun.
_LEANS_BACK = re.compile(
    r"^\s*(?:and|but|also|so|then)\b|\b(?:it|its|they|them|their|he|him|his|she|her|this|that|these|those|there)\b",
    re.IGNORECASE,
)
SHORT_FOLLOW_UP = 12  # words; a longer question usually says what it is about


# "Who is Priyanka Sharma?", "What is Kratix?": the name is what the question is about.
_WHO_IS = re.compile(
    r"^\s*(?:[Ww]ho|[Ww]hat)(?:\s+(?:is|was|are|were)|['’]s)\s+(?P<topic>[A-Z][\w'’.+-]*(?:\s+[A-Z][\w'’.+-]*)*)\s*\??\s*$"
)


def named_in_who_is(question: str) -> str | None:
    """The name in "Who is Priyanka Sharma?" or "What is Kratix?": such a question asks what the
    recaps say of someone or something."""
    match = _WHO_IS.search(question)
    return match.group("topic") if match else None


def topic_of(question: str) -> str | None:
    """The X of "what did people say about X?" or "who is X?", if the question has that shape."""
    match = _TOPIC_IN_QUESTION.search(question)
    return match.group("topic").strip() if match else named_in_who_is(question)


def last_user_question(history: Sequence[Turn] | None) -> str | None:
    for role, text in reversed(history or []):
        if role == "user" and text.strip():
            return text.strip()
    return None


def condense(question: str, history: Sequence[Turn] | None, glue: bool = True) -> str:
    """A standalone version of `question` given the conversation so far.

    `glue`: a short question that points back ("who presented it?") is asked together with the
    previous one. A model rewrites such questions better; the generative path turns this off and
    asks it.
    """
    previous = last_user_question(history)
    if not previous:
        return question
    follow = _FOLLOW_UP.match(question)
    if not follow:
        if glue and len(question.split()) <= SHORT_FOLLOW_UP and _LEANS_BACK.search(question):
            # "who presented it?" after "Which talk was about X?": ask both together.
            return f"{previous.rstrip(' ?')} — {question.strip()}"
        return question
    topic = follow.group("topic").strip()
    old = _TOPIC_IN_QUESTION.search(previous)
    if old:
        return previous[: old.start("topic")] + topic + "?"
    return f"{previous.rstrip('?')} — {topic}?"
