"""A complete activity through the engine for each role: every reply exactly, every answer saved as typed, summary and handoff."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from sqlalchemy import select

from bot.activity.navigation import SUMMARY_LABELS
from bot.activity.replies import SUMMARY_TYPE, BotMessage
from bot.activity.summary import SMS_SUMMARY_LIMIT, confidence_line, sms_summary_text, summary_text
from bot.content import gsm7
from bot.content.model import Content
from bot.content.render import with_options
from bot.interpretation.rating_words import rating_in_words
from bot.settings import load_settings
from bot.store import repository as repo
from bot.store import summary_links
from bot.store.models import RUN_COMPLETED, ConsentRecord, Handoff, Site, Summary
from bot.store.summary_links import SummaryLink
from tests.activity.conftest import Chat, acknowledged, count, intro, message, question
from tests.support.activity import (
    ABOUT,
    FACTORS,
    RATING_REPLIES,
    RATINGS,
    ROLE_LABEL,
    activity_script,
    closing_texts,
    drive,
    reflection,
)

AUDIENCE = {"work_seeker": "case_manager", "employer": "ees"}
LABELS = {"strength": "Strength", "stressor": "Stressor", "both": "Both", "unsure": "Not sure"}
ABOUT_KEYS = {"work_seeker": ("work_sought", "barriers"), "employer": ("business_name", "hiring_role")}


def expected_body(content: Content, role: str) -> dict[str, Any]:
    return {
        "audience": role,
        "factors": [
            {
                "id": f,
                "name": content.factor(f).name,
                "short_name": content.factor(f).short_name,
                "rating": RATINGS[f],
                "rating_label": LABELS[RATINGS[f]],
                "reflection": reflection(role, f),
                "reflection_skipped": False,
            }
            for f in FACTORS
        ],
        "priorities": ["pay", "arrangements"],
        "clarity_before": 2,
        "clarity_after": 4,
        "confidence_before": 3 if role == "work_seeker" else None,
        "confidence_after": 4 if role == "work_seeker" else None,
        "about": {key: ABOUT[role][key] for key in ABOUT_KEYS[role]},
        "closing": ABOUT[role]["closing_reflection"],
    }


def summary_link(chat: Chat) -> str:
    """The path of the participant's own summary link, as the engine made it (its token comes from a random nonce)."""
    link = chat.session.execute(select(SummaryLink).where(SummaryLink.run_id == chat.run().id)).scalar_one()
    return f"/summary/{summary_links.token_of(link.nonce, load_settings().secret_key)}"


def summary_message(content: Content, body: dict[str, Any], path: str) -> BotMessage:
    url = load_settings().public_base_url + path
    text = summary_text(content, body) + "\n\n" + content.message("keep_link", link=url)
    labels = {k: content.message(f"summary_{k}") for k in SUMMARY_LABELS}
    custom = {
        "type": SUMMARY_TYPE,
        "title": content.message("summary_title"),
        "text": text,
        "sms_text": sms_summary_text(content, body, link=url),
        "keep": {"path": path, "text": content.message("keep_button")},
        "summary": body,
        "labels": labels,
        "confidence_line": confidence_line(content, body),
    }
    return BotMessage(text, custom=custom)


def expected_replies(
    content: Content, role: str, text: str, asks: Optional[str], previous: Optional[str], link: str = ""
) -> list[BotMessage]:
    if previous is None:
        return intro(content) + [question(content, "consent", None)]
    if asks is None:
        return [
            message(content, "completed_shared", practitioner=content.practitioner(role)),
            message(content, "contact_question", practitioner=content.practitioner(role)),
        ]
    known_role = None if previous in ("consent", "role") and asks == "role" else role
    replies = []
    if previous == "consent":
        replies.append(message(content, "consent_given"))
    if previous == "role":
        replies.append(message(content, f"role_set_{role}"))
    if content.step(previous).kind == "text":
        stated = rating_in_words(text, content) if content.step(previous).factor else None
        replies.append(message(content, f"rating_noted_{stated}") if stated else acknowledged(content, previous))
    if asks == "review":
        replies.append(summary_message(content, expected_body(content, role), link))
    return replies + [question(content, asks, known_role)]


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_complete_activity_replies_and_saved_answers(chat: Chat, content: Content, role: str) -> None:
    previous: Optional[str] = None
    asked: list[str] = []
    for turn in activity_script(role):
        text, asks = turn.text, turn.question_id
        outcome = chat.say(text)
        link = summary_link(chat) if asks == "review" else ""
        assert outcome.messages == expected_replies(content, role, text, asks, previous, link), f"after {text!r}"
        asked += [asks] if asks else []
        previous = asks
    assert outcome.handoff_id is not None

    # each reply ends with exactly one question, so these are all the questions the participant was asked: those
    # of this role, and a rating question only where the words stated no rating
    stated = {f"{f}_rating" for f in FACTORS if f not in RATING_REPLIES}
    assert asked == [s.id for s in content.steps if s.kind != "fix" and s.applies_to(role) and s.id not in stated]
    assert len(asked) == {"work_seeker": 21, "employer": 19}[role]

    run = chat.run()
    assert (run.status, run.role, run.channel, run.content_version) == (RUN_COMPLETED, role, "rest", content.version)
    assert run.completed_at is not None and chat.identity().participant.role == role

    saved = {a.question_id: (a.text, a.value, a.factor, a.skipped, a.channel) for a in chat.current().values()}
    expected = {
        "consent": ("yes", "yes", None, False, "rest"),
        "role": (ROLE_LABEL[role], role, None, False, "rest"),
        "clarity_before": ("2", "2", None, False, "rest"),
        "priorities": ("3 4", "pay,arrangements", None, False, "rest"),
        "clarity_after": ("4", "4", None, False, "rest"),
        "closing_reflection": (ABOUT[role]["closing_reflection"], None, None, False, "rest"),
        "review": ("1", "yes", None, False, "rest"),
        "share": ("Yes", "yes", None, False, "rest"),
        **{key: (ABOUT[role][key], None, None, False, "rest") for key in ABOUT_KEYS[role]},
    }
    if role == "work_seeker":
        expected["confidence_before"] = ("3", "3", None, False, "rest")
        expected["confidence_after"] = ("4", "4", None, False, "rest")
    for f in FACTORS:
        said = RATING_REPLIES[f][0] if f in RATING_REPLIES else reflection(role, f)  # the rating's own words
        expected[f"{f}_rating"] = (said, RATINGS[f], f, False, "rest")
        expected[f"{f}_reflection"] = (reflection(role, f), None, f, False, "rest")
    assert saved == expected
    assert len(repo.answer_history(session=chat.session, run=run)) == len(expected)  # nothing superseded

    consents = chat.session.execute(select(ConsentRecord).order_by(ConsentRecord.id)).scalars().all()
    assert [(c.kind, c.granted, c.wording, c.channel, c.run_id) for c in consents] == [
        ("participate", True, content.step("consent").prompt_for(None), "rest", run.id),
        ("share", True, content.step("share").prompt_for(role), "rest", run.id),
    ]

    summary = repo.latest_summary(session=chat.session, run=run)
    assert summary.body == expected_body(content, role)
    assert summary.text == summary_text(content, expected_body(content, role))
    assert summary.confirmed_at is not None
    handoff = chat.session.execute(select(Handoff)).scalar_one()
    assert (handoff.id, handoff.run_id, handoff.summary_id, handoff.audience, handoff.status) == (
        outcome.handoff_id,
        run.id,
        summary.id,
        AUDIENCE[role],
        "new",
    )
    assert chat.session.get(Site, handoff.site_id).code == "default"


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_every_message_of_a_complete_activity_is_sms_ready(chat: Chat, role: str) -> None:
    for turn in activity_script(role):
        chat.say(turn.text)
    for outcome in chat.history:
        for m in outcome.messages:
            if m.custom is not None:
                sms = m.custom["sms_text"]
                assert gsm7.is_gsm7(sms) and gsm7.segments(sms) <= SMS_SUMMARY_LIMIT // gsm7.MULTI_SEGMENT == 4
                shown = [" ".join(gsm7.to_sms(reflection(role, f)).split()) in sms for f in FACTORS]
                assert all(shown) or not any(shown)  # every reflection whole, or the overview and the link: none cut
                assert sms.endswith(m.custom["keep"]["path"])
                continue
            sent = with_options(m.text, m.options)
            assert gsm7.is_gsm7(sent), sent
            assert gsm7.segments(sent) <= 2, sent


def test_declining_to_share_completes_without_handoff(chat: Chat, content: Content) -> None:
    drive(chat, "share", "employer")
    outcome = chat.say("No")
    assert [m.text for m in outcome.messages] == closing_texts(content, "employer", shared=False)
    assert outcome.handoff_id is None
    run = chat.run()
    assert run.status == RUN_COMPLETED
    assert chat.current()["share"].value == "no"
    assert count(chat.session, Handoff) == 0
    assert count(chat.session, Summary) >= 1
    share = chat.session.execute(select(ConsentRecord).where(ConsentRecord.kind == "share")).scalar_one()
    assert share.granted is False and share.wording == content.step("share").prompt_for("employer")


@pytest.mark.parametrize("text", ["hi", "3", "what now?", "I need to stop working nights", "help"])
def test_after_completion_only_start_over_starts_again(chat: Chat, content: Content, text: str) -> None:
    for turn in activity_script("work_seeker"):
        chat.say(turn.text)
    chat.say("skip")  # the contact question
    chat.say("thanks")  # the research question: dropped
    assert chat.say(text).messages == [message(content, "already_completed")]
    assert chat.run().status == RUN_COMPLETED


def test_start_over_after_completion_begins_a_new_run_at_the_role_question(chat: Chat, content: Content) -> None:
    for turn in activity_script("work_seeker"):
        chat.say(turn.text)
    finished = chat.run()
    assert chat.say("Start over").messages == [message(content, "restarted"), question(content, "role", "work_seeker")]
    new = chat.run()
    assert new.id != finished.id and (new.status, new.step_id) == ("active", "role")
    assert finished.status == RUN_COMPLETED
    assert len(repo.current_answers(session=chat.session, run=finished)) == 24  # the finished run keeps everything
    assert chat.say("Hiring").messages == [
        message(content, "role_set_employer"),
        question(content, "clarity_before", "employer"),
    ]
    assert chat.run().role == "employer"
