"""The cohort-wide books of a real build: a cohort that keeps two sessions (the rest skipped), so
the binder and the workbook are made from two real guides and handouts.

Checked as a counselor would: the workbook cover prints exactly the handouts' crisis lines;
the contents and bookmarks point at the first page of each part; a screen reader can follow
every page (each part's tags kept under the book's); editing one session's text builds that
session and the books again, and not the calendar; editing a title makes the calendar again.
"""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

#: The two sessions the small cohort keeps.
KEPT = 2


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_texts(path) -> list[str]:
    from pypdf import PdfReader

    return [flat(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def bookmarks(path) -> list[tuple[str, int]]:
    """Each top-level bookmark's title and the page it opens at (0-based)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        at = {page.objgen: i for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            return [(str(m.title), at[m.destination[0].objgen]) for m in outline.root]


def crisis_box_text(text: str, last_line: str) -> str:
    """The crisis box as printed: from its heading to the end of ``last_line`` (its last line)."""
    start = text.index("If you need help now")
    end = text.index(last_line, start) + len(last_line)
    return text[start:end]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A curriculum copy and the example cohort keeping only its first two sessions, built once."""
    import yaml

    work = tmp_path_factory.mktemp("books")
    curriculum = work / "curriculum"
    shutil.copytree(ROOT / "curriculum", curriculum)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / name)
    ids = [yaml.load(p.read_text(), Loader=yaml.CSafeLoader)["id"]
           for p in sorted((curriculum / "sessions").glob("*.yaml"))]
    cohort = work / "example.toml"
    text = cohort.read_text()
    assert "\n# skip = " in text
    cohort.write_text(text.replace("\n# skip = ", "\nskip = " + str(ids[KEPT:]).replace("'", '"') + "  # ", 1))
    out = work / "out"
    args = ("build", str(cohort), "--curriculum", str(curriculum), "--out", str(out), "--jobs", "1")
    result = run_cli(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{KEPT} sessions built" in result.stdout
    return {"work": work, "curriculum": curriculum, "cohort": cohort, "out": out, "args": args, "result": result}


def test_the_workbook_cover_prints_the_handouts_crisis_lines(small):
    """One source for the crisis lines: the cover's box reads exactly as every handout's box
    (program.yaml's national lines, then the cohort's own), Crisis Text Line and 988 chat included."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort

    cohort = load_cohort(small["cohort"], curriculum=load_curriculum(small["curriculum"]))
    last = cohort.resources.meetings[-1]
    cover = page_texts(small["out"] / "participant-workbook.pdf")[0]
    handout = " ".join(page_texts(small["out"] / "session-01" / "handout.pdf"))
    assert "My Recovery Workbook" in cover
    assert crisis_box_text(cover, last) == crisis_box_text(handout, last)
    for line in ("Crisis Text Line", "741741", "988lifeline.org", "1-800-662-4357", "(507) 555-0142"):
        assert line in crisis_box_text(cover, last), line


def test_contents_and_bookmarks_point_at_each_part(small):
    """The contents prints the page each part starts on (counting its own pages), and each
    bookmark opens that page; the parts are the session PDFs as built."""
    from pypdf import PdfReader

    out = small["out"]
    for book, part, around in (("facilitator-binder.pdf", "facilitator-guide.pdf", ("orientation/guide.pdf",
                                                                                    "step-down/guide.pdf")),
                               ("participant-workbook.pdf", "handout.pdf", ("orientation/packet.pdf",
                                                                            "step-down/sheet.pdf"))):
        reader = PdfReader(str(out / book))
        counts = ([len(PdfReader(str(out / around[0])).pages)]
                  + [len(PdfReader(str(out / f"session-{n:02d}" / part)).pages) for n in range(1, KEPT + 1)]
                  + [len(PdfReader(str(out / around[1])).pages)])
        front = len(reader.pages) - sum(counts)
        marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
        assert [title.split(":")[0] for title, _ in marks] == (
            ["Contents", "Before the first group"] + [f"Session {n}" for n in range(1, KEPT + 1)] + ["After the last group"])
        contents = " ".join(reader.pages[p].extract_text() for p in range(front))
        page = front
        for (title, at), count in zip(marks[1:], counts):
            assert at == page, (book, title)
            assert re.search(rf"(?<!\d){page + 1}(?!\d)", contents), (book, title, page + 1)  # printed 1-based
            page += count
        # Each part's own first page comes right where its bookmark points.
        first_handout_page = flat(PdfReader(str(out / "session-01" / part)).pages[0].extract_text())
        assert flat(reader.pages[marks[2][1]].extract_text()) == first_handout_page


def test_a_screen_reader_can_follow_every_page_of_the_books(small):
    """Tagged PDF: every page's marked content leads to structure elements on that page, and
    each part sits under the book's Document as a Part (the handouts' own tags, kept)."""
    check_tags(small["out"])


def check_tags(out):
    import pikepdf

    small = {"out": out}
    titles = {"facilitator-binder.pdf": "Facilitator binder: Monday-Wednesday-Friday Morning Group",
              "participant-workbook.pdf": "My Recovery Workbook: Monday-Wednesday-Friday Morning Group"}
    for book, title in titles.items():
        with pikepdf.open(small["out"] / book) as pdf:
            assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en-US"
            assert str(pdf.docinfo.Title) == title and pdf.Root.ViewerPreferences.DisplayDocTitle
            root = pdf.Root.StructTreeRoot
            nums = list(root.ParentTree.Nums)
            tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            assert int(root.ParentTreeNextKey) == max(tree) + 1
            for index, page in enumerate(pdf.pages):
                entry = tree[int(page.obj.StructParents)]  # a KeyError here: a page a reader cannot reach
                elements = [e for e in entry if isinstance(e, pikepdf.Dictionary)]
                assert elements, (book, index)
                assert all(e.Pg.objgen == page.obj.objgen for e in elements if "/Pg" in e), (book, index)
            (document,) = [k for k in (root.K if isinstance(root.K, pikepdf.Array) else [root.K])]
            parts = [k for k in document.K if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Part"]
            assert len(parts) == KEPT + 2  # the orientation, each session, the step-down visit
            assert all(part.P.objgen == document.objgen for part in parts)


def test_editing_one_session_builds_it_and_the_books_but_not_the_calendar(small):
    """A sentence added to session 2's facilitator notes: session 2 and both books are made again
    (the binder shows the sentence), the calendar is not (nothing it shows changed). A new title
    for session 2 makes the calendar again, with the title."""
    out, args = small["out"], small["args"]
    session = next((small["curriculum"] / "sessions").glob("02-*.yaml"))
    calendar = {name: (out / name).stat().st_mtime_ns for name in ("calendar.ics", "calendar.pdf")}
    books = {name: (out / name).stat().st_mtime_ns for name in ("facilitator-binder.pdf", "participant-workbook.pdf")}
    sentence = "Check the room's door code before the group arrives."
    session.write_text(session.read_text().replace("\nfacilitator_notes: |\n",
                                                   f"\nfacilitator_notes: |\n  {sentence}\n", 1))
    result = run_cli(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"1 session built, {KEPT - 1} unchanged" in result.stdout
    assert "also wrote facilitator-binder.pdf" in result.stdout and "also wrote participant-workbook.pdf" in result.stdout
    assert "calendar" not in result.stdout
    assert {name: (out / name).stat().st_mtime_ns for name in calendar} == calendar
    assert all((out / name).stat().st_mtime_ns != stamp for name, stamp in books.items())
    assert sentence in flat(" ".join(page_texts(out / "facilitator-binder.pdf")))
    # Only session 2's pages and tags were swapped in the books on disk: each reads, is tagged and
    # is bookmarked exactly as the same book put together again in full.
    check_tags(out)
    swapped = {name: (page_texts(out / name), bookmarks(out / name)) for name in books}
    for name in books:
        (out / ".iopkit-fronts" / f"{'binder' if 'binder' in name else 'workbook'}-parts.json").unlink()
        (out / name).unlink()
    assert run_cli(*args).returncode == 0
    assert {name: (page_texts(out / name), bookmarks(out / name)) for name in books} == swapped

    text = session.read_text()
    title = re.search(r"^title: (.*)$", text, re.M).group(1).strip().strip("'\"")
    session.write_text(text.replace(re.search(r"^title: .*$", text, re.M).group(0),
                                    f"title: '{title} (revised)'", 1))
    again = run_cli(*args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "also wrote calendar.pdf" in again.stdout
    assert f"{title} (revised)" in flat(" ".join(page_texts(out / "calendar.pdf")))
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".staging") or p.name.endswith(".tmp")]
    assert leftovers == []
