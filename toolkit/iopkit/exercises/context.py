"""What an exercise needs from the curriculum in use: the 42 CFR Part 2 notice every saved file
carries, the crisis lines a relapse-prevention plan prints (and their translations, for a sheet in
another language), and the refusal session's scenario cards.

Whoever has the curriculum (the build, the Workbench, the validator) passes it as an
``ExerciseContext``, so an exercise never reads a different curriculum from the one the counselor
chose. With no context (``show("urge-surfing")`` typed in a notebook), the program folder's
``program.yaml`` is read, the same file every command uses when it is given no ``--curriculum``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: The widget whose cards come from the curriculum (``RefusalCards.id``).
REFUSAL_WIDGET = "refusal-cards"


@dataclass(frozen=True)
class ExerciseContext:
    part2_notice: str
    #: (name, how to reach it) for each national crisis line, in program.yaml's order.
    crisis_lines: tuple[tuple[str, str], ...]
    #: The refusal role-play cards, easier to harder; empty means the exercise's own deck.
    cards: tuple[str, ...] = field(default=())
    #: The same crisis lines in other languages (program.yaml's ``translations``): (language, lines).
    translated_lines: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = field(default=())

    @classmethod
    def from_program(cls, program, cards: tuple[str, ...] | list[str] = ()) -> "ExerciseContext":
        """From a validated ``Program`` (``iopkit.content.schema``)."""
        translated = tuple((lang, tuple((r.name, r.contact) for r in t.crisis_resources))
                           for lang, t in sorted(getattr(program, "translations", {}).items()) if t.crisis_resources)
        return cls(program.part2_notice, tuple((r.name, r.contact) for r in program.crisis_resources),
                   tuple(_card_text(c) for c in cards), translated)

    def paper_words(self, lang: str) -> dict[str, str]:
        """English -> ``lang`` for the crisis lines a blank sheet prints: program.yaml's own translation of
        each line (paired in order), so a Spanish sheet prints the Spanish handouts' lines."""
        theirs = dict(self.translated_lines).get(lang, ())
        words: dict[str, str] = {}
        for (name, contact), (their_name, their_contact) in zip(self.crisis_lines, theirs):
            words[f"{name}:"] = f"{their_name}:"
            words[contact] = their_contact
        return words

    @classmethod
    def from_curriculum(cls, curriculum, session=None) -> "ExerciseContext":
        """From a loaded curriculum; the cards are ``session``'s when it has some, else those of the
        first complete session whose exercise is the refusal role-play."""
        cards: list[str] = []
        if session is not None and getattr(session, "exercise", None) and session.exercise.scenario_cards:
            cards = list(session.exercise.scenario_cards)
        else:
            for s in sorted(curriculum.complete(), key=lambda s: s.number):
                if s.exercise.widget == REFUSAL_WIDGET and s.exercise.scenario_cards:
                    cards = list(s.exercise.scenario_cards)
                    break
        return cls.from_program(curriculum.program, cards)

    def to_json(self) -> str:
        return json.dumps({"part2_notice": self.part2_notice, "crisis_lines": [list(x) for x in self.crisis_lines],
                           "cards": list(self.cards),
                           "translated_lines": {lang: [list(x) for x in lines] for lang, lines in self.translated_lines}},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ExerciseContext":
        data = json.loads(text)
        translated = tuple((lang, tuple(tuple(x) for x in lines))
                           for lang, lines in sorted(data.get("translated_lines", {}).items()))
        return cls(data["part2_notice"], tuple(tuple(x) for x in data["crisis_lines"]), tuple(data.get("cards", ())),
                   translated)


def _card_text(card: str) -> str:
    return re.sub(r"^\s*Card\s+\d+\s*[.:]\s*", "", card)


def default_context() -> ExerciseContext:
    """The program folder's (or iopkit's own) ``program.yaml``, validated; read again when it changes."""
    from iopkit import paths

    path = (paths.curriculum_dir() / "program.yaml").resolve()
    stat = path.stat()
    return _read_program(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _read_program(path: Path, _mtime: int, _size: int) -> ExerciseContext:
    import yaml

    from iopkit.content.schema import Program

    return ExerciseContext.from_program(Program.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
