"""Settings are read from the environment by pydantic: names, blanks, trimming, types and immutability."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import REPO_ROOT, Settings, load_settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with none of the bot's variables set."""
    for name in Settings.__fields__:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("BOT_ENV", raising=False)
    return monkeypatch


def test_defaults_when_nothing_is_set(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.environment == "development" and not settings.is_production
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'bot.sqlite3'}"
    assert (settings.web_port, settings.smtp_port, settings.smtp_starttls) == (8000, 25, False)
    assert settings.staff_timezone == "America/Halifax"


def test_each_variable_is_read_by_its_capitalised_name(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BOT_ENV", "production")
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg2://bot@db/bot")
    clean_env.setenv("WEB_PORT", "8123")
    clean_env.setenv("SMTP_STARTTLS", "yes")
    clean_env.setenv("TWILIO_FROM_NUMBER", "+19025550100")
    settings = load_settings()
    assert settings.is_production
    assert settings.database_url == "postgresql+psycopg2://bot@db/bot"
    assert settings.web_port == 8123 and isinstance(settings.web_port, int)
    assert settings.smtp_starttls is True
    assert settings.twilio_from_number == "+19025550100"


def test_blank_variables_mean_the_default_and_values_are_trimmed(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WEB_PORT", "  ")
    clean_env.setenv("DEFAULT_SITE_CODE", "")
    clean_env.setenv("PUBLIC_BASE_URL", "  https://bot.example.ca/ ")
    clean_env.setenv("RASA_URL", "http://127.0.0.1:5005/")
    clean_env.setenv("SECRET_KEY", " s3cret-value ")
    settings = load_settings()
    assert settings.web_port == 8000
    assert settings.default_site_code == "default"
    assert settings.public_base_url == "https://bot.example.ca"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.secret_key == "s3cret-value"


def test_a_malformed_number_is_refused_by_name_without_echoing_the_value(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("SMTP_PORT", "twenty-five")
    with pytest.raises(ValidationError) as refused:
        load_settings()
    assert "smtp_port" in str(refused.value)
    assert "twenty-five" not in str(refused.value)


def test_settings_cannot_be_changed_once_read(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    with pytest.raises(TypeError):
        settings.secret_key = "other"  # type: ignore[misc]
    assert settings.secret_key == "dev-secret-change-me"
