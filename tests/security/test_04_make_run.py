"""Finding 4 on the real `make run` stack (scripts/run.sh under supervisord): each process is killed in turn while a
conversation goes on; the conversation carries on after at most one failed reply per kill, every answer is stored once
and in order, and Ctrl-C still stops everything."""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Iterator, Optional

import httpx
import pytest

from bench.load_check import check_database
from bench.participant import PromptBook, make_plan
from bench.security import attacks
from bench.security.profiles import Running, start_embedded, stop_embedded
from bench.security.target import SupervisedOps, listening_addresses, port_of
from bot.content import load_content
from bot.devtools.fake_twilio import FakeTwilio
from tests.security.conftest import assert_refused
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
KILLS = ("actions", "rasa", "web")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeTwilio) -> Iterator[Running]:
    running = start_embedded(tmp_path_factory.mktemp("make-run"), fake_twilio, AUTH_TOKEN, ACCOUNT_SID)
    yield running
    running.stop()


def send(url: str, sender: str, text: str) -> Optional[list[dict]]:
    """One web chat message; the replies, or None when it failed (what the page shows as 'please send that again')."""
    try:
        response = httpx.post(f"{url}/chat/api/message", json={"sender": sender, "message": text}, timeout=60)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def test_each_process_killed_in_turn_costs_the_conversation_at_most_one_failed_reply(make_run: Running) -> None:
    target, ops = make_run.target, make_run.target.ops
    assert isinstance(ops, SupervisedOps)
    content = load_content()
    book = PromptBook(content)
    plan = make_plan(content, uuid.uuid4().hex, "work_seeker", random.Random(5))
    failures: dict[str, int] = {}
    pending_kills = list(KILLS)
    text, answered, sent = "hi", 0, 0
    while sent < 80:
        if pending_kills and answered in (3, 7, 11):
            name = pending_kills.pop(0)
            before = ops.pids(name)[name]
            ops.kill(name)
            failures[name] = 0
            while (replies := send(target.public_url, plan.sender, text)) is None or book.is_system_error(replies):
                failures[name] += 1
                assert failures[name] <= 1, f"a second failed reply after killing {name}"
                ops.wait_ready()  # "please try again in a moment": the participant waits a moment, then sends again
            ops.wait_ready()
            assert ops.pids(name)[name] != before, f"{name} was restarted by supervisord"
        else:
            replies = send(target.public_url, plan.sender, text)
            assert replies is not None and not book.is_system_error(replies), (
                f"a failed reply without a kill (after {text!r})"
            )
        sent += 1
        if book.finished(replies):
            break
        step = book.question(replies, plan.role)
        assert step is not None, replies
        text, answered = plan.answers[step], answered + 1
    print(f"failed replies per kill: {failures}")
    assert book.finished(replies), "the conversation reached the end"
    assert sorted(failures) == sorted(KILLS) and all(n <= 1 for n in failures.values()), failures
    assert check_database(target.db_url, [plan]) == [], "every answer stored exactly once, in order"


def test_4_kills_are_restarted_by_the_supervisor(make_run: Running) -> None:
    assert_refused(attacks.process_kills(make_run.target))


def test_rasa_and_the_action_server_listen_on_loopback_only(make_run: Running) -> None:
    for url in (*make_run.target.rasa_urls, *make_run.target.action_urls):
        assert listening_addresses(port_of(url)) == {"127.0.0.1"}


def test_ctrl_c_stops_every_process(make_run: Running) -> None:
    ops = make_run.target.ops
    assert isinstance(ops, SupervisedOps)
    pids = [pid for kind in KILLS for pid in ops.pids(kind).values()]
    assert len(pids) == 3
    assert stop_embedded(make_run.process) == 0

    def alive() -> list[int]:
        return [pid for pid in pids if Path(f"/proc/{pid}").exists()]

    wait_until(lambda: not alive(), timeout=5)  # the processes exit a moment after supervisord is stopped
    assert alive() == []
    for url in (*make_run.target.rasa_urls, *make_run.target.action_urls, make_run.target.public_url):
        assert listening_addresses(port_of(url)) == set()
    output = (Path(make_run.env["RUN_DIR"]) / "run.out").read_text()
    assert "Press Ctrl-C to stop." in output and "supervisord stopped" not in output
