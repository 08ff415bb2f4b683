"""A practitioner's SMS invitation: queued with the link to the site, sent by the worker to (fake) Twilio in allowed
hours and in the chosen language, never to someone who opted out; the invited person's reply starts at that site."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.activity.flow import ActivityFlow
from bot.activity.incoming import Incoming
from bot.content import load_content
from bot.devtools.fake_twilio import FakeTwilio
from bot.settings import get_settings, load_settings
from bot.store import outbox, site_entry
from bot.store import repository as repo
from bot.store.db import session_scope
from bot.store.invitation_models import SiteInvitation
from bot.store.models import CASE_MANAGER, ChannelIdentity, Participant, Site, utcnow
from bot.store.outbox_models import OUTBOX_CANCELLED, OUTBOX_PENDING, OUTBOX_SENT
from bot.worker.runner import Worker
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER
from tests.staff.seed import Account, add_account

NUMBER = "+19025550188"
HALIFAX = ZoneInfo("America/Halifax")


def local(days_ahead: int, hour: int) -> datetime:
    """``hour`` o'clock in Halifax ``days_ahead`` days from today, as naive UTC: always after the rows' real
    creation time, so the worker's clock never runs behind the queue (a fixed date stops working once it is past)."""
    today = datetime.now(HALIFAX).date() + timedelta(days=days_ahead)
    at = datetime(today.year, today.month, today.day, hour, tzinfo=HALIFAX)
    return at.astimezone(timezone.utc).replace(tzinfo=None)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def twilio(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    for name, value in {**fake.channel_env(PROGRAMME_NUMBER), "REMINDER_HOURS": "9-20", "HOLIDAYS": ""}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()


def invite(language: str = "en", number: str = NUMBER, with_practitioner: bool = True) -> int:
    """Invite ``number`` to the Halifax site as a Case Manager there; the invitation's id."""
    with session_scope() as session:
        site = repo.get_or_create_site(session=session, code="halifax", name="NSW Halifax")
        repo.get_or_create_site(session=session, code="truro", name="NSW Truro")
        cm = add_account(session, Account(f"cm-{language}-{number[-4:]}@halifax.example", CASE_MANAGER, "halifax"))
        invitation = site_entry.invite_number(
            session=session,
            channel="twilio_sms",
            number=number,
            site=site,
            language=language,
            invited_by=cm,
            practitioner=cm if with_practitioner else None,
        )
        site_entry.enqueue_invitation(session=session, invitation=invitation, channel="twilio_sms", number=number)
        return int(invitation.id)


def rows() -> list[tuple[str, str, str]]:
    with session_scope() as session:
        return [
            (r.recipient_key, r.status, r.payload) for r in outbox.messages(session=session, kinds=["sms_invitation"])
        ]


def test_the_invitation_goes_to_fake_twilio_and_the_number_is_linked_to_the_site(twilio: FakeTwilio) -> None:
    invitation_id = invite()
    assert rows() == [(f"twilio_sms:{NUMBER}", OUTBOX_PENDING, f'{{"invitation_id": {invitation_id}}}')]
    assert Worker(clock=Clock(local(1, 11))).run_once().sent == 1
    expected = load_content("en").plain_message("site_invitation", site="NSW Halifax")
    assert [(m.to, m.from_, m.body) for m in twilio.sent] == [(NUMBER, PROGRAMME_NUMBER, expected)]
    assert twilio.sent[0].segments <= 2
    assert [r[1] for r in rows()] == [OUTBOX_SENT]
    with session_scope() as session:
        identity = repo.find_identity(session=session, channel="twilio_sms", external_id=NUMBER)
        assert identity is not None
        assert session.get(Site, identity.participant.site_id).code == "halifax"
        invitation = session.get(SiteInvitation, invitation_id)
        assert invitation.practitioner_id is not None and invitation.participant_id == identity.participant_id


def test_the_invited_persons_reply_starts_the_activity_at_that_site_without_asking_which_centre(
    twilio: FakeTwilio,
) -> None:
    invite(language="fr")
    Worker(clock=Clock(local(1, 11))).run_once()
    fr = load_content("fr")
    assert twilio.sent[0].body == fr.plain_message("site_invitation", site="NSW Halifax")
    with session_scope() as session:
        flow = ActivityFlow(session=session, content=load_content(), settings=load_settings(), content_for=load_content)
        first = flow.handle(Incoming(channel="twilio_sms", sender_id=NUMBER, text="START"))
        assert first.messages[0].text == fr.message("intro_1")  # the invitation's language, chosen by the practitioner
        consented = flow.handle(Incoming(channel="twilio_sms", sender_id=NUMBER, text="oui"))
        assert [m.text for m in consented.messages][-1] == fr.question_text("role", None)


def test_an_invitation_waits_for_the_allowed_hours(twilio: FakeTwilio) -> None:
    invite()
    clock = Clock(local(1, 22))
    assert Worker(clock=clock).run_once().postponed == 1
    assert twilio.sent == [] and [r[1] for r in rows()] == [OUTBOX_PENDING]
    clock.now = local(2, 9) + timedelta(minutes=1)
    assert Worker(clock=clock).run_once().sent == 1


def test_no_invitation_to_a_number_that_opted_out(twilio: FakeTwilio) -> None:
    invite()
    with session_scope() as session:
        identity = repo.find_identity(session=session, channel="twilio_sms", external_id=NUMBER)
        identity.opted_out_at = utcnow()
    Worker(clock=Clock(local(1, 11))).run_once()
    assert twilio.sent == [] and [r[1] for r in rows()] == [OUTBOX_CANCELLED]


def test_a_participant_with_a_site_keeps_it_and_a_chosen_language_is_kept(twilio: FakeTwilio) -> None:
    with session_scope() as session:
        truro = repo.get_or_create_site(session=session, code="truro", name="NSW Truro")
        identity = repo.get_or_create_identity(session=session, channel="twilio_sms", external_id=NUMBER)
        identity.participant.site_id = truro.id
        identity.participant.language = "en"
        identity.participant.language_chosen_at = utcnow()
    invite(language="fr")
    with session_scope() as session:
        participant = session.query(ChannelIdentity).filter_by(external_id=NUMBER).one().participant
        assert (session.get(Site, participant.site_id).code, participant.language) == ("truro", "en")
        assert session.query(Participant).count() == 1
