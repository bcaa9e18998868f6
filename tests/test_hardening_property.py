"""Issue 13, "Also": generated cohorts and session files never make iopkit fall over.

Hypothesis changes one thing at a time in a valid cohort (TOML) or session file (YAML): a
value of another type, text with line breaks or characters from any script, numbers out of
range, dates far away, a missing or unknown field. ``iopkit validate`` must answer every one
with exit 0 or 2 and never a traceback or an "internal problem"; ``iopkit build --sessions 1``
(a handful of examples: it is slow) the same, with nothing half-written.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from iopkit.app import cli

VALID_COHORT = FIXTURES / "cohorts" / "valid.toml"
LOGO = FIXTURES / "cohorts" / "riverbend-logo.png"
VALID_SESSION = FIXTURES / "valid" / "13-high-risk-situations.yaml"


# ---------------------------------------------------------------- writing TOML (no library needed)

def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if value == value and abs(value) != float("inf") else "nan"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def toml_text(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{json.dumps(key)} = {toml_value(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"\n[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- what a careless or hostile user types

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["", " ", "\n", "Group\nEND:VEVENT", "晨间小组 🌅", "../../../etc/hostname", "/etc/passwd",
                     "https://example.org/x.png", "#zzzzzz", "teal", "Feb 30", "9:00 AM", "25:00", "Mondy",
                     "x" * 5000, "US", "ZZ", "America/Nowhere", "logo.svg", "1", "36", "orientation"]),
)
scalars = st.one_of(
    texts, st.integers(min_value=-10**6, max_value=10**12), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), st.times(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=5), st.dictionaries(st.text(max_size=8), scalars, max_size=3))
#: What YAML can write (it has no plain time of day).
yaml_scalars = st.one_of(texts, st.integers(min_value=-10**6, max_value=10**12), st.booleans(), st.none(),
                         st.floats(allow_nan=False, allow_infinity=False),
                         st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
yaml_values = st.one_of(yaml_scalars, st.lists(yaml_scalars, max_size=5),
                        st.dictionaries(st.text(max_size=8), yaml_scalars, max_size=3))
DELETE = object()


def leaf_paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from leaf_paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield prefix + (i,)
            yield from leaf_paths(value, prefix + (i,))


def mutate(data, path, value):
    target = data
    for part in path[:-1]:
        target = target[part]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


def changed_cohort(draw) -> dict:
    data = tomllib.loads(VALID_COHORT.read_text())
    for _ in range(draw(st.integers(1, 3))):
        paths = list(leaf_paths(data))
        path = draw(st.sampled_from(paths))
        value = draw(st.one_of(values, st.just(DELETE)))
        if isinstance(path[-1], str) and value is not DELETE and path[:-1] == () and not isinstance(value, dict):
            value = {"x": value}  # a top-level section stays a table, so the file stays in sections
        mutate(data, path, value)
    return data


def run(args: list[str], cwd: Path, capsys, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_plain(code: int, output: str) -> None:
    event(f"exit {code}")  # --hypothesis-show-statistics: how many were refused and how many passed
    assert code in (0, 2), output
    assert "Traceback" not in output and "internal problem" not in output, output


# ---------------------------------------------------------------- the properties

@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_validate_answers_any_cohort_plainly(data, capsys, monkeypatch):
    cohort = changed_cohort(data.draw)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        shutil.copy(LOGO, folder)
        (folder / "c.toml").write_text(toml_text(cohort), encoding="utf-8")
        code, output = run(["validate", "c.toml"], folder, capsys, monkeypatch)
        assert_plain(code, output)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_validate_answers_any_session_file_plainly(data, capsys, monkeypatch):
    session = yaml.safe_load(VALID_SESSION.read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(leaf_paths(session))))
        mutate(session, path, data.draw(st.one_of(yaml_values, st.just(DELETE))))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        text = yaml.safe_dump(session, allow_unicode=True, sort_keys=False)
        (folder / VALID_SESSION.name).write_text(text, encoding="utf-8")
        code, output = run(["validate", VALID_SESSION.name], folder, capsys, monkeypatch)
        assert_plain(code, output)


#: Fields printed on every page: changing them exercises the build, not only validation. Mostly text a
#: cohort may hold (any script, quotes, ampersands, markup), so most examples get as far as the PDFs.
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)
PRINTED = {("program", "name"): printable, ("cohort", "name"): printable, ("location", "address"): printable,
           ("resources", "clinic_phone"): printable, ("resources", "naloxone"): printable,
           ("cohort", "facilitators"): st.lists(printable, min_size=1, max_size=3),
           ("program", "accent_color"): st.one_of(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True), texts)}


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_build_one_session_of_any_cohort_plainly_and_whole(data, capsys, monkeypatch):
    cohort = tomllib.loads(VALID_COHORT.read_text())
    path = data.draw(st.sampled_from(sorted(PRINTED)))
    mutate(cohort, path, data.draw(st.one_of(PRINTED[path], texts)))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        shutil.copy(LOGO, folder)
        (folder / "c.toml").write_text(toml_text(cohort), encoding="utf-8")
        code, output = run(["build", "c.toml", "--sessions", "1", "--jobs", "1", "--out", "out", "--quiet"],
                           folder, capsys, monkeypatch)
        assert_plain(code, output)
        out = folder / "out"
        if code == 2:
            assert not out.exists(), "a refused cohort wrote files"
        else:
            left = [p.name for p in out.rglob("*") if p.name.startswith(".staging") or p.name.endswith(".tmp")]
            assert left == []
            for name in ("session.ipynb", "facilitator-guide.pdf", "handout.pdf"):
                assert (out / "session-01" / name).stat().st_size > 0
