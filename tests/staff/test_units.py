"""Pure pieces of the staff app: CSV cells, summary view, redirects after sign-in, passwords, session cookies."""

from __future__ import annotations

import csv
import io
import time
from types import SimpleNamespace

import pytest
from starlette.requests import Request
from starlette.responses import Response

from bot.settings import get_settings
from bot.staff import sessions
from bot.staff.csv_export import queue_csv, safe_cell
from bot.staff.formatting import summary_view
from bot.staff.passwords import hash_password, needs_rehash, password_problem, verify_password
from bot.staff.views_auth import safe_next
from bot.store.contact import Contact


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil.test")', '\'=HYPERLINK("http://evil.test")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain = words", "plain = words"),
        (4, "4"),
        (None, ""),
        ("nul\x00byte", "nul\ufffdbyte"),
    ],
)
def test_safe_cell_neutralises_formulas(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


BODY = {
    "audience": "work_seeker",
    "factors": [
        {
            "id": "skills",
            "name": "Skills & competencies",
            "rating": "strength",
            "rating_label": "Strength",
            "reflection": "=cmd|' /C calc'!A0",
            "reflection_skipped": False,
        },
        {
            "id": "pay",
            "name": "Pay & benefits",
            "rating": None,
            "rating_label": None,
            "reflection": None,
            "reflection_skipped": True,
        },
    ],
    "priorities": ["pay", "unknown"],
    "clarity_before": 2,
    "clarity_after": 4,
}


def test_summary_view_reads_the_body() -> None:
    view = summary_view(BODY)
    assert [(f.id, f.name, f.rating, f.words, f.note) for f in view.factors] == [
        ("skills", "Skills & competencies", "Strength", "=cmd|' /C calc'!A0", None),
        ("pay", "Pay & benefits", "Skipped", None, "Skipped"),
    ]
    assert (view.priorities, view.clarity_before, view.clarity_after) == (["Pay & benefits", "unknown"], 2, 4)
    assert summary_view({}).factors == []


def test_queue_csv_rows_are_quoted_and_formula_safe() -> None:
    from datetime import date, datetime

    handoff = SimpleNamespace(
        id=7,
        created_at=datetime(2026, 3, 2, 14, 5),  # stored in UTC: 10:05 in Halifax (AST, before daylight time)
        status="in_review",
        audience="case_manager",
        site=SimpleNamespace(name="Halifax"),
        assigned_to=SimpleNamespace(display_name="-Casey"),
        follow_up_due_on=date(2026, 3, 9),
        run=SimpleNamespace(channel="rest"),
        summary=SimpleNamespace(
            body={
                **BODY,
                "confidence_before": 1,
                "confidence_after": 3,
                "about": {"work_sought": "=HYPERLINK(1)", "barriers": None},
                "closing": "Clearer now",
            }
        ),
    )
    contact = Contact(words="+Sam, text me", phones=(), emails=(), channel_number="+19025550101")
    summer = SimpleNamespace(
        **{**vars(handoff), "id": 8, "created_at": datetime(2026, 7, 1, 2, 30), "follow_up_due_on": None}
    )
    text = queue_csv(
        [handoff, summer],
        [("skills", "Skills & competencies"), ("pay", "Pay & benefits"), ("values", "Values")],
        {7: "en", 8: "en"},
        {7: contact},
    )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:8] == [
        "handoff_id",
        "received_at (America/Halifax, ISO 8601 with UTC offset)",
        "status",
        "audience",
        "language",
        "site",
        "assigned_to",
        "follow_up_due_on",
    ]
    assert rows[0][-6:] == [
        "Skills & competencies - rating",
        "Skills & competencies - their words",
        "Pay & benefits - rating",
        "Pay & benefits - their words",
        "Values - rating",
        "Values - their words",
    ]
    assert rows[1] == [
        "7",
        "2026-03-02T10:05:00-04:00",
        "In review",
        "Work seeker",
        "English",
        "Halifax",
        "'-Casey",
        "2026-03-09",
        "Web (REST)",
        "2",
        "4",
        "1",
        "3",
        "Pay & benefits; unknown",
        "'=HYPERLINK(1)",  # their words, never a formula
        "",
        "",
        "",  # barriers skipped
        "Clearer now",
        "'+Sam, text me",
        "'+19025550101",
        "Strength",
        "'=cmd|' /C calc'!A0",
        "Skipped",
        "Skipped",
        "",
        "",
    ]
    assert rows[2][:8] == [
        "8",
        "2026-06-30T23:30:00-03:00",
        "In review",
        "Work seeker",
        "English",
        "Halifax",
        "'-Casey",
        "",
    ]
    assert text.endswith("\r\n")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/staff/handoffs/3", "/staff/handoffs/3"),
        ("//evil.test/staff/", "/staff/"),
        ("https://evil.test/staff/", "/staff/"),
        ("/staff/\\evil", "/staff/"),
        ("", "/staff/"),
        ("/other", "/staff/"),
    ],
)
def test_only_staff_paths_are_followed_after_sign_in(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_passwords_are_argon2id_and_checked() -> None:
    hashed = hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "a long enough passworD")
    assert not verify_password(None, "a long enough password")
    assert not verify_password("not a hash", "x")
    assert not needs_rehash(hashed)
    assert password_problem("short") == "Use at least 12 characters."
    assert password_problem(" padded password ") == "Do not start or end the password with spaces."
    assert password_problem("twelve chars") is None


def _request_with(cookie: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/staff/",
            "headers": [(b"cookie", f"{sessions.COOKIE_NAME}={cookie}".encode())],
        }
    )


def _cookie_value(response: Response) -> str:
    header = response.headers["set-cookie"]
    return header.split(";", 1)[0].split("=", 1)[1]


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SECRET_KEY", "unit-test-secret-key")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_session_cookie_round_trip_flags_and_tampering(clean_settings: pytest.MonkeyPatch) -> None:
    state = sessions.signed_in(5, "$argon2id$hash")
    response = Response()
    sessions.write(response, state)
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/staff" in header and "Max-Age=28800" in header
    assert "Secure" not in header
    value = _cookie_value(response)
    assert sessions.decode(_request_with(value)) == state
    assert sessions.decode(_request_with(value[:-2] + ("AA" if not value.endswith("AA") else "BB"))) is None
    clean_settings.setenv("SECRET_KEY", "another-secret-key")
    get_settings.cache_clear()
    assert sessions.decode(_request_with(value)) is None


def test_session_cookie_is_secure_behind_https(clean_settings: pytest.MonkeyPatch) -> None:
    clean_settings.setenv("PUBLIC_BASE_URL", "https://staff.example.org")
    get_settings.cache_clear()
    response = Response()
    sessions.write(response, sessions.anonymous())
    assert "Secure" in response.headers["set-cookie"]


def test_session_expires_after_idle_time_and_absolute_lifetime(clean_settings: pytest.MonkeyPatch) -> None:
    real_time = time.time
    state = sessions.signed_in(5, "$argon2id$hash")
    response = Response()
    sessions.write(response, state)
    value = _cookie_value(response)
    clean_settings.setattr(time, "time", lambda: real_time() + sessions.IDLE_SECONDS - 60)
    assert sessions.decode(_request_with(value)) == state
    clean_settings.setattr(time, "time", lambda: real_time() + sessions.IDLE_SECONDS + 60)
    assert sessions.decode(_request_with(value)) is None
    # kept busy (cookie refreshed) but past the absolute lifetime: signed out anyway
    clean_settings.setattr(time, "time", lambda: real_time() + sessions.ABSOLUTE_SECONDS + 60)
    refreshed = Response()
    sessions.write(refreshed, state)
    assert sessions.decode(_request_with(_cookie_value(refreshed))) is None


def test_csrf_compare() -> None:
    state = sessions.anonymous()
    assert sessions.csrf_ok(state, state.csrf)
    assert not sessions.csrf_ok(state, state.csrf[:-1])
    assert not sessions.csrf_ok(state, None)
    assert not sessions.csrf_ok(None, state.csrf)
    assert not sessions.csrf_ok(state, "")
