"""The SMS channel's records: MessageSids claimed (with STOP/START applied) and settled with the reply's sends (sync; run in a thread)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from bot.channels.sms.keywords import OPT_IN, OPT_OUT
from bot.channels.sms.sender import SendResult, record_sends
from bot.store import inbound_claims, provider_messages
from bot.store.channel_records import set_opted_out
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity
from bot.store.provider_models import INBOUND
from bot.store.repository import find_identity

CHANNEL = "twilio_sms"


@dataclass(frozen=True)
class SmsClaim:
    """What claiming a MessageSid found: whether the sender had opted out before this message, and their identity's
    id (None for a number the bot has not met) so that nothing after the claim looks the number up again."""

    claim: inbound_claims.Claim
    opted_out: bool = False
    identity_id: Optional[int] = None


def claim(sid: str, sender: str, keyword: Optional[str]) -> SmsClaim:
    """Take the MessageSid, apply STOP/START, and say whether the sender had opted out (STOP is settled at once)."""
    try:
        with session_scope() as session:
            taken = inbound_claims.claim_inbound(session=session, channel=CHANNEL, message_key=sid)
            if not taken.process:
                return SmsClaim(taken)
            identity = find_identity(session=session, channel=CHANNEL, external_id=sender)
            opted_out = identity is not None and identity.opted_out_at is not None
            if keyword == OPT_OUT:
                identity = set_opted_out(session=session, channel=CHANNEL, external_id=sender, opted_out=True)
                inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key=sid)
            elif keyword == OPT_IN and identity is not None and opted_out:
                identity.opted_out_at = None
            # Twilio keeps the message in its log: noted by SID (never its body or number), to delete it there.
            provider_messages.record(
                session=session, sid=sid, direction=INBOUND, identity_id=None if identity is None else identity.id
            )
            return SmsClaim(taken, opted_out, None if identity is None else identity.id)
    except BaseException:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=sid)
        raise


@dataclass(frozen=True)
class ReplyState:
    """What a reply needs to know about its recipient, read in one look-up just before it is sent."""

    language: str = "en"
    opted_out: bool = False
    identity_id: Optional[int] = None


def reply_state(sender: str, identity_id: Optional[int] = None) -> ReplyState:
    """The sender's language ("en" for a number the bot has not met) and opt-out state as the turn left them: read by
    the identity's id from the claim, or by number when the turn has just made the identity (a first message)."""
    with session_scope() as session:
        if identity_id is not None:
            identity = session.get(ChannelIdentity, identity_id)
        else:
            identity = find_identity(session=session, channel=CHANNEL, external_id=sender)
        if identity is None:
            return ReplyState()
        language = (identity.participant.language if identity.participant is not None else None) or "en"
        return ReplyState(language, identity.opted_out_at is not None, identity.id)


@dataclass
class ReplyRecord:
    """What one claimed message's reply sent, and to which identity: recorded with the claim's settlement."""

    identity_id: Optional[int] = None
    sends: list[SendResult] = field(default_factory=list)


def settle(
    sid: str, *, answered: bool, to: str = "", sends: Sequence[SendResult] = (), identity_id: Optional[int] = None
) -> None:
    """After the turn, in one transaction: the reply's sends recorded (for ``identity_id``, without looking the number
    up again), and the claim done when the bot's answer went out or released (a Twilio retry is processed) when not."""
    try:
        with session_scope() as session:
            for result in sends:
                record_sends(session=session, channel=CHANNEL, to=to, result=result, identity_id=identity_id)
            provider_messages.link_identity(session=session, sid=sid, identity_id=identity_id)  # a first message's
            inbound_claims.settle_inbound(session=session, channel=CHANNEL, message_key=sid, answered=answered)
    finally:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=sid)
