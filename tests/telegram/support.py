"""Helpers for Telegram tests: update builders and a participant who chats through the webhook."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Optional

from bot.channels.telegram.client import SECRET_HEADER, WEBHOOK_PATH
from tests.telegram.fake_bot_api import FakeBotApi

TOKEN = "123456:TEST-token_for-the-fake"
SECRET = "test-secret_0123456789"
_update_ids = itertools.count(int(time.time()) % 1_000_000 * 100)
_chat_ids = itertools.count(5_000_001)


def new_chat_id() -> str:
    return str(next(_chat_ids))


def _chat(chat_id: str) -> dict[str, Any]:
    return {"id": int(chat_id), "type": "private", "first_name": "Pat"}


def _user(chat_id: str) -> dict[str, Any]:
    return {"id": int(chat_id), "is_bot": False, "first_name": "Pat"}


def message_update(chat_id: str, *, text: Optional[str] = None, edited: bool = False, **content: Any) -> dict[str, Any]:
    """An update with a (possibly edited) message: text, or other content such as sticker=..., photo=[...]."""
    update_id = next(_update_ids)
    message: dict[str, Any] = {
        "message_id": update_id % 100000,
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": _user(chat_id),
        **content,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if edited:
        message["edit_date"] = int(time.time())
    return {"update_id": update_id, "edited_message" if edited else "message": message}


def member_update(chat_id: str, status: str) -> dict[str, Any]:
    """my_chat_member: the user blocked ("kicked") or restarted ("member") the bot."""
    bot_user = {"id": 700000001, "is_bot": True, "first_name": "Magnetic Factors"}
    member = {"status": "member", "user": bot_user}
    kicked = {"status": "kicked", "user": bot_user, "until_date": 0}
    old, new = (member, kicked) if status == "kicked" else (kicked, member)
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": _chat(chat_id),
            "from": _user(chat_id),
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": new,
        },
    }


STICKER = {
    "sticker": {
        "file_id": "CAACAgI",
        "file_unique_id": "AgADx",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}
PHOTO = {"photo": [{"file_id": "AgACAgQ", "file_unique_id": "AQADp", "width": 90, "height": 90}], "caption": "my cv"}
VOICE = {"voice": {"file_id": "AwACAgQ", "file_unique_id": "AgADv", "duration": 3}}
DOCUMENT = {"document": {"file_id": "BQACAgQ", "file_unique_id": "AgADd", "file_name": "cv.pdf"}}


def post_update(
    rasa_url: str, update: dict[str, Any], *, secret: Optional[str] = SECRET, timeout: float = 120
) -> tuple[int, dict[str, Any]]:
    """Post an update to the Telegram webhook as Telegram would; (HTTP status, JSON body)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    request = urllib.request.Request(rasa_url + WEBHOOK_PATH, data=json.dumps(update).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read().decode() or "{}")


@dataclass
class TelegramUser:
    """A participant in a private chat: sends through the webhook, reads what the fake Bot API delivered."""

    rasa_url: str
    fake: FakeBotApi
    chat_id: str = field(default_factory=new_chat_id)

    def send_update(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Post one update and return the messages delivered to this chat because of it."""
        before = len(self.fake.delivered(self.chat_id))
        status, body = post_update(self.rasa_url, update)
        assert (status, body) == (200, {"status": "ok"}), (status, body)
        return self.fake.delivered(self.chat_id)[before:]

    def say(self, text: str) -> list[dict[str, Any]]:
        return self.send_update(message_update(self.chat_id, text=text))

    def keyboard(self) -> list[str]:
        """Button labels of the keyboard on the last message delivered to this chat (empty if none)."""
        markup = self.fake.delivered(self.chat_id)[-1].get("reply_markup") or {}
        return [button["text"] for row in markup.get("keyboard", []) for button in row]

    def tap(self, label: str) -> list[dict[str, Any]]:
        """Tap a button of the current keyboard: Telegram sends its label as the message text."""
        labels = self.keyboard()
        assert label in labels, f"{label!r} is not on the keyboard {labels}"
        return self.say(label)
