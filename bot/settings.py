"""One typed settings object, read once from the environment (pydantic's BaseSettings)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Field, validator

REPO_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "placeholder", "dev-secret-change-me"}


class Settings(BaseSettings):
    """Every setting the bot reads from the environment, with development defaults.

    Each field is read from the variable of the same name in capitals (``database_url`` from ``DATABASE_URL``),
    except ``environment``, which is ``BOT_ENV``. Values are stripped; a variable set to an empty string counts as
    unset, so the default applies.
    """

    environment: str = Field(default="development", env="BOT_ENV")
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'bot.sqlite3'}"
    tracker_database_url: str = ""  # Rasa's SQL tracker store, where one is used (production: = DATABASE_URL)
    default_site_code: str = "default"
    default_site_name: str = "Nova Scotia Works (demo site)"
    secret_key: str = "dev-secret-change-me"
    public_base_url: str = "http://localhost:8000"
    rasa_url: str = "http://localhost:5005"
    action_server_token: str = ""  # shared by Rasa (endpoints.yml header) and the action server
    trusted_proxies: str = ""  # addresses whose X-Forwarded-For the web app believes (production: nginx, 127.0.0.1)
    web_port: int = 8000
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_public_url: str = ""
    twilio_api_base: str = ""
    # Twilio keeps every SMS (body and number) in its message log in the US until it is deleted; the worker deletes
    # each one once delivered or received. True keeps them there (an erased person's are deleted all the same).
    twilio_keep_messages: bool = False
    telegram_bot_token: str = ""
    telegram_secret_token: str = ""
    telegram_api_base: str = ""
    telegram_bot_username: str = ""  # the bot's @username (without @): sites' pages then show its t.me start links
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "noreply@localhost"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    staff_timezone: str = "America/Halifax"  # the sites' time zone: staff pages, and reminders' allowed hours
    # Reminders of an unfinished run (SMS and Telegram): hours after the last activity, comma-separated ("off": none);
    # sent only within reminder_hours local time ("9-20": 9:00 to 20:00) and never on a date in holidays
    # (comma-separated YYYY-MM-DD).
    reminder_after_hours: str = "24,96"
    reminder_hours: str = "9-20"
    holidays: str = ""
    summary_link_days: int = 30  # how long the participant's own link to their summary works
    invite_limit_per_hour: int = 20  # SMS invitations one practitioner may send in an hour (and 1 a day per number)
    # Retention (bot/store/retention.py, run daily by the worker after retention_hour local time): a participant goes
    # when every run of theirs is due: unfinished runs after this many months without activity, completed runs this
    # many months after their last follow-up; audit rows (ids only) after retention_audit_months.
    retention_unfinished_months: int = 12
    retention_completed_months: int = 24
    retention_audit_months: int = 84
    retention_hour: int = 3

    class Config:
        allow_mutation = False
        anystr_strip_whitespace = True
        case_sensitive = False

    @validator("*", pre=True)
    def _empty_is_unset(cls, value: Any, field: Any) -> Any:  # noqa: N805 (pydantic validators take cls)
        """An empty (or blank) variable means "use the default", as an unset one does."""
        if isinstance(value, str) and not value.strip():
            return field.default
        return value

    @validator("retention_unfinished_months", "retention_completed_months", "retention_audit_months")
    def _at_least_a_month(cls, value: int) -> int:  # noqa: N805
        if value < 1:
            raise ValueError("must be at least 1 month")
        return value

    @validator("retention_hour")
    def _an_hour_of_the_day(cls, value: int) -> int:  # noqa: N805
        if not 0 <= value <= 23:
            raise ValueError("must be an hour from 0 to 23")
        return value

    @validator("public_base_url", "rasa_url")
    def _no_trailing_slash(cls, value: str) -> str:  # noqa: N805
        return value.rstrip("/")

    @validator("telegram_bot_username")
    def _a_telegram_username(cls, value: str) -> str:  # noqa: N805
        """Telegram's rule for a bot's username: 5-32 letters, digits or underscores; a leading @ is dropped."""
        name = value.removeprefix("@")
        if name and not re.fullmatch(r"[A-Za-z0-9_]{5,32}", name):
            raise ValueError("must be the bot's Telegram username: 5-32 letters, digits or underscores")
        return name

    @validator("invite_limit_per_hour")
    def _at_least_one_invitation(cls, value: int) -> int:  # noqa: N805
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def check_secrets(self) -> None:
        """Refuse placeholder secrets outside development."""
        if not self.is_production:
            return
        weak = [
            name
            for name, value in (("SECRET_KEY", self.secret_key), ("ACTION_SERVER_TOKEN", self.action_server_token))
            if value.lower() in PLACEHOLDER_SECRETS
        ]
        if self.twilio_account_sid and self.twilio_auth_token.lower() in PLACEHOLDER_SECRETS:
            weak.append("TWILIO_AUTH_TOKEN")
        if self.telegram_bot_token and self.telegram_secret_token.lower() in PLACEHOLDER_SECRETS:
            weak.append("TELEGRAM_SECRET_TOKEN")
        if weak:
            raise RuntimeError(f"Refusing to start in production with placeholder secrets: {', '.join(weak)}")


def load_settings() -> Settings:
    """Build settings from the current environment (no caching: tests change it)."""
    return Settings()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process, read once."""
    return load_settings()
