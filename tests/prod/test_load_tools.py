"""The load test's own parts against the real activity engine (no Rasa): the simulated participant, its recovery from
lost replies, and the database check that must catch duplicated, missing or reordered answers."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Callable, Optional

import httpx
import pytest
from sqlalchemy import delete, select, update

from bench.load_check import CHANNEL, check_database
from bench.load_test import WEBHOOK, make_plans
from bench.participant import RESYNC, PromptBook, Result, make_plan, run_participant
from bench.stats import percentile
from bot.activity.flow import ActivityFlow, Incoming
from bot.activity.replies import BotMessage
from bot.content import load_content
from bot.settings import get_settings
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Answer

Fault = Callable[
    [int, str], Optional[str]
]  # (request number, text) -> "lost before", "lost after", "system error" or None


def rest_reply(message: BotMessage) -> dict:
    """A message as Rasa's REST channel returns it."""
    if message.custom is not None:
        return {"recipient_id": "x", "custom": message.custom}
    reply: dict = {"recipient_id": "x", "text": message.text}
    if message.options:
        reply["buttons"] = [{"title": o.label, "payload": o.label} for o in message.options]
    return reply


def engine_transport(db_url: str, fault: Fault, seen: list[str]) -> httpx.MockTransport:
    """A fake web chat endpoint that runs the real engine; ``fault`` may lose the reply before or after saving."""
    content = load_content()
    count = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        body = json.loads(request.content)
        seen.append(body["message"])
        what = fault(count, body["message"])
        if what == "lost before":
            return httpx.Response(502)
        if what == "system error":
            return httpx.Response(200, json=[{"recipient_id": "x", "text": content.message("system_error")}])
        with session_scope(db_url) as session:
            outcome = ActivityFlow(session=session, content=content, settings=get_settings()).handle(
                Incoming(channel=CHANNEL, sender_id=body["sender"], text=body["message"])
            )
        if what == "lost after":
            return httpx.Response(502)
        return httpx.Response(200, json=[rest_reply(m) for m in outcome.messages])

    return httpx.MockTransport(handle)


def run_one(db_url: str, fault: Fault, role: str = "work_seeker", seed: int = 1) -> tuple[Result, list[str]]:
    plan = make_plan(load_content(), f"tool-{role}-{seed}", role, random.Random(seed))
    seen: list[str] = []

    async def go() -> Result:
        async with httpx.AsyncClient(
            transport=engine_transport(db_url, fault, seen), base_url="http://127.0.0.1"
        ) as client:
            return await run_participant(
                client, WEBHOOK, plan, PromptBook(load_content()), deadline=time.monotonic() + 60, backoff=0
            )

    return asyncio.run(go()), seen


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_a_participant_completes_the_activity_and_the_check_passes(db_url: str, role: str) -> None:
    result, seen = run_one(db_url, lambda n, t: None, role)
    assert result.finished and result.errors == [] and result.resyncs == 0
    assert seen == ["hi"] + [result.plan.answers[s] for s in result.plan.order]
    assert check_database(db_url, [result.plan]) == []


@pytest.mark.parametrize("fault", ["lost before", "lost after", "system error"])
def test_lost_replies_never_lose_or_duplicate_an_answer(db_url: str, fault: str) -> None:
    # Replies to the 5th and 12th messages (a rating and a reflection) fail.
    result, seen = run_one(db_url, lambda n, t: fault if n in (5, 12) else None)
    assert result.finished
    assert len(result.errors) == 2
    assert check_database(db_url, [result.plan]) == []
    if fault == "system error":
        assert result.resyncs == 0 and seen[4] == seen[5], "after a system error the same answer is sent again"
    else:
        assert result.resyncs == 2 and seen[5] == RESYNC, (
            "after a lost reply the participant asks for the question again"
        )


def test_the_check_catches_a_duplicated_answer(db_url: str) -> None:
    result, _ = run_one(db_url, lambda n, t: None)
    with session_scope(db_url) as session:
        answer = session.execute(select(Answer).where(Answer.question_id == "pay_reflection")).scalar_one()
        session.add(
            Answer(run_id=answer.run_id, question_id="pay_reflection", factor="pay", text=answer.text, channel=CHANNEL)
        )
        session.execute(update(Answer).where(Answer.id == answer.id).values(superseded_at=answer.created_at))
    problems = check_database(db_url, [result.plan])
    assert any("duplicated ['pay_reflection']" in p for p in problems)
    assert any("pay_reflection was superseded" in p for p in problems)


def test_the_check_catches_a_missing_answer_and_a_wrong_text(db_url: str) -> None:
    result, _ = run_one(db_url, lambda n, t: None)
    with session_scope(db_url) as session:
        session.execute(delete(Answer).where(Answer.question_id == "values_rating"))
        session.execute(update(Answer).where(Answer.question_id == "culture_reflection").values(text="something else"))
    problems = check_database(db_url, [result.plan])
    assert any("missing ['values_rating']" in p for p in problems)
    assert any("culture_reflection is not the one sent" in p for p in problems)
    assert not any("something else" in p for p in problems), "problems never quote answers"


def test_the_check_catches_answers_out_of_order_and_an_unfinished_run(db_url: str) -> None:
    result, _ = run_one(db_url, lambda n, t: None)
    with session_scope(db_url) as session:
        rows = (
            session.execute(
                select(Answer).where(Answer.question_id.in_(["skills_rating", "skills_reflection"])).order_by(Answer.id)
            )
            .scalars()
            .all()
        )
        rows[0].question_id, rows[1].question_id = rows[1].question_id, rows[0].question_id
        rows[0].text, rows[1].text = rows[1].text, rows[0].text
        session.execute(update(ActivityRun).values(status="active"))
    problems = check_database(db_url, [result.plan])
    assert any("answers stored out of order" in p for p in problems)
    assert any("run status 'active'" in p for p in problems)


def test_the_check_reports_a_participant_who_never_arrived(db_url: str) -> None:
    plans = make_plans(2, seed=1)
    assert check_database(db_url, plans) == [f"{p.sender}: 0 channel identities (expected 1)" for p in plans]


def test_plans_cover_every_question_once_with_both_roles() -> None:
    plans = make_plans(4, seed=5)
    content = load_content()
    assert [p.role for p in plans] == ["work_seeker", "employer", "work_seeker", "employer"]
    for plan in plans:
        assert list(plan.order) == [s.id for s in content.steps if s.kind != "fix" and s.applies_to(plan.role)]
    assert len({p.sender for p in plans}) == 4


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([1.0], 99) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(range(101)), 95) == 95
