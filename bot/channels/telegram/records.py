"""The Telegram channel's own records: update ids claimed and settled, blocked chats, invite links (sync; run in a thread)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.channels.telegram.updates import BLOCKED, EDITED, IGNORED, UNBLOCKED, Inbound
from bot.store import channel_records, inbound_claims
from bot.store.db import session_scope

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


def record_inbound(inbound: Inbound) -> inbound_claims.Claim:
    """Claim the update id (DONE or BUSY: not to be processed); note blocks and unblocks; link an invite code's site.

    Updates with nothing to answer are settled at once; the others stay claimed until ``settle`` after their turn.
    """
    key = str(inbound.update_id)
    try:
        with session_scope() as session:
            claim = inbound_claims.claim_inbound(session=session, channel=CHANNEL, message_key=key)
            if claim.process:
                _apply(session, inbound)
                if not needs_turn(inbound):
                    inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key=key)
    except BaseException:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=key)
        raise
    return claim


def needs_turn(inbound: Inbound) -> bool:
    """True when the update gets an answer (its claim is settled after the answer went out)."""
    return inbound.chat_id is not None and inbound.kind not in (IGNORED, BLOCKED, UNBLOCKED)


def _apply(session: Session, inbound: Inbound) -> None:
    if inbound.chat_id is None or inbound.kind == IGNORED:
        return
    if inbound.kind == BLOCKED:
        channel_records.set_blocked(session=session, channel=CHANNEL, external_id=inbound.chat_id, blocked=True)
        return
    # Anyone who writes (or restarts the bot) can be reached again.
    channel_records.set_blocked(session=session, channel=CHANNEL, external_id=inbound.chat_id, blocked=False)
    if inbound.kind in (UNBLOCKED, EDITED) or not inbound.invite_code:
        return
    linked = channel_records.link_site_by_invite(
        session=session, channel=CHANNEL, external_id=inbound.chat_id, code=inbound.invite_code
    )
    logger.info(
        "telegram: update %s start link %s", inbound.update_id, "linked a site" if linked else "had an unknown code"
    )


def settle(update_id: int, *, answered: bool) -> None:
    """After the turn: done when the participant got the bot's answer, released (a retry is processed) when not."""
    key = str(update_id)
    try:
        with session_scope() as session:
            inbound_claims.settle_inbound(session=session, channel=CHANNEL, message_key=key, answered=answered)
    finally:
        inbound_claims.forget_in_flight(channel=CHANNEL, message_key=key)


def mark_blocked(chat_id: str) -> None:
    """Record that this chat blocked the bot (Telegram refused a message with 403)."""
    with session_scope() as session:
        channel_records.set_blocked(session=session, channel=CHANNEL, external_id=chat_id, blocked=True)


def chat_language(chat_id: str) -> str:
    """The language the chat's participant uses ("en" for a chat the bot has not met)."""
    with session_scope() as session:
        return channel_records.language_of(session=session, channel=CHANNEL, external_id=chat_id)
