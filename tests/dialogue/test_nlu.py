"""The trained NLU model: requests get their intents, answers that contain request words are answers (inform)."""
from __future__ import annotations

import pytest

from bot.activity.commands import CONTROL_INTENTS, NLU_CONFIDENCE

REQUESTS = [
    ("help", "help"), ("what does this mean?", "help"), ("I don't understand", "help"), ("can you explain?", "help"),
    ("skip", "skip"), ("skip this one", "skip"), ("I'd rather not say", "skip"), ("I don't want to answer that", "skip"),
    ("go back", "go_back"), ("previous question", "go_back"), ("I want to change my last answer", "go_back"),
    ("repeat the question", "repeat"), ("say that again", "repeat"),
    ("pause", "pause"), ("can we continue later", "pause"), ("I have to go now", "pause"),
    ("start over", "start_over"), ("can we start from the beginning", "start_over"), ("let's start fresh", "start_over"),
    ("stop", "stop"), ("quit", "stop"), ("I don't want to do this anymore", "stop"),
    ("hi", "greet"), ("good morning", "greet"), ("hey there", "greet"),
]

ANSWERS = [
    "I need to stop working nights",
    "help with childcare",
    "my back hurts if I stand all day",
    "I need a break from retail work",
    "we can help new hires learn",
    "I can't skip meals because of long shifts",
    "helping people is what I enjoy most",
    "a quiet place without too much noise",
    "I need time off for medical appointments",
    "3 4",
    "Looking for work",
    "back to work soon",
    "skip breakfast to get there on time",
    "break times matter",
    "I'd like to stop commuting",
    "I want to go back to school",
    "I need help with transportation",
]


@pytest.mark.parametrize(("text", "intent"), REQUESTS)
async def test_requests_get_their_intent(agent, text: str, intent: str) -> None:
    parsed = await agent.parse_message(text)
    assert parsed["intent"]["name"] == intent, parsed["intent"]


@pytest.mark.parametrize("text", ANSWERS)
async def test_answers_with_request_words_are_inform(agent, text: str) -> None:
    parsed = await agent.parse_message(text)
    assert parsed["intent"]["name"] == "inform", parsed["intent"]


TRUSTED = [p if isinstance(p, str) else p.values[0] for p in ANSWERS]


@pytest.mark.parametrize(
    "text",
    TRUSTED,
)
async def test_no_answer_gets_a_control_intent_the_engine_would_trust(agent, text: str) -> None:
    intent = (await agent.parse_message(text))["intent"]
    assert not (intent["name"] in CONTROL_INTENTS and intent["confidence"] >= NLU_CONFIDENCE), intent


def test_every_control_intent_of_the_engine_is_in_the_domain() -> None:
    from rasa.shared.core.domain import Domain

    from bot.settings import REPO_ROOT

    domain = Domain.load(str(REPO_ROOT / "domain.yml"))
    assert set(CONTROL_INTENTS) | {"greet", "inform"} == set(domain.intents) - {"back", "restart", "session_start", "nlu_fallback", "out_of_scope"}
