"""Run Alembic migrations programmatically (used by the CLI and by tests)."""

from __future__ import annotations

from typing import Optional

from alembic import command
from alembic.config import Config

from bot.settings import REPO_ROOT, get_settings


def alembic_config(url: Optional[str] = None) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "bot" / "store" / "migrations"))
    config.attributes["url"] = url or get_settings().database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default: settings) up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: Optional[str] = None, revision: str = "base") -> None:
    """Take the database at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url), revision)
