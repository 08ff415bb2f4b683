"""ValidateActivityForm and ActionAskAnswer on trackers built from JSON, against the real domain and a real SQLite database."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select

from bot.actions.activity_form import END_OF_TURN, ActionAskAnswer, ValidateActivityForm
from bot.activity.flow import ActivityFlow, Incoming
from bot.activity.navigation import SUMMARY_LABELS
from bot.activity.summary import confidence_line, sms_summary_text
from bot.content import load_content
from bot.content.model import Content
from bot.settings import get_settings, load_settings
from bot.store import outbox, summary_links
from bot.store import repository as repo
from bot.store.db import dispose_all, session_scope
from bot.store.models import Answer, ChannelIdentity, Handoff
from bot.store.summary_links import SummaryLink
from tests.actions.conftest import TrackerFactory, custom_message, text_message

SENDER = "web-3f9c2a"


def ask(content: Content, step_id: str, role: Optional[str]) -> dict[str, Any]:
    """The question for ``step_id`` as dispatched: text with one button per option (title and payload = label)."""
    options = content.step(step_id).options
    return text_message(
        content.question_text(step_id, role), [{"title": o.label, "payload": o.label} for o in options] or None
    )


def say(content: Content, key: str, **values: object) -> dict[str, Any]:
    """A message as dispatched on a channel that does not mark languages: plain text, no [fr] tags."""
    return text_message(content.plain_message(key, **values))


def prepare(db_url: str, *texts: str, sender: str = SENDER, channel: str = "rest") -> None:
    """Earlier turns of this participant, committed as the action server would have."""
    with session_scope(db_url) as session:
        flow = ActivityFlow(session=session, content=load_content(), settings=load_settings())
        for text in texts:
            flow.handle(Incoming(channel=channel, sender_id=sender, text=text))


def saved(db_url: str, sender: str = SENDER, channel: str = "rest") -> dict[str, tuple[str, Optional[str], str]]:
    with session_scope(db_url) as session:
        identity = repo.find_identity(session=session, channel=channel, external_id=sender)
        if identity is None:
            return {}
        run = repo.latest_run(session=session, participant=identity.participant)
        return {
            a.question_id: (a.text, a.value, a.channel) for a in repo.current_answers(session=session, run=run).values()
        }


async def test_ask_action_on_activation_handles_the_first_message(
    db_url: str, domain: DomainDict, dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, content: Content
) -> None:
    tracker = make_tracker(sender_id=SENDER, text="hi", message_id="m-1", intent="greet", with_slot_candidate=False)
    events = await ActionAskAnswer().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handled_message_id", "m-1")]
    intro = sorted(k for k in content.messages if k.startswith("intro_"))
    assert dispatcher.messages == [say(content, k) for k in intro] + [ask(content, "consent", None)]
    assert dispatcher.messages[-1]["buttons"] == [{"title": "Yes", "payload": "Yes"}, {"title": "No", "payload": "No"}]
    with session_scope(db_url) as session:
        identity = session.execute(select(ChannelIdentity)).scalar_one()
        assert (identity.channel, identity.external_id) == ("rest", SENDER)


async def test_on_the_web_chat_a_passage_in_another_language_is_dispatched_as_parts_with_the_plain_text(
    db_url: str, domain: DomainDict, dispatcher: CollectingDispatcher, make_tracker: TrackerFactory, content: Content
) -> None:
    tracker = make_tracker(sender_id=SENDER, text="hi", message_id="m-1", channel="webchat", with_slot_candidate=False)
    await ActionAskAnswer().run(dispatcher, tracker, domain)
    intro_2 = content.plain_message("intro_2")
    english, french = (
        intro_2.removesuffix("Service en FRANÇAIS: écrivez FRANÇAIS."),
        "Service en FRANÇAIS: écrivez FRANÇAIS.",
    )
    assert dispatcher.messages[1] == {
        **text_message(intro_2),
        "parts": [{"text": english}, {"text": french, "lang": "fr"}],
    }
    assert [m.get("parts") for m in dispatcher.messages] == [None, dispatcher.messages[1]["parts"], None]
    assert "[fr]" not in intro_2 and english.endswith("you choose if your summary is shared. ")


async def test_the_language_offer_goes_plain_to_other_channels_and_with_parts_to_the_web_chat(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    offer = "Hi! English or French? Reply 1 for English. Bonjour! Répondez 2 pour le FRANÇAIS."
    for channel, sender in (("twilio_sms", "+19025550101"), ("webchat", "f" * 32)):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(sender_id=sender, text="1", message_id="m-1", channel=channel, with_slot_candidate=False)
        await ActionAskAnswer().run(dispatcher, tracker, domain)
        expected = text_message(offer)
        if channel == "webchat":
            expected["parts"] = [
                {"text": "Hi! English or French? Reply 1 for English. "},
                {"text": "Bonjour! Répondez 2 pour le FRANÇAIS.", "lang": "fr"},
            ]
        assert dispatcher.messages == [expected], channel


async def test_validation_saves_the_answer_and_asks_next_then_ask_action_sends_nothing(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    prepare(db_url, "hi")
    tracker = make_tracker(sender_id=SENDER, text="yes", message_id="m-2", handled="m-1")
    validation = CollectingDispatcher()
    events = await ValidateActivityForm().run(validation, tracker, domain)
    assert events == [SlotSet("handled_message_id", "m-2"), *END_OF_TURN]
    assert validation.messages == [say(content, "consent_given"), ask(content, "role", None)]
    assert validation.messages[1]["buttons"] == [
        {"title": "Looking for work", "payload": "Looking for work"},
        {"title": "Hiring", "payload": "Hiring"},
    ]
    assert saved(db_url) == {"consent": ("yes", "yes", "rest")}

    assert END_OF_TURN == [SlotSet("answer", None), SlotSet("requested_slot", None)]  # the form ends: no ask action
    # Should Rasa still call the ask action in the same turn, it sends nothing and saves nothing.
    same_turn = make_tracker(sender_id=SENDER, text="yes", message_id="m-2", handled="m-2", with_slot_candidate=False)
    asking = CollectingDispatcher()
    assert await ActionAskAnswer().run(asking, same_turn, domain) == []
    assert asking.messages == []
    assert saved(db_url) == {"consent": ("yes", "yes", "rest")}


async def test_validation_does_not_process_the_same_message_twice(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory
) -> None:
    prepare(db_url, "hi", "yes")
    tracker = make_tracker(sender_id=SENDER, text="Hiring", message_id="m-3", handled="m-3")
    dispatcher = CollectingDispatcher()
    assert await ValidateActivityForm().run(dispatcher, tracker, domain) == END_OF_TURN
    assert dispatcher.messages == []
    assert "role" not in saved(db_url)


async def test_the_answer_is_saved_verbatim_with_the_channel_of_the_user_event(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    prepare(db_url, "hi", "yes", "2", "3", "Harbour Diner", "Line cook", channel="webchat")
    typed = "  Forklift & <b>Excel</b>\nI need to stop working nights \U0001f4aa "
    tracker = make_tracker(sender_id=SENDER, text=typed, message_id="m-9", handled="m-8", channel="webchat")
    dispatcher = CollectingDispatcher()
    events = await ValidateActivityForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handled_message_id", "m-9"), *END_OF_TURN]
    assert dispatcher.messages == [
        text_message(content.acknowledgement("skills_reflection")),
        ask(content, "skills_rating", "employer"),
    ]
    assert saved(db_url, channel="webchat")["skills_reflection"] == (typed, None, "webchat")


async def test_a_confident_control_intent_from_parse_data_is_used_on_a_choice_question(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    prepare(db_url, "hi", "yes", "1")
    tracker = make_tracker(
        sender_id=SENDER, text="my bus is here, later", message_id="m-4", handled="m-3", intent="pause", confidence=0.93
    )
    dispatcher = CollectingDispatcher()
    await ValidateActivityForm().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0] == say(content, "paused")
    assert dispatcher.messages[1]["text"].startswith("To continue on another device, send this code there: ")


async def test_the_review_sends_the_summary_as_one_json_message_then_the_question(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    prepare(db_url, *SHARE_READY[:-2])  # up to the closing question
    tracker = make_tracker(sender_id=SENDER, text="It helped", message_id="m-20", handled="m-19")
    dispatcher = CollectingDispatcher()
    events = await ValidateActivityForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handled_message_id", "m-20"), *END_OF_TURN]

    with session_scope(db_url) as session:
        identity = repo.find_identity(session=session, channel="rest", external_id=SENDER)
        summary = repo.latest_summary(
            session=session, run=repo.latest_run(session=session, participant=identity.participant)
        )
        body, text = summary.body, summary.text
        link = session.execute(select(SummaryLink).where(SummaryLink.run_id == summary.run_id)).scalar_one()
        path = f"/summary/{summary_links.token_of(link.nonce, load_settings().secret_key)}"
    url = load_settings().public_base_url + path
    labels = {k: content.message(f"summary_{k}") for k in SUMMARY_LABELS}
    expected_custom = {
        "type": "mf_summary",
        "title": "Your Magnetic Factors Summary",
        "text": f"{text}\n\n" + content.message("keep_link", link=url),
        "sms_text": sms_summary_text(content, body, link=url),
        "keep": {"path": path, "text": content.message("keep_button")},
        "summary": body,
        "labels": labels,
        "confidence_line": confidence_line(content, body),
    }
    assert dispatcher.messages == [
        text_message(content.acknowledgement("closing_reflection")),
        custom_message(expected_custom),
        ask(content, "review", "work_seeker"),
    ]
    assert body["priorities"] == ["pay", "arrangements"] and (body["clarity_before"], body["clarity_after"]) == (2, 4)
    assert [(f["id"], f["rating"], f["reflection"], f["reflection_skipped"]) for f in body["factors"]] == [
        ("skills", "strength", "Forklift", False),
        ("capacity", "stressor", "Nights are hard", False),
        ("pay", None, None, True),
        ("arrangements", "both", "Days", False),
        ("values", "strength", "Respect - strength", False),
        ("culture", "stressor", "Kind people", False),
    ]
    assert "Forklift" in text and "Kind people" in text


async def test_without_a_message_id_the_timestamp_identifies_the_message(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content
) -> None:
    tracker = make_tracker(
        sender_id=SENDER, text="hello", message_id=None, with_slot_candidate=False, timestamp=1_700_000_123.5
    )
    dispatcher = CollectingDispatcher()
    assert await ActionAskAnswer().run(dispatcher, tracker, domain) == [SlotSet("handled_message_id", "1700000123.5")]
    again = make_tracker(
        sender_id=SENDER,
        text="hello",
        message_id=None,
        handled="1700000123.5",
        with_slot_candidate=False,
        timestamp=1_700_000_123.5,
    )
    second = CollectingDispatcher()
    assert await ActionAskAnswer().run(second, again, domain) == []
    assert second.messages == []


async def test_a_database_error_gives_a_friendly_message_and_logs_nothing_personal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    domain: DomainDict,
    make_tracker: TrackerFactory,
    content: Content,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}")
    get_settings.cache_clear()
    caplog.set_level(logging.DEBUG)
    secret_words = "My sister Zelda Quuxington has a criminal record"
    sender = "+19025550199"
    try:
        tracker = make_tracker(sender_id=sender, text=secret_words, message_id="m-err", handled="m-prev")
        dispatcher = CollectingDispatcher()
        events = await ValidateActivityForm().run(dispatcher, tracker, domain)
    finally:
        dispose_all()
        get_settings.cache_clear()
    assert events == [SlotSet("handled_message_id", "m-err"), *END_OF_TURN]
    assert dispatcher.messages == [say(content, "system_error")]
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name.startswith("bot.")] == [
        ("bot.actions.turn", logging.ERROR, "turn failed (OperationalError) on channel rest")
    ]
    logged = caplog.text + "".join(str(r.args) + str(r.exc_info) for r in caplog.records)
    for personal in ("Zelda", "Quuxington", "criminal", sender, "5550199"):
        assert personal not in logged


async def test_nothing_is_confirmed_when_the_save_fails(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare(db_url, "hi", "yes", "2", "1", "Harbour Diner", "Line cook")

    def broken_save(**kwargs: Any) -> Answer:
        raise RuntimeError("disk full while saving " + kwargs["text"])

    monkeypatch.setattr(repo, "save_answer", broken_save)
    dispatcher = CollectingDispatcher()
    await ValidateActivityForm().run(
        dispatcher, make_tracker(sender_id=SENDER, text="Welding", message_id="m-5", handled="m-4"), domain
    )
    assert dispatcher.messages == [say(content, "system_error")]
    monkeypatch.undo()
    assert "skills_reflection" not in saved(db_url)
    with session_scope(db_url) as session:
        identity = repo.find_identity(session=session, channel="rest", external_id=SENDER)
        assert repo.latest_run(session=session, participant=identity.participant).step_id == "skills_reflection"


def test_action_names_match_the_domain(domain: DomainDict) -> None:
    assert ValidateActivityForm().name() in domain["actions"] and ActionAskAnswer().name() in domain["actions"]
    assert domain["forms"] == {"activity_form": {"required_slots": ["answer"]}}
    assert domain["slots"]["handled_message_id"]["influence_conversation"] is False
    assert not domain.get("responses")  # wording lives in the content files, not in the domain


SHARE_READY = (
    "hi",
    "yes",
    "Looking for work",
    "2",
    "3",
    "skip",
    "Forklift",
    "1",
    "Nights are hard",
    "2",
    "skip",
    "Days",
    "3",
    "Respect - strength",
    "Kind people",
    "2",
    "3 4",
    "skip",
    "4",
    "skip",
    "It helped",
    "Looks right",
)  # fmt: skip (the words at values state their rating; the others get the rating question)


@pytest.fixture
def practitioner_to_tell(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """SMTP is configured and the default site has a Case Manager to tell of handoffs."""
    from tests.staff.seed import Account, add_account, add_site

    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    get_settings.cache_clear()
    with session_scope(db_url) as session:
        add_site(session, get_settings().default_site_code, "Halifax Works")
        add_account(session, Account("cm@x.example", "case_manager", get_settings().default_site_code))
    yield "cm@x.example"
    get_settings.cache_clear()


async def test_the_share_turn_puts_the_handoff_notice_in_the_outbox_with_the_handoff(
    db_url: str, domain: DomainDict, make_tracker: TrackerFactory, practitioner_to_tell: str
) -> None:
    prepare(db_url, *SHARE_READY)
    dispatcher = CollectingDispatcher()
    await ValidateActivityForm().run(
        dispatcher, make_tracker(sender_id=SENDER, text="Yes", message_id="m-30", handled="m-29"), domain
    )
    with session_scope(db_url) as session:
        handoffs = session.execute(select(Handoff)).scalars().all()
        notices = outbox.messages(session=session)
        assert len(handoffs) == 1
        assert [(n.kind, n.recipient_key, n.status, n.participant_id) for n in notices] == [
            ("handoff_email", f"email:{practitioner_to_tell}", "pending", handoffs[0].run.participant_id)
        ]
        assert json.loads(notices[0].payload) == {"handoff_id": handoffs[0].id, "to": practitioner_to_tell}


async def test_when_the_notice_cannot_be_queued_neither_the_handoff_nor_the_notice_is_kept(
    db_url: str,
    domain: DomainDict,
    make_tracker: TrackerFactory,
    content: Content,
    practitioner_to_tell: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepare(db_url, *SHARE_READY)

    def broken_enqueue(**kwargs: Any) -> None:
        raise RuntimeError("outbox table locked")

    monkeypatch.setattr(outbox, "enqueue", broken_enqueue)
    dispatcher = CollectingDispatcher()
    await ValidateActivityForm().run(
        dispatcher, make_tracker(sender_id=SENDER, text="Yes", message_id="m-30", handled="m-29"), domain
    )
    assert dispatcher.messages == [say(content, "system_error")]
    with session_scope(db_url) as session:
        assert session.execute(select(Handoff)).scalars().all() == []
        assert outbox.messages(session=session) == []
