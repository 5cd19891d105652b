"""Domain exceptions with messages a recruiter can act on.

Every error raised from ``core`` derives from :class:`RecruitError`, so a caller (page, CLI,
API) can catch one type, show ``str(exc)`` to the user and carry on with the rest of a batch.
"""

from __future__ import annotations


class RecruitError(Exception):
    """Base of every domain error; ``str(exc)`` is safe to show to a user."""


class ParseError(RecruitError):
    """A file could not be turned into text (corrupt, encrypted, empty, too large...)."""


class UnsupportedFileType(ParseError):
    """The file is not one of the formats we read."""


class ModelUnavailable(RecruitError):
    """A model (encoder, spaCy pipeline, trained head) could not be loaded."""


class InvalidInput(RecruitError):
    """A request is malformed (empty job description, unknown job id, ...)."""


class DatabaseUnavailable(RecruitError):
    """The database URL is malformed, or its database cannot be opened or created."""
