"""Typed errors. Each message says what went wrong and what to do about it."""

from __future__ import annotations


class RecapError(Exception):
    """Base class of every error recap raises on purpose."""


class BadDocumentError(RecapError):
    """A file could not be ingested (empty, binary, undecodable, too large, unreadable, unknown type)."""


class IndexBusyError(RecapError):
    """Another process is writing to the same data directory."""


class IndexNotReadyError(RecapError):
    """The index is missing or was written by an incompatible version."""


class LLMUnavailableError(RecapError):
    """The local model could not answer (Ollama not running, model not pulled, timed out, cut off)."""


class SettingsError(RecapError, ValueError):
    """A setting (from `RECAP_*`, a CLI option or an `Assistant(**overrides)` keyword) is invalid."""


class BadQuestionError(RecapError, ValueError):
    """A question that cannot be asked (empty, say)."""


class UnknownKindError(RecapError, ValueError):
    """A kind of catalogue item that does not exist (`recap catalogue --kind`, `Assistant.catalogue(kind=…)`)."""
