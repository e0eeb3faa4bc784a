"""Which shape an answer takes: who-said-what (opinion), a sentence or two (factual), or a list (planning).

Rules rather than a model call: the cue words are few and stable, and a rule costs no latency and
cannot fail when the model is slow. Each shape has its prompt file in `prompts/<shape>.md`.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Shape(StrEnum):
    OPINION = "opinion"
    FACTUAL = "factual"
    PLANNING = "planning"


_PLANNING = re.compile(
    r"\b(?:which|what)\s+(?:talks?|sessions?|keynotes?|events?|co-?located|tracks?|videos?|recordings?)\b"
    r"|\bshould\s+i\b|\bsuit(?:s|ed)?\s+me\b|\brecommend|\bworth\s+(?:watching|attending|reading)\b"
    r"|\bwhere\s+(?:do|should)\s+i\s+start\b|\bplan(?:ning)?\b|\bmust-?see\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\bwhat\s+(?:did|do|does)\s+(?:people|folks|everyone|the\s+recaps?|the\s+authors?|attendees|speakers|"
    r"bloggers|they|others)\s+(?:say|think|write|feel|report)\b"
    r"|\b(?:opinions?|views?|takes?|impressions?|sentiment|reactions?)\s+(?:on|about|of)\b"
    r"|\bhow\s+(?:did|do)\s+(?:people|folks|the\s+recaps?)\b|\bwho\s+(?:said|wrote|thinks?)\b"
    r"|\b(?:agree|disagree|differ)\b",
    re.IGNORECASE,
)


def route(question: str) -> Shape:
    """The shape for `question`; planning cues win over opinion cues, factual is the default."""
    if _PLANNING.search(question):
        return Shape.PLANNING
    if _OPINION.search(question):
        return Shape.OPINION
    return Shape.FACTUAL
