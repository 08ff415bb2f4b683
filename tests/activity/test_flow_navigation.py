"""Consent, skip, back, help, repeat, fixing an answer from the review, start over and stop, through the engine."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.activity.replies import BotMessage
from bot.activity.summary import summary_text
from bot.content.model import Content
from bot.settings import load_settings
from bot.store import repository as repo
from bot.store import summary_links
from bot.store.models import (
    RUN_ACTIVE,
    RUN_DECLINED,
    RUN_RESTARTED,
    RUN_STOPPED,
    ActivityRun,
    Answer,
    ConsentRecord,
    Handoff,
    Summary,
)
from bot.store.summary_links import SummaryLink
from tests.activity.conftest import Chat, acknowledged, count, intro, message, question
from tests.support.activity import drive, reflection

# ---- consent -------------------------------------------------------------------------------------


def test_declining_consent_saves_nothing_but_the_consent_record(chat: Chat, content: Content) -> None:
    chat.say("hi")
    assert chat.say("No").messages == [message(content, "consent_declined")]
    assert chat.run().status == RUN_DECLINED
    consent = chat.session.execute(select(ConsentRecord)).scalar_one()
    assert (consent.kind, consent.granted, consent.wording) == (
        "participate",
        False,
        content.step("consent").prompt_for(None),
    )
    assert (count(chat.session, Answer), count(chat.session, Summary), count(chat.session, Handoff)) == (0, 0, 0)


def test_a_message_after_declining_starts_over_with_the_intro(chat: Chat, content: Content) -> None:
    chat.say("hi")
    chat.say("2")
    declined = chat.run()
    assert chat.say("I changed my mind").messages == intro(content) + [question(content, "consent", None)]
    assert chat.run().id != declined.id and chat.run().step_id == "consent"
    assert count(chat.session, Answer) == 0


@pytest.mark.parametrize("text", ["maybe", "3", "1 sec, let me read this", "2 questions before I agree"])
def test_consent_needs_a_clear_yes_or_no(chat: Chat, content: Content, text: str) -> None:
    chat.say("hi")
    assert chat.say(text).messages == [message(content, "invalid_choice"), question(content, "consent", None)]
    assert chat.step() == "consent" and count(chat.session, ConsentRecord) == 0


@pytest.mark.parametrize("text", ["sure thing?", "yes but not yet", "ok, I think"])
def test_a_hedged_yes_is_checked_and_only_a_plain_yes_then_grants_it(chat: Chat, content: Content, text: str) -> None:
    chat.say("hi")
    assert [m.text for m in chat.say(text).messages] == [message(content, "confirm_consent").text]
    assert count(chat.session, ConsentRecord) == 0
    assert [m.text for m in chat.say("yeah").messages][0] == message(
        content, "role_set_work_seeker"
    ).text or chat.step() == "role"
    record = chat.session.execute(select(ConsentRecord)).scalar_one()
    assert (record.granted, record.reply_text) == (True, "yeah")


# ---- skip ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "following"),
    [
        ("clarity_before", "confidence_before"),
        ("skills_reflection", "capacity_reflection"),
        ("capacity_rating", "pay_reflection"),
        ("pay_reflection", "arrangements_reflection"),
        ("priorities", "barriers"),
        ("clarity_after", "confidence_after"),
        ("closing_reflection", "review"),
    ],
)
def test_skip_on_a_skippable_question_saves_a_skip_and_moves_on(
    chat: Chat, content: Content, step: str, following: str
) -> None:
    drive(chat, step)
    outcome = chat.say("Skip this one please")
    assert outcome.messages[0] == message(content, "skipped")
    assert outcome.messages[-1] == question(content, following, "work_seeker")
    saved = chat.current()[step]
    assert (saved.text, saved.value, saved.skipped) == ("Skip this one please", None, True)


@pytest.mark.parametrize("step", ["consent", "role", "review", "share"])
def test_skip_is_refused_where_an_answer_is_needed(chat: Chat, content: Content, step: str) -> None:
    drive(chat, step)
    before = len(repo.answer_history(session=chat.session, run=chat.run()))
    role = None if step in ("consent", "role") else "work_seeker"
    outcome = chat.say("skip")
    expected = [message(content, "cannot_skip")]
    if step == "review":
        expected.append(question(content, "review", role))  # re-asked without repeating the summary
    else:
        expected.append(question(content, step, role))
    assert outcome.messages == expected
    assert chat.step() == step
    assert len(repo.answer_history(session=chat.session, run=chat.run())) == before


def test_skip_is_refused_on_the_fix_question(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    chat.say("2")
    assert chat.say("skip").messages == [message(content, "cannot_skip"), question(content, "fix", "work_seeker")]


# ---- back ----------------------------------------------------------------------------------------


def test_back_at_the_first_question(chat: Chat, content: Content) -> None:
    chat.say("hi")
    assert chat.say("back").messages == [message(content, "at_first_question"), question(content, "consent", None)]
    assert chat.step() == "consent"


def test_back_at_the_role_question_does_not_reopen_consent(chat: Chat, content: Content) -> None:
    drive(chat, "role")
    assert chat.say("go back").messages == [message(content, "at_first_question"), question(content, "role", None)]


def test_back_twice_then_answer_again_keeps_the_earlier_answers_in_history(chat: Chat, content: Content) -> None:
    drive(chat, "work_sought")
    assert chat.say("back").messages == [
        message(content, "went_back"),
        question(content, "confidence_before", "work_seeker"),
    ]
    assert chat.say("Go back!").messages == [
        message(content, "went_back"),
        question(content, "clarity_before", "work_seeker"),
    ]
    assert chat.step() == "clarity_before"
    assert chat.say("5").messages == [question(content, "confidence_before", "work_seeker")]
    assert chat.say("very sure").messages == [question(content, "work_sought", "work_seeker")]
    current = chat.current()
    assert (current["clarity_before"].value, current["confidence_before"].value) == ("5", "5")
    history = [
        (a.question_id, a.value, a.superseded_at is not None)
        for a in repo.answer_history(session=chat.session, run=chat.run())
    ]
    assert history == [
        ("consent", "yes", False),
        ("role", "work_seeker", False),
        ("clarity_before", "2", True),
        ("confidence_before", "3", True),
        ("clarity_before", "5", False),
        ("confidence_before", "5", False),
    ]


def test_back_from_a_rating_question_to_the_words_of_the_same_factor(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_rating")
    assert chat.say("previous question").messages == [
        message(content, "went_back"),
        question(content, "capacity_reflection", "work_seeker"),
    ]


def test_back_from_the_review_goes_to_the_last_question(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    assert chat.say("back").messages == [
        message(content, "went_back"),
        question(content, "closing_reflection", "work_seeker"),
    ]


# ---- help and repeat -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
@pytest.mark.parametrize("step", ["skills_rating", "culture_reflection"])
def test_help_on_a_factor_question_explains_the_factor_for_the_audience(
    chat: Chat, content: Content, role: str, step: str
) -> None:
    drive(chat, step, role)
    factor = content.step(step).factor
    assert chat.say("what does this mean?").messages[0].text == content.factor(factor).explain[role]
    assert chat.history[-1].messages[1:] == [question(content, step, role)]


def test_help_on_a_question_with_its_own_help(chat: Chat, content: Content) -> None:
    drive(chat, "share", "employer")
    assert chat.say("?").messages == [
        BotMessage(content.step("share").help_for("employer")),
        question(content, "share", "employer"),
    ]


def test_help_without_specific_help_is_the_generic_help(chat: Chat, content: Content) -> None:
    chat.say("hi")
    assert chat.say("help").messages == [message(content, "help_generic"), question(content, "consent", None)]


def test_repeat_asks_again_and_saves_nothing(chat: Chat, content: Content) -> None:
    drive(chat, "pay_rating")
    before = len(repo.answer_history(session=chat.session, run=chat.run()))
    assert chat.say("Could you repeat the question?").messages == [question(content, "pay_rating", "work_seeker")]
    assert len(repo.answer_history(session=chat.session, run=chat.run())) == before


def test_repeat_at_the_review_shows_the_summary_again(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    messages = chat.say("repeat").messages
    assert messages[0].custom is not None and messages[0].custom["type"] == "mf_summary"
    assert messages[1:] == [question(content, "review", "work_seeker")]


# ---- fixing an answer from the review ------------------------------------------------------------


def test_fix_a_factor_from_the_review(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    run = chat.run()
    assert chat.say("Change something").messages == [question(content, "fix", "work_seeker")]
    assert chat.say("Pay").messages == [
        message(content, "fix_intro", part="Pay"),
        question(content, "pay_reflection", "work_seeker"),
    ]
    assert chat.say("Now I need $25/hour").messages == [
        acknowledged(content, "pay_reflection"),
        question(content, "pay_rating", "work_seeker"),
    ]
    outcome = chat.say("1")
    assert outcome.messages[1:] == [question(content, "review", "work_seeker")]
    body = outcome.messages[0].custom["summary"]
    pay = next(f for f in body["factors"] if f["id"] == "pay")
    assert (pay["rating"], pay["reflection"]) == ("strength", "Now I need $25/hour")
    path = outcome.messages[0].custom["keep"]["path"]
    keep = content.message("keep_link", link=load_settings().public_base_url + path)
    assert outcome.messages[0].text == f"{summary_text(content, body)}\n\n{keep}"
    assert reflection("work_seeker", "pay") not in outcome.messages[0].text
    link = chat.session.execute(select(SummaryLink)).scalar_one()  # the same link as before the change: one per run
    assert path == f"/summary/{summary_links.token_of(link.nonce, load_settings().secret_key)}"
    assert chat.run().return_step_id is None

    history = [
        (a.text, a.superseded_at is not None)
        for a in repo.answer_history(session=chat.session, run=run)
        if a.question_id in ("pay_rating", "pay_reflection")
    ]
    assert history == [
        (reflection("work_seeker", "pay"), True),
        (reflection("work_seeker", "pay"), True),  # the rating its words stated, saved with them
        ("Now I need $25/hour", False),
        ("1", False),
    ]

    assert chat.say("Looks right").messages == [question(content, "share", "work_seeker")]
    assert chat.say("yes").handoff_id is not None
    handoff = chat.session.execute(select(Handoff)).scalar_one()
    assert "Now I need $25/hour" in chat.session.get(Summary, handoff.summary_id).text


def test_fix_the_priorities_from_the_review(chat: Chat, content: Content) -> None:
    drive(chat, "review", "employer")
    chat.say("2")
    assert chat.say("7").messages == [
        message(content, "fix_intro", part="Top priorities"),
        question(content, "priorities", "employer"),
    ]
    outcome = chat.say("1 6")
    assert outcome.messages[1:] == [question(content, "review", "employer")]
    assert outcome.messages[0].custom["summary"]["priorities"] == ["skills", "culture"]


def test_back_from_the_fix_question_returns_to_the_review(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    chat.say("2")
    outcome = chat.say("back")
    assert outcome.messages[0] == message(content, "went_back")
    assert outcome.messages[1].custom is not None
    assert outcome.messages[2:] == [question(content, "review", "work_seeker")]


def test_skip_while_fixing_still_returns_to_the_review(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    chat.say("2")
    chat.say("Culture")
    outcome = chat.say("skip")  # skipping the words skips the rating with them
    assert outcome.messages[0] == message(content, "skipped")
    assert outcome.messages[-1] == question(content, "review", "work_seeker")
    culture = next(f for f in outcome.messages[1].custom["summary"]["factors"] if f["id"] == "culture")
    assert (culture["rating"], culture["reflection"], culture["reflection_skipped"]) == (None, None, True)


def test_back_out_of_a_fix_then_confirm_goes_to_the_share_question(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    chat.say("2")
    chat.say("Skills")
    chat.say("back")  # changed their mind: back to the review
    assert chat.step() == "review"
    assert chat.say("Looks right").messages == [question(content, "share", "work_seeker")]


def test_no_at_the_review_asks_what_to_change(chat: Chat, content: Content) -> None:
    drive(chat, "review")
    assert chat.say("No").messages == [question(content, "fix", "work_seeker")]


# ---- start over and stop -------------------------------------------------------------------------


def test_start_over_mid_way_keeps_the_old_run_and_asks_the_role_again(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_reflection")
    old = chat.run()
    assert chat.say("Can we start over?").messages == [
        message(content, "restarted"),
        question(content, "role", "work_seeker"),
    ]
    new = chat.run()
    assert new.id != old.id and (new.status, new.step_id) == (RUN_ACTIVE, "role")
    assert old.status == RUN_RESTARTED
    assert set(repo.current_answers(session=chat.session, run=old)) == {
        "consent",
        "role",
        "clarity_before",
        "confidence_before",
        "work_sought",
        "skills_reflection",
        "skills_rating",
    }
    assert repo.current_answers(session=chat.session, run=new) == {}
    assert chat.say("Looking for work").messages[-1] == question(content, "clarity_before", "work_seeker")


def test_stop_then_any_message_resumes_where_they_left_off(chat: Chat, content: Content) -> None:
    drive(chat, "arrangements_reflection", "employer")
    assert chat.say("stop").messages == [message(content, "stopped")]
    assert chat.run().status == RUN_STOPPED
    assert chat.say("hello").messages == [
        message(content, "welcome_back"),
        question(content, "arrangements_reflection", "employer"),
    ]
    assert chat.run().status == RUN_ACTIVE
    assert chat.say("Weekdays are flexible").messages == [
        acknowledged(content, "arrangements_reflection"),
        question(content, "arrangements_rating", "employer"),
    ]
    assert chat.current()["arrangements_reflection"].text == "Weekdays are flexible"


def test_an_answer_that_resumes_a_stopped_run_is_saved(chat: Chat, content: Content) -> None:
    drive(chat, "values_reflection")
    chat.say("I want to stop")
    assert chat.say("Honesty matters").messages[0] == message(content, "welcome_back")
    assert chat.current()["values_reflection"].text == "Honesty matters"
    assert chat.step() == "values_rating" and chat.run().status == "active"


@pytest.mark.parametrize("how", ["stop", "pause"])
def test_start_over_after_stop_or_pause_begins_again(chat: Chat, content: Content, how: str) -> None:
    drive(chat, "pay_rating")
    chat.say(how)
    assert chat.say("start over").messages == [message(content, "restarted"), question(content, "role", "work_seeker")]
    assert chat.session.execute(select(ActivityRun).order_by(ActivityRun.id)).scalars().all()[0].status == RUN_RESTARTED
