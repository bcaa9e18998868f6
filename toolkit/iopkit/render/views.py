"""What each cell of the session notebook shows: HTML for the facilitator guide and the
participant handout.

The notebook template (``notebooks/session.ipynb``) calls one method per cell; the
same HTML renders in JupyterLab and, through the exporters, on paper. Each method builds
the context of one template under ``handouts/templates/iopkit/session/`` (shared parts:
``iopkit/parts/``) and returns an object JupyterLab displays, carrying ``text/html`` (and, on
the cover and the handout, ``application/vnd.iopkit+json``: the document's title and
running-header text).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from markupsafe import Markup

from iopkit import markup, paths
from iopkit.content.curriculum import Curriculum, load_curriculum
from iopkit.content.schema import BlockKind, Session
from iopkit.errors import IopkitError
from iopkit.markup import render_markup
from iopkit.planning.cohort import Cohort, load_cohort
from iopkit.planning.plan import PlannedSession, plan_cohort
from iopkit.render import boxes
from iopkit.render.fmt import (  # noqa: F401  (the template and counselors' copies use them from here)
    META_MIME,
    Html,
    clock,
    crisis_resources,
    esc,
    logo_data_uri,
    long_date,
    md,
    md_inline,
    render_item,
    rescaled_note,
    runhead,
    short_date,
    worksheet_item,
)

_CARD_NUMBER = re.compile(r"^Card \d+[.:]\s*")


@dataclass
class SessionView:
    """One session of one cohort, ready to show."""

    curriculum: Curriculum
    cohort: Cohort
    item: PlannedSession
    #: The language of the participant pages; "" means the cohort's first ([handouts] language).
    lang: str = ""

    @classmethod
    def load(cls, cohort_file: str = "", position: int = 1, curriculum_dir: str = "") -> "SessionView":
        curriculum = load_curriculum(Path(curriculum_dir) if curriculum_dir else None)
        cohort = load_cohort(Path(cohort_file) if cohort_file else paths.example_cohort(), curriculum=curriculum)
        markup.IMAGE_ROOTS = (curriculum.root, cohort.folder)
        item = plan_cohort(cohort, curriculum).at(int(position))
        if not isinstance(item.session, Session):
            raise IopkitError(
                f"Session {item.position} ({item.source.name}) is an outline: its status is \"outline\". "
                "It can be built once it is written in full (status: complete)."
            )
        return cls(curriculum, cohort, item)

    # ------------------------------------------------------------ shared pieces

    @property
    def session(self) -> Session:
        return self.item.session  # type: ignore[return-value]

    @cached_property
    def session_line(self) -> str:
        return f"Session {self.item.position} of {self.item.total}"

    @property
    def time_range(self) -> str:
        zone = self.item.start.strftime("%Z")
        return f"{clock(self.item.start)} to {clock(self.item.end)} {zone}".strip()

    def _part(self, template: str, meta: dict | None = None, **context) -> Html:
        """One cell's display object: ``handouts/templates/iopkit/session/<template>.html.j2`` filled in."""
        return Html(render_markup(f"iopkit/session/{template}.html.j2", **context), meta)

    def _brand(self) -> dict:
        logo = self.cohort.program.logo
        return {"program": self.cohort.program.name,
                "logo": logo_data_uri(self.cohort.folder / logo) if logo else ""}

    def meta(self, view: str) -> dict:
        title = f"{self.session_line}: {self.session.title}"
        return {
            "title": title,
            "view": view,
            "program": self.cohort.program.name,
            "session": self.session_line,
            "date": self.item.date.isoformat(),
            "accent": self.cohort.program.accent_color,
        }

    # ------------------------------------------------------------ facilitator guide

    def cover(self) -> Html:
        s, item, cohort = self.session, self.item, self.cohort
        if cohort.telehealth:
            where = f"Telehealth: {cohort.location.platform}" if cohort.location.platform else "Telehealth"
        else:
            where = cohort.location.address
        facts = [
            ("Date", long_date(item.date)),
            ("Time", self.time_range),
            ("Where", where),
            ("Group", cohort.cohort.name),
            ("Facilitators", ", ".join(cohort.cohort.facilitators)),
            ("Week", self._week_fact()),
            ("Approaches", ", ".join(a.value for a in s.approaches)),
        ]
        if s.audience == "family":
            facts.append(("Audience", "Family session: participants and the family members or supporters they invite"))
        if item.custom:
            facts.append(("Source", f"Custom session for this cohort ({item.source.name})"))
        elif s.track == "elective":
            facts.append(("Source", f"Elective session ({s.id}), chosen for this cohort"))
        return self._part(
            "cover", self.meta("facilitator"),
            accent=cohort.program.accent_color,
            runhead=runhead(cohort.program.name, f"{self.session_line} · {short_date(item.date)}", "Facilitator guide"),
            brand=self._brand(), session_line=self.session_line, title=s.title, facts=facts, summary=s.summary,
            objectives=list(s.objectives), run_of_show=self._run_of_show())

    def _week_fact(self) -> str:
        """IOP: the program week of 12; aftercare: the group's own week and the cycle's session."""
        s, item = self.session, self.item
        phase = s.phase.value.replace("-", " ")
        if s.track == "aftercare" and self.curriculum.program.aftercare:
            cycle = self.curriculum.program.aftercare.sessions
            return f"{item.week} of this group · aftercare session {s.number} of {cycle} · {phase}"
        return f"{item.week} of {self.curriculum.program.weeks} · {phase}"

    def _blocks(self) -> list[dict]:
        return [{"kind": b.block.kind.value, "start": b.start, "end": b.end, "minutes": b.minutes,
                 "title": b.block.title} for b in self.item.blocks]

    def _run_of_show(self) -> dict:
        # At a glance, on the first page: what each block does is in "The session, block by block".
        return {"rescaled": rescaled_note(self.item, self.cohort), "blocks": self._blocks()}

    def preparation(self) -> Html:
        s, individual = self.session, self.curriculum.individual
        handoff = None
        if self.handoff:
            h = self.handoff
            handoff = {"name": h.name, "weekday": h.weekday, "start": h.start, "end": h.end, "where": h.where,
                       "first": h.first}
        emergency = ""
        if self.cohort.telehealth and individual:
            from iopkit.render.individual_docs import telehealth_emergency_html

            emergency = Markup(telehealth_emergency_html(individual))
        return self._part(
            "preparation", materials=list(s.exercise.materials), notes=s.facilitator_notes,
            bridge=s.new_member_bridge, safety=list(s.safety_notes), handoff=handoff,
            telehealth=list(s.telehealth) if self.cohort.telehealth else None, telehealth_emergency=emergency)

    def script(self) -> Html:
        blocks = []
        for b, context in zip(self.item.blocks, self._blocks()):
            context.update(do=b.block.do, say=b.block.say, location_check="", finishing="")
            if b.block.kind == BlockKind.check_in and self.cohort.telehealth:
                context["location_check"] = self._location_check()
            if b.block.kind == BlockKind.check_out and self.curriculum.individual:
                from iopkit.render.individual_docs import finishing_html

                context["finishing"] = Markup(finishing_html(self.curriculum.individual))
            blocks.append(context)
        return self._part("script", blocks=blocks)

    def _location_check(self) -> Markup:
        if self.curriculum.individual:
            from iopkit.render.individual_docs import check_in_html

            return Markup(check_in_html(self.curriculum.individual))
        return render_markup("iopkit/session/location-check.html.j2")

    def exercise(self) -> Html:
        e = self.session.exercise
        return self._part("exercise", exercise={
            "title": e.title,
            "kind": e.kind.value.replace("-", " ").capitalize(),
            "minutes": e.minutes,
            "steps": list(e.steps),
            "roles": list(e.roles),
            # A card the writer numbered already ("Card 3. ...") is not numbered twice.
            "cards": [_CARD_NUMBER.sub("", x) for x in e.scenario_cards],
            "observers": list(e.observers_watch_for),
            "telehealth": e.telehealth,
            "widget": bool(e.widget),
        })

    def discussion(self) -> Html:
        s = self.session
        return self._part("discussion", prompts=list(s.discussion_prompts),
                          moments=[{"moment": m.moment, "response": m.response} for m in s.hard_moments])

    def fidelity(self) -> Html:
        s = self.session
        return self._part("fidelity", checks=list(s.fidelity),
                          references=[self.curriculum.references[k].citation() for k in s.references])

    # ------------------------------------------------------------ participant handout

    # The participant pages are printed in the cohort's handout language ([handouts] language):
    # the session's translation overlay when there is one (iopkit.content.translations), else the English
    # with a note that says so.

    @property
    def language(self) -> str:
        return self.lang or self.cohort.handouts.languages[0]

    @property
    def lang_tag(self) -> str:
        from iopkit.content.translations import LANGUAGE_TAGS

        return LANGUAGE_TAGS[self.language]

    def _t(self, key: str, **values) -> str:
        from iopkit.render.i18n import text

        return text(self.language, key, **values)

    @cached_property
    def translation(self):
        """The session's overlay in this handout language (None for English)."""
        if self.language == "en":
            return None
        from iopkit.content.translations import find_translation

        return find_translation(self.curriculum.root, self.item.source, self.session, self.language)

    @cached_property
    def participant(self) -> Session:
        """The session with its participant text in the handout language."""
        t = self.translation
        if t is None or t.overlay is None:
            return self.session
        from iopkit.content.translations import translate_session

        return translate_session(self.session, t.overlay)

    @property
    def untranslated(self) -> bool:
        return self.translation is not None and self.translation.overlay is None

    def _body_lang(self) -> str:
        """A lang tag for session text printed in English inside a page in another language ("" if none)."""
        return "en-US" if self.untranslated else ""

    def _participant_runhead(self) -> Markup:
        from iopkit.render import i18n
        from iopkit.render.i18n import short_date as short

        line = self._t("session_line", n=self.item.position, total=self.item.total)
        return runhead(self.cohort.program.name, f"{line} · {short(self.item.date, self.language)}",
                       self._t("kind_handout"),
                       extra=(("rh-help", i18n.help_line(self.curriculum.program, self.language)),
                              ("rh-helpshort", i18n.help_short(self.curriculum.program, self.language)),
                              ("rh-short", self._t("session_short", n=self.item.position))))

    def participant_meta(self) -> dict:
        line = self._t("session_line", n=self.item.position, total=self.item.total)
        return {**self.meta("participant"), "title": f"{line}: {self.participant.handout.title}",
                "lang": self.lang_tag, "kind": self._t("kind_handout"),
                "large_print": self.cohort.handouts.large_print}

    def handout(self) -> Html:
        from iopkit.render.i18n import long_date as dated

        h = self.participant.handout
        line = self._t("session_line", n=self.item.position, total=self.item.total)
        return self._part(
            "handout", self.participant_meta(),
            lang_tag=self.lang_tag, accent=self.cohort.program.accent_color, runhead=self._participant_runhead(),
            brand=self._brand(), kicker=f"{line} · {dated(self.item.date, self.language)}",
            note=self._t("not_translated") if self.untranslated else "", body_lang=self._body_lang(),
            title=h.title, explanation=h.explanation,
            keypoints={"title": self._t("remember"), "points": list(h.key_points)})

    def worksheet(self) -> Html:
        w = self.participant.handout.worksheet
        other = self._t("something_else")
        return self._part("worksheet", lang_tag=self.lang_tag, body_lang=self._body_lang(), title=w.title,
                          instructions=w.instructions,
                          items=[worksheet_item(i, item, other) for i, item in enumerate(w.items, 1)])

    def exercise_sheet(self) -> Html:
        """The blank paper version of the session's interactive exercise, the same form as on screen."""
        e = self.session.exercise
        if not e.widget or not e.sheet_in_handout:
            return Html("")
        from iopkit.exercises import make_exercise

        sheet = make_exercise(e.widget, context=self.exercise_context).paper_html()
        if self.language == "en":
            return Html(sheet)
        from iopkit.exercises.paper import in_language  # the sheet's words from exercises/paper.<lang>.yaml

        sheet, missing = in_language(sheet, self.language, self.exercise_context.paper_words(self.language))
        tag = self.lang_tag if not missing else "en-US"  # a sheet still partly English says so
        return self._part("exercise-sheet", lang_tag=tag, sheet=Markup(sheet))

    def interactive(self):
        """The session's interactive exercise, for the room or a shared screen (never printed)."""
        if not self.session.exercise.widget:
            return self._part("interactive", title="")
        if os.environ.get(paths.BUILD_VARIABLE):  # set by iopkit build's kernel: nobody is at this screen
            return self._part("interactive", title=self.session.exercise.title)
        from iopkit.exercises import show

        return show(self.session.exercise.widget, context=self.exercise_context)

    def room(self):
        """The room view's slides (``iopkit.render.room``): the projector and the shared screen."""
        from iopkit.render.room import RoomView

        return RoomView(self)

    def take_home(self) -> Html:
        again = []
        languages = self.cohort.handouts.languages
        if not self.lang and len(languages) > 1:
            # A bilingual cohort: the whole handout again in the other language, after the first.
            for other in languages[1:]:
                view = replace(self, lang=other)
                again += [view.handout(), view.worksheet(), view.exercise_sheet(), view.take_home()]
        return self._part(
            "take-home", lang_tag=self.lang_tag, body_lang=self._body_lang(), practice_title=self._t("practice"),
            homework=self.participant.homework, aftercare=self.aftercare_box(), crisis=self.crisis_box(),
            status=self.translation_status(), again=Markup("").join(again))

    def translation_status(self) -> str:
        """Small print on the last page: a translation no person has reviewed says so (in both languages)."""
        t = self.translation
        if t is None or t.overlay is None:
            return ""
        if not t.overlay.reviewed:
            return self._t("status_machine")
        return self._t("status_reviewed", who=t.overlay.reviewed_by)

    #: Sessions that teach these hand a person on to aftercare, so they print its day and time.
    HANDOFF_TECHNIQUES = frozenset({"stepping-down", "aftercare"})

    @cached_property
    def handoff(self):
        if not self.HANDOFF_TECHNIQUES & set(self.session.techniques):
            return None
        from iopkit.planning.aftercare import aftercare_handoff

        return aftercare_handoff(self.cohort, self.curriculum, self.item.date)

    def aftercare_box(self) -> str:
        """The aftercare group's day, time and place, where the cohort file names it."""
        return boxes.aftercare_box(self.handoff, self.language)

    @cached_property
    def exercise_context(self):
        """What this session's exercise needs from this curriculum (never from another one)."""
        from iopkit.exercises import ExerciseContext

        return ExerciseContext.from_curriculum(self.curriculum, self.session)

    def crisis_box(self) -> str:
        return boxes.crisis_box(self.curriculum.program, self.cohort, self.language)


