"""What the exercises read from the curriculum: the program's 42 CFR part 2 notice and
crisis lines (``program.yaml``) and the refusal session's scenario cards.

The curriculum is loaded and validated as usual (``load_curriculum``). A counselor may be
in the middle of editing a session file while a group runs; that must not stop a person
from saving their answers, so when some other file has a problem the program file is read
on its own. Results are kept until a file in the curriculum changes, so a broken file is
not validated again on every click.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _stamp(root: Path) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(root.rglob("*.yaml")))


@lru_cache(maxsize=2)
def _load(root: Path, _stamp: tuple):
    """``(curriculum or None, program)``; raises if program.yaml itself cannot be used."""
    from ..curriculum import Collector, load_curriculum, load_program
    from ..errors import ValidationError

    try:
        curriculum = load_curriculum(root)
        return curriculum, curriculum.program
    except ValidationError:
        collector = Collector()
        program = load_program(root, collector)
        if program is None or collector.problems:
            raise
        return None, program


def _current():
    from .. import paths

    root = paths.curriculum_dir().resolve()
    return _load(root, _stamp(root))


@lru_cache(maxsize=2)
def _program(path: Path, _stamp: tuple):
    from ..curriculum import Collector, load_program
    from ..errors import ValidationError

    collector = Collector()
    program = load_program(path.parent, collector)
    if program is None or collector.problems:
        raise ValidationError(collector.problems)
    return program


def program():
    """The program defaults (``program.yaml``), validated on their own: the sheets that print its
    crisis lines are themselves checked while the curriculum loads, so this never loads the rest."""
    from .. import paths

    path = (paths.curriculum_dir() / "program.yaml").resolve()
    stat = path.stat()
    return _program(path, (stat.st_mtime_ns, stat.st_size))


def curriculum():
    """The whole validated curriculum, or None while some file in it has a problem."""
    from ..errors import IopkitError

    try:
        return _current()[0]
    except (IopkitError, OSError):
        return None


def part2_notice() -> str:
    """The 42 CFR part 2 redisclosure notice every saved file carries."""
    return program().part2_notice
