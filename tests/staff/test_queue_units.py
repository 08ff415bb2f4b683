"""Pure pieces of the queue: reading a reference, the page links, the links' addresses, days in Atlantic time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.staff.queue_params import QueueParams, parse, since_text, utc_start_of
from bot.staff.views_queue import page_numbers
from bot.store.queue_query import QueuePage, Reference, parse_reference

PUBLIC_ID = "3f2a9c1d0b8e4f6a9c1d2e3f4a5b6c7d"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3f2a9c1d", Reference(prefix="3f2a9c1d")),
        (" 3F2A9C1D ", Reference(prefix="3f2a9c1d")),
        (PUBLIC_ID, Reference(prefix=PUBLIC_ID)),
        ("3f2a9c1d-0b8e-4f6a-9c1d-2e3f4a5b6c7d", Reference(prefix=PUBLIC_ID)),
        ("#12", Reference(handoff_id=12)),
        ("12", Reference(handoff_id=12)),
        ("1234567", Reference(handoff_id=1234567)),
        ("12345678", Reference(prefix="12345678")),  # 8 digits are a short reference
        ("#0", None),
        ("#99999999999", None),
        ("3f2a9c1", None),  # 7 characters: shorter than the summary shows
        (PUBLIC_ID + "0", None),
        ("Jane Doe", None),
        ("3f2a9c1%", None),
        ("", None),
    ],
)
def test_parse_reference(text: str, expected: Reference | None) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize(
    "page, pages, expected",
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 21, [1, 2, 3, None, 21]),
        (10, 21, [1, None, 8, 9, 10, 11, 12, None, 21]),
        (21, 21, [1, None, 19, 20, 21]),
        (4, 21, [1, 2, 3, 4, 5, 6, None, 21]),
    ],
)
def test_page_numbers(page: int, pages: int, expected: list[int | None]) -> None:
    assert page_numbers(page, pages) == expected


def test_showing_positions() -> None:
    rows = [object()] * 25
    second = QueuePage(rows=rows, total=512, page=2, pages=21, per_page=25)  # type: ignore[arg-type]
    assert (second.first, second.last) == (26, 50)
    last = QueuePage(rows=rows[:12], total=512, page=21, pages=21, per_page=25)  # type: ignore[arg-type]
    assert (last.first, last.last) == (501, 512)
    assert QueuePage(rows=[], total=0, page=1, pages=1, per_page=25).first == 0


def test_links_keep_the_filters_leave_out_defaults_and_go_back_to_page_1() -> None:
    params = QueueParams(q="3f2a9c1d", status="new", from_="2026-11-01", page=3, since="never")
    assert params.link(page=4) == "/staff/?q=3f2a9c1d&status=new&from=2026-11-01&page=4&since=never"
    assert params.link(status="in_review") == "/staff/?q=3f2a9c1d&status=in_review&from=2026-11-01&since=never"
    assert QueueParams().link() == "/staff/"
    assert params.export_link() == "/staff/export.csv?q=3f2a9c1d&status=new&from=2026-11-01&since=never"
    assert not QueueParams(sort="oldest", page=2).filtered and QueueParams(mine="1").filtered


def test_days_start_at_atlantic_midnight_in_summer_and_winter() -> None:
    assert utc_start_of(date(2026, 7, 1)) == datetime(2026, 7, 1, 3)  # ADT, UTC-3
    assert utc_start_of(date(2026, 12, 1)) == datetime(2026, 12, 1, 4)  # AST, UTC-4


def test_parse_falls_back_or_reports() -> None:
    parsed = parse(
        {"status": "nope", "sort": "x", "audience": "ees", "page": "-3", "site": "truro", "since": "bad"},
        both_audiences=False,
        is_admin=False,
    )
    assert parsed.params == QueueParams()
    assert (parsed.errors, parsed.since_given, parsed.since) == ([], False, None)
    mark = datetime(2026, 12, 1, 9, 30, 0, 123456)
    given = parse({"since": since_text(mark), "to": "2026-11-30"}, both_audiences=True, is_admin=True)
    assert (given.since_given, given.since, given.created_before) == (True, mark, datetime(2026, 12, 1, 4))
    assert parse({"since": "never"}, both_audiences=True, is_admin=True).since_given is True
    assert parse({"from": "2026-02-30"}, both_audiences=True, is_admin=True).errors == [
        'The "from" date must be a date such as 2026-12-01.'
    ]
