"""A site's SMS keyword with the real stack and fake Twilio: texted as the first message (or before consent), the
number is linked to that site and the activity goes on as usual; the same word later is the person's own answer."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.settings import get_settings
from bot.store import repository as repo
from bot.store.db import session_scope
from bot.store.models import Site
from tests.sms.helpers import handoffs, identity, sms_after_consent, sms_closing
from tests.support.activity import activity_script

pytestmark = [pytest.mark.e2e]
CODE = "kwhalifax"  # one centre besides the default site: the other SMS tests never meet "which centre?"


@pytest.fixture(scope="module")
def site_id(sms_stack) -> int:
    with session_scope(sms_stack.db_url) as session:
        repo.get_or_create_site(
            session=session, code=get_settings().default_site_code, name=get_settings().default_site_name
        )
        return int(repo.get_or_create_site(session=session, code=CODE, name="NSW Halifax (keyword)").id)


def site_code(db_url: str, number: str) -> str | None:
    with session_scope(db_url) as session:
        found = repo.find_identity(session=session, channel="twilio_sms", external_id=number)
        if found is None or found.participant.site_id is None:
            return None
        return str(session.get(Site, found.participant.site_id).code)


def test_a_site_keyword_links_the_number_and_the_handoff_goes_to_that_site(sms_stack, new_phone, site_id) -> None:
    phone = new_phone()
    first = phone.text("JOIN KWHALIFAX")
    hello = new_phone().text("hi")  # what any first message gets
    assert first == hello
    assert site_code(sms_stack.db_url, phone.number) == CODE
    script = activity_script("work_seeker")
    for turn in script[1:]:  # the keyword took the place of the first message
        bodies = phone.text(turn.text)
        assert bodies
    assert bodies == [sms_closing("work_seeker")]  # shared: the person's own site gets the handoff
    assert [h.site_id for h in handoffs(sms_stack.db_url, phone.number)] == [site_id]


def test_a_bare_keyword_first_asks_the_language_and_rejoindre_starts_in_french(sms_stack, new_phone, site_id) -> None:
    phone = new_phone()
    offer = load_content().plain_message("language_offer")
    assert phone.text("KWHALIFAX") == [offer]  # the language is not told: the bot asks, as for any unclear start
    assert site_code(sms_stack.db_url, phone.number) == CODE
    french = new_phone()
    assert french.text("Rejoindre kwhalifax") == new_phone().text("Bonjour")
    assert site_code(sms_stack.db_url, french.number) == CODE


def test_a_bare_keyword_before_consent_links_and_asks_the_question_again(sms_stack, new_phone, site_id) -> None:
    phone = new_phone()
    consent = phone.text("hello")[-1]
    assert site_code(sms_stack.db_url, phone.number) is None
    assert phone.text("kwhalifax")[-1] == consent.split("\n\n")[-1]
    assert site_code(sms_stack.db_url, phone.number) == CODE
    assert phone.text("yes") == [sms_after_consent()]


def test_the_keyword_after_consent_is_not_a_keyword(sms_stack, new_phone, site_id) -> None:
    phone = new_phone()
    phone.text("hi")
    phone.text("yes")
    phone.text("KWHALIFAX")
    assert site_code(sms_stack.db_url, phone.number) is None
    assert identity(sms_stack.db_url, phone.number) is not None
