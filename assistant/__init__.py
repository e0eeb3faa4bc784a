"""recap's Python API: cited answers about a conference from the recaps people wrote.

from assistant import Assistant
answer = Assistant().ask("What did people say about Wasm?")
print(answer.text); [print(c.n, c.source.title, c.quote) for c in answer.citations]

Every type a caller meets is exported here: the answer and its parts, the stream, the settings,
the ingest report, the item catalogue and the plan, and the errors (all subclasses of `RecapError`).
"""

from typing import TYPE_CHECKING, Any

from assistant.catalogue import CatalogueItem, ItemMention
from assistant.core import Assistant
from assistant.plan import Plan, PlanEntry, PlanSection
from assistant.stream import AnswerStream
from assistant.types import Answer, Citation, CitationCheck, Hit, Provisional
from index.catalog import Source
from index.errors import (
    BadDocumentError,
    BadQuestionError,
    IndexBusyError,
    IndexNotReadyError,
    LLMUnavailableError,
    RecapError,
    SettingsError,
    UnknownKindError,
)
from index.ingest import Duplicate, IngestError, IngestReport
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.lcel import RecapRetriever, RecapRunnable


def __getattr__(name: str) -> Any:
    """`RecapRetriever` and `RecapRunnable` import LangChain: only when asked for, so `import assistant` stays quick."""
    if name in {"RecapRetriever", "RecapRunnable"}:
        from assistant import lcel

        return getattr(lcel, name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")


__all__ = [
    "Answer",
    "AnswerStream",
    "Assistant",
    "BadDocumentError",
    "BadQuestionError",
    "CatalogueItem",
    "Citation",
    "CitationCheck",
    "Duplicate",
    "Hit",
    "IndexBusyError",
    "IndexNotReadyError",
    "IngestError",
    "IngestReport",
    "ItemMention",
    "LLMUnavailableError",
    "Plan",
    "PlanEntry",
    "PlanSection",
    "Provisional",
    "RecapError",
    "RecapRetriever",
    "RecapRunnable",
    "Settings",
    "SettingsError",
    "Source",
    "UnknownKindError",
]
