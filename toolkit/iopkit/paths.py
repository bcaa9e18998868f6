"""Where things are: the shipped data (curriculum, notebook and print templates) and the
clinic's program folder.

In a source checkout (or an editable install) the shipped data sits at the top of the
repository; in a wheel it is packed under ``iopkit/_data``. The shipped curriculum is only
the template ``iopkit init`` copies: a clinic works from its own program folder (a folder
holding ``iopkit-program.toml``), found from the current folder upwards as git finds
``.git``, or named by ``$IOPKIT_PROGRAM`` (``iopkit --program FOLDER``). Everything else
asks this module.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from iopkit.errors import ProgramError

#: Set in the environment of the kernel ``iopkit build`` runs its notebooks in (see
#: iopkit.notebook.engine); the session template's interactive cell reads it (iopkit.render.views).
BUILD_VARIABLE = "IOPKIT_BUILD"

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder that holds curriculum/, notebooks/, handouts/ and cohorts/."""
    packed = _PACKAGE / "_data"
    if (packed / "curriculum").is_dir():
        return packed
    checkout = _PACKAGE.parent.parent
    if (checkout / "curriculum").is_dir():
        return checkout
    raise FileNotFoundError(
        f"iopkit cannot find its curriculum folder (looked in {packed} and {checkout}). "
        "Reinstall iopkit with: python3 -m pip install ."
    )


#: The file that marks a program folder (see iopkit.app.program).
PROGRAM_MARKER = "iopkit-program.toml"
#: Names the program folder to use, wherever the command runs (``iopkit --program`` sets it).
PROGRAM_VARIABLE = "IOPKIT_PROGRAM"
#: Names a curriculum folder directly (tests, a writer checking another copy); wins over the program folder.
CURRICULUM_VARIABLE = "IOPKIT_CURRICULUM"


def find_program(start: Path | str | None = None) -> Path | None:
    """The program folder in use: ``$IOPKIT_PROGRAM``, else the nearest folder from ``start``
    (default: the current folder) upwards that holds ``iopkit-program.toml``; ``None`` if there is none.
    """
    named = os.environ.get(PROGRAM_VARIABLE)
    if named:
        folder = Path(named).expanduser()
        if not (folder / PROGRAM_MARKER).is_file():
            raise ProgramError(
                f"{folder} is not an iopkit program folder (it has no {PROGRAM_MARKER}). It was named by "
                f"--program or {PROGRAM_VARIABLE}. Make one with: iopkit init {folder}")
        return folder.resolve()
    here = Path(start) if start else Path.cwd()
    for folder in (here.resolve(), *here.resolve().parents):
        if (folder / PROGRAM_MARKER).is_file():
            return folder
    return None


def curriculum_dir() -> Path:
    """The curriculum to use: ``$IOPKIT_CURRICULUM`` if set, else the program folder's, else the shipped one."""
    return curriculum_source()[0]


def curriculum_source(explicit: Path | str | None = None) -> tuple[Path, str]:
    """The curriculum to use and why: ``(folder, "option" | "variable" | "program" | "shipped")``.

    ``explicit`` is a ``--curriculum`` option; it wins, then ``$IOPKIT_CURRICULUM``, then the
    program folder, then the curriculum iopkit ships.
    """
    if explicit:
        return Path(explicit), "option"
    override = os.environ.get(CURRICULUM_VARIABLE)
    if override:
        return Path(override), "variable"
    program = find_program()
    if program is not None:
        return program / "curriculum", "program"
    return shipped_curriculum(), "shipped"


def describe_curriculum(explicit: Path | str | None = None, cwd: Path | None = None) -> str:
    """One or two plain lines saying which curriculum a command uses (printed on stderr)."""
    folder, why = curriculum_source(explicit)
    where = Path(folder).resolve()
    if why == "program":
        line = f"Using the curriculum in {where} (program folder)."
    elif why == "option":
        line = f"Using the curriculum in {where} (named by --curriculum)."
    elif why == "variable":
        line = f"Using the curriculum in {where} (named by {CURRICULUM_VARIABLE})."
    else:
        line = (f"Using the curriculum that ships with iopkit ({where}): no program folder here. "
                "To make your own copy to edit, run: iopkit init FOLDER")
    local = (Path(cwd) if cwd else Path.cwd()) / "curriculum"
    if local.is_dir() and local.resolve() != where:
        line += (f"\nNote: the curriculum folder here ({local.resolve()}) is not the one in use, so edits to it do "
                 "not show in what iopkit builds. Use it with --curriculum curriculum, or make a program folder "
                 "with: iopkit init FOLDER")
    return line


def shipped_curriculum() -> Path:
    return data_root() / "curriculum"


def notebooks_dir() -> Path:
    return data_root() / "notebooks"


def handouts_dir() -> Path:
    return data_root() / "handouts"


def example_cohort() -> Path:
    return data_root() / "cohorts" / "example.toml"
