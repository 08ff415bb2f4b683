"""Content is data: an edited content file is picked up by the next load, with no restart and no code change."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.content import load_content
from bot.content.loader import content_path

OLD = load_content().step("role").prompt_for(None)
NEW = "Changed by a practitioner: are you looking for work, or hiring?"


def touch_later(path: Path, seconds: int) -> None:
    """Move the file's modification time forward, as a later save by a practitioner would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


@pytest.fixture
def content_file(tmp_path: Path) -> Path:
    path = tmp_path / "en.yml"
    text = content_path("en").read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    path.write_text(text, encoding="utf-8")
    return path


def test_unchanged_file_is_served_from_the_cache(content_file: Path) -> None:
    first = load_content(path=content_file)
    assert load_content(path=content_file) is first


def test_a_changed_prompt_is_loaded_without_restart(content_file: Path) -> None:
    before = load_content(path=content_file)
    assert before.step("role").prompt_for(None) == OLD

    content_file.write_text(content_file.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    touch_later(content_file, 2)
    after = load_content(path=content_file)

    assert after.step("role").prompt_for(None) == NEW
    assert after.version != before.version
    assert before.step("role").prompt_for(None) == OLD  # content already handed out is not changed under anyone


def test_a_broken_edit_is_refused_and_a_fixed_one_is_loaded(
    content_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = load_content(path=content_file)
    good = content_file.read_text(encoding="utf-8")

    content_file.write_text(good.replace(OLD, "Hello \u2014 are you looking for work, or hiring?"), encoding="utf-8")
    touch_later(content_file, 2)
    with caplog.at_level(logging.ERROR, logger="bot.content.loader"):
        # The bot keeps talking with the last good wording and the log says what is wrong with the edit.
        assert load_content(path=content_file) is before
    assert "steps.role.prompt.any: characters outside GSM-7" in caplog.text
    assert "still using the previous version" in caplog.text

    content_file.write_text(good.replace(OLD, NEW), encoding="utf-8")
    touch_later(content_file, 4)
    assert load_content(path=content_file).step("role").prompt_for(None) == NEW


def test_the_real_content_file_is_what_the_bot_loads() -> None:
    assert load_content() is load_content("en")
    assert load_content().language == "en"
