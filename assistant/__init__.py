"""recap's Python API: cited answers about a conference from the recaps people wrote.

from assistant import Assistant
answer = Assistant().ask("What did people say about Wasm?")
print(answer.text); [print(c.n, c.source.title, c.quote) for c in answer.citations]

Every type a caller meets is exported here: the answer and its parts, the stream, the settings,
the ingest report and the errors (all subclasses of `RecapError`).
"""

from assistant.core import Assistant
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
)
from index.ingest import Duplicate, IngestError, IngestReport
from index.settings import Settings

__all__ = [
    "Answer",
    "AnswerStream",
    "Assistant",
    "BadDocumentError",
    "BadQuestionError",
    "Citation",
    "CitationCheck",
    "Duplicate",
    "Hit",
    "IndexBusyError",
    "IndexNotReadyError",
    "IngestError",
    "IngestReport",
    "LLMUnavailableError",
    "Provisional",
    "RecapError",
    "Settings",
    "SettingsError",
    "Source",
]
