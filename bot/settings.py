"""One typed settings object, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "placeholder", "dev-secret-change-me"}


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads from the environment, with development defaults."""

    environment: str = "development"
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
    telegram_bot_token: str = ""
    telegram_secret_token: str = ""
    telegram_api_base: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "noreply@localhost"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    staff_timezone: str = "America/Halifax"

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
    defaults = Settings()
    return Settings(
        environment=_env("BOT_ENV", defaults.environment),
        database_url=_env("DATABASE_URL", defaults.database_url),
        tracker_database_url=_env("TRACKER_DATABASE_URL", defaults.tracker_database_url),
        default_site_code=_env("DEFAULT_SITE_CODE", defaults.default_site_code),
        default_site_name=_env("DEFAULT_SITE_NAME", defaults.default_site_name),
        secret_key=_env("SECRET_KEY", defaults.secret_key),
        public_base_url=_env("PUBLIC_BASE_URL", defaults.public_base_url).rstrip("/"),
        rasa_url=_env("RASA_URL", defaults.rasa_url).rstrip("/"),
        action_server_token=_env("ACTION_SERVER_TOKEN"),
        trusted_proxies=_env("TRUSTED_PROXIES"),
        web_port=int(_env("WEB_PORT", str(defaults.web_port))),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=_env("TWILIO_AUTH_TOKEN"),
        twilio_from_number=_env("TWILIO_FROM_NUMBER"),
        twilio_public_url=_env("TWILIO_PUBLIC_URL"),
        twilio_api_base=_env("TWILIO_API_BASE"),
        telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
        telegram_secret_token=_env("TELEGRAM_SECRET_TOKEN"),
        telegram_api_base=_env("TELEGRAM_API_BASE"),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_from=_env("SMTP_FROM", defaults.smtp_from),
        smtp_username=_env("SMTP_USERNAME"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_env("SMTP_STARTTLS").lower() in ("1", "true", "yes"),
        staff_timezone=_env("STAFF_TIMEZONE", defaults.staff_timezone),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process, read once."""
    return load_settings()
