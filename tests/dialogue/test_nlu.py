"""The trained NLU model: requests get their intents, answers that contain request words are answers (inform)."""

from __future__ import annotations

import pytest
import yaml

from bot.content import load_content
from bot.interpretation import decision as meant
from bot.interpretation.intents import ANSWER_INTENT, ASIDE_INTENTS, QUESTION_INTENTS, REQUEST_INTENTS, THANKS_INTENT
from bot.interpretation.interpret import interpret
from bot.interpretation.nlu import NluResult
from bot.settings import REPO_ROOT

REQUESTS = [
    ("help", "help"),
    ("what does this mean?", "help"),
    ("I don't understand", "help"),
    ("can you explain?", "help"),
    ("skip", "skip"),
    ("skip this one", "skip"),
    ("I'd rather not say", "skip"),
    ("I don't want to answer that", "skip"),
    ("go back", "go_back"),
    ("previous question", "go_back"),
    ("I want to change my last answer", "go_back"),
    ("repeat the question", "repeat"),
    ("say that again", "repeat"),
    ("pause", "pause"),
    ("can we continue later", "pause"),
    ("I have to go now", "aside_leave"),
    ("start over", "start_over"),
    ("can we start from the beginning", "start_over"),
    ("let's start fresh", "start_over"),
    ("stop", "stop"),
    ("quit", "stop"),
    ("I don't want to do this anymore", "stop"),
    ("hi", "greet"),
    ("good morning", "greet"),
    ("hey there", "greet"),
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
async def test_no_answer_is_taken_for_anything_else_at_a_text_question(agent, text: str) -> None:
    content = load_content()
    result = NluResult.from_parse_data(await agent.parse_message(text))
    decision = interpret(text, content.step("capacity_reflection"), result, content)
    assert decision.kind in (meant.ANSWER, meant.CONFIRM_ANSWER, meant.CONFIRM_REQUEST), (decision, result)


def _domain_intents() -> set[str]:
    from rasa.shared.core.domain import Domain

    return set(Domain.load(str(REPO_ROOT / "domain.yml")).intents) - {
        "back",
        "restart",
        "session_start",
        "nlu_fallback",
        "out_of_scope",
    }


def test_every_intent_the_interpretation_knows_is_in_the_domain_and_back() -> None:
    content = load_content()
    option_intents = {i for step in content.steps for o in step.options for i in o.intents}
    known = (
        set(REQUEST_INTENTS)
        | set(QUESTION_INTENTS)
        | set(ASIDE_INTENTS)
        | {THANKS_INTENT, ANSWER_INTENT}
        | option_intents
    )
    assert known == _domain_intents()


def test_every_intent_has_a_rule_to_the_activity_form() -> None:
    rules = yaml.safe_load((REPO_ROOT / "bot" / "data" / "rules" / "activity.yml").read_text())["rules"]
    ruled = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    assert ruled == _domain_intents() | {"nlu_fallback"}
