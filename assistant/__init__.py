"""recap's Python API: cited answers about a conference from the recaps people wrote.

from assistant import Assistant
answer = Assistant().ask("What did people say about Wasm?")
print(answer.text); [print(c.n, c.source.title, c.quote) for c in answer.citations]
"""

from assistant.core import Assistant
from assistant.types import Answer, Citation, Hit
from index.catalog import Source
from index.errors import BadDocumentError, IndexBusyError, RecapError
from index.ingest import IngestReport

__all__ = [
    "Answer",
    "Assistant",
    "BadDocumentError",
    "Citation",
    "Hit",
    "IndexBusyError",
    "IngestReport",
    "RecapError",
    "Source",
]
