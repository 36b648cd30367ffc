"""Exceptions raised by setori.

Every error setori raises on purpose derives from :class:`SetoriError`::

    SetoriError
    ├── InputError            bad input the caller can fix (status 400)
    │   ├── UnknownFormatError    a file whose format cannot be recognised
    │   ├── UnreadableInputError  a file that cannot be opened or decompressed
    │   ├── MappingError          a column mapping that does not fit the file
    │   └── ListFormatError       a sanctions list broken somewhere (setori.screen.lists)
    ├── StoreError            the embedded store cannot be opened or written (status 500)
    │   ├── StoreNotFoundError    no store at the path given (a mistyped --db?) (status 404)
    │   └── StoreLockedError      another process holds the store's lock (status 503)
    └── NotFoundError         a vessel, track or item that does not exist (status 404)

Messages say what was seen and what was expected.
"""

from __future__ import annotations


class SetoriError(Exception):
    """Root of every error setori raises on purpose."""

    status: int = 500


class InputError(SetoriError):
    """Input the caller can fix: a bad file, option or value."""

    status = 400


class UnknownFormatError(InputError):
    """A file whose format setori cannot recognise."""


class UnreadableInputError(InputError):
    """A file that cannot be opened, read or decompressed."""


class MappingError(InputError):
    """A column mapping that does not fit the file it is applied to."""


class StoreError(SetoriError):
    """The embedded store cannot be opened, read or written."""


class StoreNotFoundError(StoreError):
    """No store at the path given. Commands that only read never create one."""

    status = 404


class StoreLockedError(StoreError):
    """Another process holds the store's file lock: DuckDB allows one writer, or many readers.

    Temporary: the same command succeeds once that process ends.
    """

    status = 503


class NotFoundError(SetoriError):
    """A vessel, track or item that does not exist."""

    status = 404
