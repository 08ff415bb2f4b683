"""Deletion on request also erases Rasa's own copy of the conversation when trackers are kept in SQL (as in production)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bot.content import load_content
from tests.support.stack import Stack
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.e2e]


def tracker_rows(stack: Stack, sender: str) -> int:
    engine = create_engine(f"sqlite:///{stack.tracker_db}")
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar_one()
            )
    finally:
        engine.dispose()


def test_delete_my_answers_erases_the_tracker_events_too(stack: Stack) -> None:
    """The package's stack keeps Rasa's trackers in SQL (as production does)."""
    assert stack.sql_tracker
    sender = "rest-erase-me"
    for message in ["hi", "yes", "Looking for work", "2", "1", "I fix bikes and I am good with people"]:
        stack.send(sender, message)
    assert tracker_rows(stack, sender) > 0
    stack.send(sender, "delete my answers")
    replies = stack.send(sender, "yes")
    assert [r["text"] for r in replies] == [load_content().message("delete_done")]
    wait_until(lambda: tracker_rows(stack, sender) == 0, timeout=30, interval=0.5)
    assert tracker_rows(stack, sender) == 0
