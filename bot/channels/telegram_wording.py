"""The Telegram channel's own wording (non-text and edited-message replies), read from telegram_messages.yml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

WORDING_FILE = Path(__file__).with_name("telegram_messages.yml")
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


@lru_cache(maxsize=1)
def wording() -> dict[str, str]:
    """The wording of this process, read once."""
    return load_wording()
