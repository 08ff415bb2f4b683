"""End to end over the REST webhook with the real Rasa and action servers: whole activities, pause, restarts, export."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Answer, ConsentRecord, Handoff, Summary
from tests.support.activity import (
    ABOUT,
    CONTACT,
    RATINGS,
    REFLECTIONS,
    activity_script,
    closing_texts,
    contact_texts,
    expected_prompt,
    question_texts,
)
from tests.support.stack import REPO, Stack
from tests.support.stored import stored

pytestmark = [pytest.mark.e2e]


def run_for(stack: Stack, sender: str) -> ActivityRun:
    return stored(stack.db_url, "rest", sender).run


def assert_asks(replies: list[dict], question_id: str, role: str | None) -> None:
    texts = question_texts(replies)
    assert texts, f"no reply while expecting {question_id}"
    assert texts[-1] == expected_prompt(question_id, role), texts


def restart_both(stack: Stack) -> None:
    stack.stop("rasa")
    stack.stop("actions")
    stack.start_actions()
    stack.start_rasa()


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_complete_activity_with_pause_restart_and_resume(stack: Stack, role: str) -> None:
    content = load_content()
    sender = f"rest-{role}"
    script = activity_script(role)
    pause_after = 7  # in the middle of the factors
    current_role: str | None = None
    for index, turn in enumerate(script):
        replies = stack.send(sender, turn.text)
        if turn.question_id == "clarity_before":
            current_role = role
        if turn.question_id is None:
            assert question_texts(replies) == closing_texts(content, role)
            assert question_texts(stack.send(sender, CONTACT)) == contact_texts(content, role)
            assert question_texts(stack.send(sender, "yes")) == [content.message("uses_both")]
            break
        if turn.question_id == "review":
            summary = [r["custom"] for r in replies if r.get("custom")]
            assert len(summary) == 1 and summary[0]["type"] == "mf_summary"
            # a plain REST client prints the summary's own text (it used to get text: null)
            assert [r["text"] for r in replies if r.get("custom")] == [summary[0]["text"]]
            for factor_id, words in REFLECTIONS[role].items():
                assert f"{content.factor(factor_id).name} (" in summary[0]["text"]
                assert words in summary[0]["text"]
            assert summary[0]["summary"]["priorities"] == ["pay", "arrangements"]
            assert summary[0]["summary"]["clarity_before"] == 2 and summary[0]["summary"]["clarity_after"] == 4
        assert_asks(replies, turn.question_id, current_role)
        if index == pause_after:
            paused = question_texts(stack.send(sender, "Can we pause please?"))
            assert paused[0] == content.message("paused")
            assert paused[1].startswith("To continue on another device, send this code there: ")
            assert run_for(stack, sender).status == "paused"
            restart_both(stack)
            resumed = stack.send(sender, "hello again")
            assert question_texts(resumed)[0] == content.message("welcome_back")
            assert_asks(resumed, turn.question_id, current_role)

    run = run_for(stack, sender)
    assert run.status == "completed" and run.role == role
    with session_scope(stack.db_url) as session:
        answers = {
            a.question_id: a
            for a in session.execute(
                select(Answer).where(Answer.run_id == run.id, Answer.superseded_at.is_(None))
            ).scalars()
        }
        # Each turn answers the question the previous turn led to; a rating the words stated is saved with them.
        expected = {turn.question_id: answer for turn, answer in zip(script[:-1], script[1:], strict=True)}
        stated = {f"{f}_rating": f for f in RATINGS if f"{f}_rating" not in expected}
        assert set(answers) == set(expected) | set(stated) | {"contact"}
        for question_id, turn in expected.items():
            assert answers[question_id].text == turn.text, question_id
            assert answers[question_id].channel == "rest"
            if question_id.endswith("_reflection") or question_id in ABOUT[role]:
                assert answers[question_id].value is None
            else:
                assert answers[question_id].value == turn.value, question_id
        for question_id, factor in stated.items():
            assert (answers[question_id].text, answers[question_id].value) == (
                REFLECTIONS[role][factor],
                RATINGS[factor],
            )
        assert (answers["contact"].text, answers["contact"].value) == (CONTACT, "given")
        handoff = session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one()
        assert handoff.audience == {"work_seeker": "case_manager", "employer": "ees"}[role]
        assert handoff.status == "new"
        summary = session.get(Summary, handoff.summary_id)
        assert summary.confirmed_at is not None
        assert summary.body["factors"][1]["reflection"] == REFLECTIONS[role]["capacity"]
        consents = (
            session.execute(select(ConsentRecord).where(ConsentRecord.run_id == run.id).order_by(ConsentRecord.id))
            .scalars()
            .all()
        )
        assert [(c.kind, c.granted, c.reply_text) for c in consents] == [
            ("participate", True, "yes"),
            ("share", True, "Yes"),
            ("matching", True, "yes"),
            ("research", True, "yes"),
        ]

    exported = subprocess.run(
        [str(REPO / ".venv/bin/python"), "-m", "bot", "export", "--format", "json"],
        cwd=REPO,
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    )
    records = [r for r in json.loads(exported.stdout)["runs"] if r["run_id"] == run.public_id]
    assert len(records) == 1
    record = records[0]
    exported_answers = {a["question_id"]: a["text"] for a in record["answers"]}
    for factor_id, words in REFLECTIONS[role].items():
        assert exported_answers[f"{factor_id}_reflection"] == words
    assert record["clarity_before"] == 2 and record["clarity_after"] == 4
    for question_id, words in ABOUT[role].items():  # the answers outside the six factors, as typed
        if question_id == "business_name":
            assert question_id not in exported_answers  # it names the business: never in research use
        else:
            assert exported_answers[question_id] == words, question_id
    assert "contact" not in exported_answers
    confidence = (3, 4) if role == "work_seeker" else (None, None)  # employers are not asked it
    assert (record["confidence_before"], record["confidence_after"]) == confidence

    exported_csv = subprocess.run(
        [str(REPO / ".venv/bin/python"), "-m", "bot", "export", "--format", "csv"],
        cwd=REPO,
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = list(csv.DictReader(io.StringIO(exported_csv.stdout)))
    texts = {row["text"] for row in rows if row["run_id"] == run.public_id}
    for words in REFLECTIONS[role].values():
        assert words in texts
    assert CONTACT not in texts and CONTACT not in exported.stdout  # research use: never the contact details


def test_changing_an_answer_keeps_the_earlier_version(stack: Stack) -> None:
    sender = "rest-change"
    for text in ["hi", "yes", "Looking for work", "3", "1", "Warehouse", "First version of my skills"]:
        stack.send(sender, text)
    replies = stack.send(sender, "go back")
    assert question_texts(replies)[-1] == expected_prompt("skills_reflection", "work_seeker")
    replies = stack.send(sender, "Second version, I can help train people")
    assert question_texts(replies)[-1] == expected_prompt("skills_rating", "work_seeker")
    run = run_for(stack, sender)
    with session_scope(stack.db_url) as session:
        history = (
            session.execute(
                select(Answer)
                .where(Answer.run_id == run.id, Answer.question_id == "skills_reflection")
                .order_by(Answer.id)
            )
            .scalars()
            .all()
        )
        assert [(a.text, a.superseded_at is None) for a in history] == [
            ("First version of my skills", False),
            ("Second version, I can help train people", True),
        ]


def test_answer_after_rasa_session_expiry_is_kept(stack: Stack) -> None:
    """A new Rasa session drops the active form; the next message must still be taken as the pending answer."""
    sender = "rest-expiry"
    for text in ["hi", "yes", "Hiring", "3", "Harbour Diner", "Line cook"]:
        stack.send(sender, text)
    stack.send(sender, "/session_start")  # what Rasa does itself after the session expires
    replies = stack.send(sender, "We need someone who can lift 20 kg")
    assert question_texts(replies)[-1] == expected_prompt("skills_rating", "employer")
    run = run_for(stack, sender)
    with session_scope(stack.db_url) as session:
        answer = session.execute(
            select(Answer).where(
                Answer.run_id == run.id, Answer.question_id == "skills_reflection", Answer.superseded_at.is_(None)
            )
        ).scalar_one()
        assert answer.text == "We need someone who can lift 20 kg"


@pytest.mark.parametrize(
    ("text", "message_key"),
    [
        ("", "empty_input"),
        ("   \t  ", "empty_input"),
        ("\x00\x07", "empty_input"),
        ("\U0001f600\U0001f44d", "no_words"),
        ("x" * 4001, "too_long"),
    ],
)
def test_bad_input_gets_a_friendly_reply_and_keeps_saved_answers(stack: Stack, text: str, message_key: str) -> None:
    content = load_content()
    sender = f"rest-bad-{message_key}-{len(text)}"
    for step_text in ["hi", "yes", "Looking for work", "3", "1", "Warehouse", "Café & <i>tea</i> \U0001f375"]:
        stack.send(sender, step_text)
    replies = stack.send(sender, text)
    expected = content.message(message_key, limit=4000) if message_key == "too_long" else content.message(message_key)
    assert question_texts(replies)[0] == expected
    run = run_for(stack, sender)
    assert run.step_id == "skills_rating"
    with session_scope(stack.db_url) as session:
        saved = session.execute(select(Answer).where(Answer.run_id == run.id).order_by(Answer.id)).scalars().all()
        assert [a.text for a in saved][-1] == "Café & <i>tea</i> \U0001f375"
        assert len(saved) == 6


def test_a_long_answer_in_another_language_is_saved_verbatim(stack: Stack) -> None:
    sender = "rest-long"
    for step_text in ["hi", "yes", "Looking for work", "3", "1", "Warehouse"]:
        stack.send(sender, step_text)
    long_answer = ("Je cherche un emploi à temps partiel près de chez moi. " * 40).strip()
    assert 2000 < len(long_answer) <= 4000
    replies = stack.send(sender, long_answer)
    assert question_texts(replies)[-1] == expected_prompt("skills_rating", "work_seeker")
    run = run_for(stack, sender)
    with session_scope(stack.db_url) as session:
        answer = session.execute(
            select(Answer).where(Answer.run_id == run.id, Answer.question_id == "skills_reflection")
        ).scalar_one()
        assert answer.text == long_answer


def test_no_participant_words_in_server_logs(stack: Stack) -> None:
    for words in REFLECTIONS["work_seeker"].values():
        for name in ("rasa", "actions"):
            assert words not in stack.log_text(name)
