"""Errors a user can act on: each says what happened and what to run."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: ``str(error)`` is one line a user can act on."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class InvalidQuestion(AssistantError):
    """The question is empty, too long or has no searchable words."""


class IndexMissing(AssistantError):
    """No index has been built yet."""


class IndexCorrupt(AssistantError):
    """Index files are unreadable, truncated or do not match their manifest."""


class IndexUnwritable(AssistantError):
    """The index could not be written (disk full, read-only folder); the previous one is untouched."""


class IndexStale(AssistantError):
    """The index was built from another corpus, parser or model."""


class ModelUnavailable(AssistantError):
    """The embedding model package is missing or its weights are not the expected ones."""


class CorpusError(AssistantError):
    """The corpus folder is missing, empty or unreadable."""


class UnknownDocument(AssistantError):
    """A document filter names no indexed document."""


class UnknownSection(AssistantError):
    """A section filter names no section of the indexed documents."""
