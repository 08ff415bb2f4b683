"""A whole activity in French over REST with the real Rasa NLU and action server; a switch each way keeps every answer."""

from __future__ import annotations

import pytest

from bot.content import load_content
from tests.support.activity import closing_texts, expected_prompt, question_texts
from tests.support.french import ASKED, FACTORS, french_script
from tests.support.stack import Stack
from tests.support.stored import stored

pytestmark = [pytest.mark.e2e]


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_whole_activity_in_french(stack: Stack, role: str) -> None:
    fr = load_content("fr")
    sender = f"rest-french-{role}"
    script = french_script(role)
    asked_role = None
    for turn in script:
        replies = stack.send(sender, turn.text)
        if turn.question_id == "clarity_before":
            asked_role = role
        if turn.question_id is None:
            assert question_texts(replies) == closing_texts(fr, role)
        else:
            assert question_texts(replies)[-1] == expected_prompt(turn.question_id, asked_role, fr), turn.text
    found = stored(stack.db_url, "rest", sender)
    participant, answers, consents, summary = found.participant, found.answers, found.consents, found.summary
    assert participant.language == "fr"
    expected = []
    for asked, given in zip(script[:-1], script[1:], strict=True):
        expected.append((asked.question_id, given.text))
        factor = (asked.question_id or "").removesuffix("_reflection")
        if factor in FACTORS and factor not in ASKED:
            expected.append((f"{factor}_rating", given.text))  # the rating its words stated, saved with them
    assert [(a.question_id, a.text) for a in answers] == expected
    assert [(c.kind, c.granted, c.wording, c.reply_text) for c in consents] == [
        ("participate", True, fr.step("consent").prompt_for(None), "oui"),
        ("share", True, fr.step("share").prompt_for(role), "Oui"),
    ]
    assert summary.text.startswith(fr.message("summary_title") + "\n") and all(
        f.name in summary.text for f in fr.factors
    )


def test_switching_language_each_way_keeps_every_answer(stack: Stack) -> None:
    en, fr = load_content("en"), load_content("fr")
    sender = "rest-french-switch"
    for text in ["hi", "yes", "Looking for work", "3", "1", "Warehouse", "Forklift and Excel"]:
        stack.send(sender, text)
    replies = question_texts(stack.send(sender, "en français svp"))
    assert replies == [fr.message("language_set"), expected_prompt("skills_rating", "work_seeker", fr)]
    stack.send(sender, "2")
    stack.send(sender, "Trente heures par semaine, de jour")
    replies = question_texts(stack.send(sender, "English please"))
    assert replies == [en.message("language_set"), expected_prompt("capacity_rating", "work_seeker", en)]
    found = stored(stack.db_url, "rest", sender)
    participant, answers = found.participant, found.answers
    assert participant.language == "en"
    assert {a.question_id: a.text for a in answers}["capacity_reflection"] == "Trente heures par semaine, de jour"
    assert {a.question_id: a.text for a in answers}["skills_reflection"] == "Forklift and Excel"
