"""Reading Telegram updates (python-telegram-bot's Update.de_json) into what the channel does, and its wording file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest
from telegram import Update

from bot.channels.telegram.updates import BLOCKED, EDITED, IGNORED, NON_TEXT, START, TEXT, UNBLOCKED, read_update
from bot.channels.telegram.wording import WordingError, load_wording, wording
from tests.telegram.support import DOCUMENT, PHOTO, STICKER, VOICE, member_update, message_update

CHAT = "777001"


def read(update: dict[str, Any]) -> tuple[str, Optional[str], Optional[str], Optional[str]]:
    inbound = read_update(Update.de_json(update, None))
    assert inbound.update_id == update["update_id"]
    return inbound.kind, inbound.chat_id, inbound.text, inbound.invite_code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I can weld & drive", (TEXT, CHAT, "I can weld & drive", None)),
        ("  spaced  ", (TEXT, CHAT, "  spaced  ", None)),
        ("/start", (START, CHAT, "start", None)),
        ("/start HFX-2024_a", (START, CHAT, "start", "HFX-2024_a")),
        ("/start@mf_test_bot abc", (START, CHAT, "start", "abc")),
        ("/START code1", (START, CHAT, "start", "code1")),
        ("/start bad code!", (START, CHAT, "start", None)),
        ("/start " + "a" * 65, (START, CHAT, "start", None)),
        ("/help", (TEXT, CHAT, "help", None)),
        ("/back@mf_test_bot", (TEXT, CHAT, "back", None)),
        ("/skip this one", (TEXT, CHAT, "skip this one", None)),
        ("/ not a command", (TEXT, CHAT, "/ not a command", None)),
        ("and/or both", (TEXT, CHAT, "and/or both", None)),
    ],
)
def test_text_messages(text: str, expected: tuple) -> None:
    assert read(message_update(CHAT, text=text)) == expected


@pytest.mark.parametrize("content", [STICKER, PHOTO, VOICE, DOCUMENT], ids=["sticker", "photo", "voice", "document"])
def test_non_text_messages_ask_for_the_question_again(content: dict) -> None:
    assert read(message_update(CHAT, **content)) == (NON_TEXT, CHAT, "repeat", None)


def test_location_counts_as_non_text() -> None:
    assert read(message_update(CHAT, location={"latitude": 44.6, "longitude": -63.6}))[0] == NON_TEXT


def test_edited_messages_are_not_forwarded() -> None:
    assert read(message_update(CHAT, text="changed my mind", edited=True)) == (EDITED, CHAT, None, None)


def test_block_and_unblock() -> None:
    assert read(member_update(CHAT, "kicked")) == (BLOCKED, CHAT, None, None)
    assert read(member_update(CHAT, "member")) == (UNBLOCKED, CHAT, None, None)


def test_group_chats_and_service_messages_are_ignored() -> None:
    group = message_update(CHAT, text="hello all")
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Team"}
    assert read(group)[0] == IGNORED
    assert read(message_update(CHAT, new_chat_title="x"))[:2] == (IGNORED, CHAT)
    assert (
        read(
            {
                "update_id": 9,
                "callback_query": {
                    "id": "1",
                    "from": {"id": 1, "is_bot": False, "first_name": "A"},
                    "chat_instance": "c",
                },
            }
        )[0]
        == IGNORED
    )


def test_wording_file_has_both_messages() -> None:
    texts = wording()
    assert "text" in texts["non_text"].lower()
    assert "BACK" in texts["edited"]


def test_wording_file_without_a_message_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.yml"
    path.write_text('non_text: "Only text please."\nedited: ""\n')
    with pytest.raises(WordingError, match="edited"):
        load_wording(path)


def test_french_wording_has_every_english_message_in_french() -> None:
    english, french = wording("en"), wording("fr")
    assert set(french) == set(english)
    assert "texte" in french["non_text"] and "RETOUR" in french["edited"]
    assert wording("de") == english  # a language without a file gets English
