"""Saving one person's answers on their own computer: a JSON file and a PDF.

Nothing here uses the network. Files go into a local folder (``my-answers/`` in the
working folder unless the exercise was given another), are written whole or not at
all (a temporary file, then ``os.replace``), and are named by exercise and time, never
by person. Both carry the 42 CFR part 2 redisclosure notice from ``program.yaml``.

Answers never land inside a built packet (``build/<cohort>/``, which is shared and
printed): when the working folder is part of one (an ``exercise.ipynb`` opened from a
session folder), they go to the person's own folder, ``~/iopkit-answers`` (or
``$IOPKIT_ANSWERS``), made readable by that person only.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.io import write_atomic

if TYPE_CHECKING:
    from iopkit.exercises.base import Exercise

#: The folder answers go to, inside the working folder, when none is given.
DEFAULT_FOLDER = "my-answers"
#: Printed beside the notice on every saved file.
KEPT = "Kept by you. Not sent anywhere."
#: The version of the answers file layout; changes when a field changes meaning.
FILE_FORMAT = 1


#: The person's own answers folder, in their home folder, for exercises opened from a built packet.
USER_FOLDER = "iopkit-answers"
#: Files that mark a folder as part of a built packet (iopkit.pipeline.build's manifests).
PACKET_MARKERS = (".build.json", ".packet.json")


def user_folder() -> Path:
    override = os.environ.get("IOPKIT_ANSWERS")
    return Path(override).expanduser() if override else Path.home() / USER_FOLDER


def inside_packet(folder: Path) -> bool:
    """True when ``folder`` is a built packet or inside one."""
    folder = Path(folder).resolve()
    return any((f / marker).is_file() for f in (folder, *folder.parents) for marker in PACKET_MARKERS)


def default_folder() -> Path:
    """``my-answers/`` in the working folder, or the person's own folder when the working folder is a packet."""
    here = Path.cwd()
    return user_folder() if inside_packet(here) else here / DEFAULT_FOLDER


def long_when(when: dt.datetime) -> str:
    """``Monday, June 2, 2025, 3:14 PM``."""
    return f"{when:%A}, {when:%B} {when.day}, {when.year}, " + when.strftime("%I:%M %p").lstrip("0")


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d-%H%M%S")


def free_path(folder: Path, stem: str, suffix: str) -> Path:
    """``stem.suffix``, or ``stem-2.suffix`` and so on if a file saved the same second is there."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def answers_record(exercise: "Exercise", when: dt.datetime) -> dict:
    """What the JSON file holds: the answers, the exercise, when, and the notice. No name."""
    return {
        "format": FILE_FORMAT,
        "exercise": exercise.id,
        "title": exercise.title,
        "saved": when.isoformat(timespec="seconds"),
        "answers": exercise.answers(),
        "kept": KEPT,
        "part2_notice": exercise.context.part2_notice,
    }


def _folder(exercise: "Exercise", folder: str | Path | None) -> Path:
    chosen = Path(folder) if folder is not None else exercise.folder
    if inside_packet(chosen):  # a packet is shared and printed: never one person's answers
        chosen = user_folder()
    chosen.mkdir(parents=True, exist_ok=True, mode=0o700)
    return chosen


def save_answers(exercise: "Exercise", folder: str | Path | None = None) -> Path:
    """Save the exercise's answers as JSON in ``folder``; return the file's path."""
    when = dt.datetime.now().astimezone()
    record = answers_record(exercise, when)
    target = _folder(exercise, folder)
    path = free_path(target, f"{exercise.id}-{stamp(when)}", ".json")
    write_atomic(path, (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def answers_document(exercise: "Exercise", when: dt.datetime | None = None) -> str:
    """The whole printable document of one person's answers, for WeasyPrint."""
    from markupsafe import Markup

    from iopkit.exercises.paper import render_part
    from iopkit.pdf import print_css

    when = when or dt.datetime.now().astimezone()
    return render_part("answers-document.html.j2", title=exercise.title, lang_tag="en", view="participant",
                       css=Markup(print_css()), section=Markup(exercise.answers_html(long_when(when))))


def export_answers_pdf(exercise: "Exercise", folder: str | Path | None = None) -> Path:
    """Print the exercise's answers to a PDF in ``folder``; return the file's path."""
    from iopkit.pdf import html_to_pdf

    when = dt.datetime.now().astimezone()
    pdf = html_to_pdf(answers_document(exercise, when))
    target = _folder(exercise, folder)
    path = free_path(target, f"{exercise.id}-{stamp(when)}", ".pdf")
    write_atomic(path, pdf)
    return path


def read_answers(path: str | Path) -> dict:
    """A saved answers file, checked to be one; raises ``ValueError`` in plain words if not."""
    path = Path(path)
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path.name} could not be opened as saved answers ({error}).") from None
    if not isinstance(record, dict) or not isinstance(record.get("answers"), dict) or "exercise" not in record:
        raise ValueError(f"{path.name} is not a file of saved answers from this toolkit.")
    return record


def saved_files(folder: str | Path, exercise_id: str) -> list[Path]:
    """The answers files of one exercise in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{exercise_id}-*.json"), key=lambda p: p.name, reverse=True)


def saved_when(record: dict) -> str:
    """When a saved record was saved, for a person to read; empty if the file does not say."""
    try:
        return long_when(dt.datetime.fromisoformat(str(record.get("saved"))))
    except ValueError:
        return ""
