"""Bad input gets a friendly reply and saves nothing; answers are saved exactly as typed; NLU is trusted only on choices."""

from __future__ import annotations

import pytest

from bot.content.model import Content
from bot.interpretation.text import MAX_ANSWER_CHARS
from bot.store import repository as repo
from tests.activity.conftest import Chat, acknowledged, message, question
from tests.support.activity import drive


def history_size(chat: Chat) -> int:
    return len(repo.answer_history(session=chat.session, run=chat.run()))


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", "\r\n", "\x00", "\x00\x01\x02"])
@pytest.mark.parametrize("step", ["skills_reflection", "skills_rating", "priorities"])
def test_empty_input_asks_again(chat: Chat, content: Content, text: str, step: str) -> None:
    drive(chat, step)
    before = history_size(chat)
    assert chat.say(text).messages == [message(content, "empty_input"), question(content, step, "work_seeker")]
    assert history_size(chat) == before and chat.step() == step


@pytest.mark.parametrize("text", ["\U0001f600", "\U0001f44d\U0001f44d\U0001f3fd", "...", "!!! ??? !!!", "\u2764\ufe0f"])
def test_wordless_input_on_a_text_question_asks_for_words(chat: Chat, content: Content, text: str) -> None:
    drive(chat, "values_reflection")
    assert chat.say(text).messages == [
        message(content, "no_words"),
        question(content, "values_reflection", "work_seeker"),
    ]
    assert "values_reflection" not in chat.current()


def test_emoji_on_a_choice_question_asks_for_words(chat: Chat, content: Content) -> None:
    drive(chat, "consent")
    assert chat.say("\U0001f44d").messages == [message(content, "no_words"), question(content, "consent", None)]


def test_an_answer_over_the_limit_is_refused_and_nothing_is_saved(chat: Chat, content: Content) -> None:
    drive(chat, "culture_reflection")
    assert chat.say("a" * (MAX_ANSWER_CHARS + 1)).messages == [message(content, "too_long", limit=MAX_ANSWER_CHARS)]
    assert "culture_reflection" not in chat.current() and chat.step() == "culture_reflection"


def test_an_answer_at_the_limit_is_saved_whole(chat: Chat, content: Content) -> None:
    drive(chat, "culture_reflection")
    long_answer = ("I like a team that talks. " * 200)[:MAX_ANSWER_CHARS]
    assert len(long_answer) == MAX_ANSWER_CHARS == 4000
    assert chat.say(long_answer).messages == [
        acknowledged(content, "culture_reflection"),
        question(content, "culture_rating", "work_seeker"),
    ]
    assert chat.current()["culture_reflection"].text == long_answer


def test_2000_plus_characters_of_a_choice_question_is_an_invalid_choice(chat: Chat, content: Content) -> None:
    drive(chat, "pay_rating")
    assert chat.say("x" * 2500).messages == [
        message(content, "invalid_choice"),
        question(content, "pay_rating", "work_seeker"),
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "Forklift & <b>Excel</b> \U0001f4aa",
        "Un milieu o\u00f9 je peux poser des questions",
        "\u6211\u60f3\u8981\u767d\u73ed",
        "\u0623\u062d\u062a\u0627\u062c \u0625\u0644\u0649 \u0639\u0645\u0644",
        "  leading and trailing spaces  ",
        "line one\nline two\n\ttabbed",
        "Quotes \u201clike this\u201d and it\u2019s fine",
        "'; DROP TABLE answers; --",
        "\U0001f600 ok",
    ],
)
def test_answers_are_saved_exactly_as_typed(chat: Chat, typed: str) -> None:
    drive(chat, "skills_reflection")
    chat.say(typed)
    assert chat.current()["skills_reflection"].text == typed
    assert chat.step() == "skills_rating"


@pytest.mark.parametrize(
    ("typed", "saved"), [("abc\x00def", "abcdef"), ("\x00lead", "lead"), ("bell\x07 and esc\x1b", "bell and esc")]
)
def test_control_characters_are_stripped_before_saving(chat: Chat, typed: str, saved: str) -> None:
    drive(chat, "skills_reflection")
    chat.say(typed)
    assert chat.current()["skills_reflection"].text == saved


def test_nul_in_a_choice_answer_is_stripped_too(chat: Chat) -> None:
    drive(chat, "skills_rating")
    chat.say("1\x00")
    saved = chat.current()["skills_rating"]
    assert (saved.text, saved.value) == ("1", "strength")


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("I need to stop working nights", "capacity_reflection"),
        ("help with childcare", "pay_reflection"),
        ("back to work soon", "skills_reflection"),
        ("skip breakfast to get there on time", "arrangements_reflection"),
        ("break times matter", "culture_reflection"),
        ("I'd like to stop commuting", "arrangements_reflection"),
    ],
)
def test_answers_with_request_words_are_saved_as_answers(chat: Chat, text: str, step: str) -> None:
    drive(chat, step)
    chat.say(text)
    assert chat.current()[step].text == text


# ---- NLU intents: trusted only where an answer cannot be free text --------------------------------


def test_a_confident_pause_intent_on_a_choice_question_pauses(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_rating")
    outcome = chat.say("gotta run to my shift now bye", intent="pause", confidence=0.95)
    assert outcome.messages[0] == message(content, "paused")
    assert chat.run().status == "paused"
    assert "capacity_rating" not in chat.current()


def test_the_same_intent_in_a_sentence_on_a_text_question_is_checked_and_no_saves_it_verbatim(
    chat: Chat, content: Content
) -> None:
    drive(chat, "capacity_reflection")
    offer = message(content, "confirm_request", action=content.request_actions["pause"]).text
    assert [m.text for m in chat.say("gotta run to my shift now bye", intent="pause", confidence=0.95).messages] == [
        offer
    ]
    assert "capacity_reflection" not in chat.current() and chat.run().status == "active"
    assert chat.say("no").messages == [
        acknowledged(content, "capacity_reflection"),
        question(content, "capacity_rating", "work_seeker"),
    ]
    assert chat.current()["capacity_reflection"].text == "gotta run to my shift now bye"


def test_yes_to_the_offered_request_carries_it_out(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_reflection")
    chat.say("gotta run to my shift now bye", intent="pause", confidence=0.95)
    assert chat.say("yes").messages[0] == message(content, "paused")
    assert chat.run().status == "paused" and "capacity_reflection" not in chat.current()


def test_a_short_sure_request_on_a_text_question_is_offered_not_taken(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_reflection")
    offer = message(content, "confirm_request", action=content.request_actions["pause"]).text
    assert [m.text for m in chat.say("break times matter", intent="pause", confidence=0.95).messages] == [offer]
    assert chat.say("no").messages == [
        acknowledged(content, "capacity_reflection"),
        question(content, "capacity_rating", "work_seeker"),
    ]
    assert chat.current()["capacity_reflection"].text == "break times matter"


def test_a_command_phrase_on_a_text_question_is_a_request(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_reflection")
    assert chat.say("pause please").messages[0] == message(content, "paused")
    assert "capacity_reflection" not in chat.current()


def test_an_unsure_intent_on_a_choice_question_is_an_invalid_choice(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_rating")
    assert chat.say("gotta run to my shift now bye", intent="pause", confidence=0.3).messages == [
        message(content, "invalid_choice"),
        question(content, "capacity_rating", "work_seeker"),
    ]


def test_a_probable_request_on_a_choice_question_is_acted_on(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_rating")
    assert chat.say("gotta run to my shift now bye", intent="pause", confidence=0.6).messages[0] == message(
        content, "paused"
    )
    assert chat.run().status == "paused" and "capacity_rating" not in chat.current()


def test_a_parseable_choice_wins_over_a_confident_intent(chat: Chat, content: Content) -> None:
    drive(chat, "capacity_rating")
    assert chat.say("not sure", intent="help", confidence=0.99).messages == [
        question(content, "pay_reflection", "work_seeker")
    ]
    assert chat.current()["capacity_rating"].value == "unsure"


@pytest.mark.parametrize(
    ("intent", "expected_first"), [("help", None), ("go_back", "went_back"), ("stop", "stopped"), ("skip", "skipped")]
)
def test_control_intents_on_a_choice_question(chat: Chat, content: Content, intent: str, expected_first) -> None:
    drive(chat, "clarity_after")
    first = chat.say("hmm let me think about it", intent=intent, confidence=0.9).messages[0]
    if expected_first is None:  # help
        assert first.text == content.step("clarity_after").help_for("work_seeker")
    else:
        assert first == message(content, expected_first)


def test_invalid_multi_choice_explains_the_format(chat: Chat, content: Content) -> None:
    drive(chat, "priorities")
    assert chat.say("1 2 3").messages == [
        message(content, "invalid_multi"),
        question(content, "priorities", "work_seeker"),
    ]
    assert chat.say("9").messages == [message(content, "invalid_multi"), question(content, "priorities", "work_seeker")]
    assert "priorities" not in chat.current()
