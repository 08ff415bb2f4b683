"""A whole activity on every channel with every process at DEBUG: no participant's words or address reach a log file."""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sqlalchemy import select

from bot.devtools.fake_twilio import FakeTwilio
from bot.devtools.sms_sandbox import Phone
from bot.store.db import session_scope
from bot.store.models import CASE_MANAGER, EES, ActivityRun, ChannelIdentity, Handoff
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER, WEBHOOK_PATH
from tests.staff.seed import Account, add_account, add_site
from tests.support.activity import FACTORS, RATING_REPLIES, RATINGS, activity_script, reflection
from tests.support.database import DB_NAME, NewDatabase
from tests.support.debug_stack import RASA_OWN_LOG, SmtpServer, found_in, log_files, smtp_server, start_debug_stack
from tests.support.stack import REPO, Stack
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import SECRET, TOKEN, post_update

pytestmark = [pytest.mark.e2e]

DEBUG_LINE = re.compile(r"(^|\s|\[)DEBUG(\]|\s)")

PHONE = "+19025550123"  # the SMS participant's number
TYPED_PHONE = "902-555-0188"  # a number a participant types into a reflection
CHAT_ID = "987654321"
TG_USERNAME = "quokka_tg_7741"
TG_FIRST, TG_LAST = "Quentinella", "Quokkasson"
# Work seekers' summaries go to the site's case managers, employers' to its employer engagement specialists.
STAFF = (Account("casey@halifax.example", CASE_MANAGER, "default"), Account("erin@halifax.example", EES, "default"))
ROLES = {"rest": "work_seeker", "webchat": "employer", "sms": "work_seeker", "telegram": "employer"}


def phone_forms(number: str) -> list[str]:
    """+19025550123, 9025550123 and 902-555-0123: how a North American number is written."""
    digits = number.removeprefix("+1")
    return [number, digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"]


def reflections(channel: str) -> dict[str, str]:
    """Each factor's reflection for ``channel``: a marker of its own, an email in one, a typed phone number in another."""
    words = {
        "skills": f"reach me at quokka.{channel}@example.org",
        "capacity": "nights only",
        "pay": f"call me on {TYPED_PHONE} after five",
        "arrangements": "close to the Wombat Street bus",
        "values": "honesty above all",
        "culture": "a kind team, no shouting",
    }
    return {factor: f"{marker(channel, factor)} {words[factor]}" for factor in FACTORS}


def marker(channel: str, factor: str) -> str:
    return f"Quokka{channel[:3].upper()}{FACTORS.index(factor) + 1}-7741"


def personal_data() -> list[str]:
    """Everything that must never be in a log: each reflection as typed and its marker alone, addresses and names."""
    needles = [text for channel in ROLES for text in reflections(channel).values()]
    needles += [marker(channel, factor) for channel in ROLES for factor in FACTORS]
    needles += [f"quokka.{channel}@example.org" for channel in ROLES]
    needles += [*phone_forms(PHONE), *phone_forms("+1" + TYPED_PHONE.replace("-", "")), CHAT_ID, TG_USERNAME]
    return [*needles, TG_FIRST, TG_LAST]


RATING_NUMBERS = {"strength": "1", "stressor": "2", "both": "3", "unsure": "4"}


def script(channel: str) -> list[str]:
    """What the participant on ``channel`` sends: the standard whole activity with this channel's reflections (which
    state no rating, so the rating question the standard words made unnecessary is answered by number)."""
    role = ROLES[channel]
    mine = {reflection(role, factor): (factor, text) for factor, text in reflections(channel).items()}
    sent: list[str] = []
    for turn in activity_script(role):
        factor, text = mine.get(turn.text, (None, turn.text))
        sent.append(text)
        if factor is not None and factor not in RATING_REPLIES:
            sent.append(RATING_NUMBERS[RATINGS[factor]])
    return sent


_update_ids = itertools.count(400_000_000)


def telegram_update(text: str) -> dict[str, Any]:
    """A private-chat text message from a user with a username and a full name."""
    update_id = next(_update_ids)
    person = {"first_name": TG_FIRST, "last_name": TG_LAST, "username": TG_USERNAME}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100_000,
            "date": int(time.time()),
            "chat": {"id": int(CHAT_ID), "type": "private", **person},
            "from": {"id": int(CHAT_ID), "is_bot": False, "language_code": "en", **person},
            "text": text,
        },
    }


def web_message(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    """Send one message through the web app's chat API, as the page does; the bot's replies."""
    request = urllib.request.Request(
        f"{stack.web_url}/chat/api/message",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return list(json.loads(response.read().decode()))


@dataclass
class Run:
    """What the channels' activities left: every log file, the handoff emails, and each channel's external id."""

    logs: dict[str, str]
    emails: list[EmailMessage]
    handed_off: dict[str, bool]


def handed_off(db_url: str, external_id: str) -> bool:
    with session_scope(db_url) as session:
        found = session.execute(
            select(Handoff.id)
            .join(ActivityRun, ActivityRun.id == Handoff.run_id)
            .join(ChannelIdentity, ChannelIdentity.participant_id == ActivityRun.participant_id)
            .where(ChannelIdentity.external_id == external_id)
        ).first()
        return found is not None


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    yield from smtp_server()


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory,
    new_database: NewDatabase,
    fake_twilio: FakeTwilio,
    bot_api: FakeBotApi,
    smtp: SmtpServer,
) -> Run:
    """Every process at DEBUG; a whole activity on REST, web chat, SMS and Telegram; the worker's emails; all stopped."""
    workdir: Path = tmp_path_factory.mktemp("debug-logs")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        add_site(session, "default", "Halifax Works")
        for account in STAFF:
            add_account(session, account)
    env = {
        **fake_twilio.channel_env(PROGRAMME_NUMBER),
        **smtp.env(),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_BASE": bot_api.base_url,
        "PUBLIC_BASE_URL": "http://staff.example.test",
    }
    credentials = (REPO / "credentials.yml").read_text()  # every channel on, as in production
    stack = start_debug_stack(workdir, db_url, extra_env=env, credentials=credentials, web=True, sql_tracker=True)
    web_sender = secrets.token_hex(16)
    rest_sender = f"rest-{secrets.token_hex(4)}"
    phone = Phone(PHONE, stack.rasa_url + WEBHOOK_PATH, AUTH_TOKEN, ACCOUNT_SID, fake_twilio, PROGRAMME_NUMBER)

    def telegram(text: str) -> list[dict[str, Any]]:
        before = len(bot_api.delivered(CHAT_ID))
        assert post_update(stack.rasa_url, telegram_update(text)) == (200, {"status": "ok"})
        return bot_api.delivered(CHAT_ID)[before:]

    senders: dict[str, tuple[str, Callable[[str], list[Any]]]] = {
        "rest": (rest_sender, lambda text: stack.send(rest_sender, text)),
        "webchat": (web_sender, lambda text: web_message(stack, web_sender, text)),
        "sms": (PHONE, phone.text),
        "telegram": (CHAT_ID, telegram),
    }
    try:
        for channel, (_, say) in senders.items():
            for text in script(channel):
                assert say(text), f"{channel}: no reply to {text!r}"
        emails = smtp.mailbox.wait_for(len(senders))
        time.sleep(1.0)  # the worker logs each delivery after the SMTP server has the email
    finally:
        stack.stop_all()
    return Run(
        logs=log_files(workdir),
        emails=emails,
        handed_off={channel: handed_off(db_url, external) for channel, (external, _) in senders.items()},
    )


def test_every_channel_completed_its_activity_and_handed_off(run: Run) -> None:
    assert run.handed_off == {channel: True for channel in ROLES}
    assert len(run.emails) == len(ROLES)


def test_every_process_logged_at_debug_level(run: Run) -> None:
    """The check below means something only if logging was on: each process's file has DEBUG lines."""
    assert set(run.logs) >= {"actions.log", "rasa.log", RASA_OWN_LOG, "web.log", "worker.log"}
    debug_lines = {
        name: sum(DEBUG_LINE.search(line) is not None for line in text.splitlines()) for name, text in run.logs.items()
    }
    assert debug_lines["rasa.log"] > 1000 and debug_lines[RASA_OWN_LOG] > 1000, debug_lines
    assert debug_lines["actions.log"] > 50 and debug_lines["web.log"] > 50, debug_lines
    # Rasa's own debug messages for each message and prediction: the dialogue really ran at DEBUG.
    for name in ("rasa.log", RASA_OWN_LOG):
        assert "Predicted next action 'activity_form'" in run.logs[name]
        assert '"event": "processor.message.parse"' in run.logs[name]
    # Our commands' own logging set-up kept the DEBUG level to the end (the worker has few debug lines of its own;
    # uvicorn ends the web app by its signal, without atexit, but logs the web chat's calls to Rasa at DEBUG).
    for name in ("actions", "worker"):
        assert "bot still logging at DEBUG" in run.logs[f"{name}.log"], name
    assert "DEBUG httpcore.http11 send_request_body.started" in run.logs["web.log"]
    assert "delivered on attempt 1" in run.logs["worker.log"]


def test_no_personal_data_in_any_log_file(run: Run) -> None:
    assert found_in(run.logs, personal_data()) == []


def test_handoff_emails_carry_a_link_and_no_personal_data(run: Run) -> None:
    bodies = [email.get_content() for email in run.emails]
    assert all("http://staff.example.test/staff/handoffs/" in body for body in bodies)
    assert found_in({f"email {i}": body for i, body in enumerate(bodies)}, personal_data()) == []
