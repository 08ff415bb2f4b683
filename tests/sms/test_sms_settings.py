"""Rasa with the repo's credentials.yml: without Twilio settings SMS is off (503), behind a proxy TWILIO_PUBLIC_URL is signed."""

from __future__ import annotations

import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from bot.channels.sms.signing import inbound_params, post, sign
from tests.sms.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    EMPTY_TWIML,
    PROGRAMME_NUMBER,
    WEBHOOK_PATH,
    is_opted_out,
    table_counts,
)
from tests.support.database import DB_NAME, NewDatabase, sqlite_url
from tests.support.stack import REPO, Stack

pytestmark = [pytest.mark.e2e]
PUBLIC_ORIGIN = "https://sms.example.org"
NO_TWILIO = {
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM_NUMBER": "",
    "TWILIO_PUBLIC_URL": "",
    "TWILIO_API_BASE": "",
}


def _rasa_only(workdir: Path, extra_env: dict[str, str]) -> Stack:
    """Rasa alone (no action server: keyword handling and refusals never reach the actions) with the repo's credentials."""
    db_url = sqlite_url(workdir / DB_NAME)
    credentials = workdir / "credentials.yml"
    credentials.write_text((REPO / "credentials.yml").read_text())
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        **NO_TWILIO,
        **extra_env,
    }
    stack = Stack(workdir=workdir, db_url=db_url, env=env, credentials=credentials)
    try:
        stack.start_rasa()
    except BaseException:
        stack.stop_all()
        raise
    return stack


@pytest.fixture(scope="module")
def rasa_pair(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[dict[str, Stack]]:
    """Two Rasa servers started side by side: one with no Twilio settings, one configured as behind a proxy."""
    proxied = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": PROGRAMME_NUMBER,
        "TWILIO_PUBLIC_URL": PUBLIC_ORIGIN,
        "TWILIO_API_BASE": "http://127.0.0.1:9",
    }  # nothing may be sent here
    workdirs = {"off": tmp_path_factory.mktemp("sms-off"), "proxy": tmp_path_factory.mktemp("sms-proxy")}
    for workdir in workdirs.values():
        new_database(workdir / DB_NAME)
    settings = {"off": {}, "proxy": proxied}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_rasa_only, workdirs[name], env) for name, env in settings.items()}
    stacks = {name: future.result() for name, future in futures.items() if future.exception() is None}
    errors = [future.exception() for future in futures.values() if future.exception() is not None]
    if errors:
        for stack in stacks.values():
            stack.stop_all()
        raise errors[0]
    yield stacks
    for stack in stacks.values():
        stack.stop_all()


@pytest.fixture
def rasa_without_twilio(rasa_pair: dict[str, Stack]) -> Stack:
    return rasa_pair["off"]


@pytest.fixture
def rasa_behind_proxy(rasa_pair: dict[str, Stack]) -> Stack:
    return rasa_pair["proxy"]


def test_without_settings_rasa_runs_and_the_sms_webhook_answers_503(rasa_without_twilio: Stack) -> None:
    stack = rasa_without_twilio
    with urllib.request.urlopen(f"{stack.rasa_url}/status", timeout=10) as answer:
        assert answer.status == 200
    url = f"{stack.rasa_url}{WEBHOOK_PATH}"
    params = inbound_params(account_sid=ACCOUNT_SID, from_number="+17825550999", to_number=PROGRAMME_NUMBER, body="hi")
    before = table_counts(stack.db_url)
    reply = post(url, params, sign(url, params, AUTH_TOKEN))
    assert reply.status == 503
    assert (
        reply.body
        == "The SMS channel is off: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER to turn it on."
    )
    assert table_counts(stack.db_url) == before
    with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/twilio_sms/", timeout=10) as answer:
        assert answer.read() == b'{"status":"off"}'


def test_behind_a_proxy_the_public_url_is_what_twilio_signs(rasa_behind_proxy: Stack) -> None:
    stack = rasa_behind_proxy
    local_url = f"{stack.rasa_url}{WEBHOOK_PATH}"
    number = "+17825550998"
    params = inbound_params(account_sid=ACCOUNT_SID, from_number=number, to_number=PROGRAMME_NUMBER, body="STOP")
    before = table_counts(stack.db_url)
    assert post(local_url, params, sign(local_url, params, AUTH_TOKEN)).status == 403
    assert table_counts(stack.db_url) == before
    accepted = post(local_url, params, sign(PUBLIC_ORIGIN + WEBHOOK_PATH, params, AUTH_TOKEN))
    assert (accepted.status, accepted.content_type.split(";")[0], accepted.body) == (200, "text/xml", EMPTY_TWIML)
    assert is_opted_out(stack.db_url, number)
