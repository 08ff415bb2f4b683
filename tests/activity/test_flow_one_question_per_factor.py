"""One question per factor: the words carry the rating, the rating question comes only when they do not; questions
for one role only; and how to reach the person, asked after a share."""

from __future__ import annotations

from typing import Callable

import pytest

from bot.activity.replies import BotMessage
from bot.content.model import Content
from bot.store.contact import GIVEN, THIS_NUMBER, contact_of_run
from tests.activity.conftest import Chat, acknowledged, message, question
from tests.support.activity import activity_script, drive


def test_words_that_state_the_rating_save_both_and_the_rating_question_is_not_asked(
    chat: Chat, content: Content
) -> None:
    drive(chat, "skills_reflection")
    words = "Strength: I'm great with customers, and I can run a till"
    assert chat.say(words).messages == [
        message(content, "rating_noted_strength"),
        question(content, "capacity_reflection", "work_seeker"),
    ]
    saved = chat.current()
    assert (saved["skills_reflection"].text, saved["skills_reflection"].value) == (words, None)
    assert (saved["skills_rating"].text, saved["skills_rating"].value, saved["skills_rating"].skipped) == (
        words,
        "strength",
        False,
    )


def test_words_without_a_rating_get_the_short_rating_question(chat: Chat, content: Content) -> None:
    drive(chat, "skills_reflection")
    assert chat.say("I'm good with people").messages == [
        acknowledged(content, "skills_reflection"),
        question(content, "skills_rating", "work_seeker"),
    ]
    assert chat.say("not sure").messages == [question(content, "capacity_reflection", "work_seeker")]
    assert chat.current()["skills_rating"].value == "unsure"


@pytest.mark.parametrize("reply,value", [("3", "both"), ("4", "unsure"), ("Both", "both"), ("Not sure", "unsure")])
def test_both_and_not_sure_are_two_answers(chat: Chat, reply: str, value: str) -> None:
    drive(chat, "skills_reflection")
    chat.say("I'm good with people")
    chat.say(reply)
    assert chat.current()["skills_rating"].value == value


def test_skipping_the_words_skips_the_factor(chat: Chat, content: Content) -> None:
    drive(chat, "skills_reflection")
    assert chat.say("skip").messages == [
        message(content, "skipped"),
        question(content, "capacity_reflection", "work_seeker"),
    ]
    saved = chat.current()
    assert saved["skills_reflection"].skipped and saved["skills_rating"].skipped


def test_back_from_the_next_factor_goes_to_the_words_not_the_rating(chat: Chat, content: Content) -> None:
    drive(chat, "skills_reflection")
    chat.say("Strength: tools")
    assert chat.step() == "capacity_reflection"
    chat.say("back")
    assert chat.step() == "skills_reflection"
    chat.say("I like tools but I'm rusty")  # no rating this time: the question comes
    assert chat.step() == "skills_rating"
    chat.say("back")
    assert chat.step() == "skills_reflection"


def test_fixing_a_factor_from_the_review_asks_its_words_then_the_rating_only_if_unclear(
    chat: Chat, content: Content
) -> None:
    drive(chat, "review")
    chat.say("2")
    chat.say("Pay")
    assert chat.step() == "pay_reflection"
    chat.say("$24 an hour now. Stressor")
    assert chat.step() == "review"
    assert chat.current()["pay_rating"].value == "stressor"
    chat.say("2")
    chat.say("Skills")
    chat.say("tools and people")
    assert chat.step() == "skills_rating"
    chat.say("1")
    assert chat.step() == "review"


@pytest.mark.parametrize(
    "role,asked,never",
    [
        ("work_seeker", ["confidence_before", "work_sought", "barriers", "confidence_after"], ["business_name"]),
        ("employer", ["business_name", "hiring_role"], ["confidence_before", "work_sought", "barriers"]),
    ],
)
def test_questions_for_one_role_are_asked_of_that_role_only(
    role: str, asked: list[str], never: list[str], new_chat: Callable[..., Chat]
) -> None:
    chat = new_chat(f"role-{role}")
    seen = []
    for turn in activity_script(role):
        chat.say(turn.text)
        seen.append(chat.step())
    assert all(q in seen for q in asked) and not any(q in seen for q in never)


def test_the_whole_activity_is_at_most_twenty_questions(content: Content) -> None:
    for role in ("work_seeker", "employer"):
        asked = [t.question_id for t in activity_script(role) if t.question_id is not None]
        # With every rating in the words: the script's questions minus its three rating questions, plus the
        # contact and uses (matching and research) questions after a share.
        in_words = len([q for q in asked if not q.endswith("_rating")]) + 2
        assert in_words <= 20, (role, in_words)


# ---- how to reach the person ------------------------------------------------------------------------------------


def finish(chat: Chat) -> None:
    for turn in activity_script("work_seeker"):
        chat.say(turn.text)


def test_the_contact_words_are_kept_as_typed_with_the_numbers_and_emails_in_them(chat: Chat, content: Content) -> None:
    finish(chat)
    words = "Sam Doucet, 902 555 0142 or sam.d@example.ca, after 3pm"
    assert [m.text for m in chat.say(words).messages] == [
        content.message("contact_saved", practitioner="Case Manager"),
        content.message("uses_offer_work_seeker"),
    ]
    run = chat.run()
    contact = contact_of_run(session=chat.session, run_id=run.id, participant_id=run.participant_id)
    assert contact is not None
    assert (contact.words, contact.phones, contact.emails, contact.channel_number) == (
        words,
        ("+19025550142",),
        ("sam.d@example.ca",),
        None,
    )
    assert chat.current()["contact"].value == GIVEN


@pytest.mark.parametrize("reply", ["skip", "no", "No thanks"])
def test_no_contact_is_fine_and_the_uses_question_follows(chat: Chat, content: Content, reply: str) -> None:
    finish(chat)
    assert [m.text for m in chat.say(reply).messages] == [
        content.message("contact_none"),
        content.message("uses_offer_work_seeker"),
    ]
    assert "contact" not in chat.current()


def test_help_at_the_contact_question_explains_and_asks_again(chat: Chat, content: Content) -> None:
    finish(chat)
    assert chat.say("help").messages == [
        BotMessage(content.message("contact_help", practitioner="Case Manager")),
        BotMessage(content.message("contact_question", practitioner="Case Manager")),
    ]
    chat.say("Sam")
    assert chat.current()["contact"].text == "Sam"


def test_by_sms_yes_means_this_number(new_chat: Callable[..., Chat], content: Content) -> None:
    chat = new_chat("+19025550199", channel="twilio_sms")
    for turn in activity_script("work_seeker"):
        outcome = chat.say(turn.text)
    assert outcome.messages[-1].text == content.message("contact_question_sms", practitioner="Case Manager")
    chat.say("Yes, after 5 is best")
    run = chat.run()
    contact = contact_of_run(session=chat.session, run_id=run.id, participant_id=run.participant_id)
    assert contact is not None and chat.current()["contact"].value == THIS_NUMBER
    assert (contact.words, contact.channel_number, contact.phones) == ("Yes, after 5 is best", "+19025550199", ())


def test_another_request_at_the_contact_question_is_carried_out(chat: Chat, content: Content) -> None:
    finish(chat)
    assert chat.say("delete my data").messages == [
        BotMessage(content.message("delete_confirm"), options=content.step("consent").options)
    ]
