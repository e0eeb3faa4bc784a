"""HTML and PDF → the text a citation quotes, plus what the file says about itself.

Plain text and Markdown are read in `index.documents`; the formats here need a library to get at
their prose: trafilatura finds the main content of a saved web page (navigation, cookie banners,
footers and scripts are left out), pypdf reads a PDF's text layer. Both are imported when a file of
their kind is first loaded, so that `recap --help` does not pay for them.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import BadDocumentError
from index.metadata import DocumentMeta

log = logging.getLogger(__name__)

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
PDF_SUFFIXES = frozenset({".pdf"})
LOADER_SUFFIXES = HTML_SUFFIXES | PDF_SUFFIXES
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Loaded:
    """A file's text (what every offset points into) and the metadata it states; empty fields stay empty."""

    text: str
    meta: DocumentMeta
    markdown: bool


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _TRAILING_SPACE.sub("", text)
    return _MANY_BLANKS.sub("\n\n", text).strip() + "\n"


def load_html(path: Path, data: bytes) -> Loaded:
    """The page's main content as Markdown (headings kept, so sections survive), and its metadata.

    Metadata comes from `og:title`, `author`, `article:published_time`, `og:site_name` and the
    canonical link, or from the byline when there is no author tag. Dates are read from the page's
    markup only, never guessed from its prose.
    """
    import trafilatura  # slow to import; see the module docstring

    if not data.strip():
        raise BadDocumentError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise BadDocumentError(f"{path}: looks binary (NUL bytes), not a web page")
    # trafilatura decodes the bytes itself, honouring <meta charset>, so a Latin-1 page still works.
    tree = trafilatura.load_html(data)
    if tree is None:
        raise BadDocumentError(f"{path}: not parseable as HTML")
    # Metadata first: extraction prunes the tree it is given.
    found = trafilatura.extract_metadata(tree, extensive=False)
    text = trafilatura.extract(
        tree,
        output_format="markdown",
        include_formatting=True,  # keeps headings as '#' lines: section titles for chunks and citations
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,  # link targets are noise to the embedder and to quotes
        deduplicate=False,
    )
    if not text or not text.strip():
        raise BadDocumentError(f"{path}: no main content found in the page (only navigation or scripts?)")
    meta = DocumentMeta()
    if found is not None:
        meta = DocumentMeta(
            title=(found.title or "").strip(),
            author=(found.author or "").strip(),
            publisher=(found.sitename or "").strip(),
            date=(found.date or "")[:10],
            url=(found.url or "").strip(),
        )
    return Loaded(text=_tidy(text), meta=meta, markdown=True)


def load_pdf(path: Path, data: bytes) -> Loaded:
    """The PDF's text layer, page after page (a page break counts as a paragraph break)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.strip():
        raise BadDocumentError(f"{path}: the file is empty")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise BadDocumentError(f"{path}: not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadDocumentError(f"{path}: the PDF is encrypted; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except BadDocumentError:
        raise
    # pypdf raises a broad set of errors on damaged files; all mean "this PDF cannot be read".
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise BadDocumentError(f"{path}: not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise BadDocumentError(f"{path}: the PDF has no text layer (a scan?); run OCR on it first")
    meta = DocumentMeta()
    if info is not None:
        created = ""
        try:
            created = info.creation_date.date().isoformat() if info.creation_date else ""
        except (ValueError, TypeError):  # a malformed /CreationDate is common and harmless
            created = ""
        meta = DocumentMeta(title=(info.title or "").strip(), author=(info.author or "").strip(), date=created)
    return Loaded(text=_tidy(text), meta=meta, markdown=False)


def load(path: Path, data: bytes) -> Loaded:
    """Dispatch on the suffix; the caller has checked it is one of ours."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return load_html(path, data)
    if suffix in PDF_SUFFIXES:
        return load_pdf(path, data)
    raise BadDocumentError(f"{path}: no loader for '{path.suffix}'")
