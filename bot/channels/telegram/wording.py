"""The Telegram channel's own wording (non-text and edited-message replies), read from messages.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml

from bot.content.reloading import ReloadingFiles

WORDING_FILE = Path(__file__).with_name("messages.yml")
WORDING_FILES = {"en": WORDING_FILE, "fr": WORDING_FILE.with_name("messages.fr.yml")}
REQUIRED_KEYS = ("non_text", "edited")


class WordingError(ValueError):
    """The wording file is missing a message or is not a mapping of texts."""


def load_wording(path: Optional[Path] = None) -> dict[str, str]:
    """Every channel message by key, checked to be non-empty text."""
    data = yaml.safe_load((path or WORDING_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise WordingError("the Telegram wording file must be a mapping of key: text")
    missing = [key for key in REQUIRED_KEYS if not isinstance(data.get(key), str) or not data[key].strip()]
    if missing:
        raise WordingError(f"the Telegram wording file lacks text for: {', '.join(missing)}")
    return {str(key): str(value).strip() for key, value in data.items()}


def wording(language: str = "en") -> dict[str, str]:
    """The wording in ``language`` (English when there is no file for it), re-read when its file changes (last good kept)."""
    return dict(_wording_files.get(WORDING_FILES.get(language, WORDING_FILE)))


_wording_files: ReloadingFiles[dict[str, str]] = ReloadingFiles(load_wording, (yaml.YAMLError, WordingError))
