"""The one error tree of iopkit.

Every error a counselor can cause carries the file and the field it is about and
says, in plain words, what was found and what was expected. The CLI prints
``str(error)`` and exits with ``error.exit_code``; nobody sees a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: where, which field, what we got, what we expected."""

    file: str
    line: int | None
    field: str
    got: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: got {self.got}, expected {self.expected}"


class IopkitError(Exception):
    """Base class: something a counselor can fix; printed without a traceback."""

    exit_code = 1


class ValidationError(IopkitError):
    """One or more files break the schema or the content rules; lists every problem."""

    exit_code = 2

    def __init__(self, problems: list[Problem], summary: str | None = None):
        self.problems = list(problems)
        self.summary = summary
        super().__init__(self.__str__())

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        files = len({p.file for p in self.problems})
        tail = self.summary or (
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} "
            f"in {files} file{'s' if files != 1 else ''}. Fix each line above, then run the command again."
        )
        return "\n".join(lines + [tail])


class CohortError(ValidationError):
    """The cohort file cannot be used as written."""


class UnknownSessionError(IopkitError):
    """A session number or id that the curriculum or cohort does not have."""

    exit_code = 2


class NotesError(IopkitError):
    """A request for the after-group kit that cannot be met: a date with no group, an unknown note
    format, a roster line that is not a first name and last initial, a field only a clinician writes."""

    exit_code = 2


class ReminderError(IopkitError):
    """A reminder text that is too long, uses an unknown fill-in, or says what the group is."""

    exit_code = 2


class TemplateMissingError(IopkitError):
    """A notebook or print template that the build needs is not where it should be."""

    exit_code = 1


class SessionBuildError(IopkitError):
    """One session's notebook raised or its documents could not be written."""

    exit_code = 1

    def __init__(self, session: str, message: str, notebook: Path | None = None):
        self.session = session
        self.notebook = notebook
        super().__init__(f"{session}: {message}")


class OptionError(IopkitError):
    """A command-line option or argument has a value iopkit cannot use."""

    exit_code = 2


class FileSystemError(IopkitError):
    """A path cannot be used as given (a folder for a file, a loop, a full or read-only disk)."""

    exit_code = 2

    def __init__(self, path: str | Path, what: str, fix: str):
        self.path, self.what, self.fix = str(path), what, fix
        super().__init__(f"{display_path(path)}: {what}. {fix}")


class BuildFailed(IopkitError):
    """At least one session failed; the others were built."""

    exit_code = 1


class BuildBusyError(IopkitError):
    """Another build kept writing the same build folder for longer than we wait."""

    exit_code = 1


class ProgramError(IopkitError):
    """A program folder that cannot be made, found or updated as asked (the message says why and what to do)."""

    exit_code = 2


def problem(file: str | Path, field: str, got: object, expected: str, line: int | None = None) -> Problem:
    """Shorthand used by loaders: quote what we got the way a person would read it."""
    return Problem(display_path(file), line, field, describe(got), expected)


def display_path(path: str | Path) -> str:
    """A path as a counselor reads it best: relative to the working folder when it is inside it."""
    import os

    try:  # the name as given (a link is not followed), else where it really is
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        pass
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside the working folder, or a link loop
        return str(path)


def describe(value: object) -> str:
    """A short, readable rendering of a value for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"' if text else "an empty text"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    import datetime as dt

    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"the time {value.strftime('%H:%M')}"
    if isinstance(value, dict):
        return "a table of fields"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    return repr(value)


# ---------------------------------------------------------------- the records store (iopkit.records)


class RecordsError(IopkitError):
    """Something about the encrypted records store a counselor can fix; never shows a record."""

    exit_code = 2


class StoreNotFoundError(RecordsError):
    """No records store was named, or the file named is not there."""


class StoreUnlockError(RecordsError):
    """The passphrase (or recovery key) does not open the store."""


class StoreDamagedError(RecordsError):
    """The store file is not a records store, or it is damaged or cut short."""


class StoreBusyError(RecordsError):
    """Another program kept the store's lock for longer than we wait."""


class StorePlaceError(RecordsError):
    """The folder chosen for a new store is not a safe place for it."""


class RecordInputError(RecordsError):
    """A value given for a record (alias, date, status, minutes, pseudonym) cannot be used."""


class AuditChainError(RecordsError):
    """The audit trail inside the store has been changed, removed or reordered."""


class TranslationNotReviewedError(IopkitError):
    """``iopkit build --require-reviewed`` and a handout whose translation no person has reviewed."""

    exit_code = 2


class MissingAltTextError(IopkitError):
    """A picture or chart in a printed document has no text alternative (WCAG 1.1.1)."""
