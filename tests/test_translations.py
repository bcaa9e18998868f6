"""Spanish handouts, large print and tagged PDFs (issue 19).

The fixture overlay (tests/fixtures/translations/es/sessions/01-orientation.yaml, status machine)
is put into a copy of the curriculum, so these tests do not depend on which overlays the
translators have finished.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

OVERLAY = FIXTURES / "translations" / "es" / "sessions" / "01-orientation.yaml"


@pytest.fixture
def world(tmp_path):
    """A curriculum copy with the fixture overlay, and the example cohort set to Spanish, large print."""
    curriculum = tmp_path / "curriculum"
    shutil.copytree(ROOT / "curriculum", curriculum, ignore=shutil.ignore_patterns("translations"))
    folder = curriculum / "translations" / "es" / "sessions"
    folder.mkdir(parents=True)
    shutil.copy(OVERLAY, folder / OVERLAY.name)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    cohort = tmp_path / "example.toml"
    cohort.write_text(cohort.read_text() + '\n[handouts]\nlanguage = "es"\nlarge_print = true\n')
    return tmp_path, curriculum, cohort, folder / OVERLAY.name


def test_spanish_person_first_list():
    """Person-first Spanish: labels are caught, names and things are not."""
    from iopkit.content.language import stigmatizing_terms_es

    assert stigmatizing_terms_es("Era un adicto. Mi tío es alcohólico. Lleva un mes limpia.") == \
        ["adicto", "alcohólico", "limpia"]
    assert stigmatizing_terms_es("el abuso de sustancias") == ["abuso de sustancias"]
    assert stigmatizing_terms_es("Alcohólicos Anónimos; una bebida alcohólica; jeringas limpias; "
                                 "una sustancia adictiva; la adicción") == []


def test_spanish_readability_restores_textstat_language():
    """Fernández-Huerta needs textstat in Spanish; the English score afterwards is unchanged."""
    import textstat

    from iopkit.content.language import readability_es

    english = "The cat sat on the mat. It was a very happy cat that day."
    before = textstat.flesch_kincaid_grade(english)
    score = readability_es("Usted no está solo. Las ganas suben y bajan. Respire despacio. Llame a su consejera.")
    assert score.ease > 70
    assert textstat.flesch_kincaid_grade(english) == before


def _break(overlay: Path, old: str, new: str) -> None:
    text = overlay.read_text(encoding="utf-8")
    assert old in text
    overlay.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_wrong_item_count_is_reported_with_file_and_line(world):
    """An overlay with a key point missing: file:line, the field, the English count; exit 2."""
    _, curriculum, cohort, overlay = world
    _break(overlay, '    - Tenga su plan de seguridad donde lo encuentre rápido.\n', "")
    result = run_cli("validate", str(cohort), "--curriculum", str(curriculum))
    assert result.returncode == 2
    assert "01-orientation.yaml:" in result.stderr
    assert "handout, key_points: got 4 key points, expected 5, the same number as the English" in result.stderr
    assert "Traceback" not in result.stderr


def test_stigmatizing_spanish_word_is_reported(world):
    _, curriculum, cohort, overlay = world
    _break(overlay, "Decir que sí no es motivo de vergüenza.", "Nadie aquí es un adicto.")
    result = run_cli("validate", str(cohort), "--curriculum", str(curriculum))
    assert result.returncode == 2
    line = next(x for x in result.stderr.splitlines() if "adicto" in x)
    assert line.split(":")[1].isdigit()  # file:line
    assert "person-first language: say persona con un trastorno por consumo de sustancias" in line


def test_stamp_then_stale_english_warns(world):
    """Stamped overlays are quiet; an English change afterwards is a warning (exit 0)."""
    _, curriculum, cohort, overlay = world
    result = run_cli("translations", "stamp", str(overlay), "--curriculum", str(curriculum))
    assert result.returncode == 0, result.stderr
    assert 'source_hash: "sha256:' in overlay.read_text()
    result = run_cli("validate", str(cohort), "--curriculum", str(curriculum))
    assert result.returncode == 0, result.stderr
    assert "01-orientation.yaml: source_hash" not in result.stderr
    english = curriculum / "sessions" / "01-orientation.yaml"
    english.write_text(english.read_text().replace("Save 988 in your phone.", "Save 988 in your phone today."))
    result = run_cli("validate", str(cohort), "--curriculum", str(curriculum))
    assert result.returncode == 0, result.stderr
    assert "01-orientation.yaml: source_hash: the English handout or homework of orientation changed" \
        in result.stderr


def test_require_reviewed_refuses_machine_translation(world):
    tmp, curriculum, cohort, _ = world
    result = run_cli("build", str(cohort), "--curriculum", str(curriculum), "--sessions", "1",
                     "--require-reviewed", "--out", str(tmp / "build"))
    assert result.returncode == 2
    assert "session 1 (orientation): the es translation is status: machine" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp / "build" / "session-01" / "handout.pdf").exists()


def _sizes_and_text(pdf_path: Path) -> tuple[list[tuple[float, str]], str]:
    """Every piece of drawn text with its rendered size (font size times the text matrix scale)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    pieces, text = [], []
    for page in reader.pages:
        def visit(chunk, cm, tm, font, size, pieces=pieces):
            if chunk.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                pieces.append((size * scale, chunk.strip()))
        text.append(page.extract_text(visitor_text=visit))
    return pieces, "\n".join(text)


@pytest.mark.slow
def test_spanish_large_print_handout(world):
    """Session 1 in Spanish, large print: Spanish text, no English prose, crisis lines in Spanish,
    the not-yet-reviewed line, no participant text under 18 pt, tagged with /Lang es-US."""
    import pikepdf

    tmp, curriculum, cohort, _ = world
    result = run_cli("build", str(cohort), "--curriculum", str(curriculum), "--sessions", "1",
                     "--out", str(tmp / "build"), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    handout = tmp / "build" / "session-01" / "handout.pdf"
    pieces, text = _sizes_and_text(handout)
    flat = " ".join(text.split())
    assert "Bienvenida y cómo mantenerse a salvo" in flat
    assert "Mi plan de seguridad" in flat
    assert "para español, oprima el 2" in flat
    assert "Línea Nacional de Ayuda de SAMHSA" in flat and "1-800-662-4357" in flat
    assert "Traducción automática, aún sin revisar por una persona" in flat
    for english in ("Welcome. This group meets", "My Safety Plan", "Your practice before next time",
                    "If you need help now", "Tell one person on your safety plan"):
        assert english not in flat
    # The reading order: the explanation, then the key points, the worksheet, the practice, the crisis box.
    order = [flat.index(x) for x in ("Bienvenido. Este grupo", "Para recordar", "Mi plan de seguridad",
                                     "Su práctica para la próxima vez", "Si necesita ayuda ahora")]
    assert order == sorted(order)
    small = [(round(size, 1), chunk) for size, chunk in pieces if size < 17.9]
    assert not small, small[:10]
    with pikepdf.open(handout) as pdf:
        assert str(pdf.Root.Lang) == "es-US"
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.docinfo.get("/Title") is not None and "Sesión 1 de" in str(pdf.docinfo["/Title"])
        figures = [node for node in _struct_nodes(pdf.Root.StructTreeRoot) if node.get("/S") == "/Figure"]
        assert figures, "the logo is tagged as a figure"
        assert all(str(node.get("/Alt", "")).strip() for node in figures)
        headers = [node for node in _struct_nodes(pdf.Root.StructTreeRoot) if node.get("/S") == "/TH"]
        assert headers and all(str(node.A.Scope) in ("/Column", "/Row") for node in headers)
    guide = tmp / "build" / "session-01" / "facilitator-guide.pdf"
    with pikepdf.open(guide) as pdf:
        assert str(pdf.Root.Lang) == "en-US"
    _, guide_text = _sizes_and_text(guide)
    assert "Mi plan de seguridad" in " ".join(guide_text.split())  # the guide carries the Spanish handout


def _struct_nodes(node, seen=None):
    import pikepdf

    seen = seen if seen is not None else set()
    out = []
    kids = node.get("/K")
    if kids is None:
        return out
    items = kids if isinstance(kids, pikepdf.Array) else [kids]
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            key = kid.objgen
            if key in seen and key != (0, 0):
                continue
            seen.add(key)
            out.append(kid)
            out += _struct_nodes(kid, seen)
    return out


@pytest.mark.slow
def test_spanish_large_print_workbook_and_calendar(world):
    """The workbook for two sessions: Spanish cover and contents, Spanish titles, es-US, and the
    front matter, calendar and join page in 18 pt or more."""
    import pikepdf

    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import Plan, plan_cohort
    from iopkit.render import books as packet

    tmp, curriculum_dir, cohort_file, _ = world
    out = tmp / "build"
    result = run_cli("build", str(cohort_file), "--curriculum", str(curriculum_dir), "--sessions", "1-2",
                     "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    curriculum = load_curriculum(curriculum_dir)
    plan = plan_cohort(load_cohort(cohort_file, curriculum=curriculum), curriculum)
    two = Plan(plan.cohort, plan.sessions[:2])
    workbook = tmp / "workbook.pdf"
    workbook.write_bytes(packet.workbook_pdf(two, out))
    pieces, text = _sizes_and_text(workbook)
    flat = " ".join(text.split())
    assert "Mi cuaderno de recuperación" in flat and "Contenido" in flat
    assert "Bienvenida y cómo mantenerse a salvo" in flat  # session 1's Spanish title in the contents
    assert "para español, oprima el 2" in flat
    assert "My Recovery Workbook" not in flat
    small = [(round(size, 1), chunk) for size, chunk in pieces if size < 17.9]
    assert not small, small[:10]
    with pikepdf.open(workbook) as pdf:
        assert str(pdf.Root.Lang) == "es-US"
        marks = [item.title for item in pdf.open_outline().root]
    assert marks[0] == "Contenido" and any(m.startswith("Sesión 1:") for m in marks)
    for name in ("calendar.pdf",):
        pieces, text = _sizes_and_text(out / name)
        assert "calendario de sesiones" in " ".join(text.split())
        assert not [p for p in pieces if p[0] < 17.9][:5]
    join = tmp / "join.pdf"
    result = run_cli("join", str(cohort_file), "--date", "2027-02-10", "--pdf", str(join),
                     "--curriculum", str(curriculum_dir))
    assert result.returncode == 0, result.stderr
    pieces, text = _sizes_and_text(join)
    assert "Su calendario del grupo" in " ".join(text.split())
    assert not [p for p in pieces if p[0] < 17.9][:5]


def test_missing_alt_text_fails_the_document():
    """A picture without alt text, or a chart without a label, is not printed: the message names the document."""
    from iopkit.errors import MissingAltTextError
    from iopkit.pdf import check_alt_text, html_to_pdf

    check_alt_text('<img src="logo.png" alt="Riverbend Recovery Center"><svg role="img" aria-label="A wave"></svg>')
    with pytest.raises(MissingAltTextError) as caught:
        html_to_pdf('<html lang="en-US"><head><title>Session 3 handout</title></head><body>'
                    '<img src="data:image/png;base64,iVBORw0KGgo=" alt=""></body></html>')
    assert str(caught.value).startswith("Session 3 handout: 1 picture or chart without a text alternative")


@pytest.mark.slow
def test_session_without_overlay_prints_english_with_a_spanish_note_and_a_spanish_sheet(world):
    """Session 5 has no overlay in the fixture curriculum: the handout says in Spanish that it is not
    translated yet and keeps the English session text; the urge-surfing sheet, the headings, the
    crisis box and every page footer are Spanish."""
    tmp, curriculum, cohort, _ = world
    cohort.write_text(cohort.read_text().replace("large_print = true", "large_print = false"))
    result = run_cli("build", str(cohort), "--curriculum", str(curriculum), "--sessions", "5",
                     "--out", str(tmp / "build"), "--quiet")
    assert result.returncode == 0, result.stderr + result.stdout
    from pypdf import PdfReader

    pages = [" ".join(p.extract_text().split()) for p in PdfReader(tmp / "build" / "session-05" / "handout.pdf").pages]
    flat = " ".join(pages)
    assert "Esta hoja todavía no está traducida al español" in flat
    assert "Surfear el impulso" in flat and "Antes: ¿qué tan fuerte es mi impulso ahora?" in flat
    assert "Before: how strong is my urge right now?" not in flat
    assert "Si necesita ayuda ahora" in flat and "Su práctica para la próxima vez" in flat
    assert all("Página" in page and "Need help now" not in page for page in pages)
    result = run_cli("build", str(cohort), "--curriculum", str(curriculum), "--sessions", "5",
                     "--require-reviewed", "--out", str(tmp / "build2"))
    assert result.returncode == 2 and "session 5 (urge-surfing): no es translation yet" in result.stderr


def test_every_language_has_every_fixed_word():
    """The words the code prints around session text exist in every handout language."""
    from iopkit.render.i18n import STRINGS

    for lang, words in STRINGS.items():
        assert set(words) == set(STRINGS["en"]), lang


def test_every_exercise_sheet_is_in_spanish():
    """Each of the exercises' blank paper sheets has every printed word in Spanish (exercises/paper.es.yaml)."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.exercises import EXERCISES, ExerciseContext, make_exercise
    from iopkit.exercises.paper import in_language

    context = ExerciseContext.from_curriculum(load_curriculum())  # as a handout prints them
    assert len(EXERCISES) >= 12
    for exercise_id in EXERCISES:
        sheet, missing = in_language(make_exercise(exercise_id, context=context).paper_html(), "es")
        assert not missing, (exercise_id, missing)


def test_a_spanish_sheet_prints_program_yamls_spanish_crisis_lines():
    """Issue 11: the relapse-prevention plan's Spanish sheet had crisis lines of its own (paper.es.yaml,
    worded apart from the handouts). It prints program.yaml's translations.es lines, the Spanish handouts'
    lines, from the curriculum in use: an edited translation reaches the sheet."""
    import html as html_lib

    from iopkit.content.curriculum import load_curriculum
    from iopkit.exercises import ExerciseContext, make_exercise
    from iopkit.exercises.paper import in_language, paper_words

    program = load_curriculum().program
    context = ExerciseContext.from_program(program)
    sheet, missing = in_language(make_exercise("relapse-prevention-plan", context=context).paper_html(), "es",
                                 context.paper_words("es"))
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", sheet)).split())
    assert not missing
    for line in program.translations["es"].crisis_resources:
        assert f"{line.name}: {line.contact}" in text, line.name
    assert not any("741741" in key or "988" in key for key in paper_words("es"))  # no second copy of the lines

    es = program.translations["es"]
    edited = program.model_copy(update={"translations": {"es": es.model_copy(update={"crisis_resources": [
        es.crisis_resources[0].model_copy(update={"contact": "Llame al 988 (oprima el 2) desde cualquier teléfono"}),
        *es.crisis_resources[1:]]})}})
    context = ExerciseContext.from_json(ExerciseContext.from_program(edited).to_json())  # as a notebook carries it
    sheet, _ = in_language(make_exercise("relapse-prevention-plan", context=context).paper_html(), "es",
                           context.paper_words("es"))
    assert "desde cualquier teléfono" in sheet


def test_validate_an_overlay_file_on_its_own(world):
    """A translator checks one file: `iopkit validate FILE` gives file:line problems, exit 2."""
    _, curriculum, _, overlay = world
    result = run_cli("validate", str(overlay), "--curriculum", str(curriculum))
    assert result.returncode == 0, result.stderr
    assert "OK: 1 translation file passed every check." in result.stdout
    assert "source_hash: empty" in result.stderr  # not stamped yet: a warning
    _break(overlay, "status: machine", "status: reviewed")
    result = run_cli("validate", str(overlay), "--curriculum", str(curriculum))
    assert result.returncode == 2
    assert "01-orientation.yaml:4: reviewed_by: got nothing, expected the name and credential" in result.stderr


def test_orientation_packet_in_spanish_has_spanish_overdose_steps(world):
    """The orientation packet of a Spanish cohort: Spanish headings, note, crisis box and the five
    overdose steps from curriculum/translations/es/individual/; a step missing is file:line, exit 2."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.render.individual_docs import visit_packet_html

    _, curriculum_dir, cohort_file, _ = world
    target = curriculum_dir / "translations" / "es" / "individual"
    shutil.copytree(ROOT / "curriculum" / "translations" / "es" / "individual", target)
    curriculum = load_curriculum(curriculum_dir)
    cohort = load_cohort(cohort_file, curriculum=curriculum)
    html = visit_packet_html(curriculum, cohort, curriculum.individual.orientation)
    assert "Bienvenido o bienvenida al grupo" in html and "Mi plan de seguridad" in html
    assert "Welcome to the Group" not in html and 'lang="en-US"' not in html
    # Without the packet's own translation: Spanish headings, steps and crisis box, the body in English, a note.
    text = (target / "orientation.yaml").read_text(encoding="utf-8")
    (target / "orientation.yaml").write_text(text[:text.index("packet:")], encoding="utf-8")
    curriculum = load_curriculum(curriculum_dir)
    html = visit_packet_html(curriculum, cohort, curriculum.individual.orientation)
    assert "Antes de su primer grupo" in html and "Este paquete todavía no está traducido" in html
    assert "Welcome to the Group" in html and 'lang="en-US"' in html
    assert "Dele naloxona" in html and "Si necesita ayuda ahora" in html
    assert "Traducción automática, aún sin revisar por una persona" in html
    sheet = visit_packet_html(curriculum, cohort, curriculum.individual.step_down)  # the whole sheet
    assert "Mis próximos pasos" in sheet and "Mi plan de seguimiento" in sheet
    assert "Este paquete todavía no está traducido" not in sheet and "My Next Steps" not in sheet
    assert 'lang="en-US"' not in sheet
    text = (target / "orientation.yaml").read_text(encoding="utf-8")
    start = text.index("  - step: Quédese")
    (target / "orientation.yaml").write_text(text[:start], encoding="utf-8")
    result = run_cli("validate", str(cohort_file), "--curriculum", str(curriculum_dir))
    assert result.returncode == 2
    assert "orientation.yaml:" in result.stderr and "overdose_steps: got 4 steps, expected 5" in result.stderr


def test_bilingual_cohort_prints_the_english_handout_then_the_spanish(world):
    """language = ["en", "es"]: the handout is English (en-US), and its last cell adds the whole Spanish handout."""
    from iopkit.render.views import SessionView

    _, curriculum, cohort, _ = world
    cohort.write_text(cohort.read_text().replace('language = "es"', 'language = ["en", "es"]'))
    view = SessionView.load(str(cohort), 1, str(curriculum))
    first = view.handout()
    assert first.meta["lang"] == "en-US" and "Welcome, and Staying Safe" in str(first)
    last = str(view.take_home())
    english, spanish = last.index("Your practice before next time"), last.index("Su práctica para la próxima vez")
    assert english < last.index('lang="es-US"') < spanish
    assert "Bienvenida y cómo mantenerse a salvo" in last and "Mi plan de seguridad" in last
    assert "Traducción automática, aún sin revisar por una persona" in last
