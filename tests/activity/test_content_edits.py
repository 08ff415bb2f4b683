"""Editing the content while people are mid-activity: a broken edit keeps the last good wording; a removed step is skipped."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.content import ContentError
from bot.content.loader import content_path, load_content
from tests.activity.conftest import Chat, question
from tests.support.activity import drive


def test_a_broken_file_with_nothing_cached_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "en.yml"
    path.write_text(content_path("en").read_text().replace('paused: "Paused.', 'paused: "Paused \u2014 ', 1))
    with pytest.raises(ContentError):
        load_content(path=path)


def test_a_removed_step_moves_the_participant_to_the_first_unanswered_question(chat: Chat) -> None:
    drive(chat, until="capacity_reflection")
    content = chat.flow.content
    trimmed = replace(content, steps=tuple(s for s in content.steps if s.id != "capacity_reflection"))
    chat.flow.content = trimmed
    outcome = chat.say("hello")
    assert chat.step() == "capacity_rating"
    assert outcome.messages[-1] == question(trimmed, "capacity_rating", "work_seeker")
