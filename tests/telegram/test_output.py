"""Sending to Telegram without Rasa: splitting, keyboards, and 403 / 429 / 400 handling against the fake Bot API."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.channels.telegram.client import MAX_RATE_LIMIT_RETRIES, build_bot, secret_matches, webhook_url
from bot.channels.telegram.output import TelegramOutput, keyboard, split_text
from bot.settings import Settings
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import TOKEN

CHAT = "4242"


# ---- splitting ----------------------------------------------------------------------------------
def test_short_text_is_one_piece() -> None:
    assert split_text("Hello\nthere") == ["Hello\nthere"]


def test_text_of_exactly_the_limit_is_one_piece() -> None:
    assert split_text("a" * 4096) == ["a" * 4096]


def test_long_text_is_cut_at_a_line_break_and_nothing_is_lost() -> None:
    lines = [f"Line {n}: " + "word " * 150 for n in range(10)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) == 2
    assert all(len(piece) <= 4096 for piece in pieces)
    assert "\n".join(pieces) == text
    assert pieces[1].startswith("Line ")


def test_a_blank_line_is_preferred_to_a_line_break() -> None:
    text = "A" * 2000 + "\n\n" + "B" * 1000 + "\n" + "C" * 2000
    assert split_text(text) == ["A" * 2000, "B" * 1000 + "\n" + "C" * 2000]


def test_one_long_paragraph_is_cut_after_a_sentence() -> None:
    sentence = "This is one sentence of a long reflection. "
    text = (sentence * 120).strip()
    pieces = split_text(text)
    assert all(len(piece) <= 4096 for piece in pieces)
    assert pieces[0].endswith(".")
    assert " ".join(pieces) == text


def test_text_without_any_break_is_cut_hard() -> None:
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


def test_limit_counts_utf16_units_like_telegram() -> None:
    text = "\U0001f600" * 2100  # each emoji is 2 UTF-16 units: 4200 units
    pieces = split_text(text)
    assert [len(p) for p in pieces] == [2048, 52]
    assert "".join(pieces) == text


def test_blank_text_sends_nothing() -> None:
    assert split_text("") == [] and split_text(" \n ") == []


# ---- keyboards, secrets, urls ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("labels", "rows"),
    [
        (["1", "2", "3", "4", "5"], [["1", "2", "3", "4", "5"]]),
        (["Yes", "No"], [["Yes", "No"]]),
        (["Strength", "Stressor", "Both", "Not sure"], [["Strength", "Stressor"], ["Both", "Not sure"]]),
        (["Looks right", "Change something"], [["Looks right", "Change something"]]),
        (["Both/not sure", "Stressor", "Strength"], [["Both/not sure", "Stressor"], ["Strength"]]),
        (["Skills & competencies", "Capacity & challenge"], [["Skills & competencies"], ["Capacity & challenge"]]),
    ],
)
def test_keyboard_rows_and_one_time(labels: list[str], rows: list[list[str]]) -> None:
    markup = keyboard(labels).to_dict()
    assert [[b["text"] for b in row] for row in markup["keyboard"]] == rows
    assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True


@pytest.mark.parametrize(
    ("received", "expected", "ok"),
    [
        ("s3cret", "s3cret", True),
        ("s3cret", "s3cre", False),
        ("S3CRET", "s3cret", False),
        (None, "s3cret", False),
        ("", "", False),
        (None, "", False),
    ],
)
def test_secret_matches(received: str, expected: str, ok: bool) -> None:
    assert secret_matches(received, expected) is ok


def test_webhook_url_and_missing_token() -> None:
    assert webhook_url("https://bot.example.org/") == "https://bot.example.org/webhooks/telegram/webhook"
    with pytest.raises(ValueError):
        build_bot(Settings())


# ---- sending against the fake Bot API -----------------------------------------------------------
@pytest.fixture
async def bot(fake: FakeBotApi) -> Bot:
    client = build_bot(Settings(telegram_bot_token=TOKEN, telegram_api_base=fake.base_url))
    yield client
    await client.request.shutdown()


class Recorder:
    """Records sleeps (so retry-after waits take no time) and block notices."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.blocked: list[str] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def on_blocked(self, chat_id: str) -> None:
        self.blocked.append(chat_id)


async def send_turn(output: TelegramOutput) -> None:
    """One turn as Rasa delivers it: text, a question with buttons, a summary."""
    await output.send_response(CHAT, {"text": "Thanks."})
    await output.send_response(
        CHAT,
        {
            "text": "Strength or stressor?",
            "buttons": [{"title": "Strength", "payload": "Strength"}, {"title": "Stressor", "payload": "Stressor"}],
        },
    )
    await output.send_response(
        CHAT, {"custom": {"type": "mf_summary", "text": "Your summary\nSkills: welding", "sms_text": "short"}}
    )


async def test_a_turn_is_sent_in_order_with_the_right_markup(fake: FakeBotApi, bot: Bot) -> None:
    await send_turn(TelegramOutput(bot))
    sent = fake.delivered(CHAT)
    assert [m["text"] for m in sent] == ["Thanks.", "Strength or stressor?", "Your summary\nSkills: welding"]
    assert sent[0]["reply_markup"] == {"remove_keyboard": True}
    assert sent[1]["reply_markup"]["keyboard"] == [[{"text": "Strength"}, {"text": "Stressor"}]]
    assert all("parse_mode" not in m for m in sent)


async def test_other_custom_payloads_are_not_sent(fake: FakeBotApi, bot: Bot) -> None:
    await TelegramOutput(bot).send_response(CHAT, {"custom": {"type": "something_else", "text": "x"}})
    assert fake.calls_to("sendMessage") == []


async def test_rate_limit_waits_and_resends_the_same_message(fake: FakeBotApi, bot: Bot) -> None:
    recorder = Recorder()
    fake.rate_limit(1, times=2, after=1)
    await send_turn(TelegramOutput(bot, recorder.on_blocked, sleep=recorder.sleep))
    attempts = fake.calls_to("sendMessage")
    assert [c.status for c in attempts] == [200, 429, 429, 200, 200]
    # PTB's rate limiter waited the second Telegram asked for before each resend of the same message
    assert attempts[2].at - attempts[1].at >= 0.95 and attempts[3].at - attempts[2].at >= 0.95
    assert [c.params["text"] for c in attempts[1:4]] == ["Strength or stressor?"] * 3
    assert [m["text"] for m in fake.delivered(CHAT)] == [
        "Thanks.",
        "Strength or stressor?",
        "Your summary\nSkills: welding",
    ]
    assert recorder.sleeps == []  # no network failure, so no backoff of ours


async def test_endless_rate_limit_gives_up_on_that_message_and_sends_the_next(fake: FakeBotApi, bot: Bot) -> None:
    recorder = Recorder()
    fake.rate_limit(1, times=MAX_RATE_LIMIT_RETRIES + 1)
    output = TelegramOutput(bot, recorder.on_blocked, sleep=recorder.sleep)
    assert await output.send_one(CHAT, "hello", None) is False
    assert len(fake.calls_to("sendMessage")) == MAX_RATE_LIMIT_RETRIES + 1
    assert await output.send_one(CHAT, "next", None) is True
    assert [m["text"] for m in fake.delivered(CHAT)] == ["next"]


async def test_blocked_by_the_user_stops_the_turn_and_reports_the_chat(fake: FakeBotApi, bot: Bot) -> None:
    recorder = Recorder()
    fake.block(CHAT)
    output = TelegramOutput(bot, recorder.on_blocked, sleep=recorder.sleep)
    await send_turn(output)
    assert recorder.blocked == [CHAT]
    assert [c.status for c in fake.calls_to("sendMessage")] == [403]
    assert output.blocked is True


async def test_a_refused_message_is_skipped_and_the_next_is_sent(
    fake: FakeBotApi, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    fake.fail("sendMessage", status=400, description="Bad Request: message text is private words", times=1)
    await send_turn(TelegramOutput(bot, recorder.on_blocked, sleep=recorder.sleep))
    assert [c.status for c in fake.calls_to("sendMessage")] == [400, 200, 200]
    assert recorder.blocked == [] and recorder.sleeps == []
    assert "private words" not in caplog.text and "Thanks." not in caplog.text
    assert "BadRequest" in caplog.text


async def test_server_errors_are_retried_a_few_times(fake: FakeBotApi, bot: Bot) -> None:
    recorder = Recorder()
    fake.fail("sendMessage", status=502, description="Bad Gateway", times=2)
    output = TelegramOutput(bot, recorder.on_blocked, sleep=recorder.sleep)
    assert await output.send_one(CHAT, "hello", None) is True
    assert [c.status for c in fake.calls_to("sendMessage")] == [502, 502, 200]
    assert recorder.sleeps == [1.0, 2.0]
