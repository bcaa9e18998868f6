"""The session documents' templates (handouts/templates/iopkit/session/, room/, parts/): what the crisis box,
the worksheet items and the document shell print, that a cohort's own words are printed as text (never
as markup), and that the markup stays in the templates."""
from __future__ import annotations

import html
import re

import pytest
from conftest import ROOT

from iopkit.content.curriculum import load_curriculum
from iopkit.content.schema import Scale, WorksheetItem
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort
from iopkit.render import boxes
from iopkit.render.fmt import render_item
from iopkit.render.views import SessionView


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.fixture(scope="module")
def cohort(curriculum):
    return load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)


def text_of(markup: str) -> str:
    """The words a reader sees: inline tags vanish, block tags part words."""
    inline = re.sub(r"</?(strong|em|span|code|a)\b[^>]*>", "", str(markup))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline))).strip()


def with_resources(cohort, **values):
    return cohort.model_copy(update={"resources": cohort.resources.model_copy(update=values)})


def test_crisis_box_prints_program_lines_then_the_cohorts(curriculum, cohort):
    """Every national line of program.yaml with its note, then the cohort's line, clinic, naloxone and meetings."""
    box = boxes.crisis_box(curriculum.program, cohort, "en")
    text = text_of(box)
    for line in curriculum.program.crisis_resources:
        assert f"{line.name}: {line.contact} {line.note}" in text
    assert text.index("Crisis Text Line") < text.index("Near you") < text.index("Rice County Crisis Line")
    assert f"Riverbend Recovery Center: {cohort.resources.clinic_phone}" in text
    assert "Meetings near you AA: Northfield Serenity Group" in text
    assert "988 Suicide &amp; Crisis Lifeline" in box and "&amp;amp;" not in box  # escaped once


def test_crisis_box_in_spanish_uses_the_translated_lines(curriculum, cohort):
    text = text_of(boxes.crisis_box(curriculum.program, cohort, "es"))
    assert "988 Línea de Prevención del Suicidio y Crisis" in text and "Envíe la palabra HOME al 741741" in text
    assert "Lifeline" not in text


def test_a_cohorts_own_words_print_as_text_not_markup(curriculum, cohort):
    """A cohort file is typed by a counselor: "<" and "&" in it print as they are written."""
    odd = with_resources(cohort, clinic_phone="(507) 555-0142 <ext. 3> & ask for the front desk",
                         meetings=["<b>AA</b> at 7"])
    box = boxes.crisis_box(curriculum.program, odd, "en")
    assert "&lt;ext. 3&gt; &amp; ask" in box and "<b>" not in box
    assert "(507) 555-0142 <ext. 3> & ask for the front desk" in text_of(box)


def test_room_crisis_slide_shows_the_handouts_lines(curriculum, cohort):
    """The room's last slide and the handout's box say the same national and local lines (one source)."""
    view = SessionView(curriculum, cohort, plan_cohort(cohort, curriculum).at(5))
    slide = text_of(view.room().crisis())
    handout = text_of(view.crisis_box())
    for line in curriculum.program.crisis_resources:
        assert f"{line.name}: {line.contact} {line.note}" in slide
    for local in ("Local crisis line: Rice County Crisis Line", f"Riverbend Recovery Center: "
                  f"{cohort.resources.clinic_phone}", "Naloxone: Free at the front desk"):
        assert local in slide and local in handout


def test_aftercare_box_says_when_and_where(curriculum):
    import datetime as dt
    from types import SimpleNamespace

    handoff = SimpleNamespace(name="Tuesday Aftercare", weekday="Tuesday", start=dt.time(18, 0), end=dt.time(19, 30),
                              first=dt.date(2027, 4, 6), where="412 Mill Street")
    text = text_of(boxes.aftercare_box(handoff, "en"))
    assert text.startswith("Your aftercare group Tuesday Aftercare: every Tuesday, 6:00 PM to 7:30 PM")
    assert "412 Mill Street" in text and "You can start any week" in text
    assert boxes.aftercare_box(None, "en") == ""


@pytest.mark.parametrize("item, expected", [
    (WorksheetItem(kind="lines", prompt="What helps?", lines=4), ('<span class="n">2.</span> What helps?',
                                                                   '<div class="line"></div>' * 4)),
    (WorksheetItem(kind="lines", prompt="1. My reasons"), ('<p class="prompt">1. My reasons</p>',)),
    (WorksheetItem(kind="scale", prompt="How strong?", scale=Scale(low=1, high=5, low_label="Weak", high_label="Strong")),
     ('<span class="pt">1</span><span class="pt">2</span>', '<span class="pt">5</span></div>',
      "<span>Weak</span><span>Strong</span>")),
    (WorksheetItem(kind="checklist", prompt="Pick", options=["Walk", "Call *someone*"], other_option=True),
     ('<li><span class="box"></span>Call <em>someone</em></li>',
      '<li><span class="box"></span>Others: <span class="inline-line"></span></li>')),
    (WorksheetItem(kind="table", prompt="Plan", columns=["When", "What I do"], row_labels=["Morning", "Night"]),
     ('<th scope="col">What I do</th>', '<tr><th scope="row" class="row-label short">Morning</th><td></td></tr>')),
    (WorksheetItem(kind="table", prompt="Log", columns=["Day", "Urge", "What I did"], rows=2),
     ("<tr><td></td><td></td><td></td></tr>\n<tr><td></td><td></td><td></td></tr>",)),
])
def test_worksheet_items_print_what_a_person_fills_in(item, expected):
    """Numbered prompts (a writer's own number kept), the whole scale, ticked options with "something
    else", tables with printed row labels or blank rows."""
    out = render_item(2, item, "Others:")
    for part in expected:
        assert part in out
    assert out.count('class="n"') == (0 if item.prompt.startswith("1.") else 1)


def test_the_guide_and_the_handout_open_like_every_other_document(curriculum, cohort, tmp_path):
    """base.html.j2 and the nbconvert template share one head: the same tags, in the same order."""
    import nbformat
    from markupsafe import Markup

    from iopkit.markup import render
    from iopkit.notebook.exporters import ParticipantHTMLExporter

    doc = render("iopkit/base.html.j2", lang_tag="en-US", css=Markup("p { margin: 0 }"), accent="#2f6b7e",
                 view="participant", large_print=False)
    view = SessionView(curriculum, cohort, plan_cohort(cohort, curriculum).at(2))
    cell = nbformat.v4.new_code_cell("", metadata={"tags": ["participant"]})
    cell.outputs = [nbformat.v4.new_output("display_data", data=view.handout()._repr_mimebundle_())]
    page, _ = ParticipantHTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))

    def head(document: str) -> list[str]:
        return re.findall(r"<(/?[a-z!]+)", document.split("<body", 1)[0].split("<style>")[0]) + \
            re.findall(r'<(body) class="(iopkit-print view-participant)', document)

    assert head(page) == head(doc)
    assert '<meta content="width=device-width, initial-scale=1" name="viewport"/>' in page
    assert "<style>.iopkit-doc { --accent: #2f6b7e; }</style>" in page.split("</head>")[0]


#: The modules whose markup moved into templates (issue 11): they build context, not HTML.
CONTEXT_ONLY = ("render/views.py", "render/room.py", "render/boxes.py")


@pytest.mark.parametrize("module", CONTEXT_ONLY)
def test_session_views_build_no_html_in_python(module):
    """An HTML tag written in one of these modules is markup that belongs in handouts/templates/iopkit/."""
    source = (ROOT / "toolkit" / "iopkit" / module).read_text(encoding="utf-8")
    code = re.sub(r'"""[\s\S]*?"""', "", source)  # docstrings may name an element
    tags = re.findall(r"""["']<\w[^"']*""", code)
    assert not tags, f"{module} builds HTML: {tags[:3]}"
    assert "esc(" not in code


def test_every_session_template_compiles():
    from iopkit.markup import environment

    folder = ROOT / "handouts" / "templates"
    names = [p.relative_to(folder).as_posix() for sub in ("session", "room", "parts")
             for p in sorted((folder / "iopkit" / sub).glob("*.j2"))]
    assert len(names) >= 25
    for name in names:
        environment().get_template(name)
