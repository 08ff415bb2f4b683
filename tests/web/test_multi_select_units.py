"""A multi-select question's limit ("choose_up_to") without servers: dispatched for the web chat only, carried through
Rasa's own path (action response -> BotUttered -> output channel) to the page's JSON, and the reply the page then sends."""

from __future__ import annotations

import asyncio
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.turn import dispatch
from bot.activity.replies import BotMessage
from bot.channels.webchat import channel as webchat
from bot.content import load_content
from bot.interpretation.decision import ANSWER
from bot.interpretation.interpret import interpret
from bot.interpretation.nlu import NluResult
from bot.web import chat_routes

SENDER = "0123456789abcdef0123456789abcdef"
PAGE_LANGUAGES = tuple(chat_routes.PAGE_STRINGS)  # the languages the chat page speaks
OTHER_CHANNELS = ("rest", "twilio_sms", "telegram", "terminal")


def multi_steps(language: str) -> list[Any]:
    """The content's questions that take several choices in one reply."""
    return [s for s in load_content(language).steps if s.kind == "multi" and s.max_choices > 1]


def priorities_question(choose_up_to: int | None = None) -> BotMessage:
    """The priorities question as the engine asks it (navigation._ask): its options and their limit."""
    content = load_content()
    step = content.step("priorities")
    limit = step.max_choices if choose_up_to is None else choose_up_to
    return BotMessage(content.question_text("priorities", "work_seeker"), options=step.options, choose_up_to=limit)


def dispatched(message: BotMessage, channel: str) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    dispatch(dispatcher, [message], channel)
    return dispatcher.messages


def through_rasa(action_messages: list[dict[str, Any]], output: CollectingOutputChannel) -> list[dict[str, Any]]:
    """What ``output`` collects from the action server's messages, as the Rasa server hands them over: JSON over HTTP,
    RemoteAction's BotUttered events, then processor._send_bot_messages (send_response with the event's message())."""

    async def utter() -> list[dict[str, Any]]:
        responses = json.loads(json.dumps(action_messages))
        events = await RemoteAction._utter_responses(responses, output, None, None)  # nlg/tracker: for "response" only
        for event in events:
            await output.send_response(SENDER, event.message())
        return output.messages

    # In a thread of its own: a browser test run before this one (Playwright's sync API) leaves an event loop running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, utter()).result()


def test_the_priorities_step_is_a_multi_select_question() -> None:
    for language in PAGE_LANGUAGES:
        assert [s.id for s in multi_steps(language) if s.id == "priorities"] == ["priorities"]
        assert load_content(language).step("priorities").max_choices == 2


def test_on_the_web_chat_a_multi_select_question_carries_its_limit_with_the_buttons() -> None:
    message = priorities_question()
    sent = dispatched(message, "webchat")
    assert len(sent) == 1
    assert sent[0]["choose_up_to"] == 2
    assert sent[0]["buttons"] == [{"title": o.label, "payload": o.label} for o in message.options]
    assert sent[0]["text"] == message.text


@pytest.mark.parametrize("channel", OTHER_CHANNELS)
def test_other_channels_get_the_question_exactly_as_before(channel: str) -> None:
    several, single = priorities_question(), priorities_question(choose_up_to=1)
    assert dispatched(several, channel) == dispatched(single, channel)
    assert "choose_up_to" not in dispatched(several, channel)[0]


def test_a_single_choice_question_carries_no_limit_on_the_web_chat() -> None:
    assert "choose_up_to" not in dispatched(priorities_question(choose_up_to=1), "webchat")[0]
    assert "choose_up_to" not in dispatched(BotMessage("Just text", choose_up_to=2), "webchat")[0]


def test_the_limit_survives_rasas_path_into_the_pages_json() -> None:
    message = priorities_question()
    collected = through_rasa(dispatched(message, "webchat"), webchat.WebChatCollector())
    assert webchat.to_page_messages(collected) == [
        {
            "text": message.text,
            "buttons": [{"title": o.label, "payload": o.label} for o in message.options],
            "choose_up_to": 2,
        }
    ]


def test_a_single_choice_question_reaches_the_page_without_a_limit() -> None:
    message = priorities_question(choose_up_to=1)
    collected = through_rasa(dispatched(message, "webchat"), webchat.WebChatCollector())
    assert [set(m) for m in webchat.to_page_messages(collected)] == [{"text", "buttons"}]


def test_rasas_rest_collector_keeps_its_own_fields_only() -> None:
    """Even if the limit were dispatched to REST, Rasa's collector would not pass it on (belt and braces)."""
    message = priorities_question()
    sent = [{**dispatched(message, "rest")[0], "choose_up_to": 2}]
    collected = through_rasa(sent, CollectingOutputChannel())
    assert [set(m) for m in collected] == [{"recipient_id", "text", "buttons"}]


@pytest.mark.parametrize(
    ("value", "buttons", "expected"),
    [(2, 6, 2), (3, 2, 2), (1, 6, None), (0, 6, None), (True, 6, None), ("2", 6, None), (2.0, 6, None), (2, 1, None)],
)
def test_the_page_takes_a_whole_limit_of_two_or_more(value: object, buttons: int, expected: int | None) -> None:
    assert webchat.page_choice_limit(value, buttons) == expected
    collected = [
        {
            "recipient_id": SENDER,
            "text": "Pick",
            "buttons": [{"title": str(i), "payload": str(i)} for i in range(buttons)],
            "choose_up_to": value,
        }
    ]
    page = webchat.to_page_messages(collected)[0]
    assert page.get("choose_up_to") == expected


@pytest.mark.parametrize("language", PAGE_LANGUAGES)
def test_the_engine_reads_the_labels_the_page_sends_for_any_pick(language: str) -> None:
    """The page's Done sends the chosen labels joined by ", " in the order shown: every pick up to the limit reads back
    as exactly those options (the order shown, as the value is saved), whatever labels the content has."""
    content = load_content(language)
    for step in multi_steps(language):
        for size in range(1, step.max_choices + 1):
            for picked in itertools.combinations(step.options, size):
                text = ", ".join(o.label for o in picked)
                decision = interpret(text, step, NluResult(), content)
                assert (decision.kind, decision.options) == (ANSWER, picked), f"{language}: {text!r}"
