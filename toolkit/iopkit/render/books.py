"""The cohort-wide parts of a packet: the calendar (.ics and a one-page PDF), the
facilitator binder (every guide, with contents and bookmarks) and the participant
workbook (a cover, contents and every handout).

Each ``write_*`` function takes the cohort's plan and the output folder, writes its files
atomically and returns their names. The binder and the workbook are made from the session
PDFs the build wrote, so they are assembled only when every session of the plan is current.

Markup lives in ``handouts/templates/iopkit/books/``; this module builds each page's context.
Assembling a book lays out only its front (the cover and the contents); the parts are the
session PDFs as they are, joined with pikepdf, each part's structure tree (the tags a screen
reader follows) kept under the book's. A front whose HTML has not changed is not laid out
again: it is kept in ``.iopkit-fronts/`` in the build folder, named by its fingerprint.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from iopkit.io import digest, write_atomic
from iopkit.pdf import as_array as _as_array
from iopkit.pdf import number_tree as _number_tree
from iopkit.pdf import shift_pages as _shift_pages
from iopkit.planning.plan import Plan
from iopkit.render.fmt import clock, logo_data_uri, long_date, runhead, short_date

CALENDAR_ICS = "calendar.ics"
CALENDAR_PDF = "calendar.pdf"
BINDER = "facilitator-binder.pdf"
WORKBOOK = "participant-workbook.pdf"
#: Where laid-out fronts are kept between builds (hidden, in the build folder; never printed).
FRONTS_DIR = ".iopkit-fronts"
#: Set in a process that ends without cleaning up (the build's side process): a book's PDFs are
#: then left open, not closed one object at a time (a fifth of a second for the binder), and go
#: with the process.
LEAVE_OPEN = False
_left_open: list = []


def _where(plan: Plan) -> str:
    c = plan.cohort
    if c.telehealth:
        return f"Telehealth ({c.location.platform})" if c.location.platform else "Telehealth"
    return c.location.address


def _reader(plan: Plan) -> tuple[str, str, bool]:
    """What participants read this cohort's pages in: (language, its tag, large print)."""
    from iopkit.content.translations import LANGUAGE_TAGS

    lang = plan.cohort.handouts.languages[0]
    return lang, LANGUAGE_TAGS[lang], plan.cohort.handouts.large_print


def _program(sessions, curriculum=None):
    """The curriculum's program (program.yaml): where the crisis lines come from. A plan made
    without its curriculum at hand reads the one its sessions come from."""
    if curriculum is None:
        from iopkit.content.curriculum import load_curriculum

        source = next((item.source for item in sessions if not item.custom), None)
        curriculum = load_curriculum(Path(source).parent.parent if source else None)
    return curriculum.program


def _crisis(plan: Plan, lang: str):
    """The crisis box every handout prints (iopkit.render.boxes), as Markup for a template."""
    from markupsafe import Markup

    from iopkit.render.boxes import crisis_box

    return Markup(crisis_box(_program(plan.sessions, plan.curriculum), plan.cohort, lang))


def _html(template: str, *, title: str, accent: str, lang_tag: str = "en-US", large_print: bool = False,
          view: str = "facilitator", **context) -> str:
    """A printed page: ``template`` (under iopkit/books/) in the one document shell."""
    from markupsafe import Markup

    from iopkit.markup import render
    from iopkit.pdf import print_css

    return render(f"iopkit/books/{template}", title=title, css=Markup(print_css()), accent=accent,
                  lang_tag=lang_tag, large_print=large_print, view=view, **context)


def _runhead(program: str, group: str, kind: str):
    from markupsafe import Markup

    return Markup(runhead(program, group, kind))


# ------------------------------------------------------------------ the calendar

_WORDS = {
    "en": {"calendar": "session calendar", "week": "Week", "date": "Date", "time": "Time", "session": "Session",
           "zone": "{zone} time", "sessions_from": "{n} sessions from {first} to {last}", "contents": "Contents",
           "title": "Title", "page": "Page", "session_n": "Session {n}: {title}"},
    "es": {"calendar": "calendario de sesiones", "week": "Semana", "date": "Fecha", "time": "Hora",
           "session": "Sesión", "zone": "hora de {zone}", "sessions_from": "{n} sesiones, del {first} al {last}",
           "contents": "Contenido", "title": "Título", "page": "Página", "session_n": "Sesión {n}: {title}"},
}


def calendar_facts(plan: Plan) -> list:
    """What the calendar shows of each session: number, dates, times, title, and for a cohort that reads
    another language, the bytes of the overlay its translated title comes from. The build fingerprints
    this with the inputs every session shares (code, templates, program, cohort), so the calendar is
    made again only when one of them changes, not when a session's text does."""
    from iopkit.content.translations import overlay_path

    lang = _reader(plan)[0]
    facts = []
    for item in plan.sessions:
        overlay = ""
        if lang != "en":
            source = Path(item.source)
            try:
                overlay = digest(overlay_path(source.parent.parent, source, lang).read_bytes())
            except OSError:
                overlay = "none"
        facts.append([item.position, item.total, item.date.isoformat(), item.start.isoformat(),
                      item.end.isoformat(), item.start.strftime("%Z"), item.session.title, overlay])
    return facts


def calendar_ics(plan: Plan) -> bytes:
    """One event per session, in the cohort's time zone, that imports into common calendar programs."""
    from icalendar import Calendar, Event

    c = plan.cohort
    cal = Calendar()
    cal.add("prodid", "-//iopkit//IOP session calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{c.program.name}: {c.cohort.name}")
    cal.add("x-wr-timezone", c.schedule.time_zone)
    stamp = dt.datetime(plan.sessions[0].date.year, 1, 1, tzinfo=dt.timezone.utc)
    for item in plan.sessions:
        event = Event()
        uid = hashlib.sha1(f"{c.slug}|{item.position}|{item.date}".encode()).hexdigest()[:20]
        event.add("uid", f"{uid}@iopkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", f"IOP session {item.position} of {item.total}: {item.session.title}")
        event.add("location", _where(plan))
        event.add("description", f"{c.cohort.name}. Facilitators: {', '.join(c.cohort.facilitators)}.")
        cal.add_component(event)
    # icalendar writes a zone's changes only for the years asked (1970 to 2037 unless told):
    # ask for the plan's own years, so dates after 2037 get their summer and winter offsets too.
    first, last = plan.sessions[0].date, plan.sessions[-1].date
    cal.add_missing_timezones(first_date=dt.date(first.year, 1, 1), last_date=dt.date(last.year + 1, 12, 31))
    return cal.to_ical()


def calendar_html(plan: Plan) -> str:
    from iopkit.content.translations import handout_title
    from iopkit.render import i18n

    c = plan.cohort
    lang, tag, large = _reader(plan)
    words = _WORDS[lang]
    first_monday = plan.sessions[0].date - dt.timedelta(days=plan.sessions[0].date.weekday())
    rows = [{"week": (item.date - first_monday).days // 7 + 1, "number": item.position,
             "date": i18n.short_date(item.date, lang),
             # The zone's name on each date: summer and winter names differ (CDT and CST).
             "time": f"{i18n.clock(item.start, lang)}–{i18n.clock(item.end, lang)} {item.start.strftime('%Z')}",
             "title": handout_title(item, lang)} for item in plan.sessions]
    span = words["sessions_from"].format(n=len(plan.sessions), first=i18n.long_date(plan.sessions[0].date, lang),
                                         last=i18n.long_date(plan.finish, lang))
    zone = words["zone"].format(zone=c.schedule.time_zone.replace("_", " "))
    heading = f"{c.cohort.name}: {words['calendar']}"
    return _html("calendar.html.j2", title=heading, accent=c.program.accent_color, lang_tag=tag, large_print=large,
                 runhead=_runhead(c.program.name, c.cohort.name, "Calendar"),
                 logo=logo_data_uri(c.folder / c.program.logo) if c.program.logo else "", program=c.program.name,
                 heading=heading, summary=f"{_where(plan)} · {zone} · {span}", words=words, rows=rows)


def calendar_pdf(plan: Plan) -> bytes:
    """The whole schedule on one printable page, by week."""
    from iopkit.pdf import html_to_pdf

    return html_to_pdf(calendar_html(plan))


# ------------------------------------------------------------------ the binder and the workbook

def _front_html(plan: Plan, title: str, subtitle: str, entries: list[tuple[str, str, int]], kind: str,
                cover: dict | None, participant: bool, doc_title: str) -> str:
    c = plan.cohort
    lang, tag, large = _reader(plan) if participant else ("en", "en-US", False)
    words = _WORDS[lang]
    return _html("contents.html.j2", title=title, doc_title=doc_title, accent=c.program.accent_color, lang_tag=tag,
                 large_print=large, runhead=_runhead(c.program.name, c.cohort.name, kind), subtitle=subtitle, cover=cover,
                 words={"session": words["session"], "title": words["title"], "page": words["page"]},
                 entries=[{"number": n, "title": t, "page": p} for n, t, p in entries])


@cache
def _layout_key() -> str:
    """What shapes a laid-out page besides its HTML: the layout engine, iopkit's PDF step and the fonts."""
    from importlib.metadata import version

    from iopkit import paths, pdf

    fonts = paths.handouts_dir() / "fonts"
    return digest(version("weasyprint"), Path(pdf.__file__).read_bytes(),
                  *(f"{name}:{(fonts / name).stat().st_size}" for _, _, name in pdf.FONT_FILES))


class _Fronts:
    """Laid-out fronts of one book, kept in the build folder by the fingerprint of their HTML
    (``<book>-<fingerprint>-<pages>p.pdf``), so an unchanged front is never laid out again."""

    def __init__(self, out_dir: Path, book: str):
        self.folder, self.book = out_dir / FRONTS_DIR, book

    def _key(self, html: str) -> str:
        return digest(_layout_key(), html)[:24]

    def kept_pages(self) -> int | None:
        """How many pages the front kept from the last build has: the best guess for this one."""
        for path in self.folder.glob(f"{self.book}-*p.pdf"):
            pages = path.stem.rpartition("-")[2][:-1]
            if pages.isdigit():
                return int(pages)
        return None

    def laid_out(self, html: str) -> tuple[bytes, int]:
        """The front's PDF and its number of pages: the one kept from an earlier build, or laid out now."""
        for path in self.folder.glob(f"{self.book}-{self._key(html)}-*p.pdf"):
            pages = path.stem.rpartition("-")[2][:-1]
            try:
                if pages.isdigit():
                    return path.read_bytes(), int(pages)
            except OSError:
                break
        from iopkit.pdf import html_to_pdf

        data = html_to_pdf(html)
        return data, _page_count(data)

    def keep(self, html: str, data: bytes, pages: int) -> None:
        """Keep this front (and only this one) for the next build; a front that cannot be kept costs only time."""
        path = self.folder / f"{self.book}-{self._key(html)}-{pages}p.pdf"
        try:
            for old in self.folder.glob(f"{self.book}-*.pdf"):
                if old != path:
                    old.unlink(missing_ok=True)
            if not path.is_file():
                write_atomic(path, data)
        except OSError:
            pass


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as laid_out:
        return len(laid_out.pages)


def _assembled_with_contents(plan: Plan, out_dir: Path, filename: str, book: str, title: str, subtitle: str,
                             kind: str, cover: dict | None = None, before: tuple = (), after: tuple = (),
                             participant: bool = False, pending: frozenset[int] = frozenset(),
                             ready: Callable[[], None] | None = None, doc_title: str = "",
                             target: Path | None = None) -> bytes:
    """``before`` and ``after``: (title, PDF path) of documents that go around the sessions
    (the orientation before them, the step-down visit after), listed in the contents unnumbered.

    ``pending``: sessions still being built while the book is put together. Every other part is
    added first; then ``ready()`` waits until they are built (it raises if one was not), and
    they go in their places. The front comes last: its contents needs every part's length.
    """
    import pikepdf

    from iopkit.content.translations import handout_title

    lang = _reader(plan)[0] if participant else "en"
    words = _WORDS[lang]
    entries = [("", name, Path(path)) for name, path in before]
    entries += [(str(item.position), handout_title(item, lang), out_dir / f"session-{item.position:02d}" / filename)
                for item in plan.sessions]
    entries += [("", name, Path(path)) for name, path in after]
    later = {len(before) + p - 1 for p in pending if 1 <= p <= len(plan.sessions)}
    titles = [words["session_n"].format(n=number, title=name) if number else name for number, name, _ in entries]
    fronts = _Fronts(out_dir, book)

    def front_html(counts: list[int], front_pages: int) -> str:
        page, numbered = front_pages + 1, []
        for (number, name, _), count in zip(entries, counts):
            numbered.append((number, name, page))
            page += count
        return _front_html(plan, title, subtitle, numbered, kind, cover, participant, doc_title or title)

    parts = _Parts(out_dir, book, target, entries, titles)
    quick = parts.replace_one(later, ready, front_html, fronts)
    if quick is not None:
        return quick
    assembly = _Book(titles)
    try:
        for slot, (_, _, path) in enumerate(entries):
            if slot not in later:
                assembly.add(slot, pikepdf.open(path))
        if later:
            if ready is not None and not parts.waited:
                ready()
            for slot in sorted(later):
                assembly.add(slot, pikepdf.open(entries[slot][2]))
        counts = [assembly.counts[slot] for slot in range(len(entries))]
        # The contents numbers the pages after itself: guess its length (the front kept from the
        # last build; else a cover page, then one page for up to 36 sessions), lay it out, and lay
        # it out again only if the guess was wrong.
        front_pages = fronts.kept_pages() or (2 if cover else 1) + (len(entries) - 1) // 36
        for _ in range(4):  # more would mean the contents grows with its own page numbers
            html = front_html(counts, front_pages)
            front, actual = fronts.laid_out(html)
            if actual == front_pages:
                break
            front_pages = actual
        fronts.keep(html, front, front_pages)
        data = assembly.finish(front, words["contents"])
        parts.remember(data, counts, fronts._key(html), front_pages)
        return data
    finally:
        if LEAVE_OPEN:
            _left_open.append(assembly)
        else:
            assembly.close()


class _Parts:
    """What a book on disk was made of (``<book>-parts.json`` in the fronts folder): each part's file,
    fingerprint and pages, the front's fingerprint and pages, and the book's own fingerprint. When one
    part alone changed and kept its length (so the front is the same), ``replace_one`` swaps that
    part's pages and tags in the book on disk instead of putting every part together again: an edit
    of one session then costs the book a fifth of a second rather than a second."""

    def __init__(self, out_dir: Path, book: str, target: Path | None, entries: list, titles: list[str]):
        self.path = out_dir / FRONTS_DIR / f"{book}-parts.json"
        self.target, self.entries, self.titles = target, entries, titles
        self.waited = False  # ready() was called here

    def _record(self) -> dict | None:
        import json

        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("titles") != self.titles \
                or [p[0] for p in record.get("parts") or []] != [str(e[2]) for e in self.entries]:
            return None
        return record

    def replace_one(self, later: set, ready, front_html, fronts: "_Fronts") -> bytes | None:
        from iopkit.io import file_digest

        record = self._record()
        if record is None or self.target is None:
            return None
        try:
            old = self.target.read_bytes()
            if digest(old) != record.get("book"):
                return None
            known = [p[1] for p in record["parts"]]
            changed = [s for s in range(len(self.entries)) if s not in later
                       and file_digest(self.entries[s][2]) != known[s]]
            if len(changed) + len(later) != 1:
                return None
            counts = [int(p[2]) for p in record["parts"]]
            front_pages = int(record.get("front_pages", 0))
            if fronts._key(front_html(counts, front_pages)) != record.get("front"):
                return None
            slot = (changed or sorted(later))[0]
            # The book without that part's pages, read and ready while the part is still being built.
            swap = _Swap(old, slot, front_pages, counts, self.titles[slot])
            try:
                if later:
                    if ready is not None:
                        self.waited = True
                        ready()
                new_sum = file_digest(self.entries[slot][2])
                if new_sum == known[slot]:
                    return old
                data = swap.finish(self.entries[slot][2])
            finally:
                swap.close()
        except OSError:
            return None
        if data is not None:
            self.remember(data, counts, record["front"], front_pages, known[:slot] + [new_sum] + known[slot + 1:])
        return data

    def remember(self, data: bytes, counts: list[int], front_key: str, front_pages: int,
                 known: list[str] | None = None) -> None:
        """Record what the book just made is made of (a record that cannot be written costs only time).
        ``known``: the parts' fingerprints where they were taken already (a swap read every part)."""
        import json

        from iopkit.io import file_digest

        try:
            sums = known or [file_digest(path) for _, _, path in self.entries]
            parts = [[str(path), sums[i], count] for i, ((_, _, path), count) in enumerate(zip(self.entries, counts))]
            write_atomic(self.path, json.dumps({"book": digest(data), "titles": self.titles, "parts": parts,
                                                "front": front_key, "front_pages": front_pages}))
        except OSError:
            self.path.unlink(missing_ok=True)


class _Swap:
    """A book on disk with part ``slot`` replaced by another PDF of the same length: its pages, its tags
    under the book's Document element and in the parent tree, its bookmark. Made in two steps:
    ``__init__`` reads the book and takes the part's pages out (the slow part: pikepdf reads every
    object of the book at its first copy from another file), ``finish`` puts the new part in. None
    from ``finish`` when the book or the part has another shape than ``_Book`` makes (the book is
    then put together again in full)."""

    def __init__(self, old: bytes, slot: int, front_pages: int, counts: list[int], title: str):
        import pikepdf

        from iopkit.pdf import as_array, number_tree

        self.slot, self.counts, self.title = slot, counts, title
        self.start = front_pages + sum(counts[:slot])
        self.pdf = pikepdf.open(io.BytesIO(old))
        self.sources: list = []
        self.ok = False
        pdf = self.pdf
        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root or len(pdf.pages) != front_pages + sum(counts):
            return
        documents = [k for k in as_array(root.get("/K")) if isinstance(k, pikepdf.Dictionary)
                     and k.get("/S") == "/Document"]
        self.pairs = number_tree(root.ParentTree)
        if len(documents) != 1 or self.pairs is None:
            return
        self.root, self.document = root, documents[0]
        self.kids = as_array(self.document.get("/K"))
        self.placed = [i for i, k in enumerate(self.kids) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Part"]
        if len(self.placed) != len(counts):  # a part without tags: its place among the elements is not known
            return
        self.gone = set()
        for i in range(counts[slot]):
            leaf = pdf.pages[self.start + i].obj
            if "/StructParents" in leaf:
                self.gone.add(int(leaf.StructParents))
            for annotation in leaf.get("/Annots", []):
                if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                    self.gone.add(int(annotation.StructParent))
        del pdf.pages[self.start:self.start + counts[slot]]
        blank = pikepdf.new()
        self.sources.append(blank)
        pdf.copy_foreign(blank.make_indirect(pikepdf.Dictionary()))  # pikepdf reads the whole book now
        self.ok = True

    def finish(self, path: Path) -> bytes | None:
        import pikepdf
        import pikepdf.settings

        from iopkit.pdf import as_array, number_tree, shift_pages

        if not self.ok:
            return None
        pdf, slot, start, counts = self.pdf, self.slot, self.start, self.counts
        part = pikepdf.open(path)
        self.sources.append(part)
        theirs = part.Root.get("/StructTreeRoot")
        if len(part.pages) != counts[slot] or theirs is None or "/ParentTree" not in theirs:
            return None
        pdf.pages[start:start] = list(part.pages)
        pages = [pdf.pages[start + i] for i in range(counts[slot])]
        theirs = pdf.copy_foreign(theirs)  # its elements point at the pages just copied
        found = number_tree(theirs.ParentTree)
        if found is None:
            return None
        root, document, kids = self.root, self.document, self.kids
        shift = max([int(root.get("/ParentTreeNextKey", 0))] + [key + 1 for key, _ in self.pairs])
        shift_pages(pages, shift)
        nums = [(k, v) for k, v in self.pairs if k not in self.gone] + [(key + shift, value) for key, value in found]
        book_lang = str(pdf.Root.get("/Lang", ""))
        lang = str(part.Root.get("/Lang", ""))
        new = []
        for element in as_array(theirs.get("/K")):
            if isinstance(element, pikepdf.Dictionary):
                _as_part(element, document, lang, book_lang)
                new.append(element)
        if len(new) != 1:
            return None
        kids[self.placed[slot]] = new[0]
        document.K = pikepdf.Array(kids)
        root.ParentTree = pdf.make_indirect(
            pikepdf.Dictionary(Nums=pikepdf.Array([item for pair in sorted(nums, key=lambda p: p[0]) for item in pair])))
        root.ParentTreeNextKey = shift + max([int(theirs.get("/ParentTreeNextKey", 0))] + [k + 1 for k, _ in found])
        title = self.title
        with pdf.open_outline() as outline:
            marks = outline.root
            if len(marks) != len(counts) + 1 or str(marks[slot + 1].title) != title:
                return None
            marks[slot + 1] = pikepdf.OutlineItem(title, start)
        buffer = io.BytesIO()
        pikepdf.settings.set_flate_compression_level(1)
        try:
            pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version=pdf.pdf_version)
        finally:
            pikepdf.settings.set_flate_compression_level(-1)
        return buffer.getvalue()

    def close(self) -> None:
        """Close what was opened (left to the process's end in the build's side process: ``LEAVE_OPEN``)."""
        if LEAVE_OPEN:
            _left_open.append(self)
            return
        for source in [self.pdf, *self.sources]:
            source.close()


class _Book:
    """A book put together with pikepdf: its parts (added in any order, each into its place), then
    its front, with a bookmark for each and every part's tags (PDF/UA) under the front's.

    The front's structure tree has one Document element; each part's top elements are copied
    under it as a Part (in the part's language when it differs from the book's), and each page
    keeps its marked content through the parent tree, renumbered. A part without tags, or a
    front whose tree has another shape, loses only that: its pages then point nowhere.
    """

    def __init__(self, titles: list[str]):
        import pikepdf

        self.pdf = pikepdf.new()
        self.titles = titles  # each slot's bookmark
        self.counts: dict[int, int] = {}  # pages of each slot placed so far
        self.tagged: dict[int, tuple[list, str | None]] = {}  # each slot's top elements and language
        self.nums: list[tuple[int, object]] = []  # the parts' parent-tree entries, renumbered
        self.next = 0
        self.untagged = False
        self.sources: list = []  # open until the book is saved: their streams are read then

    def add(self, slot: int, source) -> None:
        import pikepdf

        self.sources.append(source)
        index = sum(count for placed, count in self.counts.items() if placed < slot)
        for offset, page in enumerate(source.pages):
            self.pdf.pages.insert(index + offset, page)
        pages = [self.pdf.pages[index + i] for i in range(len(source.pages))]
        self.counts[slot] = len(pages)
        root = source.Root.get("/StructTreeRoot")
        pairs = None
        if root is not None and "/ParentTree" in root:
            root = self.pdf.copy_foreign(root)  # one copy: its elements point at the pages just copied
            pairs = _number_tree(root.ParentTree)
        if pairs is None:
            self.untagged = True
            for page in pages:  # its numbers would point at another part's tags
                if "/StructParents" in page.obj:
                    del page.obj["/StructParents"]
            return
        shift = self.next
        self.nums += [(key + shift, value) for key, value in pairs]
        _shift_pages(pages, shift)
        self.next = shift + max([int(root.get("/ParentTreeNextKey", 0))] + [key + 1 for key, _ in pairs])
        top = [k for k in _as_array(root.get("/K")) if isinstance(k, pikepdf.Dictionary)]
        lang = source.Root.get("/Lang")
        self.tagged[slot] = (top, str(lang) if lang is not None else None)

    def finish(self, front_data: bytes, front_title: str) -> bytes:
        import pikepdf
        import pikepdf.settings

        front = pikepdf.open(io.BytesIO(front_data))
        self.sources.append(front)
        count = len(front.pages)
        for index, page in enumerate(front.pages):
            self.pdf.pages.insert(index, page)
        # The book is the front's document: its language, title, metadata and how it opens.
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            if key in front.Root:
                self.pdf.Root[key] = _bring(self.pdf, front.Root[key])
        if "/Info" in front.trailer:
            self.pdf.trailer.Info = _bring(self.pdf, front.trailer.Info)
        self._tag([self.pdf.pages[i] for i in range(count)], front)
        marks, start = [(front_title, 0)], count
        for slot in sorted(self.counts):
            marks.append((self.titles[slot], start))
            start += self.counts[slot]
        with self.pdf.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(title, at) for title, at in marks)
        self.pdf.Root.PageMode = pikepdf.Name.UseOutlines
        buffer = io.BytesIO()
        # The parts' tags are many small objects: packed into object streams they take a third of the room.
        # Packed quickly (zlib's fastest level: a fifth less time, a twentieth more room): a book is
        # written again after every edit of a session.
        pikepdf.settings.set_flate_compression_level(1)
        try:
            self.pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                          min_version=front.pdf_version)
        finally:
            pikepdf.settings.set_flate_compression_level(-1)
        return buffer.getvalue()

    def _tag(self, front_pages: list, front) -> None:
        """The front's structure tree, with every part's under its Document element."""
        import pikepdf

        root = front.Root.get("/StructTreeRoot")
        pairs = None
        documents = []
        if root is not None and "/ParentTree" in root:
            root = self.pdf.copy_foreign(root)
            pairs = _number_tree(root.ParentTree)
            documents = [k for k in _as_array(root.get("/K"))
                         if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Document"]
        if pairs is None or len(documents) != 1:  # nothing to hang the parts' tags on
            for page in self.pdf.pages:
                if "/StructParents" in page.obj:
                    del page.obj["/StructParents"]
            return
        document = documents[0]
        shift = self.next
        _shift_pages(front_pages, shift)
        nums = sorted(self.nums + [(key + shift, value) for key, value in pairs], key=lambda pair: pair[0])
        book_lang = str(self.pdf.Root.get("/Lang", ""))
        kids = _as_array(document.get("/K"))
        for slot in sorted(self.tagged):
            elements, lang = self.tagged[slot]
            for element in elements:
                _as_part(element, document, lang or "", book_lang)
                kids.append(element)
        document.K = pikepdf.Array(kids)
        root.ParentTree = self.pdf.make_indirect(
            pikepdf.Dictionary(Nums=pikepdf.Array([item for pair in nums for item in pair])))
        root.ParentTreeNextKey = shift + max([int(root.get("/ParentTreeNextKey", 0))] + [key + 1 for key, _ in pairs])
        self.pdf.Root.StructTreeRoot = root

    def close(self) -> None:
        self.pdf.close()
        for source in self.sources:
            source.close()


def _as_part(element, document, lang: str, book_lang: str) -> None:
    """A part's top element, put under the book's Document element: a Part, in the part's own language
    when it differs from the book's."""
    import pikepdf

    element.P = document
    if element.get("/S") == "/Document":
        element.S = pikepdf.Name.Part
    if lang and lang != book_lang and "/Lang" not in element:
        element.Lang = pikepdf.String(lang)


def _bring(pdf, value):
    """``value`` of another PDF, as an object of ``pdf`` (indirect objects are copied with what they use)."""
    import pikepdf

    if not isinstance(value, pikepdf.Object):  # a number, a boolean: pikepdf gives them as Python values
        return value
    if value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _bring(pdf, item) for key, item in value.items()})
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_bring(pdf, item) for item in value])
    return value


def _around(out_dir: Path, participant: bool, lang: str = "en") -> tuple[tuple, tuple]:
    """The orientation and step-down documents the build wrote beside the sessions, if it did."""
    from iopkit.render import individual_docs as docs

    first = out_dir / docs.ORIENTATION_DIR / (docs.PACKET if participant else docs.GUIDE)
    last = out_dir / docs.STEP_DOWN_DIR / (docs.SHEET if participant else docs.GUIDE)
    before = (("Before the first group: orientation" + (" packet" if participant else ""), first),)
    after = (("After the last group: " + ("my next steps" if participant else "step-down visit"), last),)
    if lang == "es":
        before = (("Antes del primer grupo: la orientación", first),)
        after = (("Después del último grupo: mis próximos pasos", last),)
    return (before if first.is_file() else ()), (after if last.is_file() else ())


def binder_pdf(plan: Plan, out_dir: Path, pending: frozenset[int] = frozenset(),
               ready: Callable[[], None] | None = None) -> bytes:
    """Every guide, with contents and bookmarks (``pending`` and ``ready``: see _assembled_with_contents)."""
    c = plan.cohort
    before, after = _around(out_dir, participant=False)
    return _assembled_with_contents(
        plan, out_dir, "facilitator-guide.pdf", "binder", f"Facilitator binder: {c.cohort.name}",
        f"{c.program.name} · {len(plan.sessions)} sessions, {long_date(plan.sessions[0].date)} to "
        f"{long_date(plan.finish)} · Facilitators: {', '.join(c.cohort.facilitators)}", "Facilitator binder",
        before=before, after=after, pending=pending, ready=ready, target=out_dir / BINDER)


def workbook_cover(plan: Plan) -> dict:
    """The workbook's cover: the program, the book's title and the handouts' own crisis box."""
    from iopkit.render.i18n import text

    c = plan.cohort
    lang = _reader(plan)[0]
    return {"logo": logo_data_uri(c.folder / c.program.logo) if c.program.logo else "", "program": c.program.name,
            "title": text(lang, "workbook_title"), "subtitle": text(lang, "workbook_sub", n=len(plan.sessions)),
            "crisis": _crisis(plan, lang)}


def workbook_pdf(plan: Plan, out_dir: Path) -> bytes:
    c = plan.cohort
    lang = _reader(plan)[0]
    before, after = _around(out_dir, participant=True, lang=lang)
    cover = workbook_cover(plan)
    return _assembled_with_contents(plan, out_dir, "handout.pdf", "workbook", _WORDS[lang]["contents"],
                                    f"{c.program.name} · {c.cohort.name}", "Workbook", cover, before=before,
                                    after=after, participant=True, doc_title=f"{cover['title']}: {c.cohort.name}",
                                    target=out_dir / WORKBOOK)


# The packet's writers. Each writes its files atomically and returns their names; the build
# runs them in its worker processes, the calendar beside the sessions and the binder and the
# workbook side by side once every session is current.

def write_calendar(plan: Plan, out_dir: Path) -> list[str]:
    write_atomic(out_dir / CALENDAR_ICS, calendar_ics(plan))
    write_atomic(out_dir / CALENDAR_PDF, calendar_pdf(plan))
    return [CALENDAR_ICS, CALENDAR_PDF]


def write_binder(plan: Plan, out_dir: Path, pending: frozenset[int] = frozenset(),
                 ready: Callable[[], None] | None = None) -> list[str]:
    write_atomic(out_dir / BINDER, binder_pdf(plan, out_dir, pending, ready))
    return [BINDER]


def write_workbook(plan: Plan, out_dir: Path) -> list[str]:
    write_atomic(out_dir / WORKBOOK, workbook_pdf(plan, out_dir))
    return [WORKBOOK]


def join_pdf(join, curriculum=None) -> bytes:
    """A person's own schedule: the sessions they will attend from the day they join. No name.

    With the curriculum's rolling-admission files, the page lists the orientation first and
    names the person's first and last groups (iopkit.render.individual_docs.join_pdf).
    """
    if curriculum is not None and curriculum.individual is not None:
        from iopkit.render.individual_docs import join_pdf as person_join_pdf

        return person_join_pdf(join, curriculum)
    from markupsafe import Markup

    from iopkit.pdf import html_to_pdf
    from iopkit.render.boxes import crisis_box

    c = join.cohort
    rows = [{"number": n, "date": short_date(i.date), "time": f"{clock(i.start)} {i.start.strftime('%Z')}",
             "title": i.session.title} for n, i in enumerate(join.sessions, 1)]
    crisis = Markup(crisis_box(_program(join.sessions, curriculum), c, "en"))
    return html_to_pdf(_html("join.html.j2", title="Your group schedule", accent=c.program.accent_color,
                             view="participant", runhead=_runhead(c.program.name, c.cohort.name, "Your schedule"),
                             group=c.cohort.name, first_date=long_date(join.sessions[0].date),
                             first_time=clock(join.sessions[0].start), count=len(join.sessions),
                             last_date=long_date(join.finish), where=_where_for(c), rows=rows, crisis=crisis))


def _where_for(cohort) -> str:
    if cohort.telehealth:
        return "On video" + (f" ({cohort.location.platform})" if cohort.location.platform else "")
    return cohort.location.address
