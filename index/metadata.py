"""What a recap says about itself: title, author, publisher, date and URL.

Its own module because both the plain-text reader (`index.documents`) and the HTML/PDF loaders
(`index.loaders`) produce it, and the catalog stores it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one recap; a field nobody states stays empty rather than invented."""

    title: str = ""
    author: str = ""
    publisher: str = ""
    date: str = ""
    url: str = ""

    def merged(self, override: DocumentMeta) -> DocumentMeta:
        """Fields set in `override` win; empty ones keep ours."""
        mine, theirs = asdict(self), asdict(override)
        return DocumentMeta(**{k: theirs[k] or mine[k] for k in mine})
