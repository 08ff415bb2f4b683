"""The SMS channel's records: MessageSids claimed (with STOP/START applied) and settled after the turn (sync; run in a thread)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.channels.sms.keywords import OPT_IN, OPT_OUT
from bot.store import inbound_claims
from bot.store.channel_records import is_opted_out, language_of, set_opted_out
from bot.store.db import session_scope

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


def settle(sid: str, *, answered: bool) -> None:
    """After the turn: done when the bot's answer went out; released (a Twilio retry is processed) when not."""
    try:
        with session_scope() as session:
            if answered:
                inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key=sid)
            else:
                inbound_claims.release_inbound(session=session, channel=CHANNEL, message_key=sid)
    finally:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=sid)


def sender_language(sender: str) -> str:
    """The language the sender's participant uses ("en" for a number the bot has not met)."""
    with session_scope() as session:
        return language_of(session=session, channel=CHANNEL, external_id=sender)
