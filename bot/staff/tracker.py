"""Where the Rasa SQL tracker store lives, so a participant's deletion also removes their conversation events."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import get_settings


def tracker_database_url() -> str | None:
    """TRACKER_DATABASE_URL (settings); None when unset, or when it names a SQLite file that does not exist."""
    url = (get_settings().tracker_database_url or "").strip()
    if not url:
        return None
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or not Path(database).exists():
            return None  # never create an empty file where Rasa keeps no tracker
    return url
