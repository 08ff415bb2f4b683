"""Research and matching use are their own consents: asked once at the end, optional, each granted on its own only by
a plain answer, each withdrawable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.content.model import Content
from bot.store.export import export_records, left_out
from bot.store.models import CONSENT_MATCHING, CONSENT_RESEARCH, ConsentRecord
from tests.activity.conftest import Chat
from tests.support.activity import closing_texts, drive


def research_records(chat: Chat) -> list[tuple[bool, str, str | None]]:
    return consent_records(chat, CONSENT_RESEARCH)


def consent_records(chat: Chat, kind: str) -> list[tuple[bool, str, str | None]]:
    rows = chat.session.execute(
        select(ConsentRecord).where(ConsentRecord.kind == kind).order_by(ConsentRecord.id)
    ).scalars()
    return [(r.granted, r.wording, r.reply_text) for r in rows]


def finish(chat: Chat, role: str = "work_seeker", share: str = "Yes") -> list[str]:
    """Answer the script and ``share``; after a yes, SKIP at the contact question. What the bot said last."""
    drive(chat, "share", role)
    said = [m.text for m in chat.say(share).messages]
    if share == "Yes":
        assert said == closing_texts(chat.flow.content, role)
        said = [m.text for m in chat.say("skip").messages]
    return said


def exported_runs(chat: Chat) -> list[Any]:
    return [r["run_id"] for r in export_records(session=chat.session)]


def test_after_a_share_one_question_asks_both_uses_and_a_yes_grants_each_recorded_with_its_words(
    chat: Chat, content: Content
) -> None:
    offer = content.message("uses_offer_work_seeker")
    assert finish(chat) == [content.message("contact_none"), offer]
    assert chat.history[-1].messages[-1].options == content.uses_options  # 1 Yes, both 2 Only matches ...
    assert research_records(chat) == [] and exported_runs(chat) == []
    assert [m.text for m in chat.say("Yes please").messages] == [content.message("uses_both")]
    assert research_records(chat) == [(True, offer, "Yes please")]
    assert consent_records(chat, CONSENT_MATCHING) == [(True, offer, "Yes please")]
    assert exported_runs(chat) == [chat.run().public_id]


@pytest.mark.parametrize(
    ("reply", "value", "matching", "research"),
    [
        ("1", "both", True, True),
        ("2", "matching", True, False),
        ("only matches", "matching", True, False),
        ("3", "research", False, True),
        ("research only", "research", False, True),
        ("4", "none", False, False),
        ("no thanks", "none", False, False),
        ("neither", "none", False, False),
    ],
)
def test_each_use_is_granted_on_its_own(
    chat: Chat, content: Content, reply: str, value: str, matching: bool, research: bool
) -> None:
    offer = content.message("uses_offer_employer")
    assert finish(chat, "employer")[-1] == offer
    assert [m.text for m in chat.say(reply).messages] == [content.message(f"uses_{value}")]
    assert consent_records(chat, CONSENT_MATCHING) == [(matching, offer, reply)]
    assert research_records(chat) == [(research, offer, reply)]
    assert exported_runs(chat) == ([chat.run().public_id] if research else [])


def test_a_question_at_the_uses_question_is_answered_and_the_question_asked_again(chat: Chat, content: Content) -> None:
    finish(chat)
    said = chat.say("who would see it?", intent="ask_who_sees", confidence=0.9).messages
    assert [m.text for m in said] == [
        content.answer_faq("who_sees", "work_seeker"),
        content.message("uses_offer_work_seeker"),
    ]
    assert said[-1].options == content.uses_options
    assert research_records(chat) == [] and consent_records(chat, CONSENT_MATCHING) == []
    assert [m.text for m in chat.say("2").messages] == [content.message("uses_matching")]


@pytest.mark.parametrize("reply", ["yes but who reads it?", "maybe", "ok?", "5", "the matches thing i guess"])
def test_a_reply_that_is_not_plain_is_asked_again_and_grants_nothing(chat: Chat, content: Content, reply: str) -> None:
    finish(chat)
    said = chat.say(reply).messages
    assert [m.text for m in said] == [content.message("uses_unclear")]
    assert said[0].options == content.uses_options
    assert research_records(chat) == [] and consent_records(chat, CONSENT_MATCHING) == []
    assert [m.text for m in chat.say("3").messages] == [content.message("uses_research")]
    assert [granted for granted, _, _ in consent_records(chat, CONSENT_MATCHING)] == [False]


def test_no_matches_withdraws_matching_at_any_time_with_the_words_that_said_it(chat: Chat, content: Content) -> None:
    finish(chat)
    chat.say("1")
    assert [m.text for m in chat.say("NO MATCHES").messages] == [content.message("matching_withdrawn")]
    assert consent_records(chat, CONSENT_MATCHING)[-1] == (False, content.message("matching_withdrawn"), "NO MATCHES")
    assert research_records(chat)[-1][0] is True  # research use is its own consent: still granted
    assert exported_runs(chat) == [chat.run().public_id]


def test_it_is_asked_after_declining_to_share_too_and_a_no_is_recorded(chat: Chat, content: Content) -> None:
    assert finish(chat, "employer", "No") == closing_texts(content, "employer", shared=False)
    assert [m.text for m in chat.say("2").messages] == [content.message("research_no")]
    assert research_records(chat) == [(False, content.message("research_offer"), "2")]
    assert exported_runs(chat) == []
    assert left_out(session=chat.session)["reason"] == {"declined": 1}


@pytest.mark.parametrize("reply", ["yes but who reads it?", "maybe", "1 sec", "ok?"])
def test_only_a_plain_yes_grants_it(chat: Chat, content: Content, reply: str) -> None:
    finish(chat, "employer", "No")
    chat.say(reply)
    assert research_records(chat) == [] and exported_runs(chat) == []
    # The question was dropped, not repeated: a later "yes" alone is no consent to research.
    assert content.message("research_offer") not in [m.text for m in chat.history[-1].messages]


def test_ignoring_it_is_fine_and_it_is_not_asked_again(chat: Chat, content: Content) -> None:
    finish(chat)
    assert [m.text for m in chat.say("thanks!").messages] == [content.message("thanks_reply")]
    assert consent_records(chat, CONSENT_MATCHING) == []
    # A later "yes" is not taken as research consent: the question was dropped when another message came.
    assert [m.text for m in chat.say("yes").messages] == [content.message("already_completed")]
    assert research_records(chat) == []
    assert left_out(session=chat.session)["reason"] == {"not_asked": 1}


def test_no_research_withdraws_it_at_any_time_with_the_words_that_said_it(chat: Chat, content: Content) -> None:
    finish(chat)
    chat.say("yes")
    assert exported_runs(chat) == [chat.run().public_id]
    assert [m.text for m in chat.say("no research").messages] == [content.message("research_withdrawn")]
    assert research_records(chat)[-1] == (False, content.message("research_withdrawn"), "no research")
    assert exported_runs(chat) == []
    assert left_out(session=chat.session) == {
        "runs": 1,
        "reason": {"withdrawn": 1},
        "run_status": {"completed": 1},
        "role": {"work_seeker": 1},
    }


def test_no_research_during_the_activity_is_recorded_and_the_question_asked_again(chat: Chat, content: Content) -> None:
    drive(chat, "pay_reflection")
    texts = [m.text for m in chat.say("don't use my answers for research").messages]
    assert texts == [content.message("research_withdrawn"), content.question_text("pay_reflection", "work_seeker")]
    assert "pay_reflection" not in chat.current()
    assert research_records(chat) == [
        (False, content.message("research_withdrawn"), "don't use my answers for research")
    ]


def test_in_french(make_flow: Any, clock: Any) -> None:
    fr = load_content("fr")
    flow = make_flow(now=clock)
    flow.content = fr
    chat = Chat(flow, sender_id="rest-fr-research")
    drive_fr = [m.text for m in chat.say("bonjour").messages]
    assert drive_fr[-1] == fr.question_text("consent", None)
    for reply in ("oui", "Je cherche un emploi"):
        chat.say(reply)
    while chat.step() != "share":
        step = fr.step(chat.step())
        chat.say("1" if step.kind != "text" else "Des horaires de jour, près de chez nous")
    assert [m.text for m in chat.say("oui").messages] == closing_texts(fr, "work_seeker")
    offer = fr.message("uses_offer_work_seeker")
    assert [m.text for m in chat.say("passer").messages] == [fr.message("contact_none"), offer]
    assert [m.text for m in chat.say("oui").messages] == [fr.message("uses_both")]
    assert [m.text for m in chat.say("pas de recherche").messages] == [fr.message("research_withdrawn")]
    assert [granted for granted, _, _ in research_records(chat)] == [True, False]
    assert [m.text for m in chat.say("pas de jumelage").messages] == [fr.message("matching_withdrawn")]
    assert [(granted, said) for granted, _, said in consent_records(chat, CONSENT_MATCHING)] == [
        (True, "oui"),
        (False, "pas de jumelage"),
    ]
