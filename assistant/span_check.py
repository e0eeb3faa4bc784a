"""Does a verbatim span support what an answer says about it? The verifier's checks, for extractive answers.

An extractive answer quotes a span of a recap and may say something around it ("Daniel Bryant wrote
that …", a one-line summary). When the span grows to take in its antecedent ("This" → the sentence
naming what "this" is), the grown span must still support that statement. `check_span` runs the
checks the generative verifier runs on a cited sentence — attribution, names, quantities, polarity,
lexical support of every clause — against the span's own sentences, without embedding anything (the
support model is lexical), so it costs well under a millisecond per statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.attribution import Attributions, identity
from assistant.support import PassageText, clauses, measure
from index.catalog import Source
from index.sentences import sentence_spans


@dataclass(frozen=True)
class SpanCheck:
    """`supported`, or the reasons it is not (as `CitationCheck.notes` gives them); the span sentence it restates."""

    supported: bool
    reasons: tuple[str, ...]
    best_sentence: str  # the span's sentence the statement restates ("" when the span has none)
    features: dict[str, float]


def check_span(
    statement: str, span: str, source: Source, sources: Sequence[Source] = (), context: str = ""
) -> SpanCheck:
    """Whether `span` (verbatim text of `source`, possibly grown to several sentences) supports `statement`.

    `sources`: every recap a statement might credit (the catalog's), so crediting another recap's
    author is caught; `context`: the question and the conference's name, whose names and dates a
    statement may use without the span spelling them out.
    """
    credited = Attributions([*sources, source]).find(statement)
    if credited.source is not None and identity(credited.source) != identity(source):
        reason = f"credits {credited.said!r}, but the span is by {source.byline()}"
        return SpanCheck(False, (reason,), "", {})
    sentences = [span[s:e] for s, e in sentence_spans(span)] or [span]
    text = PassageText(sentences, None, span, f"{source.byline()} {source.title}", context)
    pieces = clauses(credited.content)
    support = measure(credited.content, None, pieces, text, text.haystack, context.lower())
    reasons = () if support.supported else (support.why(),)
    best = sentences[support.best_sentence] if support.best_sentence >= 0 else ""
    return SpanCheck(support.supported, reasons, best, support.features)
