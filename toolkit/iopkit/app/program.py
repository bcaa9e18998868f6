"""A clinic's program folder: ``iopkit init`` makes it, ``iopkit update`` compares it with iopkit.

A program folder is the clinic's own copy of what iopkit ships, to edit and keep in git::

    iopkit-program.toml      the marker: iopkit's version and a fingerprint of every shipped file
    curriculum/              the sessions, program defaults, references: edit these
    cohorts/                 example cohorts to copy
    iopkit-home.ipynb        the home notebook (the Workbench)
    .iopkit/shipped/         the curriculum exactly as iopkit shipped it when the folder was made;
                             ``iopkit update`` compares with it (never edit it)

Every command finds the program folder from the current folder upwards (``iopkit.paths``).
``iopkit update`` lists what changed in the shipped curriculum since the folder was made,
file by file, with a unified diff on request. It merges nothing on its own: ``--apply FILE``
takes iopkit's new version of one file, and only when the clinic has not edited that file.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from iopkit import paths
from iopkit._version import __version__
from iopkit.errors import ProgramError
from iopkit.io import file_digest, write_atomic

CURRICULUM = "curriculum"
COHORTS = "cohorts"
#: The shipped curriculum as it was when the folder was made (the base ``iopkit update`` compares with).
SHIPPED = Path(".iopkit") / "shipped"
GITIGNORE = """\
# Built packets are made again from the files here; keep them out of git.
build/
.ipynb_checkpoints/
__pycache__/
"""


def _files(root: Path) -> dict[str, Path]:
    """Every file under ``root`` by its relative POSIX path (caches and checkpoints left out)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part in ("__pycache__", ".ipynb_checkpoints") for part in rel.parts):
            out[rel.as_posix()] = path
    return out


_digest = file_digest


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def marker_text(version: str, made: str, fingerprints: dict[str, str]) -> str:
    lines = [
        "# This folder is an iopkit program folder: the clinic's own curriculum and cohorts.",
        "# Every iopkit command run in this folder (or below it) uses the curriculum here.",
        "# Written by `iopkit init`; `iopkit update` reads it. Do not edit it by hand.",
        "schema = 1",
        f"iopkit_version = {_toml_string(version)}",
        f"made = {_toml_string(made)}",
        "",
        "# The curriculum iopkit shipped when this folder was made: a SHA-256 fingerprint of each file.",
        "# A copy of those files is kept in .iopkit/shipped/ so `iopkit update` can show what changed.",
        "[shipped]",
    ]
    lines += [f"{_toml_string(name)} = {_toml_string(digest)}" for name, digest in sorted(fingerprints.items())]
    return "\n".join(lines) + "\n"


def init_program(folder: Path | str) -> Path:
    """Make a program folder at ``folder`` (new, or empty): nothing is overwritten, nothing is half-made."""
    folder = Path(folder).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise ProgramError(f"{folder} is a file. Choose a folder name for the program, like: iopkit init clinic")
    if folder.is_dir() and any(folder.iterdir()):
        what = "already a program folder" if (folder / paths.PROGRAM_MARKER).exists() else "not empty"
        raise ProgramError(f"{folder} is {what}; iopkit init writes only into a new or empty folder, so nothing of "
                           "yours is overwritten. Choose another name, like: iopkit init clinic-program")
    shipped = paths.shipped_curriculum()
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        shutil.copytree(shipped, staging / CURRICULUM, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        shutil.copytree(shipped, staging / SHIPPED, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        shutil.copytree(paths.data_root() / COHORTS, staging / COHORTS,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        from iopkit.app.workbench import HOME_NOTEBOOK

        shutil.copyfile(paths.notebooks_dir() / "home.ipynb", staging / HOME_NOTEBOOK)
        (staging / ".gitignore").write_text(GITIGNORE)
        fingerprints = {name: _digest(path) for name, path in _files(staging / SHIPPED).items()}
        made = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        (staging / paths.PROGRAM_MARKER).write_text(marker_text(__version__, made, fingerprints))
        if folder.is_dir():
            _move_into(staging, folder)  # an empty folder (checked above) someone may be working in
        else:
            # mkdtemp makes a private folder; a program folder is shared like any folder the person makes.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)
            os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _move_into(staging: Path, folder: Path) -> None:
    """Move everything from ``staging`` into the empty ``folder``; on failure, take it all out again."""
    moved = []
    try:
        for entry in sorted(staging.iterdir()):
            os.rename(entry, folder / entry.name)
            moved.append(folder / entry.name)
    except BaseException:
        for path in moved:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        raise
    staging.rmdir()


# ------------------------------------------------------------------ update


@dataclass
class Change:
    """One shipped curriculum file that is not as it was when the folder was made."""

    name: str  # relative to curriculum/, like "sessions/05-urge-surfing.yaml"
    shipped: str  # "changed" | "added" | "removed": what iopkit did to it since
    local: str  # "unedited" | "edited" | "missing": what the clinic's copy is now

    @property
    def can_apply(self) -> bool:
        return self.shipped in ("changed", "added") and self.local in ("unedited", "missing")

    def describe(self) -> str:
        if self.shipped == "added":
            state = ("new in iopkit; you have no file of that name" if self.local == "missing"
                     else "new in iopkit; you already have a file of that name (merge by hand)")
        elif self.shipped == "removed":
            state = "removed from iopkit; your copy stays until you delete it"
        elif self.local == "unedited":
            state = "changed in iopkit; you have not edited it (iopkit update --apply takes the new version)"
        elif self.local == "missing":
            state = "changed in iopkit; you deleted your copy"
        else:
            state = "changed in iopkit and edited by you (merge by hand, using the diff)"
        return f"{self.name}: {state}"


@dataclass
class UpdateReport:
    """What changed in the shipped curriculum since the program folder was made."""

    program: Path
    made_with: str
    changes: list[Change] = field(default_factory=list)

    def summary(self) -> str:
        head = (f"Program folder {self.program} (made with iopkit {self.made_with}; this is iopkit {__version__}).")
        if not self.changes:
            return head + "\nThe shipped curriculum has not changed since this folder was made. Nothing to do."
        lines = [head, f"{len(self.changes)} file{'s' if len(self.changes) != 1 else ''} of the shipped curriculum "
                 "changed since this folder was made. Nothing has been changed in your folder:"]
        lines += ["  " + change.describe() for change in self.changes]
        lines.append("See the changes with: iopkit update --diff   (or --diff FILE for one file)")
        if any(c.can_apply for c in self.changes):
            lines.append("Take iopkit's new version of a file you have not edited with: iopkit update --apply FILE")
        return "\n".join(lines)


def read_marker(program: Path) -> dict:
    marker = program / paths.PROGRAM_MARKER
    try:
        data = tomllib.loads(marker.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProgramError(f"{marker} cannot be read ({exc}). Restore it from git (git checkout -- "
                           f"{paths.PROGRAM_MARKER}).") from None
    if not isinstance(data.get("shipped"), dict):
        raise ProgramError(f"{marker}: the [shipped] table is missing. Restore the file from git.")
    return data


def require_program(program: Path | str | None = None) -> Path:
    found = Path(program) if program else paths.find_program()
    if found is None or not (found / paths.PROGRAM_MARKER).is_file():
        raise ProgramError("There is no program folder here (no iopkit-program.toml in this folder or above it). "
                           "Go into your program folder first (cd), or name it: iopkit --program FOLDER update. "
                           "Make one with: iopkit init FOLDER")
    return found.resolve()


def compare(program: Path | str | None = None) -> UpdateReport:
    """Compare the program folder with the curriculum this iopkit ships (nothing is written)."""
    program = require_program(program)
    data = read_marker(program)
    base = data["shipped"]
    now = {name: _digest(path) for name, path in _files(paths.shipped_curriculum()).items()}
    mine = program / CURRICULUM
    report = UpdateReport(program, str(data.get("iopkit_version", "an unknown version")))
    for name in sorted(set(base) | set(now)):
        if base.get(name) == now.get(name):
            continue
        shipped = "added" if name not in base else "removed" if name not in now else "changed"
        local_file = mine / name
        if not local_file.is_file():
            local = "missing"
        elif name in base and _digest(local_file) == base[name]:
            local = "unedited"
        else:
            local = "edited"
        report.changes.append(Change(name, shipped, local))
    return report


def diff(program: Path | str | None = None, name: str | None = None) -> str:
    """A unified diff of what iopkit changed in each shipped file (or one) since the folder was made."""
    program = require_program(program)
    report = compare(program)
    changes = [c for c in report.changes if name is None or c.name == _name(name)]
    if name is not None and not changes:
        raise ProgramError(f"{name}: iopkit has not changed this file since the folder was made (or it is not a "
                           "curriculum file). See the list with: iopkit update")
    out: list[str] = []
    for change in changes:
        before = program / SHIPPED / change.name
        after = paths.shipped_curriculum() / change.name
        old = before.read_text().splitlines(keepends=True) if before.is_file() else []
        new = after.read_text().splitlines(keepends=True) if after.is_file() else []
        out += difflib.unified_diff(old, new, f"as shipped when made/{change.name}", f"as shipped now/{change.name}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _name(name: str) -> str:
    """``curriculum/sessions/x.yaml`` or ``sessions/x.yaml`` -> ``sessions/x.yaml``."""
    posix = Path(name).as_posix()
    return posix.split(CURRICULUM + "/", 1)[1] if posix.startswith(CURRICULUM + "/") else posix


def apply(name: str, program: Path | str | None = None) -> Path:
    """Take iopkit's new version of one curriculum file the clinic has not edited; return the file written."""
    program = require_program(program)
    wanted = _name(name)
    change = next((c for c in compare(program).changes if c.name == wanted), None)
    if change is None:
        raise ProgramError(f"{name}: iopkit has not changed this file since the folder was made. See what changed "
                           "with: iopkit update")
    if not change.can_apply:
        raise ProgramError(f"{name}: not applied, because it is {change.describe().split(': ', 1)[1]}. See the "
                           f"change with: iopkit update --diff {wanted}, then edit your copy by hand.")
    source = paths.shipped_curriculum() / wanted
    target = program / CURRICULUM / wanted
    content = source.read_bytes()
    write_atomic(target, content)
    write_atomic(program / SHIPPED / wanted, content)
    data = read_marker(program)
    fingerprints = dict(data["shipped"])
    fingerprints[wanted] = hashlib.sha256(content).hexdigest()
    write_atomic(program / paths.PROGRAM_MARKER,
                 marker_text(str(data.get("iopkit_version", __version__)), str(data.get("made", "")), fingerprints))
    return target
