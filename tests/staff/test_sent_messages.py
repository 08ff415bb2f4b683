"""The handoff page lists what the bot sent the participant on its own: kind, when, delivery status; never the text,
never the staff notices."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page

from bot.store import outbox
from bot.store.db import session_scope
from bot.store.models import CASE_MANAGER, WORK_SEEKER, utcnow
from bot.store.outbox_models import OUTBOX_SENT
from tests.staff.conftest import start_web_only
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import sign_in
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]
CM = Account("cm@halifax.example", CASE_MANAGER, "default")


@pytest.fixture(scope="module")
def site_with_reminders(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[tuple]:
    workdir: Path = tmp_path_factory.mktemp("sent")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        site = add_site(session, "default", "Halifax Works")
        add_account(session, CM)
        with_reminders = seed_handoff(session, site=site, role=WORK_SEEKER, sender="+19025550161", words={})
        without = seed_handoff(session, site=site, role=WORK_SEEKER, sender="+19025550162", words={})
        participant_id = with_reminders.run.participant_id
        first = outbox.enqueue(
            session=session,
            kind="reminder",
            recipient_key="twilio_sms:+19025550161",
            payload={},
            participant_id=participant_id,
        )
        first.status, first.sent_at = OUTBOX_SENT, utcnow()
        outbox.enqueue(
            session=session,
            kind="reminder",
            recipient_key="twilio_sms:+19025550161",
            payload={},
            participant_id=participant_id,
        )
        outbox.enqueue(
            session=session,
            kind="handoff_email",
            recipient_key="email:cm@halifax.example",
            payload={"handoff_id": with_reminders.id, "to": CM.email},
            participant_id=participant_id,
        )
        ids = (with_reminders.id, without.id)
    web = start_web_only(workdir, db_url)
    yield web, ids
    web.stop_all()


def test_reminders_are_listed_with_their_delivery_and_nothing_else(site_with_reminders: tuple, page: Page) -> None:
    web, (with_reminders, without) = site_with_reminders
    assert isinstance(web, Stack)
    sign_in(page, web.web_url, CM.email, CM.password)
    page.goto(f"{web.web_url}/staff/handoffs/{with_reminders}")
    rows = page.locator("#bot-messages tbody tr")
    assert rows.count() == 2  # the two reminders; the notice to staff is not the participant's
    cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(2)]
    assert [(c[0], c[2]) for c in cells] == [("Reminder", "sent"), ("Reminder", "waiting to be sent")]
    assert cells[0][3] != "" and cells[1][3] == ""
    assert "cm@halifax.example" not in page.locator("#bot-messages").inner_text()
    page.goto(f"{web.web_url}/staff/handoffs/{without}")
    assert page.locator("#bot-messages").inner_text().strip().endswith("Nothing yet.")
