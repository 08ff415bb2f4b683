"""SMS compliance keywords (STOP, START, HELP and their synonyms) and the channel's own editable replies."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Mapping, Optional

import yaml

from bot.content import gsm7
from bot.content.reloading import ReloadingFiles

logger = logging.getLogger(__name__)

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"

# The keywords carriers and Twilio honour; each counts only as the whole message.
KEYWORDS = {
    **{word: OPT_OUT for word in ("stop", "stopall", "unsubscribe", "cancel", "end", "quit")},
    **{word: OPT_IN for word in ("start", "unstop")},
    **{word: HELP for word in ("help", "info")},
}
# Canadian carriers' French keywords: ARRÊT (with or without its accent) opts out, AIDE asks for help.
FRENCH_KEYWORDS = {**{word: OPT_OUT for word in ("arret", "arrêt")}, "aide": HELP}
KEYWORDS.update(FRENCH_KEYWORDS)
# Twilio's Advanced Opt-Out tells us which keyword list a message matched (it may hold custom keywords).
OPT_OUT_TYPES = {"STOP": OPT_OUT, "START": OPT_IN, "HELP": HELP}
MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
MESSAGES_FILES = {"en": MESSAGES_FILE, "fr": MESSAGES_FILE.with_name("messages.fr.yml")}
MESSAGE_KEYS = ("help", "opted_in")
_TRIM = re.compile(r"^[\s.!?]+|[\s.!?]+$")


def normalised(body: str) -> str:
    """The message as keywords are matched: case folded, outer spaces and end punctuation removed."""
    return _TRIM.sub("", body or "").casefold()


def keyword_of(body: str, opt_out_type: str = "") -> Optional[str]:
    """OPT_OUT, OPT_IN or HELP when the whole message is such a keyword, or when Twilio says it matched one."""
    from_twilio = OPT_OUT_TYPES.get(opt_out_type.strip().upper())
    if from_twilio is not None:
        return from_twilio
    return KEYWORDS.get(normalised(body))


def keyword_language(body: str) -> Optional[str]:
    """ "fr" when the message is one of the French keywords (AIDE, ARRET), else None: the participant's language applies."""
    return "fr" if normalised(body) in FRENCH_KEYWORDS else None


class SmsMessagesError(ValueError):
    """The channel's wording file is missing a text or uses characters SMS cannot carry cheaply."""


def check_messages(messages: Mapping[str, object], name: str = MESSAGES_FILE.name) -> dict[str, str]:
    """The wording as a dict, after checking every key is present, GSM-7 and one segment long."""
    checked: dict[str, str] = {}
    for key in MESSAGE_KEYS:
        text = messages.get(key)
        if not isinstance(text, str) or not text.strip():
            raise SmsMessagesError(f"{name}: '{key}' is missing or empty")
        if not gsm7.is_gsm7(text):
            raise SmsMessagesError(f"{name}: '{key}' has characters outside GSM-7")
        if gsm7.segments(text) > 1:
            raise SmsMessagesError(f"{name}: '{key}' is longer than one SMS (160 characters)")
        checked[key] = text.strip()
    return checked


def channel_messages(path: Path = MESSAGES_FILE, *, language: Optional[str] = None) -> dict[str, str]:
    """The channel's own replies (HELP, opted back in), in ``language`` when given, re-read whenever the YAML file changes.

    A broken edit is logged and the last good wording kept, so a typo never silences HELP.
    """
    if language is not None:
        path = MESSAGES_FILES.get(language, MESSAGES_FILE)
    return dict(_message_files.get(path))


def _load(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SmsMessagesError(f"{path.name} must be a mapping of message keys to texts")
    return check_messages(data, path.name)


_message_files: ReloadingFiles[dict[str, str]] = ReloadingFiles(_load, (yaml.YAMLError, SmsMessagesError))
