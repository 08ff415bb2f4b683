"""`python -m bot staff ...` as real subprocesses against a migrated SQLite file."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import select

from bot.staff.passwords import verify_password
from bot.store.db import session_scope
from bot.store.models import InviteCode, Practitioner, Site
from bot.store.repository import get_or_create_site
from tests.support.stack import REPO

PYTHON = str(REPO / ".venv" / "bin" / "python")


def staff(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    return subprocess.run(
        [PYTHON, "-m", "bot", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


@pytest.fixture
def site_db(db_url: str) -> str:
    with session_scope(db_url) as session:
        get_or_create_site(session=session, code="halifax", name="Halifax Works")
    return db_url


def test_add_reads_the_password_from_stdin_and_stores_only_an_argon2_hash(site_db: str) -> None:
    result = staff(
        site_db,
        "add",
        "--email",
        "Casey@Example.org",
        "--name",
        "Casey",
        "--role",
        "case_manager",
        "--site",
        "halifax",
        "--password-stdin",
        stdin="a very long secret phrase\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Added case_manager casey@example.org (id 1) at site halifax.\n"
    assert "secret" not in result.stdout + result.stderr
    with session_scope(site_db) as session:
        account = session.execute(select(Practitioner)).scalar_one()
        site = session.execute(select(Site).where(Site.code == "halifax")).scalar_one()
        assert (account.email, account.display_name, account.role, account.site_id, account.is_active) == (
            "casey@example.org",
            "Casey",
            "case_manager",
            site.id,
            True,
        )
        assert account.password_hash.startswith("$argon2id$")
        assert verify_password(account.password_hash, "a very long secret phrase")


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (
            ["--role", "case_manager", "--site", "halifax"],
            "short\n",
            "Password not accepted: Use at least 12 characters.\n",
        ),
        (
            ["--role", "case_manager", "--site", "nowhere"],
            "a very long secret phrase\n",
            "No site with code 'nowhere'. Add it first: python -m bot site add --code nowhere --name ...\n",
        ),
        (["--role", "ees"], "a very long secret phrase\n", "--site is required for every role except admin.\n"),
    ],
)
def test_add_refuses_bad_input(site_db: str, args: list[str], stdin: str, message: str) -> None:
    result = staff(site_db, "add", "--email", "x@example.org", "--name", "X", *args, "--password-stdin", stdin=stdin)
    assert result.returncode != 0
    assert result.stderr == message
    with session_scope(site_db) as session:
        assert session.execute(select(Practitioner)).first() is None


def test_admin_without_site_then_duplicate_refused(site_db: str) -> None:
    first = staff(
        site_db,
        "add",
        "--email",
        "admin@example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a very long secret phrase\n",
    )
    assert first.returncode == 0 and first.stdout == "Added admin admin@example.org (id 1).\n"
    again = staff(
        site_db,
        "add",
        "--email",
        "ADMIN@example.org",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="another long phrase!\n",
    )
    assert again.returncode == 1
    assert (
        again.stderr
        == "An account for ADMIN@example.org already exists (use `staff set-password` to change its password).\n"
    )


def test_set_password_deactivate_list_and_invite(site_db: str) -> None:
    assert (
        staff(
            site_db,
            "add",
            "--email",
            "e@example.org",
            "--name",
            "Eve",
            "--role",
            "ees",
            "--site",
            "halifax",
            "--password-stdin",
            stdin="first long password\n",
        ).returncode
        == 0
    )
    assert (
        staff(
            site_db, "set-password", "--email", "e@example.org", "--password-stdin", stdin="second long password\n"
        ).returncode
        == 0
    )
    assert staff(site_db, "deactivate", "--email", "e@example.org").stdout == "e@example.org is now deactivated.\n"
    assert staff(site_db, "list").stdout == "e@example.org\tees\thalifax\tinactive\tEve\n"
    with session_scope(site_db) as session:
        account = session.execute(select(Practitioner)).scalar_one()
        assert verify_password(account.password_hash, "second long password") and not account.is_active
    invite = staff(site_db, "invite", "--site", "halifax", "--email", "e@example.org", "--days", "7")
    assert invite.returncode == 0, invite.stderr
    code = invite.stdout.strip()
    assert len(code) == 12 and all(c.isalnum() or c in "-_" for c in code)
    with session_scope(site_db) as session:
        row = session.execute(select(InviteCode)).scalar_one()
        assert (row.code, row.practitioner_id) == (code, account.id)
        assert 6.9 < (row.expires_at - row.created_at).total_seconds() / 86400 <= 7.0


def test_an_invite_can_carry_a_language_and_refuses_one_the_bot_does_not_speak(site_db: str) -> None:
    french = staff(site_db, "invite", "--site", "halifax", "--language", "fr")
    assert french.returncode == 0, french.stderr
    plain = staff(site_db, "invite", "--site", "halifax")
    with session_scope(site_db) as session:
        languages = {row.code: row.language for row in session.execute(select(InviteCode)).scalars()}
    assert languages == {french.stdout.strip(): "fr", plain.stdout.strip(): None}
    refused = staff(site_db, "invite", "--site", "halifax", "--language", "de")
    assert refused.returncode == 2 and "invalid choice: 'de'" in refused.stderr
