"""The SMS channel's records: MessageSids claimed (with STOP/START applied) and settled with the reply's sends (sync; run in a thread)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from bot.channels.sms.keywords import OPT_IN, OPT_OUT
from bot.channels.sms.sender import SendResult, record_sends
from bot.store import inbound_claims
from bot.store.channel_records import is_opted_out, set_opted_out
from bot.store.db import session_scope
from bot.store.repository import find_identity

CHANNEL = "twilio_sms"


@dataclass(frozen=True)
class SmsClaim:
    """What claiming a MessageSid found, and whether the sender had opted out before this message."""

    claim: inbound_claims.Claim
    opted_out: bool = False


def claim(sid: str, sender: str, keyword: Optional[str]) -> SmsClaim:
    """Take the MessageSid, apply STOP/START, and say whether the sender had opted out (STOP is settled at once)."""
    try:
        with session_scope() as session:
            taken = inbound_claims.claim_inbound(session=session, channel=CHANNEL, message_key=sid)
            if not taken.process:
                return SmsClaim(taken)
            opted_out = is_opted_out(session=session, channel=CHANNEL, external_id=sender)
            if keyword == OPT_OUT:
                set_opted_out(session=session, channel=CHANNEL, external_id=sender, opted_out=True)
                inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key=sid)
            elif keyword == OPT_IN and opted_out:
                set_opted_out(session=session, channel=CHANNEL, external_id=sender, opted_out=False)
            return SmsClaim(taken, opted_out)
    except BaseException:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=sid)
        raise


@dataclass(frozen=True)
class ReplyState:
    """What a reply needs to know about its recipient, read in one look-up just before it is sent."""

    language: str = "en"
    opted_out: bool = False


def reply_state(sender: str) -> ReplyState:
    """The sender's language ("en" for a number the bot has not met) and opt-out state, from one identity look-up."""
    with session_scope() as session:
        identity = find_identity(session=session, channel=CHANNEL, external_id=sender)
        if identity is None:
            return ReplyState()
        language = (identity.participant.language if identity.participant is not None else None) or "en"
        return ReplyState(language, identity.opted_out_at is not None)


def settle(sid: str, *, answered: bool, to: str = "", sends: Sequence[SendResult] = ()) -> None:
    """After the turn, in one transaction: the reply's sends recorded, and the claim done when the bot's answer went
    out or released (a Twilio retry is processed) when not."""
    try:
        with session_scope() as session:
            for result in sends:
                record_sends(session=session, channel=CHANNEL, to=to, result=result)
            inbound_claims.settle_inbound(session=session, channel=CHANNEL, message_key=sid, answered=answered)
    finally:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=sid)
