"""What each cell of the session notebook shows: HTML for the facilitator guide and the
participant handout.

The notebook template (``notebooks/session.ipynb``) calls one method per cell; the
same HTML renders in JupyterLab and, through the exporters, on paper. Every method
returns an object JupyterLab displays, carrying ``text/html`` (and, on the cover,
``application/vnd.iopkit+json``: the document's title and running-header text).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path


from iopkit import paths
from iopkit import markup
from iopkit.render import boxes
from iopkit.render.fmt import (  # noqa: F401  (the template and counselors' copies use them from here)
    META_MIME,
    Html, clock, crisis_resources, esc, logo_data_uri, long_date, md, md_inline, render_item, rescaled_note, runhead, short_date,
)
from iopkit.planning.cohort import Cohort, load_cohort
from iopkit.content.curriculum import Curriculum, load_curriculum
from iopkit.planning.plan import PlannedSession, plan_cohort
from iopkit.content.schema import BlockKind, Session

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
        from iopkit.errors import IopkitError

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

    def _time_range(self) -> str:
        zone = self.item.start.strftime("%Z")
        return f"{clock(self.item.start)} to {clock(self.item.end)} {zone}".strip()

    def _runhead(self, kind: str) -> str:
        return runhead(self.cohort.program.name, f"{self.session_line} · {short_date(self.item.date)}", kind)

    def _brand(self) -> str:
        logo = ""
        if self.cohort.program.logo:
            logo = f'<img class="logo" style="height:34pt;width:auto" src="{logo_data_uri(self.cohort.folder / self.cohort.program.logo)}" alt="{esc(self.cohort.program.name)}">'
        return f'<div class="brand">{logo}<span class="program">{esc(self.cohort.program.name)}</span></div>'

    def _style(self) -> str:
        # The cohort's accent color, for screen and paper alike.
        return f'<style>.iopkit-doc {{ --accent: {esc(self.cohort.program.accent_color)}; }}</style>'

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
        where = (
            f"Telehealth{': ' + esc(cohort.location.platform) if cohort.location.platform else ''}"
            if cohort.telehealth else esc(cohort.location.address)
        )
        facts = [
            ("Date", esc(long_date(item.date))),
            ("Time", esc(self._time_range())),
            ("Where", where),
            ("Group", esc(cohort.cohort.name)),
            ("Facilitators", esc(", ".join(cohort.cohort.facilitators))),
            ("Week", self._week_fact()),
            ("Approaches", esc(", ".join(a.value for a in s.approaches))),
        ]
        if s.audience == "family":
            facts.append(("Audience", "Family session: participants and the family members or supporters they invite"))
        if item.custom:
            facts.append(("Source", f"Custom session for this cohort ({esc(item.source.name)})"))
        elif s.track == "elective":
            facts.append(("Source", f"Elective session ({esc(s.id)}), chosen for this cohort"))
        rows = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in facts)
        objectives = "".join(f"<li>{md_inline(o)}</li>" for o in s.objectives)
        body = (
            f'<section class="iopkit-doc guide cover">{self._style()}{self._runhead("Facilitator guide")}'
            f"{self._brand()}"
            f'<p class="kicker">Facilitator guide · {esc(self.session_line)}</p>'
            f"<h1>{esc(s.title)}</h1>"
            f'<table class="facts">{rows}</table>'
            f'<div class="summary">{md(s.summary)}</div>'
            f"<h2>By the end, participants can</h2><ul class=\"objectives\">{objectives}</ul>"
            f"{self._run_of_show_table()}"
            "</section>"
        )
        return Html(body, self.meta("facilitator"))

    def _week_fact(self) -> str:
        """IOP: the program week of 12; aftercare: the group's own week and the cycle's session."""
        s, item = self.session, self.item
        phase = esc(s.phase.value.replace("-", " "))
        if s.track == "aftercare" and self.curriculum.program.aftercare:
            cycle = self.curriculum.program.aftercare.sessions
            return f"{item.week} of this group · aftercare session {s.number} of {cycle} · {phase}"
        return f"{item.week} of {self.curriculum.program.weeks} · {phase}"

    def _run_of_show_table(self) -> str:
        rows = []
        for b in self.item.blocks:
            rows.append(
                f'<tr class="kind-{esc(b.block.kind.value)}"><td class="time">{clock(b.start)}–{clock(b.end)}</td>'
                f'<td class="min">{b.minutes} min</td><td><strong>{esc(b.block.title)}</strong></td>'
                f'<td class="kind">{esc(b.block.kind.value.replace("-", " "))}</td></tr>'
            )
        scaled = rescaled_note(self.item, self.cohort)
        # At a glance, on the first page: what each block does is in "The session, block by block".
        return (f'<div class="run-of-show-page"><h2>Run of show</h2>{scaled}<table class="run-of-show"><thead><tr>'
                '<th scope="col">Clock</th><th scope="col">Length</th><th scope="col">Block</th><th scope="col">Kind</th>'
                f"</tr></thead><tbody>{''.join(rows)}</tbody>"
                '</table><p class="muted">What to do and say in each block is under "The session, block by block".'
                "</p></div>")

    def preparation(self) -> Html:
        s = self.session
        materials = "".join(f"<li>{md_inline(m)}</li>" for m in s.exercise.materials)
        safety = "".join(f"<li>{md_inline(n)}</li>" for n in s.safety_notes)
        parts = [
            '<section class="iopkit-doc guide prep">',
            "<h2>Before the session</h2>",
            f"<h3>Materials</h3><ul>{materials}<li>Copies of today's handout, one for each person</li></ul>",
            f'<h3>Notes for the facilitator</h3><div class="notes">{md(s.facilitator_notes)}</div>',
            f'<h3>If someone is new today</h3><div class="bridge">{md(s.new_member_bridge)}</div>',
            f'<div class="callout safety"><h3>Safety</h3><ul>{safety}</ul></div>',
        ]
        if self.handoff:
            h = self.handoff
            parts.append(f'<h3>The aftercare group</h3><p>People stepping down go to <strong>{esc(h.name)}</strong>, '
                         f"every {esc(h.weekday)} {clock(h.start)} to {clock(h.end)} ({esc(h.where)}); the next "
                         f"meeting is {esc(long_date(h.first))}. Their handout says so too.</p>")
        if self.cohort.telehealth:
            tele = "".join(f"<li>{md_inline(t)}</li>" for t in s.telehealth)
            parts.append(f'<div class="callout telehealth"><h3>On the video call</h3><ul>{tele}</ul></div>')
            if self.curriculum.individual:
                from iopkit.render.individual_docs import telehealth_emergency_html

                parts.append(telehealth_emergency_html(self.curriculum.individual))
        parts.append("</section>")
        return Html("".join(parts))

    def script(self) -> Html:
        out = ['<section class="iopkit-doc guide script"><h2>The session, block by block</h2>']
        for b in self.item.blocks:
            out.append(
                f'<div class="block kind-{esc(b.block.kind.value)}">'
                f'<h3><span class="clock">{clock(b.start)}–{clock(b.end)}</span> {esc(b.block.title)} '
                f'<span class="min">({b.minutes} min)</span></h3>'
                f'<p class="do"><strong>Do:</strong> {md_inline(b.block.do)}</p>'
            )
            if b.block.kind == BlockKind.check_in and self.cohort.telehealth:
                out.append(self._location_check())
            if b.block.say.strip():
                out.append(f'<div class="say">{md(b.block.say)}</div>')
            if b.block.kind == BlockKind.check_out and self.curriculum.individual:
                from iopkit.render.individual_docs import finishing_html

                out.append(finishing_html(self.curriculum.individual))
            out.append("</div>")
        out.append("</section>")
        return Html("".join(out))

    def _location_check(self) -> str:
        if self.curriculum.individual:
            from iopkit.render.individual_docs import check_in_html

            return check_in_html(self.curriculum.individual)
        return ('<div class="callout telehealth"><strong>Location check (telehealth), in private:</strong> before '
                "anything else, confirm privately (never aloud in the group) where each person is today and a phone "
                "number to reach them, that they are in a private space, and that no one is driving.</div>")

    def exercise(self) -> Html:
        e = self.session.exercise
        parts = [f'<section class="iopkit-doc guide exercise"><h2>Exercise: {esc(e.title)}</h2>',
                 f'<p class="muted">{esc(e.kind.value.replace("-", " ").capitalize())} · about {e.minutes} minutes</p>',
                 "<ol class=\"steps\">" + "".join(f"<li>{md_inline(x)}</li>" for x in e.steps) + "</ol>"]
        if e.roles:
            parts.append("<h3>Roles</h3><ul>" + "".join(f"<li>{md_inline(x)}</li>" for x in e.roles) + "</ul>")
        if e.scenario_cards:
            # A card the writer numbered already ("Card 3. ...") is not numbered twice.
            texts = [_CARD_NUMBER.sub("", x) for x in e.scenario_cards]
            cards = "".join(f'<div class="card"><span class="card-n">Card {i}</span>{md_inline(x)}</div>'
                            for i, x in enumerate(texts, 1))
            parts.append(f'<h3>Scenario cards</h3><div class="cards">{cards}</div>')
        if e.observers_watch_for:
            parts.append("<h3>Observers watch for</h3><ul class=\"checks\">"
                         + "".join(f"<li>{md_inline(x)}</li>" for x in e.observers_watch_for) + "</ul>")
        parts.append(f'<div class="callout telehealth"><h3>On a video call</h3>{md(e.telehealth)}</div>')
        if e.widget:
            parts.append('<p class="muted">An interactive version of this exercise opens in JupyterLab '
                         '(<code>exercise.ipynb</code> in this session\'s folder).</p>')
        parts.append("</section>")
        return Html("".join(parts))

    def discussion(self) -> Html:
        s = self.session
        prompts = "".join(f"<li>{md_inline(p)}</li>" for p in s.discussion_prompts)
        moments = "".join(
            f'<div class="moment"><p class="m-q"><strong>{md_inline(m.moment)}</strong></p>{md(m.response)}</div>'
            for m in s.hard_moments
        )
        return Html(
            f'<section class="iopkit-doc guide discussion"><h2>Discussion prompts</h2>'
            f'<p class="muted">From easier to deeper. Choose what fits the group today.</p><ol>{prompts}</ol>'
            f"<h2>Hard moments, and how to respond</h2>{moments}</section>"
        )

    def fidelity(self) -> Html:
        s = self.session
        checks = "".join(f'<li><span class="box"></span>{md_inline(f)}</li>' for f in s.fidelity)
        refs = "".join(f"<li>{esc(self.curriculum.references[k].citation())}</li>" for k in s.references)
        return Html(
            f'<section class="iopkit-doc guide fidelity"><h2>Fidelity checklist</h2>'
            f'<p class="muted">For a supervisor observing, or for the facilitator afterwards.</p>'
            f'<ul class="checklist">{checks}</ul><h2>References</h2><ol class="refs">{refs}</ol>'
            '<p class="muted">The wording of this session is original to this curriculum; the techniques and '
            "facts come from the sources above.</p></section>"
        )

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
        """A lang attribute for session text printed in English inside a page in another language."""
        return ' lang="en-US"' if self.untranslated else ""

    def _participant_runhead(self) -> str:
        from iopkit.render.i18n import short_date as short

        line = self._t("session_line", n=self.item.position, total=self.item.total)
        return (runhead(self.cohort.program.name, f"{line} · {short(self.item.date, self.language)}",
                        self._t("kind_handout"))[:-len("</div>")]
                + f'<span class="rh-help">{esc(self._t("help_line"))}</span>'
                + f'<span class="rh-helpshort">{esc(self._t("help_short"))}</span>'
                + f'<span class="rh-short">{esc(self._t("session_short", n=self.item.position))}</span></div>')

    def participant_meta(self) -> dict:
        line = self._t("session_line", n=self.item.position, total=self.item.total)
        return {**self.meta("participant"), "title": f"{line}: {self.participant.handout.title}",
                "lang": self.lang_tag, "kind": self._t("kind_handout"),
                "large_print": self.cohort.handouts.large_print}

    def handout(self) -> Html:
        from iopkit.render.i18n import long_date as dated

        h = self.participant.handout
        points = ""
        if h.key_points:
            points = (f'<aside class="keypoints"{self._body_lang()}><h2>{esc(self._t("remember"))}</h2><ul>'
                      + "".join(f"<li>{md_inline(p)}</li>" for p in h.key_points) + "</ul></aside>")
        note = f'<p class="translation-note">{esc(self._t("not_translated"))}</p>' if self.untranslated else ""
        line = self._t("session_line", n=self.item.position, total=self.item.total)
        body = (
            f'<section class="iopkit-doc handout" lang="{self.lang_tag}">{self._style()}'
            f'{self._participant_runhead()}'
            f'<header class="handout-head">{self._brand()}'
            f'<p class="kicker">{esc(line)} · {esc(dated(self.item.date, self.language))}</p></header>'
            f"{note}<h1{self._body_lang()}>{esc(h.title)}</h1>"
            f'<div class="explanation"{self._body_lang()}>{md(h.explanation)}</div>{points}</section>'
        )
        return Html(body, self.participant_meta())

    def worksheet(self) -> Html:
        w = self.participant.handout.worksheet
        other = self._t("something_else")
        items = "".join(render_item(i, item, other) for i, item in enumerate(w.items, 1))
        return Html(
            f'<section class="iopkit-doc handout worksheet" lang="{self.lang_tag}"><div{self._body_lang()}>'
            f'<h2>{esc(w.title)}</h2>'
            f'<p class="instructions">{md_inline(w.instructions)}</p>{items}</div></section>'
        )

    def exercise_sheet(self) -> Html:
        """The blank paper version of the session's interactive exercise, the same form as on screen."""
        e = self.session.exercise
        if not e.widget or not e.sheet_in_handout:
            return Html("")
        from iopkit.exercises import make_exercise

        sheet = make_exercise(e.widget, context=self.exercise_context).paper_html()
        if self.language != "en":  # the sheet's words from exercises/paper.<lang>.yaml
            from iopkit.exercises.paper import in_language

            sheet, missing = in_language(sheet, self.language)
            tag = self.lang_tag if not missing else "en-US"  # a sheet still partly English says so
            sheet = f'<div lang="{tag}">{sheet}</div>'
        return Html(sheet)

    def interactive(self):
        """The session's interactive exercise, for the room or a shared screen (never printed)."""
        if not self.session.exercise.widget:
            return Html('<p class="muted">This session has no interactive exercise.</p>')
        if os.environ.get(paths.BUILD_VARIABLE):  # set by iopkit build's kernel: nobody is at this screen
            return Html(
                f'<p><strong>{esc(self.session.exercise.title)}</strong> opens here when you run this cell '
                "(click it, then press Shift+Enter). It also opens from <code>exercise.ipynb</code> in this "
                "session's folder, or from the home notebook. Nothing typed into it is kept unless the person "
                "chooses to save it.</p>")
        from iopkit.exercises import show

        return show(self.session.exercise.widget, context=self.exercise_context)

    def room(self):
        """The room view's slides (``iopkit.render.room``): the projector and the shared screen."""
        from iopkit.render.room import RoomView

        return RoomView(self)

    def take_home(self) -> Html:
        body = (
            f'<section class="iopkit-doc handout take-home" lang="{self.lang_tag}"><div class="homework">'
            f'<h2>{esc(self._t("practice"))}</h2><div{self._body_lang()}>{md(self.participant.homework)}</div></div>'
            f"{self.aftercare_box()}{self.crisis_box()}{self.translation_status()}</section>"
        )
        languages = self.cohort.handouts.languages
        if not self.lang and len(languages) > 1:
            # A bilingual cohort: the whole handout again in the other language, after the first.
            for other in languages[1:]:
                view = replace(self, lang=other)
                body += "".join(str(part) for part in (view.handout(), view.worksheet(), view.exercise_sheet(),
                                                       view.take_home()))
        return Html(body)

    def translation_status(self) -> str:
        """Small print on the last page: a translation no person has reviewed says so (in both languages)."""
        t = self.translation
        if t is None or t.overlay is None:
            return ""
        if not t.overlay.reviewed:
            return f'<p class="translation-status">{esc(self._t("status_machine"))}</p>'
        return f'<p class="translation-status">{esc(self._t("status_reviewed", who=t.overlay.reviewed_by))}</p>'

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


