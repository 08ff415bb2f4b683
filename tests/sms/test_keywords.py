"""Unit tests: which whole messages are STOP/START/HELP keywords, and the channel's own wording file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.sms.keywords import (
    HELP,
    MESSAGES_FILE,
    OPT_IN,
    OPT_OUT,
    SmsMessagesError,
    channel_messages,
    check_messages,
    keyword_of,
)
from bot.content import gsm7


@pytest.mark.parametrize(
    "body, expected",
    [
        *((word, OPT_OUT) for word in ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")),
        *((word, OPT_OUT) for word in ("stop", " Stop ", "stop.", "STOP!", "\tquit\n", "Unsubscribe", "stopAll")),
        *((word, OPT_IN) for word in ("START", "start", "UNSTOP", " unstop. ")),
        *((word, HELP) for word in ("HELP", "help", "Help?", "INFO", "info")),
    ],
)
def test_whole_message_keywords(body: str, expected: str) -> None:
    assert keyword_of(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "I need to stop working nights",
        "stop please",
        "please stop",
        "don't stop",
        "STOP IT",
        "s t o p",
        "stops",
        "start over",
        "help me",
        "more info",
        "the end",
        "quit smoking",
        "cancel that",
        "?",
        "",
        "   ",
        "1",
        "unstoppable",
    ],
)
def test_anything_else_is_an_answer(body: str) -> None:
    assert keyword_of(body) is None


@pytest.mark.parametrize(
    "opt_out_type, expected", [("STOP", OPT_OUT), ("start", OPT_IN), ("HELP", HELP), ("", None), ("OTHER", None)]
)
def test_twilio_advanced_opt_out_type_wins(opt_out_type: str, expected: str | None) -> None:
    assert keyword_of("NOPE", opt_out_type) == expected


def test_channel_wording_is_one_gsm7_segment_each() -> None:
    messages = channel_messages()
    assert set(messages) == {"help", "opted_in"}
    for text in messages.values():
        assert gsm7.is_gsm7(text) and gsm7.segments(text) == 1
    assert "Nova Scotia Works" in messages["help"] and "STOP" in messages["help"]
    assert MESSAGES_FILE.name == "messages.yml" and MESSAGES_FILE.parent.name == "sms"


@pytest.mark.parametrize(
    "messages, error",
    [
        ({"help": "ok"}, "'opted_in' is missing"),
        ({"help": "Curly \u2019quote\u2019", "opted_in": "ok"}, "'help' has characters outside GSM-7"),
        ({"help": "x" * 161, "opted_in": "ok"}, "'help' is longer than one SMS"),
    ],
)
def test_bad_wording_is_refused(messages: dict, error: str) -> None:
    with pytest.raises(SmsMessagesError, match=error):
        check_messages(messages)


def test_wording_is_reread_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "sms_messages.yml"
    path.write_text('help: "First"\nopted_in: "Back"\n')
    assert channel_messages(path)["help"] == "First"
    path.write_text('help: "Second, longer"\nopted_in: "Back"\n')
    assert channel_messages(path)["help"] == "Second, longer"


def test_a_broken_edit_keeps_the_last_good_wording(tmp_path: Path) -> None:
    path = tmp_path / "sms_messages.yml"
    path.write_text('help: "Good"\nopted_in: "Back"\n')
    assert channel_messages(path)["help"] == "Good"
    path.write_text('help: "Bad \u2014 dash, and longer"\nopted_in: "Back"\n')
    assert channel_messages(path)["help"] == "Good"
    never_good = tmp_path / "never_good.yml"  # with no earlier good version, the error surfaces (at channel start)
    never_good.write_text('help: "x"\n')
    with pytest.raises(SmsMessagesError, match="'opted_in' is missing"):
        channel_messages(never_good)


def test_french_carrier_keywords() -> None:
    from bot.channels.sms.keywords import HELP, OPT_OUT, keyword_language, keyword_of

    assert [keyword_of(w) for w in ("ARRET", "Arrêt.", "aide", "AIDE!")] == [OPT_OUT, OPT_OUT, HELP, HELP]
    assert [keyword_language(w) for w in ("ARRÊT", "aide", "HELP", "stop")] == ["fr", "fr", None, None]
    assert keyword_of("arrêt de travail de nuit") is None  # only the whole message


def test_french_channel_messages_are_checked_like_the_english_ones() -> None:
    from bot.channels.sms.keywords import channel_messages

    english, french = channel_messages(language="en"), channel_messages(language="fr")
    assert set(english) == set(french) and french != english
    assert "ARRET" in french["help"] and "STOP" in english["help"]
