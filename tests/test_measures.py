"""Measurement-based care: instruments as data, scored exactly as published (every expected
number below is worked by hand from the source named in the test), safety items that cannot be
missed on any entry path, forms, schedule, progress, suppression and the outcomes summary."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import pdf_text, run_cli

from iopkit.errors import ValidationError
from iopkit.measures import AnswerError, load_measures, parse_answers, score_answers
from iopkit.measures.load import UnknownMeasureError

MEASURES = load_measures()
PHQ9, GAD7, PCL5 = MEASURES.get("PHQ-9"), MEASURES.get("GAD-7"), MEASURES.get("PCL-5")
PACS, BAM = MEASURES.get("PACS"), MEASURES.get("BAM")
MONDAY = dt.date(2027, 1, 4)


def week(n: float) -> dt.date:
    return MONDAY + dt.timedelta(days=round(7 * n))


# ---------------------------------------------------------------- the instruments as data

def test_the_shipped_measures_load_and_restricted_ones_are_only_listed():
    assert set(MEASURES.measures) == {"PHQ-9", "GAD-7", "PCL-5", "PACS", "BAM", "readiness-ruler",
                                      "happiness-scale", "check-in"}
    assert set(MEASURES.elsewhere) == {"ORS", "SRS", "BAM-IOP"}
    assert all(m.licence.status.value in ("free", "public-domain") for m in MEASURES.measures.values())
    assert all(e.licence.status.value == "restricted" for e in MEASURES.elsewhere.values() if e.id in ("ORS", "SRS"))


def test_the_happiness_scale_uses_the_same_areas_as_the_exercise():
    """Ratings from the session 7 widget and from this measure must be comparable."""
    from iopkit.exercises.happiness_scale import AREAS

    scale = MEASURES.get("happiness-scale")
    assert tuple(item.text for item in scale.items) == AREAS
    assert (scale.scale.min, scale.scale.max) == (1, 10)


def test_phq9_wording_is_the_published_wording():
    assert PHQ9.stem == "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    assert PHQ9.item(9).text == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert [o.label for o in PHQ9.options] == ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    assert "Pfizer" in PHQ9.licence.attribution


def _break(curriculum: Path, name: str, old: str, new: str) -> None:
    path = curriculum / "measures" / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _problems(curriculum: Path) -> str:
    with pytest.raises(ValidationError) as info:
        load_measures(curriculum)
    return str(info.value)


@pytest.mark.parametrize("name, old, new, expected", [
    # A measure without a licence is refused.
    ("gad-7.yaml", "licence:\n  status: free", "licens:\n  status: free",
     r"curriculum/measures/gad-7\.yaml:\d+: licence: got nothing, expected a licence \(status, text, source\)"),
    # A printable form needs the exact wording of every item.
    ("gad-7.yaml", '{number: 4, text: Trouble relaxing}', '{number: 4, label: Relaxing}',
     r"gad-7\.yaml:\d+: items, item 4, text: got nothing, expected the exact published wording"),
    # Bands must cover the whole range without gaps.
    ("gad-7.yaml", "{min: 5, max: 9, label: mild}", "{min: 6, max: 9, label: mild}",
     r"gad-7\.yaml:\d+: total, bands, item 2, min: got 6, expected 5, so the bands have no gap or overlap"),
    ("gad-7.yaml", "{min: 15, max: 21, label: severe}", "{min: 15, max: 20, label: severe}",
     r"gad-7\.yaml:\d+: total, bands, item 4, max: got 20, expected 21, the highest possible total"),
    # Citations must be in the bibliography.
    ("gad-7.yaml", "citations: [spitzer-2006]", "citations: [spitzer-2099]",
     r'gad-7\.yaml:\d+: citations, item 1: got "spitzer-2099", expected a key from curriculum/references\.yaml'),
    # A restricted instrument never ships as a file.
    ("pacs.yaml", "  status: free", "  status: restricted",
     r"pacs\.yaml:\d+: licence, status: got \"restricted\", expected free or public-domain here"),
    # A safety item whose threshold is its top answer could never fire.
    ("phq-9.yaml", "      above: 0", "      above: 3",
     r"phq-9\.yaml:\d+: items, item 9, safety, above: got 3, expected a number below the item's highest answer"),
    # Totals name items that exist.
    ("gad-7.yaml", "items: [1, 2, 3, 4, 5, 6, 7]", "items: [1, 2, 3, 4, 5, 6, 7, 9]",
     r"gad-7\.yaml:\d+: total, items, item 8: got 9, expected the number of an item of this measure"),
    # The schedule names measures that exist.
    ("_schedule.yaml", "- measure: PCL-5", "- measure: PCL-6",
     r'_schedule\.yaml:\d+: item 4, measure: got "PCL-6", expected the id of a measure'),
])
def test_the_validator_refuses_a_broken_measure_with_a_plain_message(curriculum_copy, monkeypatch, name, old, new,
                                                                     expected):
    monkeypatch.chdir(curriculum_copy.parent)
    _break(curriculum_copy, name, old, new)
    message = _problems(curriculum_copy)
    assert re.search(expected, message), message
    assert "Traceback" not in message


def test_iopkit_validate_checks_the_measures_too(curriculum_copy):
    _break(curriculum_copy, "gad-7.yaml", "licence:\n  status: free", "licens:\n  status: free")
    result = run_cli("validate", "--curriculum", str(curriculum_copy))
    assert result.returncode == 2 and "gad-7.yaml" in result.stderr and "licence: got nothing" in result.stderr


def test_a_measure_file_with_a_missing_field_names_the_file_line_and_field(curriculum_copy, monkeypatch):
    monkeypatch.chdir(curriculum_copy.parent)
    _break(curriculum_copy, "pcl-5.yaml", "recall: past month\n", "")
    assert re.search(r"pcl-5\.yaml:\d+: recall: got nothing, expected a value for this required field",
                     _problems(curriculum_copy))


# ---------------------------------------------------------------- scoring, worked by hand

def total(measure, answers):
    return score_answers(measure, answers)


@pytest.mark.parametrize("answers, expected, band", [
    ([0] * 9, 0, "minimal"),
    ([3] * 9, 27, "severe"),
    ([1, 2, 1, 2, 1, 2, 1, 1, 0], 11, "moderate"),       # 1+2+1+2+1+2+1+1+0 = 11
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),         # band edges (Kroenke 2001): 4 | 5
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
    ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild"),
    ([2, 1, 1, 1, 1, 1, 1, 1, 1], 10, "moderate"),
    ([2, 2, 2, 2, 2, 1, 1, 1, 1], 14, "moderate"),
    ([2, 2, 2, 2, 2, 2, 1, 1, 1], 15, "moderately severe"),
    ([3, 3, 3, 2, 2, 2, 2, 2, 0], 19, "moderately severe"),
    ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "severe"),
])
def test_phq9_totals_and_bands(answers, expected, band):
    score = total(PHQ9, answers)
    assert (score.total, score.band, score.estimated) == (expected, band, False)


def test_phq9_item_10_is_not_part_of_the_total():
    score = total(PHQ9, [0] * 9 + [3])
    assert score.total == 0 and score.items[-1].label == "Extremely difficult"


def test_phq9_prorates_up_to_two_missing_items_but_never_item_9():
    """Arrieta 2017 (qscorer): up to 2 missing items take the mean of the answered ones."""
    one = total(PHQ9, [2, 2, 2, 2, 2, 2, 2, None, 0])      # 14 / 8 * 9 = 15.75 -> 15.8, band of 16
    assert (one.total, one.estimated, one.band, one.missing) == (15.8, True, "moderately severe", (8,))
    two = total(PHQ9, [3, 3, None, None, 3, 3, 3, 3, 0])   # 18 / 7 * 9 = 23.14 -> 23.1
    assert (two.total, two.band) == (23.1, "severe")
    assert total(PHQ9, [3, None, None, None, 3, 3, 3, 3, 0]).total is None  # three missing: no total
    nine = total(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, None])
    assert nine.total is None and nine.follow_up_needed and nine.safety[0].kind == "unanswered"
    assert "no total" in " ".join(nine.notes)


@pytest.mark.parametrize("answers, expected, band", [
    ([0] * 7, 0, "minimal"), ([3] * 7, 21, "severe"),
    ([1, 1, 2, 1, 1, 2, 1], 9, "mild"), ([2, 2, 1, 1, 1, 2, 1], 10, "moderate"),
    ([2, 2, 2, 2, 2, 2, 2], 14, "moderate"), ([3, 2, 2, 2, 2, 2, 2], 15, "severe"),
    ([1, 1, 1, 1, 1, 0, 0], 5, "mild"),
])
def test_gad7_totals_and_bands(answers, expected, band):
    score = total(GAD7, answers)
    assert (score.total, score.band) == (expected, band)


def test_gad7_with_a_missing_item_has_no_total():
    score = total(GAD7, [1, 1, None, 1, 1, 1, 1])
    assert score.total is None and score.band is None and "no total" in score.notes[0]


def test_pcl5_minimum_maximum_and_clusters():
    low = total(PCL5, [0] * 20)
    assert (low.total, low.band, low.pattern) == (0, "below the provisional cut-off", False)
    high = total(PCL5, [4] * 20)
    assert high.total == 80 and high.band.startswith("at or above the provisional cut-off")
    assert [s.value for s in high.subscales] == [20, 8, 28, 24]


def test_pcl5_middle_case_pattern_can_be_present_below_the_cut_off():
    # B 2+1+0+3+1 = 7, C 2+0 = 2, D 0+1+2+2+0+1+0 = 6, E 3+2+0+1+1+0 = 7; total 22.
    # Endorsed (>= 2): B items 1 and 4, C item 6, D items 10 and 11, E items 15 and 16 -> 1B, 1C, 2D, 2E.
    score = total(PCL5, [2, 1, 0, 3, 1, 2, 0, 0, 1, 2, 2, 0, 1, 0, 3, 2, 0, 1, 1, 0])
    assert score.total == 22 and [s.value for s in score.subscales] == [7, 2, 6, 7]
    assert score.band == "below the provisional cut-off" and score.pattern is True


def test_pcl5_cut_off_edges():
    assert total(PCL5, [2] * 15 + [0] * 5).band == "below the provisional cut-off"        # 30
    assert total(PCL5, [2] * 15 + [1, 0, 0, 0, 0]).band.startswith("at or above")          # 31


def test_pcl5_missing_item_leaves_no_total_but_keeps_complete_clusters():
    score = total(PCL5, [1] * 5 + [None] + [1] * 14)
    assert score.total is None
    assert [s.value for s in score.subscales] == [5, None, 7, 6]


@pytest.mark.parametrize("answers, expected, band", [
    ([0] * 5, 0, "below 15"), ([6] * 5, 30, None), ([3, 2, 4, 1, 4], 14, "below 15"), ([3, 3, 3, 3, 3], 15, None),
])
def test_pacs_totals_and_the_hartwell_cut_off(answers, expected, band):
    score = total(PACS, answers)
    assert score.total == expected
    assert score.band == band if band else score.band.startswith("15 or more")


def test_pacs_missing_and_out_of_range():
    assert total(PACS, [1, 1, None, 1, 1]).total is None
    with pytest.raises(AnswerError, match=r"PACS item 2: got 7, expected a whole number from 0 to 6"):
        total(PACS, [1, 7, 1, 1, 1])


def test_bam_subscales_have_no_total():
    """Use = 4+5+6, Risk = 1+2+3+8+11+15, Protective = 9+10+12+13+14+16; item 17 stands alone."""
    low = total(BAM, [0] * 16)
    assert low.total is None and [s.value for s in low.subscales] == [0, 0, 0]
    high = total(BAM, [4] * 16)
    assert [s.value for s in high.subscales] == [12, 24, 24]
    # items 1..6, 8..17 in order:
    answers = [1, 2, 3, 1, 0, 2, 3, 2, 1, 0, 4, 2, 4, 1, 3, 2]
    middle = total(BAM, answers)
    # use 1+0+2 = 3; risk 1+2+3+3(item 8)+0(item 11)+1(item 15) = 10; protective 2+1+4+2+4+3 = 16
    assert [s.value for s in middle.subscales] == [3, 10, 16]
    assert middle.items[-1].number == 17 and middle.items[-1].value == 2


def test_bam_missing_item_blanks_only_its_subscale_and_item_14_is_no_or_yes():
    score = total(BAM, [1, None, 3, 1, 0, 2, 3, 2, 1, 0, 4, 2, 4, 1, 3, 2])
    assert [s.value for s in score.subscales] == [3, None, 16]
    with pytest.raises(AnswerError, match=r"BAM item 14: got 2, expected one of 0, 4"):
        total(BAM, [0] * 12 + [2] + [0] * 3)
    with pytest.raises(AnswerError, match=r"BAM answers: got 17, expected 16"):
        total(BAM, [0] * 17)


@pytest.mark.parametrize("name, answers, bad", [
    ("readiness-ruler", [7, 4], [11, 4]), ("check-in", [3, 6], [3, -1]), ("happiness-scale", [5] * 11, [0] + [5] * 10),
])
def test_ratings_have_items_but_no_total(name, answers, bad):
    measure = MEASURES.get(name)
    score = total(measure, answers)
    assert score.total is None and [i.value for i in score.items] == answers and not score.safety
    with pytest.raises(AnswerError):
        total(measure, bad)


def test_bad_answers_are_refused_with_every_problem_listed():
    with pytest.raises(AnswerError) as info:
        total(PHQ9, [0, 1, 4, 0, 0, 0, 0, 0, 9])
    message = str(info.value)
    assert "PHQ-9 item 3: got 4, expected a whole number from 0 to 3" in message
    assert "PHQ-9 item 9: got 9" in message and "Nothing was scored" in message
    with pytest.raises(AnswerError, match="got 8, expected 9 or 10"):
        total(PHQ9, [0] * 8)
    with pytest.raises(AnswerError, match=r'answer 2: got "1.5", expected a whole number'):
        parse_answers("0,1.5,2")
    assert parse_answers("0, 1,-, 3") == [0, 1, None, 3] and parse_answers("0 1 2") == [0, 1, 2]


def test_an_unknown_measure_and_a_restricted_one_say_where_to_look():
    with pytest.raises(UnknownMeasureError, match="There is no measure called \"PHQ-8\""):
        MEASURES.get("PHQ-8")
    with pytest.raises(UnknownMeasureError, match="individual-use licence"):
        MEASURES.get("ors")
    assert MEASURES.get("phq9") is PHQ9


# ---------------------------------------------------------------- safety on every entry path

def test_library_flags_phq9_item_9_above_zero():
    for value in (1, 2, 3):
        score = total(PHQ9, [0] * 8 + [value])
        assert score.follow_up_needed and score.safety[0].kind == "endorsed" and score.safety[0].item == 9
    assert not total(PHQ9, [3] * 8 + [0]).follow_up_needed


def test_cli_prints_the_safety_prompt_on_stderr_even_with_quiet():
    result = run_cli("measures", "score", "PHQ-9", "--answers", "0,0,0,0,0,0,0,0,1", "--quiet")
    assert result.returncode == 3, result.stderr
    assert "SAFETY FOLLOW-UP NEEDED TODAY" in result.stderr
    for line in ("988", "911", "1-800-662-4357", "Text HOME to 741741", "A clinician sees the person today"):
        assert line in result.stderr
    assert result.stdout.strip() == "PHQ-9: 1 of 27, minimal"
    blank = run_cli("measures", "score", "PHQ-9", "--answers", "0,0,0,0,0,0,0,0,-")
    assert blank.returncode == 3 and "was left blank" in blank.stderr and "Ask the person" in blank.stderr


def test_cli_has_no_setting_that_hides_the_prompt():
    from iopkit.app import measures_cli as cli
    from iopkit.measures import safety

    text = Path(cli.__file__).read_text() + Path(safety.__file__).read_text()
    assert not re.search(r"--no-safety|--no-alert|IOPKIT_\w*SAFETY", text)
    result = run_cli("measures", "score", "PHQ-9", "--answers", "3,3,3,3,3,3,3,3,3", "--no-safety")
    assert result.returncode == 2  # argparse refuses the unknown option; nothing is scored


def test_tablet_shows_a_banner_that_must_be_acknowledged():
    from iopkit.measures.tablet import TabletForm

    received = []
    form = TabletForm(PHQ9, MEASURES, on_submit=received.append)
    for buttons, value in zip(form.buttons, [0, 0, 0, 0, 0, 0, 0, 0, 2]):
        buttons.value = value
    form.submit()
    assert received[0].follow_up_needed
    assert "Safety follow-up needed today" in form.banner.value and "988" in form.banner.value
    assert form.form.layout.display == "none" and form.acknowledge.layout.display == ""
    form.acknowledged()
    assert form.banner.value == "" and form.form.layout.display == ""


def test_summary_lists_every_safety_item():
    from iopkit.measures.progress import Administration
    from iopkit.measures.summary import summary_html

    html = summary_html("R-17", [Administration(MONDAY, total(PHQ9, [1] * 8 + [1]))], MEASURES, MONDAY)
    assert "Safety items" in html and "PHQ-9 item 9" in html


# ---------------------------------------------------------------- the command line

def test_cli_scores_without_storing_and_lists_where_to_get_restricted_measures(tmp_path):
    result = run_cli("measures", "score", "gad-7", "--answers", "1,1,2,1,1,2,1", cwd=tmp_path)
    assert result.returncode == 0 and "Total: 9 of 21, mild" in result.stdout and "Nothing was stored." in result.stdout
    assert list(tmp_path.iterdir()) == []
    listing = run_cli("measures", "list")
    assert "ORS" in listing.stdout and "SRS" in listing.stdout and "Get a licence" in listing.stdout


@pytest.mark.parametrize("args, message", [
    (["score", "PHQ-8", "--answers", "0"], 'There is no measure called "PHQ-8"'),
    (["score", "PHQ-9", "--answers", "0,1"], "got 2, expected 9 or 10"),
    (["score", "PHQ-9", "--answers", "0,0,0,0,0,0,0,0,5"], "item 9: got 5"),
    (["score", "ORS", "--answers", "5"], "never renders it"),
    (["form", "BAM", "--pdf", "x.pdf"], "does not print the BAM form"),
])
def test_cli_bad_input_is_a_plain_message_and_exit_2(tmp_path, args, message):
    result = run_cli("measures", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- printed forms

def _font_sizes(path: Path) -> list[float]:
    from pypdf import PdfReader

    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * abs(tm[3]) * abs(cm[3]))

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.slow
def test_printed_forms_regular_and_large_print(tmp_path):
    from iopkit.measures.forms import form_pdf

    regular, large = tmp_path / "phq9.pdf", tmp_path / "phq9-large.pdf"
    regular.write_bytes(form_pdf(PHQ9, MEASURES))
    large.write_bytes(form_pdf(PHQ9, MEASURES, large_print=True))
    text = " ".join(pdf_text(regular).split())
    assert "better off dead" in text and "Pfizer" in text and "988" in text
    assert min(_font_sizes(large)) >= 18 > min(_font_sizes(regular))


def test_form_html_escapes_text():
    from iopkit.measures.forms import form_html

    html = form_html(PCL5, MEASURES)
    assert "&#34;superalert&#34;" in html or "&quot;superalert&quot;" in html


# ---------------------------------------------------------------- the tablet leaves nothing behind

def test_tablet_clears_the_screen_and_keeps_no_answers_in_widget_state(capsys):
    from ipywidgets.embed import dependency_state

    from iopkit.measures.tablet import TabletForm

    received = []
    form = TabletForm(GAD7, MEASURES, on_submit=received.append)
    for buttons, value in zip(form.buttons, [3, 2, 3, 2, 3, 2, 3, 1]):
        buttons.value = value
    form.submit()
    assert received[0].total == 18 and received[0].band == "severe"
    state = dependency_state([form.root], drop_defaults=False)  # what a saved notebook would hold
    toggles = [w["state"] for w in state.values() if w["model_name"] == "ToggleButtonsModel"]
    assert len(toggles) == 8 and all(t.get("index") is None for t in toggles)
    dumped = json.dumps(state)
    shown = [w["state"].get("value") or "" for w in state.values() if w["model_name"] == "HTMLModel"]
    assert any("screen is clear" in html for html in shown)
    assert not any(re.search(r"\b18\b", re.sub(r"<style>.*?</style>", "", html, flags=re.S)) for html in shown)
    assert "severe" not in dumped and "Total" not in dumped and "Safety" not in dumped
    assert form.answers() == [None] * 8
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""  # nothing reaches a cell's output


def test_tablet_still_clears_when_saving_fails():
    from iopkit.measures.tablet import TabletForm

    def broken(score):
        raise OSError("disk full")

    form = TabletForm(GAD7, MEASURES, on_submit=broken)
    form.buttons[0].value = 2
    form.submit()
    assert form.answers() == [None] * 8 and "could not be saved" in form.message.value


# ---------------------------------------------------------------- schedule

@pytest.mark.parametrize("today, expected", [
    (MONDAY - dt.timedelta(days=1), []),
    (MONDAY, ["BAM-IOP", "PHQ-9", "GAD-7", "PCL-5"]),          # day 0: everything at entry
    (week(1), ["BAM-IOP"]),                                     # day 7: weekly only
    (week(1) + dt.timedelta(days=3), ["BAM-IOP"]),
    (week(2), ["BAM-IOP", "PHQ-9", "GAD-7"]),                   # day 14: every two weeks
    (week(3), ["BAM-IOP"]),
    (week(4), ["BAM-IOP", "PHQ-9", "GAD-7", "PCL-5"]),          # day 28: monthly
])
def test_default_schedule_due(today, expected):
    from iopkit.measures.schedule import due

    assert due(MEASURES.schedule, MONDAY, today) == expected


def test_a_measure_given_in_its_window_is_no_longer_due():
    from iopkit.measures.schedule import due

    assert due(MEASURES.schedule, MONDAY, week(2) + dt.timedelta(days=2),
               given={"PHQ-9": week(2), "BAM-IOP": week(2) + dt.timedelta(days=1)}) == ["GAD-7"]
    assert due(MEASURES.schedule, MONDAY, week(2), given={"PHQ-9": MONDAY}) == ["BAM-IOP", "PHQ-9", "GAD-7"]


# ---------------------------------------------------------------- progress and charts

def _phq(total_: int) -> list[int]:
    """Nine answers adding up to ``total_`` with item 9 at 0."""
    answers, left = [0] * 9, total_
    for i in range(8):
        answers[i] = min(3, left)
        left -= answers[i]
    assert left == 0
    return answers


def test_reliable_change_and_not_on_track():
    from iopkit.measures.progress import Administration, change, not_on_track

    assert change(PHQ9, 14, 9).reliable and change(PHQ9, 14, 9).better      # 5 points = Löwe 2004 MCID
    assert not change(PHQ9, 14, 10).reliable
    assert change(GAD7, 12, 8).reliable is None                               # no published value
    worse = [Administration(MONDAY, total(PHQ9, _phq(12))), Administration(week(1), total(PHQ9, _phq(17)))]
    assert "5 points worse" in not_on_track(PHQ9, worse)[0]
    flat = [Administration(MONDAY, total(PHQ9, _phq(12))), Administration(week(3), total(PHQ9, _phq(12)))]
    assert "has not improved after 3 weeks" in not_on_track(PHQ9, flat)[0]
    early = [Administration(MONDAY, total(PHQ9, _phq(12))), Administration(week(2), total(PHQ9, _phq(12)))]
    assert not_on_track(PHQ9, early) == []
    better = flat[:1] + [Administration(week(3), total(PHQ9, _phq(11)))]
    assert not_on_track(PHQ9, better) == []
    low = [Administration(MONDAY, total(PHQ9, _phq(3))), Administration(week(4), total(PHQ9, _phq(3)))]
    assert not_on_track(PHQ9, low) == []                                      # minimal: nothing to improve


def test_chart_is_valid_svg_with_reliable_change_marked():
    import xml.etree.ElementTree as ET

    from iopkit.measures.progress import Administration, chart_svg

    rows = [Administration(week(n), total(PHQ9, _phq(v))) for n, v in ((0, 18), (2, 16), (4, 12))]
    svg = chart_svg(PHQ9, rows)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg.count('r="3.5"') == 3 and ">better<" in svg and "PHQ-9 total over time" in svg


# ---------------------------------------------------------------- suppression

def _determined(table, hidden) -> list:
    """Hidden cells that the published totals pin down exactly (linear algebra over the lines)."""
    import numpy as np

    keys = sorted(hidden)
    index = {k: i for i, k in enumerate(keys)}
    lines = [[(r, c) for c in table.columns] for r in table.rows] + [[(r, c) for r in table.rows] for c in table.columns]
    matrix = []
    for line in lines:
        # In each line, the interior cells add up to the total (last cell).
        row = [0.0] * len(keys)
        for k in line[:-1]:
            if k in index:
                row[index[k]] += 1
        if line[-1] in index:
            row[index[line[-1]]] -= 1
        matrix.append(row)
    a = np.array(matrix)
    rank = np.linalg.matrix_rank(a)
    out = []
    for k, i in index.items():
        unit = np.zeros(len(keys))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.append(k)
    return out


@pytest.mark.parametrize("counts", [
    {"Improved": {"A": 25, "B": 4, "C": 30}, "No change": {"A": 40, "B": 22, "C": 0}, "Worse": {"A": 15, "B": 18, "C": 12}},
    {"Improved": {"A": 3, "B": 40}, "Worse": {"A": 50, "B": 60}},
    {"Improved": {"A": 12, "B": 40}, "Worse": {"A": 50, "B": 60}},
    {"Improved": {"A": 1, "B": 2}, "Worse": {"A": 3, "B": 4}},
])
def test_small_cells_are_hidden_and_cannot_be_worked_out(counts):
    from iopkit.measures.suppress import render, suppress_table

    table = suppress_table(counts)
    for key, value in table.values.items():
        if value is not None:
            assert not 1 <= value <= 10, key
    hidden = {k for k, v in table.values.items() if v is None}
    assert _determined(table, hidden) == []
    text = render(table).rsplit("\n", 1)[0]  # the table without its legend
    assert all(str(v) not in text.split() for r, row in counts.items() for v in row.values() if 1 <= v <= 10)


def test_large_counts_and_zeros_are_shown():
    from iopkit.measures.suppress import suppress_table

    table = suppress_table({"Improved": {"A": 12, "B": 0}, "Worse": {"A": 50, "B": 60}})
    assert table.cell("Improved", "B") == 0 and table.cell("Total", "Total") == 122 and not table.complementary


# ---------------------------------------------------------------- outcomes summary

@pytest.mark.slow
def test_outcomes_summary_is_one_page_with_the_part2_notice(tmp_path):
    from pypdf import PdfReader

    from iopkit.measures.progress import Administration
    from iopkit.measures.summary import summary_pdf

    rows = [Administration(week(n), total(PHQ9, _phq(v))) for n, v in ((0, 16), (2, 14), (4, 9))]
    rows += [Administration(week(n), total(GAD7, a)) for n, a in ((0, [2] * 7), (2, [2] * 7), (4, [2] * 7))]
    rows += [Administration(week(0), total(PCL5, [2] * 20)), Administration(week(4), total(PCL5, [1] * 20))]
    rows += [Administration(week(4), total(BAM, [1] * 12 + [4] + [1] * 3))]
    path = tmp_path / "summary.pdf"
    path.write_bytes(summary_pdf("Client R-17", rows, MEASURES, prepared=week(4)))
    assert len(PdfReader(str(path)).pages) == 1
    text = " ".join(pdf_text(path).split())
    assert "Client R-17" in text and "42 CFR part 2" in text and "Not on track" in text
    assert "GAD-7 has not improved after 4 weeks" in text and "7 points better" in text
    assert "No total is used" in text


def test_summary_needs_a_pseudonym_and_administrations():
    from iopkit.measures.summary import summary_context

    with pytest.raises(ValueError):
        summary_context(" ", [], MEASURES)


# ---------------------------------------------------------------- a month for a synthetic group

def _synthetic_group():
    """30 people in 3 groups, measured on the default schedule for 4 weeks (no names, pseudonyms only)."""
    from iopkit.measures.progress import Administration
    from iopkit.measures.schedule import due

    people, group_of = {}, {}
    paths = {0: (16, 14, 9), 1: (12, 12, 13), 2: (10, 15, 17)}  # better, flat, worse (PHQ-9 totals)
    for n in range(30):
        who = f"P-{n:02d}"
        group_of[who] = "ABC"[n % 3]
        start, middle, end = paths[n % 3] if n < 27 else (14, 13, 12)
        rows = []
        for day_number in range(0, 29):
            day = MONDAY + dt.timedelta(days=day_number)
            given = {a.score.measure: a.day for a in rows}
            for measure_id in due(MEASURES.schedule, MONDAY, day, given):
                if measure_id == "PHQ-9":
                    value = start if day_number < 14 else middle if day_number < 28 else end
                    rows.append(Administration(day, total(PHQ9, _phq(value))))
        people[who] = rows
    return people, group_of


def test_a_month_for_a_synthetic_group_flags_who_is_not_on_track():
    from iopkit.measures.caseload import not_on_track_list

    people, _ = _synthetic_group()
    assert [len(rows) for rows in people.values()] == [3] * 30          # day 0, 14 and 28
    flagged = not_on_track_list(MEASURES, people)
    # Flat (12 -> 13) and worse (10 -> 17) people are flagged; improving ones and the last three are not.
    assert sorted(flagged) == [f"P-{n:02d}" for n in range(27) if n % 3 != 0]
    assert any("7 points worse" in reason for reason in flagged["P-02"])


def test_the_directors_table_holds_no_small_cells_and_no_pseudonyms():
    from iopkit.measures.caseload import outcome_table
    from iopkit.measures.suppress import render

    people, group_of = _synthetic_group()
    table = outcome_table(PHQ9, people, group_of)
    # Hand count: A = 9 reliably better (16 -> 9) + 1 no reliable change (P-27: 14 -> 12); B = 10 no reliable
    # change (12 -> 13, and P-28); C = 9 reliably worse (10 -> 17) + 1 (P-29). Every group total is 10, so
    # hidden; only the 12 with no reliable change and the 30 in all are shown.
    shown = {k: v for k, v in table.values.items() if v not in (None, 0)}
    assert shown == {("No reliable change", "Total"): 12, ("Total", "Total"): 30}
    assert all(v is None or not 1 <= v <= 10 for v in table.values.values())
    text = render(table)
    assert "P-0" not in text and "Reliably better" in text
