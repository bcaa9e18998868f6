"""Fidelity forms: this project's own checklist for one group, rated by the facilitator or a supervisor.

The supervision cycle of SAMHSA TIP 52 (observe, rate, give feedback, plan) on one form:

* **items**: the session's ``fidelity`` list (from its YAML file), each rated done / partly /
  not done / n.a.;
* **global ratings**: five areas on a 1-5 scale with written anchors (``GLOBALS``);
* **what I'd do differently**: one short sentence;
* a two-minute **self-rating** after every group, or a **supervisor observation**;
* **sign-off**: the supervisor adds feedback and one development-plan item and signs (name,
  credential, time). The record then keeps a SHA-256 of its canonical content (``content_hash``):
  any later edit makes ``verify`` report the form as changed after signing.

The forms live in the encrypted store's ``fidelity`` table (made here on first use), name the
facilitator exactly as the cohort file writes them, and never name a participant. Each save and
signature is audited. These are the program's own checklists: they do not certify anyone in CRA,
MBRP or any other model (``NOT_CERTIFICATION`` is printed on every form).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.errors import RecordInputError
from iopkit.records import audit

if TYPE_CHECKING:
    from iopkit.content.schema import OutlineSession

MODES = ("self", "supervisor")
MODE_LABELS = {"self": "Self-rating (after the group, about two minutes)",
               "supervisor": "Supervisor observation"}
ITEM_RATINGS = ("done", "partly", "not done", "n.a.")
#: Points an item earns toward the adherence share (n.a. items are left out of the count).
ITEM_POINTS = {"done": 1.0, "partly": 0.5, "not done": 0.0}

#: The five global ratings: key, name, and anchors for 1, 3 and 5 (2 and 4 lie between).
GLOBALS: tuple[tuple[str, str, dict[int, str]], ...] = (
    ("warmth", "Warmth and collaborative spirit", {
        1: "Lectured or argued; members' own words and choices were passed over.",
        3: "Friendly and respectful most of the time; some telling rather than asking.",
        5: "Members were treated as partners throughout: asked before advising, strengths named, choices left "
           "with them."}),
    ("pacing", "Pacing to the clock", {
        1: "Blocks ran far over or were dropped; the group ended late or the skill practice was lost.",
        3: "Most blocks kept to time; one ran over and another was shortened to catch up.",
        5: "Every block kept its time without rushing people; the break and the closing happened as planned."}),
    ("hard_moments", "Handling hard moments", {
        1: "A hard moment (anger, tears, a lapse told, a side talk) was ignored or handled with blame.",
        3: "Hard moments were noticed and handled, though the group lost its thread for a while.",
        5: "Hard moments were met calmly and kindly, the person was followed up, and the group kept going."}),
    ("drawing_in", "Drawing people in", {
        1: "A few members did all the talking; quiet members were not invited in.",
        3: "Most members spoke at least once; the facilitator invited some of the quiet ones.",
        5: "Everyone had a real turn; the facilitator linked members' ideas to each other."}),
    ("safety", "Safety follow-up", {
        1: "A safety sign (suicide risk, overdose risk, a lapse) was missed or left for later without a plan.",
        3: "Safety signs were noticed and the crisis lines given; the same-day follow-up was not written down.",
        5: "Every safety sign got a same-day follow-up and the crisis steps; it was written down before the "
           "facilitator left."}),
)
GLOBAL_KEYS = tuple(key for key, _, _ in GLOBALS)
SCALE = {1: "not seen, or worked against", 2: "a little", 3: "adequate", 4: "good", 5: "excellent (could teach it)"}

NOT_CERTIFICATION = ("This is the program's own checklist for its own groups. It is not a certification, an "
                     "adherence rating or a competence rating in Community Reinforcement Approach (CRA), "
                     "Mindfulness-Based Relapse Prevention (MBRP) or any other model, and it does not replace "
                     "training by their developers.")

TABLE = """
CREATE TABLE IF NOT EXISTS fidelity (
    id INTEGER PRIMARY KEY,
    cohort TEXT NOT NULL,
    date TEXT NOT NULL,
    position INTEGER NOT NULL,
    session TEXT NOT NULL,
    session_title TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('self', 'supervisor')),
    facilitator TEXT NOT NULL,
    rater TEXT NOT NULL,
    items TEXT NOT NULL,
    ratings TEXT NOT NULL,
    different TEXT NOT NULL,
    created TEXT NOT NULL,
    feedback TEXT,
    plan TEXT,
    signed_name TEXT,
    signed_credential TEXT,
    signed_at TEXT,
    signed_hash TEXT
)
"""
#: Short answers: the form is a checklist, not a note. Long text belongs in supervision notes.
MAX_TEXT = 500


@dataclass
class FidelityForm:
    """One filled form. ``items`` are (item text, rating); ``ratings`` map GLOBAL_KEYS to 1-5."""

    cohort: str
    date: dt.date
    position: int
    session: str
    session_title: str
    mode: str
    facilitator: str
    rater: str
    items: list[tuple[str, str]]
    ratings: dict[str, int]
    different: str = ""
    created: str = ""
    feedback: str | None = None
    plan: str | None = None
    signed_name: str | None = None
    signed_credential: str | None = None
    signed_at: str | None = None
    signed_hash: str | None = None
    id: int | None = None

    @property
    def signed(self) -> bool:
        return self.signed_hash is not None

    def adherence(self) -> float | None:
        """Share of applicable items done (partly counts half); None when every item is n.a."""
        points = [ITEM_POINTS[r] for _, r in self.items if r in ITEM_POINTS]
        return sum(points) / len(points) if points else None

    def global_mean(self) -> float:
        return sum(self.ratings[k] for k in GLOBAL_KEYS) / len(GLOBAL_KEYS)


# ---------------------------------------------------------------- what people type

def check_mode(text: str) -> str:
    value = str(text).strip().lower()
    if value not in MODES:
        raise RecordInputError(f'--mode: got "{text}", expected self or supervisor')
    return value


def check_item_rating(text: str, number: int) -> str:
    value = str(text).strip().lower().replace("_", " ").replace("-", " ")
    value = {"na": "n.a.", "n/a": "n.a.", "n.a": "n.a.", "n a": "n.a.", "n.a.": "n.a.", "notdone": "not done",
             "not": "not done", "no": "not done", "yes": "done", "part": "partly", "partial": "partly"}.get(value, value)
    if value not in ITEM_RATINGS:
        raise RecordInputError(f'item {number}: got "{text}", expected done, partly, not done or n.a.')
    return value


def check_global(value: object, key: str) -> int:
    name = dict((k, n) for k, n, _ in GLOBALS)[key]
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 5 or str(value).strip() not in {"1", "2", "3", "4", "5"}:
        raise RecordInputError(f'{name}: got "{value}", expected a whole number from 1 to 5')
    return number


def check_text(text: str | None, field_name: str, *, required: bool = False) -> str:
    value = " ".join(str(text or "").split())
    if required and not value:
        raise RecordInputError(f"{field_name}: expected a short sentence; it may not be left empty")
    if len(value) > MAX_TEXT:
        raise RecordInputError(f"{field_name}: got {len(value)} characters, expected at most {MAX_TEXT} (a short "
                               "sentence; keep longer notes in the supervision file)")
    return value


def check_facilitator(name: str | None, facilitators: list[str]) -> str:
    """The facilitator exactly as the cohort file writes them (a first-word match is accepted)."""
    if not name:
        if len(facilitators) == 1:
            return facilitators[0]
        raise RecordInputError("--facilitator: this cohort has more than one facilitator; name one of: "
                               + "; ".join(facilitators))
    wanted = " ".join(name.split()).lower()
    for full in facilitators:
        if full.lower() == wanted or full.lower().split(",")[0] == wanted:
            return full
    matches = [f for f in facilitators if f.lower().startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    raise RecordInputError(f'--facilitator: got "{name}", expected one of the cohort file\'s facilitators: '
                           + "; ".join(facilitators))


# ---------------------------------------------------------------- the session of a day

@dataclass(frozen=True)
class SessionOfDay:
    cohort: str
    cohort_name: str
    facilitators: tuple[str, ...]
    date: dt.date
    position: int
    session: str
    title: str
    items: tuple[str, ...]


def group_calendar(cohort, curriculum, until: dt.date) -> list[tuple[dt.date, int, OutlineSession]]:
    """Every meeting of the cohort up to ``until``: (date, position in the curriculum, session).

    The group runs the curriculum round and round (``plan.plan_join``), so after session 36 comes 1.
    """
    from iopkit.planning.plan import meeting_dates, sequence

    items = sequence(cohort, curriculum)
    count = len(items)
    rounds = 1
    while True:
        dates = meeting_dates(cohort, count * rounds)
        if not dates or dates[-1] > until or len(dates) < count * rounds or rounds > 60:
            break
        rounds += 1
    return [(d, i % count + 1, items[i % count].session) for i, d in enumerate(dates) if d <= until]


def session_of_day(cohort, curriculum, day: dt.date) -> SessionOfDay:
    """The session the cohort's calendar puts on ``day``, with its fidelity items; a plain message if none."""
    calendar = group_calendar(cohort, curriculum, day + dt.timedelta(days=21))
    for date, position, session in calendar:
        if date == day:
            items = tuple(str(t) for t in (getattr(session, "fidelity", None) or ()))
            if not items:
                raise RecordInputError(f"--date: {day.isoformat()} is session {position} ({session.title}), which is "
                                       "an outline with no fidelity items yet")
            return SessionOfDay(cohort.slug, str(cohort.cohort.name), tuple(str(f) for f in cohort.cohort.facilitators),
                                day, position, str(session.id), str(session.title), items)
    near = [d for d, _, _ in calendar]
    after = [d for d in near if d > day][:1]
    before = [d for d in near if d < day][-1:]
    hint = " or ".join(d.isoformat() for d in before + after)
    raise RecordInputError(f"--date: {cohort.cohort.name} has no group on {day.isoformat()} by its calendar"
                           + (f" (the nearest: {hint})" if hint else ""))


# ---------------------------------------------------------------- canonical content and the hash

def canonical(form: FidelityForm) -> bytes:
    """The signed content as canonical JSON (sorted keys, no spaces, UTF-8): everything but the hash and id."""
    content = {
        "cohort": form.cohort, "date": form.date.isoformat(), "position": form.position, "session": form.session,
        "session_title": form.session_title, "mode": form.mode, "facilitator": form.facilitator, "rater": form.rater,
        "items": [[text, rating] for text, rating in form.items], "ratings": {k: form.ratings[k] for k in GLOBAL_KEYS},
        "different": form.different, "created": form.created, "feedback": form.feedback, "plan": form.plan,
        "signed_name": form.signed_name, "signed_credential": form.signed_credential, "signed_at": form.signed_at,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(form: FidelityForm) -> str:
    return hashlib.sha256(canonical(form)).hexdigest()


# ---------------------------------------------------------------- the table

def ensure_table(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)


def _has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fidelity'").fetchone() is not None


def _form(row) -> FidelityForm:
    return FidelityForm(
        cohort=row["cohort"], date=dt.date.fromisoformat(row["date"]), position=row["position"], session=row["session"],
        session_title=row["session_title"], mode=row["mode"], facilitator=row["facilitator"], rater=row["rater"],
        items=[(t, r) for t, r in json.loads(row["items"])], ratings=json.loads(row["ratings"]),
        different=row["different"], created=row["created"], feedback=row["feedback"], plan=row["plan"],
        signed_name=row["signed_name"], signed_credential=row["signed_credential"], signed_at=row["signed_at"],
        signed_hash=row["signed_hash"], id=row["id"])


def forms(conn: sqlite3.Connection, *, cohort: str | None = None, facilitator: str | None = None) -> list[FidelityForm]:
    if not _has_table(conn):
        return []
    query = "SELECT * FROM fidelity WHERE 1 = 1"
    params: list[str] = []
    if cohort:
        query, params = query + " AND cohort = ?", params + [cohort]
    if facilitator:
        query, params = query + " AND facilitator = ?", params + [facilitator]
    return [_form(r) for r in conn.execute(query + " ORDER BY date, cohort, mode, id", params)]


def get_form(conn: sqlite3.Connection, form_id: int) -> FidelityForm:
    row = conn.execute("SELECT * FROM fidelity WHERE id = ?", (int(form_id),)).fetchone() if _has_table(conn) else None
    if row is None:
        raise RecordInputError(f"FORM: there is no fidelity form number {form_id} in this records store "
                               "(iopkit fidelity list shows them)")
    return _form(row)


# ---------------------------------------------------------------- writing

def new_form(day: SessionOfDay, *, mode: str, facilitator: str | None, rater: str | None, items: list[str],
             ratings: Mapping[str, object], different: str | None, now: dt.datetime | None = None) -> FidelityForm:
    """A checked form for the session of a day (nothing stored yet)."""
    mode = check_mode(mode)
    who = check_facilitator(facilitator, list(day.facilitators))
    if mode == "self":
        rater_name = who
    else:
        rater_name = check_text(rater, "--rater", required=True)
    if len(items) != len(day.items):
        raise RecordInputError(f"--items: got {len(items)} answers, expected {len(day.items)} (one for each of the "
                               f"session's fidelity items, in order)")
    rated = [(text, check_item_rating(value, n)) for n, (text, value) in enumerate(zip(day.items, items), 1)]
    missing = [k for k in GLOBAL_KEYS if k not in ratings]
    if missing:
        names = dict((k, n) for k, n, _ in GLOBALS)
        raise RecordInputError("--ratings: expected five numbers from 1 to 5; missing " +
                               ", ".join(names[k] for k in missing))
    checked = {k: check_global(ratings[k], k) for k in GLOBAL_KEYS}
    created = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    return FidelityForm(day.cohort, day.date, day.position, day.session, day.title, mode, who, rater_name, rated,
                        checked, check_text(different, "what I'd do differently"), created)


def save_form(conn: sqlite3.Connection, form: FidelityForm) -> FidelityForm:
    """Store a new form (inside the caller's transaction); audited."""
    ensure_table(conn)
    cur = conn.execute(
        "INSERT INTO fidelity (cohort, date, position, session, session_title, mode, facilitator, rater, items, "
        "ratings, different, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (form.cohort, form.date.isoformat(), form.position, form.session, form.session_title, form.mode,
         form.facilitator, form.rater, json.dumps(form.items, ensure_ascii=False),
         json.dumps({k: form.ratings[k] for k in GLOBAL_KEYS}), form.different, form.created))
    form.id = cur.lastrowid
    audit.append(conn, "fidelity", "fidelity", None)
    return form


def sign_form(conn: sqlite3.Connection, form_id: int, *, name: str, credential: str, feedback: str, plan: str,
              now: dt.datetime | None = None) -> FidelityForm:
    """The supervisor's feedback, one development-plan item and signature; the hash is kept from now on."""
    form = get_form(conn, form_id)
    if form.signed:
        raise RecordInputError(f"FORM: fidelity form {form_id} was signed on {form.signed_at} by {form.signed_name}; "
                               "a signed form is not signed again (write a new form)")
    form.feedback = check_text(feedback, "--feedback", required=True)
    form.plan = check_text(plan, "--plan", required=True)
    form.signed_name = check_text(name, "--name", required=True)
    form.signed_credential = check_text(credential, "--credential", required=True)
    form.signed_at = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(
        timespec="seconds")
    form.signed_hash = content_hash(form)
    conn.execute("UPDATE fidelity SET feedback = ?, plan = ?, signed_name = ?, signed_credential = ?, signed_at = ?, "
                 "signed_hash = ? WHERE id = ?", (form.feedback, form.plan, form.signed_name, form.signed_credential,
                                                  form.signed_at, form.signed_hash, form.id))
    audit.append(conn, "sign", "fidelity", None)
    return form


@dataclass(frozen=True)
class Check:
    form: FidelityForm
    state: str  # "signed, unchanged" | "CHANGED after signing" | "not signed"


def verify(conn: sqlite3.Connection) -> list[Check]:
    """Each form's state: a signed form whose content no longer matches its hash was changed after signing."""
    out = []
    for form in forms(conn):
        if not form.signed:
            out.append(Check(form, "not signed"))
        elif content_hash(form) == form.signed_hash:
            out.append(Check(form, "signed, unchanged"))
        else:
            out.append(Check(form, "CHANGED after signing"))
    return out


# ---------------------------------------------------------------- reading it back

def render_text(form: FidelityForm) -> str:
    lines = [f"Fidelity form {form.id}: {MODE_LABELS[form.mode]}",
             f"{form.cohort}, {form.date:%a %b} {form.date.day}, {form.date.year}: session {form.position}, "
             f"{form.session_title}",
             f"Facilitator: {form.facilitator}    Rated by: {form.rater}", ""]
    for n, (text, rating) in enumerate(form.items, 1):
        lines.append(f"  {n}. [{rating}] {text}")
    adherence = form.adherence()
    lines.append(f"  Items done: {'-' if adherence is None else f'{adherence:.0%}'} (partly counts half; n.a. left out)")
    lines.append("")
    for key, name, _ in GLOBALS:
        lines.append(f"  {name}: {form.ratings[key]} ({SCALE[form.ratings[key]]})")
    lines.append(f"  What I'd do differently: {form.different or '-'}")
    if form.signed:
        lines += ["", f"  Feedback: {form.feedback}", f"  Development plan: {form.plan}",
                  f"  Signed: {form.signed_name}, {form.signed_credential}, {form.signed_at}"]
    else:
        lines += ["", "  Not signed yet."]
    return "\n".join(lines)


def blank_form_text(day: SessionOfDay, mode: str) -> str:
    """The form as a person fills it in: the items, the scale and its anchors, and the notice."""
    lines = [f"{MODE_LABELS[mode]}: {day.cohort_name}, {day.date:%a %b} {day.date.day}, {day.date.year}",
             f"Session {day.position}: {day.title}", "",
             "Each item: done, partly, not done, or n.a. (did not apply today)."]
    lines += [f"  {n}. {text}" for n, text in enumerate(day.items, 1)]
    lines += ["", "Global ratings, 1 to 5: " + "; ".join(f"{k} {v}" for k, v in SCALE.items())]
    for _, name, anchors in GLOBALS:
        lines.append(f"  {name}")
        lines += [f"    {score}: {text}" for score, text in anchors.items()]
    lines += ["", "Write no participant's name on this form: it is about the facilitator's work.", NOT_CERTIFICATION]
    return "\n".join(lines)


# ---------------------------------------------------------------- the PDF for the supervision log

def form_html(form: FidelityForm, *, program: str, state: str) -> str:
    from iopkit import markup
    from iopkit.records.export import fonts_css

    adherence = form.adherence()
    return markup.render(
        "records/fidelity.html.j2", css=fonts_css(), program=program, form=form, mode=MODE_LABELS[form.mode],
        day=f"{form.date:%A %B} {form.date.day}, {form.date.year}",
        adherence="-" if adherence is None else f"{adherence:.0%}",
        globals=[(name, form.ratings[key], SCALE[form.ratings[key]], anchors) for key, name, anchors in GLOBALS],
        notice=NOT_CERTIFICATION, state=state)


def export_pdf(vault, form_id: int, out: str | Path) -> Path:
    """A signed form as a PDF for the supervision log (and licensure hours); audited; atomic write."""
    from iopkit.pdf import html_to_pdf
    from iopkit.records.export import _notice_and_program
    from iopkit.records.store import write_replace

    out = Path(out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise RecordInputError(f'--pdf: got "{out.name}", expected a file name ending in .pdf')
    _, program = _notice_and_program()
    with vault.transaction() as conn:
        form = get_form(conn, form_id)
        if not form.signed:
            raise RecordInputError(f"FORM: fidelity form {form_id} is not signed yet; the supervisor signs it first "
                                   "(iopkit fidelity sign)")
        state = "signed, unchanged" if content_hash(form) == form.signed_hash else "CHANGED after signing"
        data = html_to_pdf(form_html(form, program=program, state=state))
        audit.append(conn, "export", "fidelity", None)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_replace(out, data)
    return out
