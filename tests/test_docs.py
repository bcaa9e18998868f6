"""The documentation a counselor reads matches the tool: every command has help and is in the README."""
from __future__ import annotations

import re

from conftest import ROOT, run_cli

from iopkit.app.cli import _parser


def commands() -> list[str]:
    sub = next(a for a in _parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return list(sub.choices)


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in commands():
        result = run_cli(name, "--help")
        assert result.returncode == 0 and "usage: iopkit" in result.stdout
        assert f"iopkit {name}" in readme, f"`iopkit {name}` is not in the README"


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", setup, re.S)
    assert len(blocks) == 2 and all(len(b.strip().splitlines()) == 1 for b in blocks)
    install_build, test = (b.strip() for b in blocks)
    assert "pip install ." in install_build and "iopkit build cohorts/example.toml" in install_build
    # Install, make the program folder, build inside it (issue 14: the curriculum a counselor edits is the one used).
    assert install_build.index("pip install .") < install_build.index("iopkit init clinic") \
        < install_build.index("cd clinic") < install_build.index("iopkit build cohorts/example.toml")
    assert test in (ROOT / ".ci" / "run").read_text() or "tests/run.sh" in (ROOT / ".ci" / "run").read_text()


def test_coverage_page_is_current():
    """docs/coverage.md is generated from the session files; regenerate it with `iopkit coverage --markdown`."""
    from iopkit.content.coverage import coverage_map, render_markdown
    from iopkit.content.curriculum import load_curriculum

    assert (ROOT / "docs" / "coverage.md").read_text() == render_markdown(coverage_map(load_curriculum()))
