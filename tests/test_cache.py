"""The caches that only save time never change an answer: a session file kept from an earlier load
is checked again as soon as it, the files its rules read, or the code changes."""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from iopkit.content import curriculum as loader
from iopkit.errors import ValidationError


@pytest.fixture()
def copy(tmp_path):
    dest = tmp_path / "curriculum"
    shutil.copytree(ROOT / "curriculum", dest)
    return dest


def _fresh(root):
    loader._load_cached.cache_clear()
    loader.SESSIONS.forget()  # as another process would: from the cache file
    return loader.load_curriculum(root)


def test_a_kept_session_is_the_same_session(copy):
    first = _fresh(copy)
    assert loader.SESSIONS.path.is_file()
    again = _fresh(copy)
    assert again.sessions[3].model_dump() == first.sessions[3].model_dump()


def test_an_edited_session_file_is_checked_again(copy):
    _fresh(copy)
    session = next((copy / "sessions").glob("03-*.yaml"))
    session.write_text(session.read_text().replace("\nstatus: complete\n", "\nstatus: finished\n", 1))
    with pytest.raises(ValidationError) as found:
        _fresh(copy)
    assert session.name in str(found.value) and "status" in str(found.value)


def test_a_change_to_what_the_rules_read_checks_every_session_again(copy):
    _fresh(copy)
    references = copy / "references.yaml"
    text = references.read_text()
    key = next(line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#")))
    references.write_text(text.replace(f"\n{key}:", f"\n{key}-renamed:", 1) if f"\n{key}:" in text
                          else text.replace(f"{key}:", f"{key}-renamed:", 1))
    with pytest.raises(ValidationError) as found:
        _fresh(copy)
    assert key in str(found.value)
