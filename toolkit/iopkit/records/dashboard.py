"""The director's dashboard: how are our groups doing? (TIP 46 program measures, TIP 52 supervision.)

``compute(conn, cohorts, curriculum, as_of)`` reads the records store and the cohort files and
returns a ``ProgramView``: pandas tables per cohort and per facilitator. Every figure is defined
in docs/dashboard.md (numerator, denominator, window); the names here match its headings.

Two ways to show it:

* **inside the program** (``render_text``, ``render_html(export=False)``: the terminal and the
  Voilà page): exact counts, and pseudonyms where a counselor needs them (who is not on track);
* **exports** (``render_html(export=True)``, ``to_csv``): aggregates only, every count of people or
  of attendance entries from 1 to 10 shown as "<11" (``iopkit.measures.suppress``), with the
  complementary cells hidden too, and any rate whose numerator, denominator or their difference is
  from 1 to 10 hidden. No pseudonym is in an export.

Facilitators are listed alphabetically, never by score (no ranking of people); ``facilitator=``
puts one facilitator's own rows first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.measures.suppress import SMALL, suppress_table
from iopkit.records import fidelity, people
from iopkit.records.ledger import cohort_floors, ledger_frame, week_start

if TYPE_CHECKING:
    import pandas as pd

NOT_TRACKED = "not tracked"
RETENTION_DAYS = 30
ATTENDED = ("present", "late", "left-early")


def load_cohorts(folder: Path, curriculum, problems: list[str] | None = None) -> list:
    """Every valid cohort file in ``folder``; each broken one is left out and named in ``problems``."""
    from iopkit.errors import IopkitError
    from iopkit.planning.cohort import load_cohort

    out = []
    for path in sorted(Path(folder).glob("*.toml")):
        try:
            out.append(load_cohort(path, curriculum=curriculum))
        except IopkitError:
            if problems is not None:
                problems.append(f"{path.name} has problems, so its planned sessions and floor are not counted: "
                                f"run iopkit validate {path} to see them.")
    if problems is not None and not out:
        problems.append(f"No cohort files were read from {folder}: planned sessions cannot be counted.")
    return out


@dataclass
class ProgramView:
    as_of: dt.date
    demo: bool
    cohorts: pd.DataFrame        # one row per cohort (see COHORT_COLUMNS)
    admissions: pd.DataFrame     # cohort x week -> admissions
    facilitators: pd.DataFrame   # one row per facilitator and mode
    sessions: pd.DataFrame       # one row per session position and mode
    agreement: pd.DataFrame      # one row per facilitator (self against supervisor)
    not_on_track: dict[str, list[str]] = field(default_factory=dict)   # pseudonym -> reasons (inside only)
    notes_exported: str = NOT_TRACKED
    names: dict[str, str] = field(default_factory=dict)                # cohort slug -> cohort name


COHORT_COLUMNS = ["cohort", "planned", "delivered", "admissions", "entries", "attended", "retention_due",
                  "retained", "step_downs", "completions", "floor_weeks", "floor_met", "measured_twice",
                  "not_on_track"]


def _day(text):
    return dt.date.fromisoformat(text) if text else None


def compute(conn, cohorts, curriculum, as_of: dt.date | None = None) -> ProgramView:
    import pandas as pd

    from iopkit.measures.caseload import not_on_track_list
    from iopkit.measures.load import load_measures
    from iopkit.planning.plan import plan_join
    from iopkit.records.measures_store import administrations_in, by_person

    demo_row = conn.execute("SELECT value FROM meta WHERE key = 'demo_until'").fetchone()
    demo = demo_row is not None
    if as_of is None:
        as_of = dt.date.fromisoformat(demo_row[0]) if demo else dt.date.today()
    by_slug = {c.slug: c for c in cohorts}
    persons = [p for p in people.participants(conn) if p.admitted <= as_of]
    visits = [v for v in people.attendance(conn) if v.date <= as_of]
    slugs = sorted(set(by_slug) | {p.cohort for p in persons})
    cohort_of = {p.pseudonym: p.cohort for p in persons}

    # Measures: administrations up to as_of, of people admitted by then.
    rows = [r for r in administrations_in(conn) if r.date <= as_of and r.pseudonym in cohort_of]
    measured = by_person(rows)
    late = not_on_track_list(load_measures(), measured)

    # The hours floor, from the ledger (the same rule as iopkit records ledger).
    files = [c.path for c in cohorts if c.path]
    ledger = ledger_frame(conn, floors=cohort_floors(files), today=as_of)
    ledger = ledger[(ledger["week"] <= week_start(as_of)) & ledger["pseudonym"].isin(list(cohort_of))]

    table = []
    for slug in slugs:
        cohort = by_slug.get(slug)
        mine = [p for p in persons if p.cohort == slug]
        ids = {p.pseudonym for p in mine}
        entries = [v for v in visits if v.pseudonym in ids]
        if cohort is not None:
            planned_days = [d for d, _, _ in fidelity.group_calendar(cohort, curriculum, as_of)]
        else:
            planned_days = []
        planned_set = set(planned_days)
        entries = [v for v in entries if v.date in planned_set]  # group days only (not individual sessions)
        attended_days = {v.date for v in entries if v.status in ATTENDED}
        due = [p for p in mine if p.admitted + dt.timedelta(days=RETENTION_DAYS) <= as_of]
        retained = 0
        for p in due:
            day30 = p.admitted + dt.timedelta(days=RETENTION_DAYS)
            came = any(v.pseudonym == p.pseudonym and v.status in ATTENDED and v.date >= day30 for v in entries)
            moved_on = p.stepped_down is not None and p.stepped_down < day30
            retained += came or moved_on
        completions = 0
        for p in mine:
            if p.discharged and not p.stepped_down and p.discharged <= as_of and cohort is not None:
                try:
                    finish = plan_join(cohort, curriculum, p.admitted).finish
                except Exception:  # noqa: BLE001 - admitted outside the schedule: cannot have completed it
                    continue
                completions += p.discharged >= finish
        weeks = ledger[ledger["cohort"] == slug]
        held = weeks[weeks["status"].isin(["meets floor", "UNDER floor"])]
        table.append({
            "cohort": slug, "planned": len(planned_days),
            "delivered": sum(1 for d in planned_days if d in attended_days),
            "admissions": len(mine), "entries": len(entries),
            "attended": sum(1 for v in entries if v.status in ATTENDED),
            "retention_due": len(due), "retained": int(retained),
            "step_downs": sum(1 for p in mine if p.stepped_down and p.stepped_down <= as_of),
            "completions": int(completions),
            "floor_weeks": len(held), "floor_met": int((held["status"] == "meets floor").sum()),
            "measured_twice": sum(1 for who in ids if len(measured.get(who, [])) >= 2),
            "not_on_track": sum(1 for who in ids if who in late),
        })
    cohort_frame = pd.DataFrame(table, columns=COHORT_COLUMNS)

    weekly = pd.DataFrame([{"cohort": p.cohort, "week": week_start(p.admitted)} for p in persons],
                          columns=["cohort", "week"])
    admissions = (weekly.groupby(["week", "cohort"]).size().unstack(fill_value=0)
                  if len(weekly) else pd.DataFrame())
    if len(admissions):
        monday, end = admissions.index.min(), week_start(as_of)
        all_weeks = [monday + dt.timedelta(weeks=i) for i in range((end - monday).days // 7 + 1)]
        admissions = admissions.reindex(all_weeks, fill_value=0)
        admissions.index.name = "week"

    forms = [f for f in fidelity.forms(conn) if f.date <= as_of]
    fac_frame, session_frame, agreement = _fidelity_tables(forms)
    names = {c.slug: str(c.cohort.name) for c in cohorts}
    return ProgramView(as_of, demo, cohort_frame, admissions, fac_frame, session_frame, agreement,
                       {who: reasons for who, reasons in late.items()}, NOT_TRACKED, names)


def _fidelity_tables(forms):
    import pandas as pd

    rows = [{"facilitator": f.facilitator, "cohort": f.cohort, "date": f.date, "position": f.position,
             "session": f.session_title, "mode": f.mode, "adherence": f.adherence(), "global": f.global_mean(),
             "signed": f.signed} for f in forms]
    frame = pd.DataFrame(rows, columns=["facilitator", "cohort", "date", "position", "session", "mode", "adherence",
                                        "global", "signed"])
    frame["adherence"] = frame["adherence"].astype(float)
    frame["global"] = frame["global"].astype(float)
    agg = {"forms": ("mode", "size"), "adherence": ("adherence", "mean"), "global": ("global", "mean")}
    by_fac = frame.groupby(["facilitator", "mode"], as_index=False).agg(**agg).sort_values(["facilitator", "mode"])
    by_session = (frame.groupby(["position", "session", "mode"], as_index=False).agg(**agg)
                  .sort_values(["position", "mode"]))
    pairs = []
    self_forms = {(f.cohort, f.date, f.facilitator): f for f in forms if f.mode == "self"}
    for f in forms:
        if f.mode != "supervisor":
            continue
        own = self_forms.get((f.cohort, f.date, f.facilitator))
        if own is None:
            continue
        same = sum(1 for (_, a), (_, b) in zip(own.items, f.items) if a == b)
        diff = sum(own.ratings[k] - f.ratings[k] for k in fidelity.GLOBAL_KEYS) / len(fidelity.GLOBAL_KEYS)
        pairs.append({"facilitator": f.facilitator, "pairs": 1, "items": len(f.items), "same": same, "diff": diff})
    pair_frame = pd.DataFrame(pairs, columns=["facilitator", "pairs", "items", "same", "diff"])
    agreement = pair_frame.groupby("facilitator", as_index=False).agg(
        pairs=("pairs", "sum"), items=("items", "sum"), same=("same", "sum"), diff=("diff", "mean"))
    agreement["agreement"] = agreement["same"] / agreement["items"]
    return by_fac.reset_index(drop=True), by_session.reset_index(drop=True), agreement


# ---------------------------------------------------------------- small cells

def rate_shown(numerator: int, denominator: int, export: bool) -> str:
    """A percentage, or "hidden" in an export when any of the two counts or their difference is 1-10."""
    if denominator == 0:
        return "-"
    if export and any(1 <= n <= SMALL for n in (numerator, denominator, denominator - numerator)):
        return "hidden (<11)"
    return f"{numerator / denominator:.0%}"


#: Figures that count people or attendance entries: suppressed in exports.
PEOPLE_COUNTS = [("admissions", "Admissions"), ("step_downs", "Step-downs"), ("completions", "Completions"),
                 ("measured_twice", "People measured at least twice"), ("not_on_track", "Not on track"),
                 ("retention_due", "Admitted 30+ days ago"), ("entries", "Attendance entries")]


def count_rows(view: ProgramView, export: bool) -> list[dict]:
    """One row per people-count figure: value per cohort and in total; suppressed in exports."""
    slugs = list(view.cohorts["cohort"])
    out = []
    for key, label in PEOPLE_COUNTS:
        counts = {label: {s: int(v) for s, v in zip(slugs, view.cohorts[key])}}
        if export:
            table = suppress_table(counts)
            cells = {s: table.shown(label, s) for s in slugs}
            cells["Total"] = table.shown(label, "Total")
        else:
            cells = {s: str(counts[label][s]) for s in slugs}
            cells["Total"] = str(sum(counts[label].values()))
        out.append({"label": label, "cells": cells})
    return out


def _rate_cell(numerator: int, denominator: int, export: bool) -> str:
    shown = rate_shown(numerator, denominator, export)
    return shown if export or denominator == 0 else f"{shown} ({numerator} of {denominator})"


def rate_rows(view: ProgramView, export: bool) -> list[dict]:
    frame = view.cohorts
    total = frame.sum(numeric_only=True)
    out = []
    for label, num, den in (("Attendance rate", "attended", "entries"),
                            ("30-day retention", "retained", "retention_due"),
                            ("Participant-weeks at or above the hours floor", "floor_met", "floor_weeks")):
        cells = {row["cohort"]: _rate_cell(int(row[num]), int(row[den]), export) for _, row in frame.iterrows()}
        cells["Total"] = _rate_cell(int(total[num]), int(total[den]), export)
        out.append({"label": label, "cells": cells})
    return out


def session_rows(view: ProgramView) -> list[dict]:
    frame = view.cohorts
    rows: list[dict] = [{"label": "Sessions delivered of planned",
             "cells": {r["cohort"]: f"{int(r['delivered'])} of {int(r['planned'])}" for _, r in frame.iterrows()}}]
    rows[0]["cells"]["Total"] = f"{int(frame['delivered'].sum())} of {int(frame['planned'].sum())}"
    return rows


def _pct(value) -> str:
    return "-" if value is None or value != value else f"{value:.0%}"


def _num(value) -> str:
    return "-" if value is None or value != value else f"{value:.1f}"


def facilitator_rows(view: ProgramView, first: str | None = None) -> list[dict]:
    """Fidelity by facilitator, alphabetical (never by score); ``first``'s own rows on top."""
    rows = [{"facilitator": r["facilitator"], "mode": "self-rating" if r["mode"] == "self" else "supervisor",
             "forms": int(r["forms"]), "adherence": _pct(r["adherence"]), "global": _num(r["global"])}
            for _, r in view.facilitators.iterrows()]
    agreement = {r["facilitator"]: r for _, r in view.agreement.iterrows()}
    for row in rows:
        a = agreement.get(row["facilitator"])
        pairs = int(a["pairs"]) if a is not None else 0
        row["agreement"] = (f"{a['agreement']:.0%} of items alike in {pairs} pair{'s' if pairs != 1 else ''} (same "
                            f"group, self-rating and observation); self minus supervisor "
                            f"{a['diff']:+.1f} on the 1-5 ratings") if a is not None and row["mode"] == "supervisor" else ""
    if first:
        wanted = first.lower()
        rows.sort(key=lambda r: not (r["facilitator"].lower() == wanted or
                                     r["facilitator"].lower().split(",")[0] == wanted))
    return rows


def sessions_fidelity_rows(view: ProgramView) -> list[dict]:
    return [{"position": int(r["position"]), "session": r["session"],
             "mode": "self-rating" if r["mode"] == "self" else "supervisor", "forms": int(r["forms"]),
             "adherence": _pct(r["adherence"]), "global": _num(r["global"])} for _, r in view.sessions.iterrows()]


# ---------------------------------------------------------------- charts (inline SVG)

def bar_chart(title: str, bars: list[tuple[str, float, str]], *, maximum: float | None = None, unit: str = "",
              width: int = 620) -> str:
    """A horizontal bar chart as SVG: (label, value, text shown) per bar (``dashboard/bar-chart.svg.j2``)."""
    from iopkit import markup, theme

    top, row = 26, 22
    label_w = 215
    plot = width - label_w - 70
    top_value = maximum or max([v for _, v, _ in bars] + [1])
    shown = [{"label": label, "text": text, "y": top + i * row,
              "w": 0 if top_value == 0 else round(plot * max(0.0, value) / top_value, 1)}
             for i, (label, value, text) in enumerate(bars)]
    return markup.render("dashboard/bar-chart.svg.j2", title=title, bars=shown, unit=unit, width=width,
                         height=top + row * len(bars) + 8, label_w=label_w, accent=theme.ACCENT)


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def charts(view: ProgramView, export: bool) -> list[str]:
    out = []
    frame = view.cohorts
    out.append(bar_chart("Sessions delivered of planned", [
        (_short(view.names.get(r["cohort"], r["cohort"])), float(r["delivered"]), f"{int(r['delivered'])} of "
         f"{int(r['planned'])}") for _, r in frame.iterrows()], maximum=float(max(frame["planned"].max(), 1))))
    if not export and len(view.admissions):
        totals = view.admissions.sum(axis=1)
        out.append(bar_chart("Admissions per week (all cohorts)", [
            (f"week of {w:%b} {w.day}", float(n), str(int(n))) for w, n in totals.items()]))
    bars = []
    for _, r in frame.iterrows():
        shown = rate_shown(int(r["attended"]), int(r["entries"]), export)
        value = r["attended"] / r["entries"] if r["entries"] and "%" in shown else 0.0
        bars.append((_short(view.names.get(r["cohort"], r["cohort"])), float(value) * 100, shown))
    out.append(bar_chart("Attendance rate", bars, maximum=100.0))
    if len(view.facilitators):
        out.append(bar_chart("Items done, by facilitator (all forms)", [
            (f"{r['facilitator'].split(',')[0]} ({'self' if r['mode'] == 'self' else 'supervisor'})",
             float(r["adherence"]) * 100, _pct(r["adherence"])) for _, r in view.facilitators.iterrows()],
            maximum=100.0))
    return out


# ---------------------------------------------------------------- showing it

def context(view: ProgramView, *, export: bool, facilitator: str | None = None) -> dict:
    slugs = list(view.cohorts["cohort"])
    return {
        "as_of": f"{view.as_of:%A %B} {view.as_of.day}, {view.as_of.year}", "demo": view.demo, "export": export,
        "columns": slugs + ["Total"], "names": view.names, "small": SMALL,
        "sessions": session_rows(view), "counts": count_rows(view, export), "rates": rate_rows(view, export),
        "admissions": [] if export else [
            {"week": f"{w:%b} {w.day}, {w.year}", "cells": [int(n) for n in row.values], "total": int(row.sum())}
            for w, row in view.admissions.iterrows()] if len(view.admissions) else [],
        "admission_columns": [] if export or not len(view.admissions) else list(view.admissions.columns),
        "facilitators": facilitator_rows(view, facilitator), "session_fidelity": sessions_fidelity_rows(view),
        "not_on_track": [] if export else sorted(view.not_on_track.items()),
        "notes_exported": view.notes_exported, "charts": charts(view, export), "first": facilitator or "",
    }


def render_html(view: ProgramView, *, export: bool, facilitator: str | None = None, standalone: bool = True) -> str:
    from iopkit import markup

    template = "dashboard/page.html.j2" if standalone else "dashboard/dashboard.html.j2"
    return markup.render(template, css="", **context(view, export=export, facilitator=facilitator))


def render_text(view: ProgramView, facilitator: str | None = None) -> str:
    c = context(view, export=False, facilitator=facilitator)
    width = max(12, *(len(s) + 2 for s in c["columns"]))
    lines = [f"Program dashboard, up to {c['as_of']}" + (" (SYNTHETIC DEMO PROGRAM: no real people)" if c["demo"]
                                                            else ""),
             "Inside the program: pseudonyms shown. Exports (--html, --csv) are aggregated with small cells hidden.", "",
             "".ljust(46) + "".join(s.rjust(width) for s in c["columns"])]
    for row in c["sessions"] + c["counts"]:
        lines.append(row["label"][:45].ljust(46) + "".join(row["cells"][s].rjust(width) for s in c["columns"]))
    for row in c["rates"]:
        lines.append(row["label"][:45])
        lines.append("".ljust(46) + "".join(row["cells"][s].rjust(width + 12) for s in c["columns"]))
    lines.append(f"Notes exported: {c['notes_exported']} (the records store does not record note exports)")
    lines += ["", "Fidelity by facilitator (alphabetical" + (f"; {facilitator} first" if facilitator else "") + "):"]
    for row in c["facilitators"]:
        lines.append(f"  {row['facilitator']:<24} {row['mode']:<12} forms {row['forms']:>3}  items done "
                     f"{row['adherence']:>4}  ratings {row['global']:>3}  {row['agreement']}")
    lines += ["", "Not on track (pseudonyms; facilitator and director only):"]
    lines += [f"  {who}: {' '.join(reasons)}" for who, reasons in c["not_on_track"]] or ["  nobody"]
    lines.append("Definitions: docs/dashboard.md")
    return "\n".join(lines)


def to_csv(view: ProgramView) -> bytes:
    """The aggregated figures as CSV (an export: small cells hidden, no pseudonyms)."""
    import csv
    import io

    c = context(view, export=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure"] + c["columns"])
    for row in c["sessions"] + c["counts"] + c["rates"]:
        writer.writerow([row["label"]] + [row["cells"][s] for s in c["columns"]])
    writer.writerow(["Notes exported"] + [NOT_TRACKED] * len(c["columns"]))
    writer.writerow([])
    writer.writerow(["facilitator", "mode", "forms", "items done", "mean global rating (1-5)", "self against supervisor"])
    for row in c["facilitators"]:
        writer.writerow([row["facilitator"], row["mode"], row["forms"], row["adherence"], row["global"],
                         row["agreement"]])
    writer.writerow([])
    writer.writerow(["session", "title", "mode", "forms", "items done", "mean global rating (1-5)"])
    for row in c["session_fidelity"]:
        writer.writerow([row["position"], row["session"], row["mode"], row["forms"], row["adherence"], row["global"]])
    writer.writerow([])
    writer.writerow([f"<{SMALL + 1}: a count from 1 to {SMALL}, hidden. *: hidden so a small count cannot be worked "
                     "out. Definitions: docs/dashboard.md"])
    return out.getvalue().encode("utf-8")
