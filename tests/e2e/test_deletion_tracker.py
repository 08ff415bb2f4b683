"""Deletion on request also erases Rasa's own copy of the conversation when trackers are kept in SQL (as in production)."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.content import load_content
from bot.store import migrate
from tests.support.stack import Stack, start_stack

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def sql_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("sqlstack")
    db_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    migrate.upgrade(db_url)
    running = start_stack(workdir, db_url, sql_tracker=True)
    yield running
    running.stop_all()


def tracker_rows(stack: Stack, sender: str) -> int:
    engine = create_engine(f"sqlite:///{stack.tracker_db}")
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar_one()
            )
    finally:
        engine.dispose()


def test_delete_my_answers_erases_the_tracker_events_too(sql_stack: Stack) -> None:
    sender = "rest-erase-me"
    for message in ["hi", "yes", "Looking for work", "2", "1", "I fix bikes and I am good with people"]:
        sql_stack.send(sender, message)
    assert tracker_rows(sql_stack, sender) > 0
    sql_stack.send(sender, "delete my answers")
    replies = sql_stack.send(sender, "yes")
    assert [r["text"] for r in replies] == [load_content().message("delete_done")]
    deadline = time.monotonic() + 30
    while tracker_rows(sql_stack, sender) and time.monotonic() < deadline:
        time.sleep(1)
    assert tracker_rows(sql_stack, sender) == 0
