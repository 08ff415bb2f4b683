"""The security pieces on their own, with a controlled clock: claims under a lease, the resume-code limiter, the web
app's outer layer (redirects, headers on errors, trusted proxies, secure cookies)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.settings import get_settings
from bot.staff import sessions
from bot.store import attempts, inbound_claims
from bot.store.security_models import CLAIM_DONE, CLAIM_FAILED, InboundClaim, ResumeAttempt
from bot.web.security import same_site_location, secure_app

T0 = datetime(2026, 12, 2, 9, 0, 0)
CHANNEL = "twilio_sms"


def claim(session: Session, key: str, holder: str, at: datetime) -> inbound_claims.Claim:
    result = inbound_claims.claim_inbound(session=session, channel=CHANNEL, message_key=key, holder=holder, now=at)
    session.commit()
    return result


def dead_holder() -> str:
    """A holder on this host whose process is gone (pid 1 never has this start time)."""
    return f"{os.uname().nodename}:1:0"


# ---- claims ---------------------------------------------------------------------------------------------
def test_a_new_message_is_claimed_then_done_and_a_repeat_is_answered_once(session: Session) -> None:
    assert claim(session, "SM1", inbound_claims.this_process(), T0).state == inbound_claims.NEW
    inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key="SM1", now=T0)
    session.commit()
    assert claim(session, "SM1", inbound_claims.this_process(), T0 + timedelta(seconds=1)) == inbound_claims.Claim(
        "done", 1
    )


def test_a_message_still_in_flight_in_this_process_is_busy(session: Session) -> None:
    me = inbound_claims.this_process()
    assert claim(session, "SM2", me, T0).process
    assert claim(session, "SM2", me, T0 + timedelta(seconds=1)).state == inbound_claims.BUSY
    inbound_claims.forget_in_flight(
        channel=CHANNEL, message_key="SM2"
    )  # the turn in this process ended without settling
    assert claim(session, "SM2", me, T0 + timedelta(seconds=2)) == inbound_claims.Claim("retry", 2)


def test_a_claim_of_a_dead_process_on_this_host_is_taken_over_at_once(session: Session) -> None:
    assert claim(session, "SM3", dead_holder(), T0).state == inbound_claims.NEW
    inbound_claims.forget_in_flight(channel=CHANNEL, message_key="SM3")
    assert claim(session, "SM3", inbound_claims.this_process(), T0 + timedelta(seconds=1)) == inbound_claims.Claim(
        "retry", 2
    )


def test_a_claim_held_on_another_host_waits_for_its_lease(session: Session) -> None:
    other = "elsewhere.example:4242:123"
    assert claim(session, "SM4", other, T0).state == inbound_claims.NEW
    inbound_claims.forget_in_flight(channel=CHANNEL, message_key="SM4")
    me = inbound_claims.this_process()
    assert claim(session, "SM4", me, T0 + inbound_claims.LEASE - timedelta(seconds=1)).state == inbound_claims.BUSY
    assert claim(session, "SM4", me, T0 + inbound_claims.LEASE).state == inbound_claims.RETRY


def test_a_released_claim_is_processed_again_and_status_is_recorded(session: Session) -> None:
    me = inbound_claims.this_process()
    claim(session, "SM5", me, T0)
    inbound_claims.release_inbound(session=session, channel=CHANNEL, message_key="SM5", now=T0)
    session.commit()
    assert (
        session.execute(select(InboundClaim.status).where(InboundClaim.message_key == "SM5")).scalar_one()
        == CLAIM_FAILED
    )
    assert claim(session, "SM5", me, T0 + timedelta(seconds=1)).state == inbound_claims.RETRY
    inbound_claims.finish_inbound(session=session, channel=CHANNEL, message_key="SM5")
    session.commit()
    assert (
        session.execute(select(InboundClaim.status).where(InboundClaim.message_key == "SM5")).scalar_one() == CLAIM_DONE
    )


def test_holder_liveness_is_read_from_proc() -> None:
    assert inbound_claims.holder_alive(inbound_claims.this_process()) is True
    assert inbound_claims.holder_alive(dead_holder()) is False
    assert inbound_claims.holder_alive("elsewhere.example:1:1") is None


# ---- resume-code attempts -------------------------------------------------------------------------------
def test_free_failures_then_doubling_waits_up_to_an_hour(session: Session) -> None:
    key = attempts.identity_key(7)
    now = T0
    for _ in range(attempts.FREE_FAILURES):
        assert attempts.resume_attempt_allowed(session=session, key=key, now=now)
        attempts.record_resume_attempt(session=session, key=key, succeeded=False, now=now)
    waits = []
    for _ in range(9):
        wait = attempts.resume_retry_after(session=session, key=key, now=now)
        waits.append(int(wait.total_seconds()))
        assert not attempts.resume_attempt_allowed(session=session, key=key, now=now + wait - timedelta(seconds=1))
        now += wait
        assert attempts.resume_attempt_allowed(session=session, key=key, now=now)
        attempts.record_resume_attempt(session=session, key=key, succeeded=False, now=now)
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_success_clears_the_wait_and_other_keys_are_not_affected(session: Session) -> None:
    key, other = attempts.identity_key(8), attempts.identity_key(9)
    for _ in range(attempts.FREE_FAILURES + 1):
        attempts.record_resume_attempt(session=session, key=key, succeeded=False, now=T0)
    assert not attempts.resume_attempt_allowed(session=session, key=key, now=T0)
    assert attempts.resume_attempt_allowed(session=session, key=other, now=T0)
    attempts.record_resume_attempt(session=session, key=key, succeeded=True, now=T0 + timedelta(seconds=1))
    assert attempts.resume_attempt_allowed(session=session, key=key, now=T0 + timedelta(seconds=1))


def test_failures_older_than_the_window_no_longer_count_and_old_audit_rows_go(session: Session) -> None:
    key = attempts.identity_key(10)
    for _ in range(attempts.FREE_FAILURES + 3):
        attempts.record_resume_attempt(session=session, key=key, succeeded=False, now=T0)
    assert attempts.resume_attempt_allowed(session=session, key=key, now=T0 + attempts.WINDOW)
    attempts.record_resume_attempt(
        session=session, key="identity:11", succeeded=False, now=T0 + attempts.KEEP + timedelta(seconds=1)
    )
    assert session.execute(select(ResumeAttempt.key)).scalars().all() == ["identity:11"]


def test_address_keys_are_keyed_hashes(db_url: str) -> None:
    key = attempts.address_key("203.0.113.9")
    assert key.startswith("address:") and "203.0.113.9" not in key and len(key) == len("address:") + 32
    assert attempts.address_key("203.0.113.9") == key != attempts.address_key("203.0.113.10")


# ---- the web app's outer layer ---------------------------------------------------------------------------
def boom(_request: Request) -> Response:
    raise RuntimeError("kaboom")


def client_for(
    *, public_url: str = "http://localhost:8000", trusted: list[str] | None = None, peer: str = "127.0.0.1"
) -> TestClient:
    async def who(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.client.host if request.client else "")

    app = Starlette(routes=[Route("/boom", boom), Route("/who", who)])
    return TestClient(
        secure_app(app, public_base_url=public_url, trusted=trusted), raise_server_exceptions=False, client=(peer, 5000)
    )


def test_500_404_and_405_pages_carry_the_security_headers() -> None:
    client = client_for()
    for method, path, status in (("GET", "/boom", 500), ("GET", "/nothing", 404), ("POST", "/who", 405)):
        response = client.request(method, path)
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers


def test_https_public_url_adds_hsts() -> None:
    assert (
        client_for(public_url="https://bot.example")
        .get("/who")
        .headers["strict-transport-security"]
        .startswith("max-age=")
    )


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("http://evil.example/staff/", "/staff/"),
        ("https://evil.example//evil.example/x?y=1", "/evil.example/x?y=1"),
        ("https://bot.example/staff/login", "https://bot.example/staff/login"),
        ("/staff/login?next=%2Fstaff%2F", "/staff/login?next=%2Fstaff%2F"),
    ],
)
def test_redirects_never_leave_the_configured_site(location: str, expected: str) -> None:
    assert same_site_location(location, "https://bot.example") == expected


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    forged = {"X-Forwarded-For": "203.0.113.5"}
    assert client_for(trusted=None).get("/who", headers=forged).text == "127.0.0.1"
    assert client_for(trusted=["127.0.0.1"], peer="10.9.8.7").get("/who", headers=forged).text == "10.9.8.7"
    assert client_for(trusted=["127.0.0.1"]).get("/who", headers=forged).text == "203.0.113.5"


@pytest.mark.parametrize(("public_url", "secure"), [("https://bot.example", True), ("http://localhost:8000", False)])
def test_staff_cookies_are_secure_whenever_the_public_url_is_https(
    monkeypatch: pytest.MonkeyPatch, public_url: str, secure: bool
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", public_url)
    get_settings.cache_clear()
    try:
        for write in (lambda r: sessions.write(r, sessions.anonymous()), sessions.clear):
            response = Response()
            write(response)
            assert ("secure" in response.headers["set-cookie"].lower().split("; ")) is secure
    finally:
        get_settings.cache_clear()


# ---- the web chat's input checks (proxy and Rasa channel agree) ----------------------------------------------------
SENDER = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"sender": SENDER + "\n", "message": "hi"}, "bad_sender"),
        ({"sender": "\n" + SENDER, "message": "hi"}, "bad_sender"),
        ({"sender": SENDER, "message": "\ud800 x"}, "bad_text"),
        ({"sender": SENDER, "message": "x \udfff"}, "bad_text"),
    ],
)
def test_trailing_newline_ids_and_lone_surrogates_are_refused_by_proxy_and_channel(body: dict, error: str) -> None:
    import httpx

    from bot.channels.webchat import channel as webchat
    from bot.web import chat_routes

    seen: list[httpx.Request] = []
    proxy = chat_routes.ChatProxy(
        rasa_url="http://rasa.test",
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json=[])),
    )
    client = TestClient(Starlette(routes=[Route("/chat/api/message", proxy.handle, methods=["POST"])]))
    raw = __import__("json").dumps(body).encode()
    response = client.post("/chat/api/message", content=raw, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json(), seen) == (400, {"error": error}, [])
    failure = webchat.parse_request(body)
    assert not isinstance(failure, tuple) and (failure.status, __import__("json").loads(failure.body)) == (
        400,
        {"error": error},
    )


def test_the_slash_redirect_built_from_a_forged_host_stays_on_the_site() -> None:
    from starlette.routing import Mount

    app = Starlette(routes=[Mount("/staff", routes=[Route("/", lambda r: PlainTextResponse("queue"))])])
    client = TestClient(secure_app(app, public_base_url="https://bot.example"), follow_redirects=False)
    response = client.get("/staff", headers={"Host": "evil.example"})
    assert (response.status_code, response.headers["location"]) == (307, "/staff/")
