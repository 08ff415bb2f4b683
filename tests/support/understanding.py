"""Conversations that test understanding end to end, the same on every channel: message sent, texts the bot must reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import select

from bot.content import load_content
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Answer, ChannelIdentity, ConsentRecord, Handoff
from tests.support.activity import activity_script, expected_prompt

ROLE = "work_seeker"


@dataclass(frozen=True)
class Exchange:
    """One message and the texts (from the content) the bot's replies must hold, in order."""

    text: str
    replies: tuple[str, ...]


def _content_message(key: str, **values: str) -> str:
    return load_content().message(key, **values)


def _script_until(question_id: str) -> list[Exchange]:
    """The standard script's messages up to the one after which the bot asks ``question_id``."""
    out = []
    for turn in activity_script(ROLE):
        out.append(Exchange(turn.text, (expected_prompt(turn.question_id, ROLE),) if turn.question_id else ()))
        if turn.question_id == question_id:
            return out
    raise AssertionError(question_id)


def scenarios() -> dict[str, list[Exchange]]:
    """Named conversations: a consent trap, a sentence choice, an aside, a privacy question, deletion, sharing late."""
    content = load_content()
    practitioner = content.practitioner(ROLE)
    whole_but_share = _script_until("share")
    return {
        "consent_trap": [
            Exchange("hi", (expected_prompt("consent", None),)),
            Exchange("1 sec, let me read this", (_content_message("aside_wait"),)),
            Exchange("yes", (expected_prompt("role", None),)),
        ],
        "sentence_choice": _script_until("capacity_rating")
        + [
            Exchange("it's something I struggle with", (expected_prompt("pay_reflection", ROLE),)),
        ],
        "aside_at_free_text": _script_until("skills_reflection")
        + [
            Exchange("hang on", (_content_message("aside_wait"),)),
            Exchange("I'm good with people and fixing things", (expected_prompt("skills_rating", ROLE),)),
        ],
        "privacy_question": _script_until("skills_reflection")
        + [
            Exchange(
                "who will see this?", (content.answer_faq("who_sees", ROLE), expected_prompt("skills_reflection", ROLE))
            ),
        ],
        "deletion": _script_until("skills_reflection")
        + [
            Exchange("delete my answers", (_content_message("delete_confirm"),)),
            Exchange("yes", (_content_message("delete_done"),)),
        ],
        "share_after_decline": whole_but_share
        + [
            Exchange("No", (_content_message("completed_not_shared"), _content_message("research_offer"))),
            Exchange("ok you can share it now", (_content_message("share_offer", practitioner=practitioner),)),
            Exchange(
                "yes",
                (
                    _content_message("completed_shared", practitioner=practitioner),
                    _content_message("contact_question", practitioner=practitioner),
                ),
            ),
        ],
    }


def converse(
    send: Callable[[str], list[str]], exchanges: list[Exchange], *, same: Callable[[str], str] = lambda t: t
) -> None:
    """Send each message; the bot's reply texts (joined) must contain the expected texts in order."""
    for exchange in exchanges:
        replies = "\n".join(send(exchange.text))
        position = 0
        for expected in exchange.replies:
            found = replies.find(same(expected), position)
            assert found >= 0, f"after {exchange.text!r} expected {expected!r} in {replies!r}"
            position = found + len(same(expected))


def check_saved(db_url: str, channel: str, external_id: str, scenario: str) -> None:
    """What each scenario must have left in the database."""
    with session_scope(db_url) as session:
        identity = session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
        ).scalar_one_or_none()
        if scenario == "deletion":
            assert identity is None
            return
        assert identity is not None
        run: Optional[ActivityRun] = (
            session.execute(
                select(ActivityRun)
                .where(ActivityRun.participant_id == identity.participant_id)
                .order_by(ActivityRun.id.desc())
            )
            .scalars()
            .first()
        )
        answers = {
            a.question_id: a
            for a in session.execute(
                select(Answer).where(Answer.run_id == run.id, Answer.superseded_at.is_(None))
            ).scalars()
        }
        consents = (
            session.execute(select(ConsentRecord).where(ConsentRecord.run_id == run.id).order_by(ConsentRecord.id))
            .scalars()
            .all()
        )
        if scenario == "consent_trap":
            assert [(c.kind, c.granted, c.reply_text) for c in consents] == [("participate", True, "yes")]
        elif scenario == "sentence_choice":
            assert (answers["capacity_rating"].value, answers["capacity_rating"].text) == (
                "stressor",
                "it's something I struggle with",
            )
        elif scenario == "aside_at_free_text":
            assert answers["skills_reflection"].text == "I'm good with people and fixing things"
        elif scenario == "privacy_question":
            assert "skills_reflection" not in answers
        elif scenario == "share_after_decline":
            assert [(c.kind, c.granted, c.reply_text) for c in consents if c.kind == "share"] == [
                ("share", False, "No"),
                ("share", True, "yes"),
            ]
            assert session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one().withdrawn_at is None
