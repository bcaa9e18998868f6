"""docs/limits.md lists every limit in toolkit/iopkit/limits.py, with the same numbers."""
from __future__ import annotations

import pytest
import yaml
from conftest import FIXTURES, ROOT

from iopkit import limits
from iopkit.content.curriculum import validate_files
from iopkit.errors import ValidationError

DOC = (ROOT / "docs" / "limits.md").read_text()


def in_words(name: str, value: int) -> list[str]:
    """How the page writes a limit: bytes as KB or MB, millions of pixels, other numbers as they are."""
    if name.endswith("_BYTES"):
        return [f"{value // 1_000_000} MB" if value >= 1_000_000 else f"{value // 1000} KB"]
    if name.endswith("_PIXELS"):
        return [f"{value // 1_000_000}** million", f"{value // 1_000_000} million"]
    return [f"**{value:,}**", f"**{value}**", f"{value:,}"]


@pytest.mark.parametrize("name", [n for n in dir(limits) if n.isupper() and isinstance(getattr(limits, n), int)])
def test_every_limit_is_on_the_page_with_its_number(name):
    value = getattr(limits, name)
    assert any(words in DOC for words in in_words(name, value)), f"{name} = {value} is not in docs/limits.md"


def test_a_key_point_longer_than_the_limit_is_named(tmp_path):
    """One-line fields a participant reads have their own limit, named with the field."""
    data = yaml.safe_load((FIXTURES / "valid" / "13-high-risk-situations.yaml").read_text())
    data["handout"]["key_points"][0] = "A very long point. " * 60
    target = tmp_path / "13-high-risk-situations.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    assert any(": handout, key_points, item 1: got 1,140 characters, expected at most 1,000" in str(p)
               for p in caught.value.problems), caught.value.problems
