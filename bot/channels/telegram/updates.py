"""Reading a Telegram update: what the participant did (text, start link, non-text, edit, block) in one chat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from telegram import ChatMember, Message, Update

# What the channel does with an update.
TEXT = "text"  # forward the text to Rasa
START = "start"  # /start, maybe with a deep-link invite code, then start the activity
NON_TEXT = "non_text"  # sticker, photo, voice, file ...: say we read only text, then ask again
EDITED = "edited"  # an edited message: change nothing, say how to change an answer
BLOCKED = "blocked"  # the user blocked the bot
UNBLOCKED = "unblocked"  # the user unblocked (restarted) the bot
IGNORED = "ignored"  # nothing for the activity (service messages, group chats, other update types)

# What Rasa receives for the kinds that do not forward the participant's own text.
START_TEXT = "start"
REPEAT_TEXT = "repeat"

# A bot command as Telegram clients send it: /command or /command@botname, then optional arguments.
_COMMAND = re.compile(r"^/(?P<command>[A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(?P<args>.*))?$", re.DOTALL)
# Telegram allows these characters in a t.me/<bot>?start=<parameter> deep link.
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Update fields the channel asks Telegram for (set-webhook and poll).
ALLOWED_UPDATES = ("message", "edited_message", "my_chat_member")


@dataclass(frozen=True)
class Inbound:
    """One update reduced to what the channel needs: its kind, the chat, the text for Rasa and any invite code."""

    update_id: int
    kind: str
    chat_id: Optional[str] = None
    text: Optional[str] = None
    invite_code: Optional[str] = None


def _private_chat_id(message: Optional[Message]) -> Optional[str]:
    """The chat id when the message is in a private chat (the activity is one person's own)."""
    if message is None or message.chat is None or message.chat.type != "private":
        return None
    return str(message.chat.id)


def text_for_rasa(text: str) -> tuple[str, str, Optional[str]]:
    """(kind, text for Rasa, invite code) for a text message: commands lose their slash, /start keeps its code."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return TEXT, text, None
    command, args = match.group("command"), (match.group("args") or "").strip()
    if command.lower() == "start":
        return START, START_TEXT, args if _START_PARAMETER.match(args) else None
    # "/help" is the participant asking for help: Rasa must not read a leading slash as an intent name.
    return TEXT, f"{command} {args}".strip(), None


def read_update(update: Update) -> Inbound:
    """Classify an update; anything the activity does not use is IGNORED."""
    if update.message is not None:
        chat_id = _private_chat_id(update.message)
        if chat_id is None:
            return Inbound(update.update_id, IGNORED)
        if update.message.text is not None:
            kind, text, code = text_for_rasa(update.message.text)
            return Inbound(update.update_id, kind, chat_id, text, code)
        if update.message.effective_attachment is not None:
            return Inbound(update.update_id, NON_TEXT, chat_id, REPEAT_TEXT)
        return Inbound(update.update_id, IGNORED, chat_id)
    if update.edited_message is not None:
        chat_id = _private_chat_id(update.edited_message)
        return Inbound(update.update_id, EDITED if chat_id else IGNORED, chat_id)
    member = update.my_chat_member
    if member is not None and member.chat.type == "private":
        status = member.new_chat_member.status
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            return Inbound(update.update_id, BLOCKED, str(member.chat.id))
        if status == ChatMember.MEMBER:
            return Inbound(update.update_id, UNBLOCKED, str(member.chat.id))
    return Inbound(update.update_id, IGNORED)
