"""The engine acting on what a message means: asides, questions, checks, deletion, late sharing and withdrawal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.content.model import Content
from bot.store.models import AuditEvent, ConsentRecord, Handoff, Participant, ResumeCode
from tests.activity.conftest import Chat, count, message, question
from tests.support.activity import drive


def finish(chat: Chat, share: str) -> None:
    """Answer the whole script, then ``share`` at the share question (and SKIP at the contact question after a yes)."""
    drive(chat, "share")
    chat.say(share)
    if share.lower() == "yes":
        chat.say("skip")
    assert chat.run().status == "completed"


def texts(outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def test_a_waiting_aside_at_a_text_question_is_acknowledged_and_not_saved(chat: Chat, content: Content) -> None:
    drive(chat, "pay_reflection")
    assert texts(chat.say("hang on", intent="aside_wait", confidence=0.9)) == [message(content, "aside_wait").text]
    assert "pay_reflection" not in chat.current() and chat.step() == "pay_reflection"
    chat.say("$19 an hour and dental")
    assert chat.current()["pay_reflection"].text == "$19 an hour and dental"


def test_a_leaving_aside_pauses_and_gives_a_resume_code(chat: Chat, content: Content) -> None:
    drive(chat, "pay_reflection")
    outcome = chat.say("sorry gotta run, lunch rush", intent="aside_leave", confidence=0.9)
    assert outcome.messages[0] == message(content, "aside_leave") and "code" in outcome.messages[1].text
    assert chat.run().status == "paused" and "pay_reflection" not in chat.current()
    assert count(chat.session, ResumeCode) == 1


def test_a_privacy_question_is_answered_from_the_content_and_the_question_asked_again(
    chat: Chat, content: Content
) -> None:
    drive(chat, "values_reflection")
    outcome = chat.say("who will see this?", intent="ask_who_sees", confidence=0.9)
    assert texts(outcome) == [
        content.answer_faq("who_sees", "work_seeker"),
        question(content, "values_reflection", "work_seeker").text,
    ]
    assert "values_reflection" not in chat.current()


def test_what_a_stressor_means_for_this_role(chat: Chat, content: Content) -> None:
    drive(chat, "pay_rating", "employer")
    outcome = chat.say("whats a stressor", intent="ask_meaning", confidence=0.9)
    stressor = next(t for t in content.terms if t.id == "stressor")
    assert texts(outcome)[0] == stressor.text_for("employer")


def test_a_probable_option_is_confirmed_then_saved_with_the_words_given(chat: Chat, content: Content) -> None:
    drive(chat, "skills_rating")
    outcome = chat.say("kinda hard for me tbh", intent="choose_stressor", confidence=0.3)
    assert texts(outcome) == [message(content, "confirm_option", option="Stressor").text]
    assert "skills_rating" not in chat.current()
    chat.say("yes")
    answer = chat.current()["skills_rating"]
    assert (answer.value, answer.text, chat.step()) == ("stressor", "kinda hard for me tbh", "capacity_reflection")


def test_no_to_a_proposed_option_asks_again(chat: Chat, content: Content) -> None:
    drive(chat, "skills_rating")
    chat.say("kinda hard for me tbh", intent="choose_stressor", confidence=0.3)
    outcome = chat.say("no")
    assert outcome.messages[0] == message(content, "confirm_no_option") and "skills_rating" not in chat.current()


def test_two_misunderstandings_in_a_row_explain_each_option(chat: Chat, content: Content) -> None:
    drive(chat, "skills_rating")
    first = chat.say("purple")
    assert texts(first) == [
        message(content, "invalid_choice").text,
        question(content, "skills_rating", "work_seeker").text,
    ]
    second = chat.say("banana")
    assert texts(second)[0].startswith(message(content, "choices_explained").text)
    assert "2 Stressor: it is hard or worries you" in texts(second)[0]
    chat.say("2")
    assert chat.run().misunderstandings == 0 and chat.current()["skills_rating"].value == "stressor"


@pytest.mark.parametrize(
    "trap", ["1 sec, let me read this", "2 questions before I agree", "1 question first - who exactly will see it?"]
)
def test_a_leading_number_is_never_consent(chat: Chat, content: Content, trap: str) -> None:
    chat.say("hi")
    chat.say(trap)
    assert count(chat.session, ConsentRecord) == 0 and chat.step() == "consent"


def test_a_leading_number_is_not_a_role(chat: Chat, content: Content) -> None:
    drive(chat, "role")
    chat.say("2 kids at home and I need work", intent="role_work_seeker", confidence=0.8)
    assert chat.run().role == "work_seeker"


def test_consent_keeps_the_exact_words_that_granted_it(chat: Chat) -> None:
    chat.say("hi")
    chat.say("Yes please!")
    record = chat.session.execute(select(ConsentRecord)).scalar_one()
    assert (record.kind, record.granted, record.reply_text) == ("participate", True, "Yes please!")


def test_delete_my_answers_asks_first_then_erases_everything(chat: Chat, content: Content) -> None:
    drive(chat, "values_reflection")
    public_id = chat.identity().participant.public_id
    assert texts(chat.say("delete my answers")) == [message(content, "delete_confirm").text]
    assert count(chat.session, Participant) == 1
    assert texts(chat.say("yes")) == [message(content, "delete_done").text]
    assert count(chat.session, Participant) == 0 and count(chat.session, ConsentRecord) == 0
    audit = chat.session.execute(select(AuditEvent)).scalar_one()
    assert (audit.action, audit.subject_type, audit.subject_id, audit.practitioner_id) == (
        "participant_deleted_on_request",
        "participant",
        public_id,
        None,
    )


def test_no_to_deletion_keeps_everything_and_carries_on(chat: Chat, content: Content) -> None:
    drive(chat, "values_reflection")
    chat.say("delete my answers")
    assert texts(chat.say("no")) == [
        message(content, "delete_kept").text,
        question(content, "values_reflection", "work_seeker").text,
    ]
    assert count(chat.session, Participant) == 1 and "skills_reflection" in chat.current()


def test_deletion_needs_a_plain_yes(chat: Chat, content: Content) -> None:
    drive(chat, "values_reflection")
    chat.say("delete my answers")
    chat.say("yeah sure", intent="affirm", confidence=0.99)
    assert count(chat.session, Participant) == 1


def test_share_after_declining_without_redoing_the_activity(chat: Chat, content: Content) -> None:
    finish(chat, "No")
    assert count(chat.session, Handoff) == 0
    assert texts(chat.say("ok you can share it now")) == [
        message(content, "share_offer", practitioner="Case Manager").text
    ]
    assert texts(chat.say("Yes")) == [
        message(content, "completed_shared", practitioner="Case Manager").text,
        message(content, "contact_question", practitioner="Case Manager").text,
    ]
    assert count(chat.session, Handoff) == 1
    grants = (
        chat.session.execute(select(ConsentRecord).where(ConsentRecord.kind == "share").order_by(ConsentRecord.id))
        .scalars()
        .all()
    )
    assert [(g.granted, g.reply_text) for g in grants] == [(False, "No"), (True, "Yes")]


def test_withdraw_a_share(chat: Chat, content: Content) -> None:
    finish(chat, "Yes")
    assert texts(chat.say("withdraw")) == [message(content, "withdraw_confirm", practitioner="Case Manager").text]
    assert texts(chat.say("yes")) == [message(content, "withdrawn").text]
    handoff = chat.session.execute(select(Handoff)).scalar_one()
    assert handoff.withdrawn_at is not None
    chat.say("share")
    chat.say("yes")
    assert chat.session.execute(select(Handoff)).scalar_one().withdrawn_at is None


@pytest.mark.parametrize(
    ("text", "intent", "key"), [("thanks", None, "thanks_reply"), ("can I change something?", None, "completed_change")]
)
def test_after_finishing_fitting_replies(chat: Chat, content: Content, text: str, intent, key: str) -> None:
    finish(chat, "Yes")
    assert texts(chat.say(text, intent=intent, confidence=0.9 if intent else 0.0)) == [message(content, key).text]


def test_what_happens_now_after_finishing(chat: Chat, content: Content) -> None:
    finish(chat, "Yes")
    # asked while the optional uses question is open: answered, then that question asked again
    assert texts(chat.say("what happens now?", intent="ask_next", confidence=0.9)) == [
        content.answer_faq("next", "work_seeker"),
        content.message("uses_offer_work_seeker"),
    ]
    chat.say("4")  # neither use: the question is closed
    assert texts(chat.say("what happens now?", intent="ask_next", confidence=0.9)) == [
        content.answer_faq("next", "work_seeker")
    ]


@pytest.mark.parametrize("said", ["my code is {code}", "code: {lower}", "{code}"])
def test_a_resume_code_inside_a_sentence_is_redeemed(chat: Chat, new_chat, content: Content, said: str) -> None:
    drive(chat, "pay_rating")
    outcome = chat.say("Can we pause please?")
    code = outcome.messages[1].text.split("send this code there: ")[1].split(" ")[0]
    other = new_chat("another-device")
    reply = other.say(said.format(code=code, lower=code.lower().replace("-", " ")))
    assert reply.messages[0] == message(content, "resume_code_ok")
    assert other.identity().participant_id == chat.identity().participant_id


def test_resume_code_guesses_from_one_identity_are_slowed_down(chat: Chat, new_chat, clock, content: Content) -> None:
    drive(chat, "pay_rating")
    code = chat.say("Can we pause please?").messages[1].text.split("send this code there: ")[1].split(" ")[0]
    guesser = new_chat("guessing-device")
    for wrong in ("BCDF-111", "BCDF-112", "BCDF-113"):
        assert guesser.say(wrong).messages[0] == message(content, "resume_code_bad")
    assert texts(guesser.say(code)) == [message(content, "resume_code_wait").text]
    clock.advance(minutes=2)
    assert guesser.say(code).messages[0] == message(content, "resume_code_ok")
