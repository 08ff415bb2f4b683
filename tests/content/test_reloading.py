"""ReloadingFiles: a file parsed once per version, re-read after an edit, its last good version kept after a bad one."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.content.reloading import ReloadingFiles


class Bad(ValueError):
    pass


def parse(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "bad" in text:
        raise Bad("line 1: bad")
    return text.upper()


def bump(path: Path, text: str, tick: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(tick, tick))


def test_parsed_once_per_version_then_again_after_an_edit(tmp_path: Path) -> None:
    calls: list[Path] = []
    files = ReloadingFiles(lambda p: (calls.append(p), parse(p))[1], (Bad,))
    path = tmp_path / "w.yml"
    bump(path, "hello", 1_000_000_000)
    assert (files.get(path), files.get(path), len(calls)) == ("HELLO", "HELLO", 1)
    bump(path, "hello again", 2_000_000_000)
    assert (files.get(path), len(calls)) == ("HELLO AGAIN", 2)


def test_a_broken_edit_keeps_the_last_good_version_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = ReloadingFiles(parse, (Bad,))
    path = tmp_path / "w.yml"
    bump(path, "good", 1_000_000_000)
    assert files.get(path) == "GOOD"
    bump(path, "bad edit", 2_000_000_000)
    with caplog.at_level(logging.ERROR):
        assert files.get(path) == "GOOD"
    assert "w.yml rejected, still using the previous version (Bad: line 1: bad)" in caplog.text
    bump(path, "fixed", 3_000_000_000)
    assert files.get(path) == "FIXED"


def test_a_file_that_never_parsed_raises(tmp_path: Path) -> None:
    files = ReloadingFiles(parse, (Bad,))
    path = tmp_path / "w.yml"
    bump(path, "bad from the start", 1_000_000_000)
    with pytest.raises(Bad):
        files.get(path)
    with pytest.raises(FileNotFoundError):
        files.get(tmp_path / "missing.yml")
