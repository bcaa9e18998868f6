"""Where the shipped data lives: the curriculum, notebook templates and print templates.

In a source checkout (or an editable install) they sit at the top of the repository;
in a wheel they are packed under ``iopkit/_data``. Everything else asks this module.
"""
from __future__ import annotations

import os
from functools import cache
from pathlib import Path

#: Set in the environment of the kernel ``iopkit build`` runs its notebooks in (see
#: iopkit.engine); the session template's interactive cell reads it (iopkit.views).
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


def curriculum_dir() -> Path:
    """The curriculum to use: ``$IOPKIT_CURRICULUM`` if set (a program's own copy), else the shipped one."""
    override = os.environ.get("IOPKIT_CURRICULUM")
    return Path(override) if override else data_root() / "curriculum"


def shipped_curriculum() -> Path:
    return data_root() / "curriculum"


def notebooks_dir() -> Path:
    return data_root() / "notebooks"


def handouts_dir() -> Path:
    return data_root() / "handouts"


def example_cohort() -> Path:
    return data_root() / "cohorts" / "example.toml"
