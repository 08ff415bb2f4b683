"""The production profile's configuration, without starting it: secrets refused, endpoints and nginx files valid."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.prod_profile import prod_env, self_signed_certificate
from tests.prod.conftest import RUN_PROD

GOOD = {
    "SECRET_KEY": "a" * 20 + "-real-secret",
    "RASA_TOKEN": "b" * 20 + "-real-token",
    "ACTION_SERVER_TOKEN": "c" * 20 + "-actions",
}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(RUN_PROD), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-secret-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is a placeholder or shorter than 16 characters"),
        ({"RASA_TOKEN": "rasaToken"}, "RASA_TOKEN is a placeholder"),
        ({"RASA_TOKEN": ""}, "RASA_TOKEN is not set"),
        ({"ACTION_SERVER_TOKEN": ""}, "ACTION_SERVER_TOKEN is not set"),
        ({"ACTION_SERVER_TOKEN": "changeme"}, "ACTION_SERVER_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_SECRET_TOKEN": "changeme"}, "TELEGRAM_SECRET_TOKEN"),
    ],
)
def test_check_secrets_refuses_missing_and_placeholder_secrets(
    tmp_path: Path, overrides: dict[str, str], complaint: str
) -> None:
    env = {**prod_env(tmp_path, 30000), **GOOD, **overrides}
    result = run("check-secrets", env=env)
    assert result.returncode == 1
    assert "refusing to start" in result.stderr and complaint in result.stderr


def test_check_secrets_accepts_real_secrets(tmp_path: Path) -> None:
    result = run("check-secrets", env={**prod_env(tmp_path, 30000), **GOOD})
    assert result.returncode == 0, result.stderr


def test_start_with_a_placeholder_secret_starts_nothing(tmp_path: Path) -> None:
    env = {**prod_env(tmp_path, 30000), "SECRET_KEY": "changeme"}
    result = run("start", env=env)
    assert result.returncode == 1 and "refusing to start" in result.stderr
    assert not (tmp_path / "run").exists() and not (tmp_path / "log").exists()


def test_secrets_come_from_the_env_file_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / "prod.env"
    env_file.write_text("# comment\nSECRET_KEY=from-the-file-0123456789\nRASA_TOKEN=\n")
    env = {**prod_env(tmp_path, 30000), "PROD_ENV_FILE": str(env_file), "RASA_TOKEN": GOOD["RASA_TOKEN"]}
    del env["SECRET_KEY"]
    assert run("check-secrets", env=env).returncode == 0
    env_file.write_text("SECRET_KEY=changeme\n")
    assert run("check-secrets", env=env).returncode == 1
    env["SECRET_KEY"] = GOOD["SECRET_KEY"]
    assert run("check-secrets", env=env).returncode == 0


def test_prod_secrets_generates_once_and_never_replaces(tmp_path: Path) -> None:
    env = {**prod_env(tmp_path, 30000)}
    env_file = tmp_path / "prod.env"
    env["PROD_ENV_FILE"] = str(env_file)
    script = RUN_PROD.parent / "prod-secrets.sh"
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True)
    first = env_file.read_text()
    subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True)
    assert env_file.read_text() == first
    values = dict(line.split("=", 1) for line in first.splitlines())
    assert set(values) == {"SECRET_KEY", "RASA_TOKEN", "ACTION_SERVER_TOKEN"} and all(
        len(v) == 64 for v in values.values()
    )
    assert env_file.stat().st_mode & 0o777 == 0o600
    del env["SECRET_KEY"], env["RASA_TOKEN"], env["ACTION_SERVER_TOKEN"]
    assert run("check-secrets", env=env).returncode == 0


def test_nginx_configuration_renders_and_passes_nginx_t(tmp_path: Path) -> None:
    result = run("check-config", env={**prod_env(tmp_path, 31000), **GOOD})
    assert result.returncode == 0, result.stderr
    conf = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "${" not in conf
    assert "listen 127.0.0.1:31000;" in conf and "listen 127.0.0.1:31001;" in conf and "listen 127.0.0.1:31002;" in conf
    for port in (31011, 31012, 31021, 31022, 31031, 31032):
        assert f"server 127.0.0.1:{port} " in conf
    public = conf.split("listen 127.0.0.1:31000;", 1)[1].split("server {", 1)[0]
    # Only the SMS and Telegram webhooks reach Rasa from the public server; REST, web chat and the HTTP API do not.
    assert public.count("proxy_pass http://rasa_servers;") == 2
    assert (
        "location /webhooks/ {\n            return 404;" in public
        and "location /conversations/ {\n            return 404;" in public
    )
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf and "$proxy_add_x_forwarded_for" not in conf
    assert "add_header Strict-Transport-Security" not in conf, "no HSTS over plain http"
    assert "proxy_hide_header X-Content-Type-Options;" in public, "one nosniff header, not the app's and nginx's"


def test_nginx_with_tls_sends_hsts_and_passes_nginx_t(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    env = {**prod_env(tmp_path, 31100), **GOOD, "TLS_CERT_FILE": str(cert), "TLS_KEY_FILE": str(key)}
    result = run("check-config", env=env)
    assert result.returncode == 0, result.stderr
    conf = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "listen 127.0.0.1:31100 ssl;" in conf
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in conf


def test_endpoints_file_gives_rasa_a_postgresql_tracker_and_a_redis_lock_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    for key, value in {
        "ACTION_ENDPOINT_URL": "http://10.0.0.5:5055/webhook",
        "DB_HOST": "db.internal",
        "DB_PORT": "5432",
        "DB_USER": "mfbot",
        "DB_PASSWORD": "pw",
        "DB_DATABASE": "mfbot",
        "REDIS_HOST": "redis.internal",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "rpw",
        "REDIS_DB": "1",
        "ACTION_SERVER_TOKEN": "actions-token-0123456789",
    }.items():
        monkeypatch.setenv(key, value)
    path = str(Path(__file__).resolve().parents[2] / "deploy" / "endpoints.prod.yml")
    action = read_endpoint_config(path, "action_endpoint")
    tracker = read_endpoint_config(path, "tracker_store")
    lock = read_endpoint_config(path, "lock_store")
    assert action.url == "http://10.0.0.5:5055/webhook"
    assert action.headers == {"Authorization": "Bearer actions-token-0123456789"}
    assert tracker.type == "SQL" and tracker.url == "db.internal" and tracker.kwargs["dialect"] == "postgresql"
    assert tracker.kwargs["db"] == "mfbot" and tracker.kwargs["port"] == "5432"
    assert lock.type == "redis" and lock.url == "redis.internal" and lock.kwargs["db"] == "1"
    url = SQLTrackerStore.get_db_url(
        tracker.kwargs["dialect"],
        tracker.url,
        tracker.kwargs["port"],
        tracker.kwargs["db"],
        tracker.kwargs["username"],
        tracker.kwargs["password"],
    )
    assert str(url) == "postgresql://mfbot:pw@db.internal:5432/mfbot"


def test_production_credentials_have_no_rest_channel() -> None:
    import yaml

    path = Path(__file__).resolve().parents[2] / "deploy" / "credentials.prod.yml"
    channels = set(yaml.safe_load(path.read_text()))
    assert channels == {
        "bot.channels.webchat.channel.WebChatInput",
        "bot.channels.sms.channel.TwilioSmsInput",
        "bot.channels.telegram.channel.TelegramInput",
    }
