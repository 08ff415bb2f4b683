"""A site's page and its SMS invitations through the real staff routes (in process): the Telegram start link and QR
code once TELEGRAM_BOT_USERNAME is set, and the invitation limits (per practitioner an hour, one a day per number),
counted in site_invitations, refused with a 429 that keeps the form and is audited with ids only."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta
from typing import Iterator, Mapping, Protocol

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.settings import get_settings, load_settings
from bot.staff import wording
from bot.staff.views_sites import qr_svg_inline, telegram_start_url
from bot.store.db import session_scope
from bot.store.invitation_models import SiteInvitation
from bot.store.models import ADMIN, CASE_MANAGER, SITE_MANAGER, AuditEvent, ChannelIdentity, Practitioner
from bot.store.outbox_models import OutboxMessage
from tests.staff.queue_world import client_for
from tests.staff.seed import Account, add_account, add_site

ANNA = Account("anna@invite-halifax.example", CASE_MANAGER, "default")
BEN = Account("ben@invite-halifax.example", CASE_MANAGER, "default")
SM = Account("sm@invite-halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("admin@invite.example", ADMIN, None)
INVITE = "/staff/sites/default/invite"
USERNAME = "MagneticFactorsBot"


class Answer(Protocol):
    """What these tests read of an answer (starlette's TestClient gives httpx2's responses)."""

    status_code: int

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


@pytest.fixture
def world(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database with Halifax (the default site), its staff, an administrator; 3 invitations an hour."""
    monkeypatch.setenv("INVITE_LIMIT_PER_HOUR", "3")
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    get_settings.cache_clear()
    with session_scope(db_url) as session:
        add_site(session, "default", "Halifax Works")
        for account in (ANNA, BEN, SM, ADMIN_):
            add_account(session, account, name=account.email.split("@")[0].title())
    yield db_url
    get_settings.cache_clear()


def text_of(response: Answer) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


def invite(client: TestClient, number: str, language: str = "en", practitioner: str = "") -> Answer:
    form = client.get(INVITE)
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert form.status_code == 200 and match is not None
    data = {"csrf_token": match.group(1), "number": number, "language": language, "practitioner": practitioner}
    return client.post(INVITE, data=data)


def ids(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        return dict(session.execute(select(Practitioner.email, Practitioner.id)).all())


def counts(url: str) -> tuple[int, int]:
    """Invitations recorded, and their SMS in the outbox."""
    with session_scope(url) as session:
        invitations = len(session.execute(select(SiteInvitation.id)).all())
        queued = len(session.execute(select(OutboxMessage.id).where(OutboxMessage.kind == "sms_invitation")).all())
    return invitations, queued


def audited(url: str, action: str) -> list[tuple[int | None, str, str]]:
    with session_scope(url) as session:
        rows = session.execute(
            select(AuditEvent.practitioner_id, AuditEvent.subject_type, AuditEvent.subject_id)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(r) for r in rows]


def age_invitations(url: str, by: timedelta) -> None:
    """Time passes: every invitation so far was sent ``by`` earlier."""
    with session_scope(url) as session:
        for invitation in session.execute(select(SiteInvitation)).scalars():
            invitation.created_at -= by


def test_without_a_bot_username_the_site_page_says_which_setting_shows_the_start_link(world: str) -> None:
    page = client_for(SM).get("/staff/sites/default")
    assert page.status_code == 200
    assert "https://t.me/" not in page.text and 'class="telegram-qr"' not in page.text
    assert wording.text("sites.telegram_no_username") in text_of(page)
    assert "TELEGRAM_BOT_USERNAME" in text_of(page)
    assert re.search(r'id="telegram-start">/start [A-Za-z0-9_-]+</p>', page.text)


def test_with_a_bot_username_the_site_page_shows_the_start_link_and_its_qr_code(
    world: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@" + USERNAME)  # as people copy it from Telegram
    get_settings.cache_clear()
    page = client_for(ADMIN_).get("/staff/sites/default")
    assert page.status_code == 200
    start = re.search(r'id="telegram-start">/start ([A-Za-z0-9_-]+)</p>', page.text)
    assert start is not None
    url = f"https://t.me/{USERNAME}?start={start.group(1)}"
    assert telegram_start_url(USERNAME, start.group(1)) == url
    assert f'<a href="{url}" id="telegram-link">{url}</a>' in page.text
    label = wording.text("sites.telegram_qr_label", site="Halifax Works", url=url)
    svg = str(qr_svg_inline(url, label, "telegram-qr"))
    assert svg in page.text  # segno's code of exactly the start link, named for screen readers
    assert page.text.count("<svg ") == 2  # the web link's and the start link's
    assert wording.text("sites.telegram_no_username") not in text_of(page)
    again = client_for(SM).get("/staff/sites/default")
    assert f'id="telegram-link">{url}</a>' in again.text  # the site's one permanent code


def test_a_practitioner_may_send_so_many_invitations_an_hour_then_gets_a_429_with_the_form_kept(
    world: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    anna = client_for(ANNA)
    for n in range(3):
        assert invite(anna, f"902 555 01{n:02d}").status_code == 200
    staff = ids(world)
    refused = invite(anna, "(902) 555-0177", language="fr", practitioner=str(staff[BEN.email]))
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["retry-after"]) <= 3600
    alert = re.search(r'<p class="error" role="alert" id="invite-error">([^<]*)</p>', refused.text)
    assert alert is not None
    assert html.unescape(alert.group(1)).startswith("You have sent 3 invitations in the last hour, the most one")
    assert re.search(r"You can send the next one from \d{4}-\d\d-\d\d \d\d:\d\d A[DS]T;", html.unescape(alert.group(1)))
    assert "<title>Too many invitations: " in refused.text
    assert 'value="(902) 555-0177"' in refused.text  # what was typed, as typed
    assert '<option value="fr" lang="fr" selected>' in refused.text
    assert f'<option value="{staff[BEN.email]}" selected>' in refused.text
    assert counts(world) == (3, 3)  # nothing recorded, nothing queued
    assert audited(world, "invitation_limited_hourly") == [(staff[ANNA.email], "practitioner", str(staff[ANNA.email]))]
    assert invite(client_for(BEN), "902 555 0177").status_code == 200  # a colleague has their own hour
    age_invitations(world, timedelta(minutes=61))
    assert invite(anna, "(902) 555-0178").status_code == 200  # an hour later
    assert counts(world) == (5, 5)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert not [n for n in ("555-0177", "5550177", "555 0177") if n in logged]


def test_one_number_gets_one_invitation_a_day_whoever_sends_it(world: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert invite(client_for(ANNA), "902-555-0123").status_code == 200
    again = invite(client_for(BEN), "+1 (902) 555 0123", language="fr")  # the same number written another way
    assert again.status_code == 429
    assert 86000 <= int(again.headers["retry-after"]) <= 86400
    assert "This number was already sent an invitation in the last 24 hours." in text_of(again)
    assert 'value="+1 (902) 555 0123"' in again.text
    assert counts(world) == (1, 1)
    with session_scope(world) as session:
        identity = session.execute(
            select(ChannelIdentity.id).where(ChannelIdentity.external_id == "+19025550123")
        ).scalar_one()
    staff = ids(world)
    assert audited(world, "invitation_limited_number") == [(staff[BEN.email], "channel_identity", str(identity))]
    assert invite(client_for(BEN), "902 555 0124").status_code == 200  # another number is fine
    age_invitations(world, timedelta(hours=23))
    assert invite(client_for(SM), "9025550123").status_code == 429  # still within the day
    age_invitations(world, timedelta(hours=1, minutes=1))
    assert invite(client_for(SM), "9025550123").status_code == 200  # a day later
    assert counts(world) == (3, 3)
    with session_scope(world) as session:
        subjects = session.execute(select(AuditEvent.subject_id)).scalars().all()
    assert not [s for s in subjects if "555" in s]
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert not [n for n in ("555-0123", "5550123", "555 0123") if n in logged]


def test_a_bad_number_is_still_a_400_not_counted(world: str) -> None:
    anna = client_for(ANNA)
    for _ in range(4):
        assert invite(anna, "555 01").status_code == 400
    assert invite(anna, "902 555 0150").status_code == 200
    assert counts(world) == (1, 1)


@pytest.mark.parametrize(
    ("typed", "kept"), [("@MagneticFactorsBot", "MagneticFactorsBot"), ("mf_bot_2", "mf_bot_2"), ("", "")]
)
def test_the_bot_username_setting_drops_a_leading_at(monkeypatch: pytest.MonkeyPatch, typed: str, kept: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", typed)
    assert load_settings().telegram_bot_username == kept


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_USERNAME", "bot"),  # too short for Telegram
        ("TELEGRAM_BOT_USERNAME", "magnetic factors"),
        ("TELEGRAM_BOT_USERNAME", "mf/../evil"),
        ("INVITE_LIMIT_PER_HOUR", "0"),
        ("INVITE_LIMIT_PER_HOUR", "twenty"),
    ],
)
def test_bad_values_of_the_settings_are_refused_by_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        load_settings()
    assert name.lower() in str(refused.value)


def test_the_invitation_limit_defaults_to_20_an_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INVITE_LIMIT_PER_HOUR", raising=False)
    assert load_settings().invite_limit_per_hour == 20
