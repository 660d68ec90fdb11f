"""Exceptions raised by ICT Baseline.

Every error the library raises on bad input derives from :class:`BaselineError`, carries a
message naming the file, the problem and the fix, in English and in Chinese, and can be shown to
a user as it is: ``str(err)`` is the English message (logs, the command line, scripts that match
it), ``err.message("zh")`` the Chinese one with the same facts.

What is only worth a word, not a refusal (rows skipped, repaired or assumed), is a
:class:`DataWarning` with both texts; readers collect them as :class:`Note` strings, English
as strings go and Chinese on request, for the app and the command line to show.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple, Self


class Text(NamedTuple):
    """One piece of a message in both languages (a problem in a list, a likely cause)."""

    en: str
    zh: str


def joined(items: Iterable[Text], sep: str = "; ", zh_sep: str = "；") -> Text:
    """The pieces joined in each language (``zh_sep`` between the Chinese ones)."""
    pieces = list(items)
    return Text(sep.join(p.en for p in pieces), zh_sep.join(p.zh for p in pieces))


class _Bilingual(Exception):  # noqa: N818 - the base of an error and of a warning
    """An exception whose message is English (``str``) with its Chinese in ``zh``."""

    def __init__(self, message: str, *, zh: str) -> None:
        super().__init__(message)
        self.zh = zh

    @classmethod
    def of(cls, text: Text) -> Self:
        """The exception carrying ``text`` (English and Chinese)."""
        return cls(text.en, zh=text.zh)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``; any other gives English)."""
        return self.zh if lang == "zh" else str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled between dask workers: rebuild with both texts, not Exception's args only
        return (_rebuild, (type(self), str(self), self.zh))


def _rebuild(cls: type[_Bilingual], message: str, zh: str) -> _Bilingual:
    return cls(message, zh=zh)


class BaselineError(_Bilingual):
    """Base class of every error that ICT Baseline raises on bad input.

    Parameters
    ----------
    message
        The English message: the file, the problem and the fix. ``str(err)`` returns it.
    zh
        The same message in Chinese, with the same facts (file name, values, fix).

    Notes
    -----
    ``key`` names the headline of the error in :mod:`baseline.i18n` (``err_*`` keys), shown in
    Chinese or English with the message where the app shows it. ``tests/test_errors_zh.py``
    fails when a raise in the library gives no ``zh``.
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


class DataWarning(_Bilingual, UserWarning):
    """Rows were skipped, repaired or assumed; the message says which and how many.

    Parameters
    ----------
    message
        The English message (file, counts, rows); ``str(warning)`` returns it.
    zh
        The same message in Chinese, with the same facts.

    Notes
    -----
    Warn with the instance, ``warnings.warn(DataWarning(msg, zh=zh), stacklevel=2)``;
    ``warnings.warn(msg, DataWarning)`` fails for want of ``zh``, and
    ``tests/test_errors_zh.py`` fails on a warning in the library without Chinese.
    """

    @property
    def note(self) -> Note:
        """The warning as a :class:`Note` for the user."""
        return Note(str(self), self.zh)


class Note(str):
    """A note for the user: the English text as a string, with its Chinese in ``zh``.

    It is a string so that what prints, logs, joins or matches notes keeps the English;
    ``note.message(lang)`` gives the page's language. String operations on a note give
    plain (English) strings.
    """

    zh: str

    def __new__(cls, en: str, zh: str) -> Self:
        """The note reading ``en``, with ``zh`` its Chinese."""
        note = super().__new__(cls, en)
        note.zh = zh
        return note

    @classmethod
    def of(cls, text: Text) -> Note:
        """The note holding ``text``."""
        return cls(text.en, text.zh)

    def message(self, lang: str = "en") -> str:
        """The note in ``lang`` (``"zh"`` or ``"en"``; any other gives English)."""
        return self.zh if lang == "zh" else str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt with both texts (``__new__`` needs ``zh``): dask workers send notes back
        return (Note, (str(self), self.zh))


def data_notes(caught: Iterable[warnings.WarningMessage]) -> list[Note]:
    """The :class:`DataWarning` among ``caught`` warnings, as notes in both languages."""
    return [w.message.note for w in caught if isinstance(w.message, DataWarning)]
