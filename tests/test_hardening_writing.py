"""Family 10 of issue 13: what a counselor actually types.

A stigmatizing word inside the spoken script, a list item indented under the one before, a
colon that YAML reads as a field, a cohort with no local resources: each is caught in words
a counselor understands, with the fix. The shipped curriculum still passes.
"""
from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from iopkit.app import cli
from iopkit.content import language
from iopkit.content.curriculum import validate_files
from iopkit.errors import ValidationError

HERE = FIXTURES / "invalid" / "hardening"
NAME = "13-high-risk-situations.yaml"


def problems_for(fixture: str, tmp_path) -> list[str]:
    target = tmp_path / NAME
    shutil.copy(HERE / f"{fixture}.yaml", target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    return [str(p) for p in caught.value.problems]


def test_a_stigmatizing_word_in_the_spoken_script(tmp_path):
    """A quoted line in ``say`` is what the group hears: the label in it is caught."""
    lines = problems_for("stigmatizing-word-in-say", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(':37: agenda, item 1, say: got the word "addict", expected person-first language: '
                             "say person with a substance use disorder")


def test_a_term_quoted_to_correct_it_is_still_allowed_in_speech():
    """"We say 'not using' instead of "clean"" and an "Expect:" list of what people may say stay allowed."""
    assert language.stigmatizing_terms('We say "not using" instead of "clean".', spoken=True) == []
    assert language.stigmatizing_terms('Expect: "I was clean for a year." Write them on the board.', spoken=True) == []
    assert language.stigmatizing_terms('“Every addict here has a story.”', spoken=True) == ["addict"]
    assert language.stigmatizing_terms("Tell them they are not addicts.", spoken=True) == ["addict"]


def test_a_list_item_indented_under_the_one_before(tmp_path):
    """"1. ..." then "   2. ..." prints as one item: say so and how to indent."""
    lines = problems_for("list-item-indented-three-spaces", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(':542: homework: got a list item joined to the one before it ("2. Write your plan"), '
                             'expected every item of the list starting where the first one starts: remove the '
                             'spaces before "2." (indent only the lines that continue an item)')


def test_a_wrapped_sentence_starting_with_a_number_is_not_a_list_item():
    assert language.joined_list_items("You rate eleven areas from 1 to\n10. Compare today with before.") == []
    assert language.joined_list_items("1. one\n2. two") == []
    assert language.joined_list_items("1. one\n   2. two") == ["2. two"]


def test_an_unquoted_colon_in_a_list_item(tmp_path):
    """"- Name: three triggers" becomes a field in YAML: the message says so, not "a table of fields"."""
    lines = problems_for("unquoted-colon-in-a-list-item", tmp_path)
    assert len(lines) == 1
    assert "table of fields" not in lines[0]
    assert lines[0].endswith(':17: objectives, item 1: got text with a colon that YAML read as a field name '
                             '("Name: their own top three to five high-risk situations"), expected text: put the '
                             'whole text in quotes ("Ask: what happened?"), or write | and put the text on the '
                             'next lines, indented')


def test_an_unquoted_second_colon_on_a_line(tmp_path):
    lines = problems_for("unquoted-colon-in-a-title", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(':5: YAML: got a second colon on one line (mapping values are not allowed in this '
                             'context: YAML reads "name: value" as a field), expected valid YAML: text with a colon '
                             'in quotes (title: "Check-in: craving"), or written after a | on the next lines, '
                             'indented')


def test_a_cohort_with_no_local_resources_gets_a_note(capsys, monkeypatch):
    """The handout's "Near you" box would be empty: validate says so and how to fill it (exit 0)."""
    monkeypatch.chdir(FIXTURES / "cohorts" / "hardening")
    assert cli.main(["validate", "ok-no-local-resources.toml"]) == 0
    out = capsys.readouterr().out
    assert ('Note: ok-no-local-resources.toml: resources: nothing local is listed, so the handouts\' "Near you" box '
            "will be empty and only the national lines (988, SAMHSA) will print. Add clinic_phone, local_crisis_line, "
            "naloxone or meetings under [resources] (see cohorts/example.toml).") in out
    assert any(line.startswith("OK:") for line in out.splitlines())


def test_the_shipped_curriculum_passes_the_new_rules(capsys):
    assert cli.main(["validate"]) == 0
