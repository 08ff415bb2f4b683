"""The reports page in headless Chromium on the real web app: who sees it, inline SVG charts, tables, downloads, axe."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import ADMIN, CASE_MANAGER, EES, SITE_MANAGER, AuditEvent
from tests.staff.conftest import start_web_only
from tests.staff.report_seed import seed_march
from tests.staff.seed import Account, add_account, add_site
from tests.staff.staffpage import sign_in
from tests.staff.test_language import assert_accessible
from tests.staff.test_reports import EXPECTED_TABLE, xlsx_text
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

SM = Account("sm@halifax.example", SITE_MANAGER, "default")
SM_TRURO = Account("sm@truro.example", SITE_MANAGER, "truro")
CM = Account("cm@halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@halifax.example", EES, "default")
ADMIN_ = Account("admin@province.example", ADMIN, None)
MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[Stack]:
    """Halifax (default) and Truro with the hand-built March data set; the web app running."""
    workdir: Path = tmp_path_factory.mktemp("reportsweb")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in (SM, SM_TRURO, CM, EES_, ADMIN_):
            add_account(session, account)
        seed_march(session, halifax, truro)
    stack = start_web_only(workdir, db_url)
    yield stack
    stack.stop_all()


def _statuses(page: Page, base: str, query: str) -> list[int]:
    return [page.goto(f"{base}/staff/{path}?{query}").status for path in ("reports", "reports.csv", "reports.xlsx")]


@pytest.mark.parametrize("account", [CM, EES_], ids=lambda a: a.email)
def test_case_managers_and_eess_do_not_see_reports(web: Stack, page: Page, account: Account) -> None:
    sign_in(page, web.web_url, account.email, account.password)
    assert _statuses(page, web.web_url, MARCH) == [404, 404, 404]
    assert page.locator("nav a[href='/staff/reports']").count() == 0


def test_a_site_manager_sees_only_their_site_and_an_admin_any(web: Stack, page: Page) -> None:
    base = web.web_url
    sign_in(page, base, SM_TRURO.email, SM_TRURO.password)
    assert _statuses(page, base, f"site=default&{MARCH}") == [404, 404, 404]
    assert _statuses(page, base, f"site=all&{MARCH}") == [404, 404, 404]
    page.goto(f"{base}/staff/reports?{MARCH}")
    assert (
        page.locator("#report-period strong").inner_text() == "Truro Works, 2026-03-01 to 2026-03-31 (America/Halifax)"
    )
    assert page.locator("#report-site").count() == 0  # no choice of site
    assert page.locator("tr[data-figure=started] td").all_inner_texts() == ["1", "1", "0"]
    page.context.clear_cookies()
    sign_in(page, base, ADMIN_.email, ADMIN_.password)
    assert _statuses(page, base, f"site=nowhere&{MARCH}") == [404, 404, 404]
    page.goto(f"{base}/staff/reports?site=all&{MARCH}")
    assert page.locator("tr[data-figure=started] td").all_inner_texts() == ["8", "5", "3"]
    page.goto(f"{base}/staff/reports?site=default&{MARCH}")
    assert page.locator("tr[data-figure=started] td").all_inner_texts() == ["7", "4", "3"]
    assert page.goto(f"{base}/staff/reports?from=2026-03-31&to=2026-03-01").status == 400
    assert (
        page.locator("#report-error").inner_text()
        == "Enter both dates as YYYY-MM-DD, the first on or before the second."
    )


def _table(page: Page, selector: str) -> list[list[str]]:
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))"
    )


def test_the_report_page_charts_tables_and_downloads(web: Stack, page: Page, axe_source: str) -> None:
    base = web.web_url
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    sign_in(page, base, SM.email, SM.password)
    page.goto(f"{base}/staff/reports")  # this month by default
    assert page.locator("#report-from").input_value().endswith("-01")
    page.fill("#report-from", "2026-03-01")
    page.fill("#report-to", "2026-03-31")
    page.click(".report-filters button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{base}/staff/reports?site=default&{MARCH}"

    shown = _table(page, "#report-figures")
    assert shown == [row[1:] for row in EXPECTED_TABLE]
    assert page.locator("#report-figures thead th").all_inner_texts() == [
        "Figure", "Both audiences", "Work seekers", "Employers",
    ]  # fmt: skip

    # the charts: inline SVG named by their <title> and <desc>, each with the table of its numbers
    funnel = page.get_by_role("img", name="Bar chart: participants at each step, by audience")
    clarity = page.get_by_role("img", name="Bar chart: mean clarity before and after, by audience")
    assert funnel.evaluate("e => e.tagName + ' ' + e.parentElement.tagName") == "svg FIGURE"
    assert clarity.evaluate("e => e.tagName") == "svg"
    assert funnel.locator("desc").text_content() == (
        "Both audiences: Started (gave consent) 7, Completed 5, Shared with a practitioner 4, Contacted by a "
        "practitioner 3, Followed up 1. Work seekers: Started (gave consent) 4, Completed 3, Shared with a practitioner "
        "2, Contacted by a practitioner 2, Followed up 1. Employers: Started (gave consent) 3, Completed 2, Shared with "
        "a practitioner 2, Contacted by a practitioner 1, Followed up 0."
    )
    assert funnel.bounding_box()["height"] > 200  # drawn, not an empty box
    assert page.locator("svg.chart style, svg.chart [style]").count() == 0
    by_key = {row[0]: row[2:] for row in EXPECTED_TABLE}
    funnel_table = _table(page, "#funnel-table")
    assert [row[1:] for row in funnel_table] == [
        by_key[k] for k in ("started", "completed", "shared", "contacted", "followed_up")
    ]
    assert _table(page, "#clarity-table") == [
        ["Both audiences", "3.00", "3.25", "4"],
        ["Work seekers", "1.50", "3.50", "2"],
        ["Employers", "4.50", "3.00", "2"],
    ]
    bar_labels = funnel.locator("text").all_text_contents()
    assert all(str(n) in bar_labels for n in (7, 5, 4, 3, 1))

    with page.expect_download() as got_csv:
        page.click("#download-csv")
    rows = list(csv.reader(io.StringIO(Path(got_csv.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[1] == ["Site", "Halifax Works"]
    assert [row[1:] for row in rows[7 : 7 + len(shown)]] == shown
    with page.expect_download() as got_xlsx:
        page.click("#download-xlsx")
    assert got_xlsx.value.suggested_filename == "magnetic-factors-report-default-2026-03-01-2026-03-31.xlsx"
    sheet = load_workbook(io.BytesIO(Path(got_xlsx.value.path()).read_bytes())).active
    assert [[xlsx_text(sheet.cell(r, c)) for c in range(2, 6)] for r in range(8, 8 + len(shown))] == shown
    assert sheet["B3"].value.date().isoformat() == "2026-03-01" and sheet["A3"].value == "From (date, America/Halifax)"
    with session_scope(web.db_url) as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.subject_id).where(AuditEvent.subject_type == "report")
        ).all()
    assert sorted(actions) == [
        ("report_csv_downloaded", "default:2026-03-01:2026-03-31"),
        ("report_xlsx_downloaded", "default:2026-03-01:2026-03-31"),
    ]

    assert_accessible(page, axe_source)
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # the tables scroll, not the page
    assert funnel.bounding_box()["width"] <= 340
    assert_accessible(page, axe_source)
    assert requested and all(url.startswith("http://127.0.0.1:") for url in requested), requested
