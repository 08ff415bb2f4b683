"""The phone-time estimate: taps told from typed replies, and minutes added up from the paces it prints."""

from __future__ import annotations

import pytest

from bench.activity_time import SLOW, TYPICAL, Run, _is_tap, _words

BUTTONS = [{"title": "Looking for work", "payload": "/choose_work_seeker"}, {"title": "Hiring", "payload": "/hire"}]


@pytest.mark.parametrize(
    ("reply", "buttons", "tap"),
    [
        ("Hiring", BUTTONS, True),
        (" looking for work ", BUTTONS, True),
        ("/hire", BUTTONS, True),
        ("3 4", BUTTONS, True),
        ("I'm hiring a cook", BUTTONS, False),
        ("3 4", [], False),
        ("Hiring", [], False),
    ],
)
def test_a_reply_is_a_tap_only_when_a_button_says_it(reply: str, buttons: list[dict[str, str]], tap: bool) -> None:
    assert _is_tap(reply, buttons) is tap


def test_minutes_add_reading_typing_thinking_tapping_and_the_bot() -> None:
    run = Run("work seeker", "en", words_read=400, taps=10, typed=6, words_typed=72, bot_seconds=3.0)
    # typical: 400/200 min reading, 72/36 min typing, 6 x 10 s thinking, 10 x 2 s tapping, 3 s of bot
    assert run.minutes(TYPICAL) == pytest.approx(2 + 2 + (60 + 20 + 3) / 60)
    # slow: 400/150 min, 72/20 min, 6 x 20 s, 10 x 3 s, 3 s
    assert run.minutes(SLOW) == pytest.approx(400 / 150 + 72 / 20 + (120 + 30 + 3) / 60)


def test_words_count_french_accented_words_whole() -> None:
    assert _words("Ça m'a aidé, à 18 $/h!") == 7
