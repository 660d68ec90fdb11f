"""Exceptions raised by ICT Baseline.

Every error the library raises on bad input derives from :class:`BaselineError`, carries a
message naming the file, the problem and the fix, and can be shown to a user as it is.
"""

from __future__ import annotations


class BaselineError(Exception):
    """Base class of every error that ICT Baseline raises on bad input.

    ``key`` names the headline of the error in :mod:`baseline.i18n` (``err_*`` keys), shown in
    Chinese or English above the message where the app shows it.
    """

    key = "err_input"


class CatalogueError(BaselineError):
    """A standards catalogue is malformed; the message lists every problem found."""

    key = "err_catalogue"


class ReadError(BaselineError):
    """A file could not be read as a geospatial layer."""

    key = "err_read"


class CRSError(BaselineError):
    """A layer's coordinate reference system is missing, unknown or implausible."""

    key = "err_crs"


class SchemaError(BaselineError):
    """A layer lacks required columns or holds invalid values; lists every problem."""

    key = "err_schema"


class GeometryError(BaselineError):
    """A layer holds invalid or empty geometry and the setting says to refuse it."""

    key = "err_geometry"


class UnsafeInputError(ReadError):
    """An archive or file is hostile: path traversal, a link, a bomb or too large."""

    key = "err_unsafe"


class OutputError(BaselineError):
    """An output file could not be written (exists, unknown format, unwritable)."""

    key = "err_output"


class Forbidden(BaselineError):  # noqa: N818 - the name the workspace API agreed on
    """The signed-in user may not do this (role, party or sign-in); nothing was changed."""

    key = "err_forbidden"


class Conflict(BaselineError):  # noqa: N818 - the name the workspace API agreed on
    """Someone else changed the record since it was read; nothing was lost or overwritten."""

    key = "err_conflict"


class DataWarning(UserWarning):
    """Rows were skipped, repaired or assumed; the message says which and how many."""
