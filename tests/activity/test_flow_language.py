"""Languages: the first message decides when it is clear, the bot asks once otherwise, and a switch keeps every answer."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.activity.flow import ActivityFlow
from bot.content import load_content
from bot.content.model import Content
from bot.settings import load_settings
from tests.activity.conftest import Chat, Clock, question


@pytest.fixture
def bilingual(session: Session, clock: Clock) -> Chat:
    flow = ActivityFlow(
        session=session, content=load_content("en"), settings=load_settings(), now=clock, content_for=load_content
    )
    return Chat(flow, sender_id="rest-bilingual-1")


def texts(outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def intro_and_consent(content: Content) -> list[str]:
    return [content.message("intro_1"), content.message("intro_2"), question(content, "consent", None).text]


@pytest.mark.parametrize("first", ["Bonjour", "Je cherche du travail", "Parlez-vous français?", "allo"])
def test_a_french_first_message_gets_french(bilingual: Chat, first: str) -> None:
    fr = load_content("fr")
    assert texts(bilingual.say(first)) == intro_and_consent(fr)
    assert bilingual.identity().participant.language == "fr"


@pytest.mark.parametrize("first", ["hi", "ok", "Hello, I am looking for work"])
def test_an_english_first_message_gets_english(bilingual: Chat, first: str) -> None:
    assert texts(bilingual.say(first)) == intro_and_consent(load_content("en"))
    assert bilingual.identity().participant.language == "en"


@pytest.mark.parametrize(("reply", "language"), [("2", "fr"), ("Français", "fr"), ("1", "en"), ("english", "en")])
def test_an_unclear_first_message_is_asked_once(bilingual: Chat, reply: str, language: str) -> None:
    en = load_content("en")
    assert texts(bilingual.say("1")) == [en.message("language_offer")]
    assert texts(bilingual.say(reply)) == intro_and_consent(load_content(language))
    assert bilingual.identity().participant.language == language


def test_a_switch_mid_activity_keeps_the_answers_and_asks_again_in_the_new_language(bilingual: Chat) -> None:
    en, fr = load_content("en"), load_content("fr")
    for text in ["hi", "yes", "Looking for work", "3", "4", "Warehouse work", "Forklift and Excel"]:
        bilingual.say(text)
    assert bilingual.step() == "skills_rating"
    outcome = bilingual.say("en français svp")
    assert texts(outcome) == [fr.message("language_set"), question(fr, "skills_rating", "work_seeker").text]
    assert bilingual.identity().participant.language == "fr"
    bilingual.say("2")
    assert bilingual.current()["skills_rating"].value == "stressor"
    outcome = bilingual.say("English please")
    assert texts(outcome) == [en.message("language_set"), question(en, "capacity_reflection", "work_seeker").text]
    assert bilingual.current()["skills_reflection"].text == "Forklift and Excel"


def test_oui_is_consent_in_french(bilingual: Chat) -> None:
    bilingual.say("Bonjour")
    bilingual.say("oui")
    assert bilingual.step() == "role"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_invite_in_a_language_starts_in_it_whatever_the_first_message(
    bilingual: Chat, session: Session, language: str
) -> None:
    from bot.store import channel_records, staff_repository
    from bot.store.repository import get_or_create_site

    site = get_or_create_site(session=session, code="yarmouth", name="Yarmouth")
    staff_repository.create_invite(session=session, code=f"yar-{language}", site=site, language=language)
    assert channel_records.link_site_by_invite(
        session=session, channel="rest", external_id=bilingual.sender_id, code=f"yar-{language}"
    )
    # "/start" alone is no language at all: the invite's language applies, not the English-or-French offer.
    assert texts(bilingual.say("/start")) == intro_and_consent(load_content(language))
    participant = bilingual.identity().participant
    assert (participant.language, participant.site_id, participant.language_chosen_at is not None) == (
        language,
        site.id,
        True,
    )


def test_a_language_chosen_is_recorded_as_chosen_and_a_guess_is_not(bilingual: Chat) -> None:
    bilingual.say("Bonjour")
    assert bilingual.identity().participant.language_chosen_at is None  # detected, not chosen
    bilingual.say("English")
    participant = bilingual.identity().participant
    assert (participant.language, participant.language_chosen_at is not None) == ("en", True)


def test_an_invite_does_not_override_a_language_the_participant_chose(bilingual: Chat, session: Session) -> None:
    from bot.store import channel_records, staff_repository
    from bot.store.repository import get_or_create_site

    bilingual.say("1")
    bilingual.say("Français")
    site = get_or_create_site(session=session, code="truro", name="Truro")
    staff_repository.create_invite(session=session, code="truro-en", site=site, language="en")
    assert channel_records.link_site_by_invite(
        session=session, channel="rest", external_id=bilingual.sender_id, code="truro-en"
    )
    assert bilingual.identity().participant.language == "fr"
