"""The Telegram channel's own records: processed update ids, blocked chats, invite links (sync; run in a thread)."""
from __future__ import annotations

import logging

from bot.channels.telegram_updates import BLOCKED, EDITED, IGNORED, UNBLOCKED, Inbound
from bot.store import channel_records
from bot.store.db import session_scope

logger = logging.getLogger(__name__)
CHANNEL = "telegram"


def record_inbound(inbound: Inbound) -> bool:
    """Claim the update id (False for a duplicate); note blocks and unblocks; link an invite code's site."""
    with session_scope() as session:
        if not channel_records.claim_inbound(session=session, channel=CHANNEL, message_key=str(inbound.update_id)):
            return False
        if inbound.chat_id is None or inbound.kind == IGNORED:
            return True
        if inbound.kind == BLOCKED:
            channel_records.set_blocked(session=session, channel=CHANNEL, external_id=inbound.chat_id, blocked=True)
            return True
        # Anyone who writes (or restarts the bot) can be reached again.
        channel_records.set_blocked(session=session, channel=CHANNEL, external_id=inbound.chat_id, blocked=False)
        if inbound.kind in (UNBLOCKED, EDITED) or not inbound.invite_code:
            return True
        linked = channel_records.link_site_by_invite(session=session, channel=CHANNEL, external_id=inbound.chat_id, code=inbound.invite_code)
        logger.info("telegram: update %s start link %s", inbound.update_id, "linked a site" if linked else "had an unknown code")
        return True


def mark_blocked(chat_id: str) -> None:
    """Record that this chat blocked the bot (Telegram refused a message with 403)."""
    with session_scope() as session:
        channel_records.set_blocked(session=session, channel=CHANNEL, external_id=chat_id, blocked=True)
