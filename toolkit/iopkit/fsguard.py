"""Check a path before it is used, and turn the operating system's errors into plain words.

Every path a counselor gives (a cohort file, ``--out``, ``--curriculum``, ``join --pdf``)
passes through one of the ``input_*`` / ``output_*`` checks here before anything is read
or written, and any ``OSError`` that still escapes is turned into a ``FileSystemError``
by ``explain`` (the CLI does this once for every command). Each message names the path
and what to do; the exit code is 2.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from iopkit.errors import FileSystemError

#: What to do for each kind of operating-system error, in words a counselor can act on.
_ERRNO_WORDS = {
    errno.ENOSPC: ("a full disk", "Free some space (or choose another disk with --out), then run the command again."),
    errno.EDQUOT: ("a disk whose quota is used up", "Free some space, then run the command again."),
    errno.EROFS: ("a read-only disk", "Choose a folder you can write to (for example with --out)."),
    errno.EACCES: ("a place you have no permission to use", "Choose a folder you own, or ask your IT staff for access."),
    errno.EPERM: ("a place you have no permission to use", "Choose a folder you own, or ask your IT staff for access."),
    errno.ELOOP: ("a link that points back to itself (a link loop)", "Replace the link with the real file or folder."),
    errno.EISDIR: ("a folder, not a file", "Give the path of a file inside it."),
    errno.ENOTDIR: ("a path with a file where a folder should be", "Check each folder name in the path."),
    errno.ENOENT: ("no such file or folder", "Check the spelling of the path."),
    errno.ENAMETOOLONG: ("a name too long for this disk", "Use a shorter file or folder name."),
    errno.EMFILE: ("too many files open at once", "Close other programs, then run the command again."),
    errno.EIO: ("a disk read or write error", "Check the disk (or copy the files to another one)."),
}


def explain(exc: OSError, path: str | os.PathLike | None = None) -> FileSystemError:
    """The plain-words error for an ``OSError``: which path, what happened, what to do."""
    where = path or exc.filename or "a file"
    what, fix = _ERRNO_WORDS.get(exc.errno, (f"a path the computer could not use ({exc.strerror or exc})",
                                             "Check the path and the disk, then run the command again."))
    return FileSystemError(os.fspath(where), what, fix)


def _stat(path: Path):
    """``os.stat`` that reports a link loop or an unreadable path in plain words; None if absent."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):  # a link whose target is gone
            raise FileSystemError(path, "a link to something that is not there",
                                  "Replace the link with the real file or folder.") from None
        return None
    except RuntimeError:  # older Pythons report a loop this way from Path.resolve
        raise FileSystemError(path, _ERRNO_WORDS[errno.ELOOP][0], _ERRNO_WORDS[errno.ELOOP][1]) from None
    except OSError as exc:
        raise explain(exc, path) from None


def input_file(path: str | os.PathLike, kind: str = "file") -> Path:
    """A file that must exist and be readable (not a folder, not a link loop)."""
    path = Path(path)
    info = _stat(path)
    if info is None:
        raise FileSystemError(path, f"no {kind} here", "Check the spelling of the path.")
    import stat

    if stat.S_ISDIR(info.st_mode):
        raise FileSystemError(path, f"a folder, not a {kind}", f"Give the path of the {kind} itself.")
    if not stat.S_ISREG(info.st_mode):
        raise FileSystemError(path, f"a device or a pipe, not a {kind}",
                              f"Give the path of a {kind} saved on disk.")
    if not os.access(path, os.R_OK):
        raise explain(PermissionError(errno.EACCES, "Permission denied"), path)
    return path


def input_folder(path: str | os.PathLike, kind: str = "folder") -> Path:
    """A folder that must exist (a file or a link loop here is a plain error)."""
    path = Path(path)
    info = _stat(path)
    if info is None:
        raise FileSystemError(path, f"no {kind} here", "Check the spelling of the path.")
    import stat

    if not stat.S_ISDIR(info.st_mode):
        raise FileSystemError(path, f"a file, not a {kind}", f"Give the path of the {kind}, not of a file in it.")
    return path


def _nearest_existing(path: Path) -> Path:
    """The path itself or its nearest ancestor that exists; a file on the way is an error."""
    import stat

    probe = Path(os.path.abspath(path))
    missing: list[str] = []
    while True:
        info = _stat(probe)
        if info is not None:
            if missing and not stat.S_ISDIR(info.st_mode):
                raise FileSystemError(probe, "a file where the path needs a folder",
                                      "Choose another path, or move that file away.")
            return probe
        missing.append(probe.name)
        if probe.parent == probe:
            return probe
        probe = probe.parent


def _writable(folder: Path, path: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        try:
            if os.statvfs(folder).f_flag & os.ST_RDONLY:
                raise explain(OSError(errno.EROFS, "Read-only file system"), path)
        except (AttributeError, OSError):
            pass
        raise explain(PermissionError(errno.EACCES, "Permission denied"), path)


def output_folder(path: str | os.PathLike, kind: str = "output folder") -> Path:
    """A folder to write into: it may not exist yet, but it must not be a file, and must be writable."""
    import stat

    path = Path(path)
    existing = _nearest_existing(path)
    if existing == Path(os.path.abspath(path)):
        if not stat.S_ISDIR(os.stat(existing).st_mode):
            raise FileSystemError(path, f"a file, but the {kind} must be a folder",
                                  "Give the name of a folder (a new one is made), or move that file away.")
    _writable(existing, path)
    return path


def output_file(path: str | os.PathLike, kind: str = "file", example: str = "schedule.pdf") -> Path:
    """A file to write: not a folder, and in a folder that exists or can be made and is writable."""
    import stat

    path = Path(path)
    info = _stat(path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise FileSystemError(path, f"a folder, but a {kind} is to be written here",
                              f"Give a file name, for example {Path(path) / example}.")
    output_folder(path.parent, "folder")
    return path
