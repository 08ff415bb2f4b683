"""One SMS message costs the channel three short transactions: claim, the reply's state, the settlement with its sends."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from sqlalchemy import event

from bot.channels.sms.channel import CHANNEL, SmsConfig, TwilioSmsInput
from bot.devtools.fake_twilio import FakeTwilio
from bot.store.db import session_factory, session_scope
from bot.store.erasure import delete_participant
from bot.store.models import OutboundMessage
from bot.store.repository import find_identity, get_or_create_identity
from bot.store.security_models import CLAIM_DONE, InboundClaim
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER

SENDER = "+19025550142"


@pytest.fixture
def channel(fake: FakeTwilio, db_url: str) -> TwilioSmsInput:
    with session_scope() as session:
        get_or_create_identity(session=session, channel=CHANNEL, external_id=SENDER)
    return TwilioSmsInput(SmsConfig(ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER, api_base=fake.base_url))


class Counter:
    """Counts committed transactions and reads of a channel identity (by phone number, or by its id) on the test
    database's engine."""

    def __init__(self, db_url: str) -> None:
        self.commits = 0
        self.identity_lookups = 0  # by number: channel and external_id
        self.identity_reads_by_id = 0
        engine = session_factory(db_url).kw["bind"]
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "before_cursor_execute", self._statement)

    def _commit(self, *_: Any) -> None:
        self.commits += 1

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM channel_identities" in statement:
            if "channel_identities.external_id =" in statement:
                self.identity_lookups += 1
            elif "channel_identities.id =" in statement:
                self.identity_reads_by_id += 1
            else:
                raise AssertionError(f"an unexpected read of channel_identities: {statement}")


def engine_replying(*texts: str) -> Any:
    """Stands in for Rasa's turn: the collected replies the engine would give."""

    async def on_new_message(message: UserMessage) -> None:
        for text in texts:
            await message.output_channel.send_text_message(message.sender_id, text)

    return on_new_message


async def test_a_one_body_reply_takes_three_transactions_and_is_recorded_with_the_claim(
    channel: TwilioSmsInput, fake: FakeTwilio, db_url: str
) -> None:
    counter = Counter(db_url)
    await channel.receive("SM" + "1" * 32, SENDER, "I weld", "", engine_replying("Thanks.", "Next question?"))
    assert [m.body for m in fake.sent] == ["Thanks.\n\nNext question?"]
    assert counter.commits == 3  # was 5: claim, reply state, settlement (records + claim done)
    # The number is looked up once, at the claim (was 4: claim, language, opt-out check, record); the reply's state
    # is then read by the identity's id (the turn may have switched the language or a STOP arrived), and the records
    # are written for that id without reading it again.
    assert (counter.identity_lookups, counter.identity_reads_by_id) == (1, 1)
    with session_scope() as session:
        rows = session.query(OutboundMessage).all()
        assert [(r.characters, r.segments, r.provider_id) for r in rows] == [
            (len(fake.sent[0].body), 1, fake.sent[0].sid)
        ]
        assert session.query(InboundClaim).one().status == CLAIM_DONE


async def test_a_reply_of_several_bodies_is_recorded_in_one_transaction(
    channel: TwilioSmsInput, fake: FakeTwilio, db_url: str
) -> None:
    counter = Counter(db_url)
    long_text = " ".join(f"word{i}" for i in range(400))  # over 1,600 characters: two bodies
    await channel.receive("SM" + "2" * 32, SENDER, "tell me", "", engine_replying(long_text))
    assert len(fake.sent) == 2
    # one more short read: the opt-out state before the second body (a STOP may have arrived meanwhile)
    assert counter.commits == 4
    with session_scope() as session:
        assert session.query(OutboundMessage).count() == 2


async def test_a_stop_during_the_turn_stops_the_reply_and_nothing_is_sent(
    channel: TwilioSmsInput, fake: FakeTwilio, db_url: str
) -> None:
    async def engine_then_stop(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Thanks.")
        await channel.receive("SM" + "4" * 32, SENDER, "STOP", "", engine_replying())

    await channel.receive("SM" + "3" * 32, SENDER, "I weld", "", engine_then_stop)
    assert fake.sent == []
    with session_scope() as session:
        assert session.query(OutboundMessage).count() == 0


async def test_a_first_message_finds_the_identity_the_turn_made_and_records_the_reply_for_it(
    channel: TwilioSmsInput, fake: FakeTwilio, db_url: str
) -> None:
    newcomer = "+19025550199"

    async def engine_meeting_them(message: UserMessage) -> None:
        with session_scope() as session:  # what the action server does on first contact
            get_or_create_identity(session=session, channel=CHANNEL, external_id=message.sender_id)
        await message.output_channel.send_text_message(message.sender_id, "Welcome.")

    counter = Counter(db_url)
    await channel.receive("SM" + "5" * 32, newcomer, "hi", "", engine_meeting_them)
    assert [m.body for m in fake.sent] == ["Welcome."]
    # claim (nobody yet), the turn's get-or-create, and the reply state finding what the turn made: all by number
    assert (counter.identity_lookups, counter.identity_reads_by_id) == (3, 0)
    with session_scope() as session:
        identity = find_identity(session=session, channel=CHANNEL, external_id=newcomer)
        assert identity is not None
        assert [r.identity_id for r in session.query(OutboundMessage).all()] == [identity.id]


async def test_a_reply_to_someone_erased_during_the_turn_is_sent_but_leaves_no_record_and_the_claim_is_settled(
    channel: TwilioSmsInput, fake: FakeTwilio, db_url: str
) -> None:
    async def engine_erasing_them(message: UserMessage) -> None:
        with session_scope() as session:
            identity = find_identity(session=session, channel=CHANNEL, external_id=message.sender_id)
            assert identity is not None
            delete_participant(session=session, participant=identity.participant)
        await message.output_channel.send_text_message(message.sender_id, "Your answers are deleted.")

    await channel.receive("SM" + "6" * 32, SENDER, "delete my data", "", engine_erasing_them)
    assert [m.body for m in fake.sent] == ["Your answers are deleted."]
    with session_scope() as session:
        assert session.query(OutboundMessage).count() == 0
        assert find_identity(session=session, channel=CHANNEL, external_id=SENDER) is None
        assert session.query(InboundClaim).one().status == CLAIM_DONE
