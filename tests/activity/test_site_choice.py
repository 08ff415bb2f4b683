"""Which centre: a site keyword at the start of a conversation links the site; the one "which centre?" question."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.activity.flow import ActivityFlow
from bot.activity.site_choice import keyword_candidate
from bot.content import load_content
from bot.content.model import Content
from bot.settings import load_settings
from bot.store import repository as repo
from bot.store.models import Site
from tests.activity.conftest import Chat, Clock, intro, question


def add_site(session: Session, code: str, name: str) -> Site:
    return repo.get_or_create_site(session=session, code=code, name=name)


@pytest.fixture
def centres(session: Session) -> list[Site]:
    """Two centres besides the default site (the question is asked only when there is a choice)."""
    return [add_site(session, "halifax", "NSW Halifax"), add_site(session, "truro-north", "NSW Truro North")]


def texts(outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def site_of(chat: Chat) -> str | None:
    site_id = chat.identity().participant.site_id
    return None if site_id is None else chat.session.get(Site, site_id).code


@pytest.mark.parametrize(
    ("text", "candidate"),
    [("HALIFAX", "halifax"), ("join Halifax!", "halifax"), ("Rejoindre truro north", "truro north"), ("1", None)],
)
def test_keyword_candidates(text: str, candidate: str | None) -> None:
    assert keyword_candidate(text) == candidate


@pytest.mark.parametrize("first", ["HALIFAX", "join halifax", "Halifax."])
def test_a_keyword_as_the_first_message_links_the_site_then_the_intro(
    chat: Chat, content: Content, centres: list[Site], first: str
) -> None:
    assert texts(chat.say(first)) == [m.text for m in intro(content)] + [question(content, "consent", None).text]
    assert site_of(chat) == "halifax"


def test_a_keyword_with_dashes_is_matched_by_spaces(chat: Chat, centres: list[Site]) -> None:
    chat.say("TRURO NORTH")
    assert site_of(chat) == "truro-north"


def test_a_keyword_at_the_consent_question_links_and_asks_again(
    chat: Chat, content: Content, centres: list[Site]
) -> None:
    chat.say("hi")
    assert site_of(chat) is None
    assert texts(chat.say("halifax")) == [question(content, "consent", None).text]
    assert site_of(chat) == "halifax"
    assert chat.step() == "consent"


def test_a_keyword_after_consent_is_the_participants_own_words(chat: Chat, content: Content, session: Session) -> None:
    add_site(session, "halifax", "NSW Halifax")  # one centre only: no "which centre?" question
    chat.say("hi")
    chat.say("yes")
    chat.say("1")  # looking for work
    assert chat.step() == "clarity_before"
    chat.say("halifax")
    assert site_of(chat) is None


def test_an_unknown_keyword_is_an_ordinary_first_message(chat: Chat, content: Content, centres: list[Site]) -> None:
    chat.say("sydney")
    assert site_of(chat) is None
    assert chat.step() == "consent"


def test_which_centre_is_asked_once_after_consent_and_answered_by_number(
    chat: Chat, content: Content, centres: list[Site]
) -> None:
    chat.say("hi")
    reply = chat.say("yes")
    assert [m.text for m in reply.messages] == [content.message("consent_given"), content.message("site_question")]
    labels = [o.label for o in reply.messages[-1].options]
    assert labels == ["NSW Halifax", "NSW Truro North", content.message("site_not_sure")]
    assert texts(chat.say("2")) == [content.message("site_set"), question(content, "role", None).text]
    assert site_of(chat) == "truro-north"
    assert chat.step() == "role"


@pytest.mark.parametrize("answer", ["NSW Halifax", "halifax", "Halifax?"])
def test_which_centre_answered_by_name(chat: Chat, centres: list[Site], answer: str) -> None:
    chat.say("hi")
    chat.say("yes")
    chat.say(answer)
    assert site_of(chat) == "halifax"


@pytest.mark.parametrize("answer", ["Not sure", "i don't know", "3"])
def test_not_sure_goes_to_the_default_site(chat: Chat, content: Content, centres: list[Site], answer: str) -> None:
    chat.say("hi")
    chat.say("yes")
    assert texts(chat.say(answer)) == [content.message("site_not_sure_reply"), question(content, "role", None).text]
    assert site_of(chat) == load_settings().default_site_code


def test_which_centre_can_be_skipped_and_is_not_asked_again(chat: Chat, content: Content, centres: list[Site]) -> None:
    chat.say("hi")
    chat.say("yes")
    assert texts(chat.say("skip")) == [content.message("skipped"), question(content, "role", None).text]
    assert site_of(chat) is None
    chat.say("restart")
    assert content.message("site_question") not in [t for o in chat.history for t in texts(o)][-3:]


def test_an_unclear_answer_is_asked_again_once_then_the_activity_goes_on(
    chat: Chat, content: Content, centres: list[Site]
) -> None:
    chat.say("hi")
    chat.say("yes")
    assert texts(chat.say("the one near my house")) == [
        content.message("invalid_choice"),
        content.message("site_question"),
    ]
    assert texts(chat.say("the blue building")) == [question(content, "role", None).text]
    assert site_of(chat) is None


def test_a_participant_who_came_with_a_site_is_not_asked(chat: Chat, content: Content, centres: list[Site]) -> None:
    chat.say("halifax")
    assert texts(chat.say("yes")) == [content.message("consent_given"), question(content, "role", None).text]


def test_not_asked_when_there_is_only_the_default_site(chat: Chat, content: Content) -> None:
    chat.say("hi")
    assert texts(chat.say("yes")) == [content.message("consent_given"), question(content, "role", None).text]


def test_the_question_in_french(session: Session, clock: Clock, centres: list[Site]) -> None:
    flow = ActivityFlow(
        session=session, content=load_content("en"), settings=load_settings(), now=clock, content_for=load_content
    )
    chat = Chat(flow, sender_id="rest-french-centre")
    fr = load_content("fr")
    chat.say("Bonjour")
    assert texts(chat.say("oui"))[-1] == fr.message("site_question")
    assert texts(chat.say("je ne sais pas"))[0] == fr.message("site_not_sure_reply")


def test_a_request_at_the_question_is_carried_out(chat: Chat, content: Content, centres: list[Site]) -> None:
    chat.say("hi")
    chat.say("yes")
    chat.say("pause")
    assert chat.run().status == "paused"
