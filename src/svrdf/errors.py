"""Errors that carry where in the input they come from.

Every stage raises a subclass of :class:`SvrdfError`; the CLI turns it into one message on
stderr and the exit code the class names, so no stage ever prints or exits on its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

#: The most characters of an input's value a message quotes: enough to find it, too few to
#: copy a file's content (a roster linked to a secrets file) onto a terminal or into a log.
QUOTED_CHARS = 60


def quoted(value: object, limit: int = QUOTED_CHARS) -> str:
    """A value from an input as a message quotes it: its text in quotes, with control
    characters and other unprintable ones escaped, cut short after ``limit`` characters."""
    value = value if isinstance(value, str) else str(value)
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}… ({len(value):,} characters)"


@dataclass(frozen=True, slots=True)  # a large study has one per triple until validated
class Origin:
    """A place in the study's input files: the file, and the line, CSV row, YAML key or field."""

    file: str
    line: int | None = None
    row: int | None = None
    key: str | None = None
    field: str | None = None

    def with_field(self, field: str) -> Origin:
        return Origin(self.file, self.line, self.row, self.key, field)

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None and self.line != self.row:
            parts.append(f"line {self.line}")
        if self.key is not None:
            parts.append(f"key {quoted(self.key)}")
        if self.field is not None and self.field != self.key:
            parts.append(f"field {quoted(self.field)}")
        return ", ".join(parts)


def listed(names: Sequence[str], most: int = 20) -> str:
    """Names from an input (a CSV header's columns) as a message lists them: the first
    ``most``, each quoted in part if long."""
    shown = ", ".join(name if len(name) <= QUOTED_CHARS else quoted(name) for name in names[:most])
    return shown + (f" and {len(names) - most:,} more" if len(names) > most else "")


class SvrdfError(Exception):
    """Base of every error svrdf reports to a person. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, origin: Origin | None = None):
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}" if self.origin else self.message


class StudyFileError(SvrdfError):
    """An input file is missing or cannot be parsed (not UTF-8, broken YAML or CSV)."""

    exit_code = 2


class StudyDataError(SvrdfError):
    """The files parse, but what they say is not a valid study (wrong type, unknown code...)."""

    exit_code = 1


class UsageError(SvrdfError):
    """The call itself is wrong (an option that names something that is not there)."""

    exit_code = 2


class OutputError(SvrdfError):
    """The output cannot be written where the user asked."""

    exit_code = 2


class PathError(SvrdfError):
    """The system refuses a path given to svrdf (too long, a loop of links, not permitted)."""

    exit_code = 2

    def __init__(self, error: OSError):
        name = quoted(os.fsdecode(error.filename), limit=120) if error.filename else "a path"
        super().__init__(f"cannot use {name}: {error.strerror or error}")


class ShapesError(SvrdfError):
    """The SHACL shapes cannot be run (a malformed shape, or a federated SERVICE query)."""

    exit_code = 2


class InvalidGraphError(SvrdfError):
    """The graph violates the shapes; ``report`` holds the validation results."""

    exit_code = 1

    def __init__(self, message: str, report):
        super().__init__(message)
        self.report = report


class Notice(UserWarning):
    """Something a person should know that is no error (svrdf's SHACL engine left shapes to
    pyshacl, say). Raised with :func:`warnings.warn`, so a library caller can filter it; the
    CLI prints each as one line on stderr, ``svrdf: note: ...``."""
