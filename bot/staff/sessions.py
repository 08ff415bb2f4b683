"""Signed staff session cookies (itsdangerous) that expire when idle, with a session-bound CSRF token."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from bot.settings import get_settings

COOKIE_NAME = "mf_staff"
COOKIE_PATH = "/staff"
IDLE_SECONDS = 8 * 60 * 60  # signed out after 8 hours without a request
ABSOLUTE_SECONDS = 12 * 60 * 60  # and 12 hours after signing in, however busy
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class StaffSession:
    """What the cookie carries: the account (None before sign-in), its password fingerprint, a CSRF token, sign-in time."""

    csrf: str
    practitioner_id: int | None = None
    fingerprint: str = ""
    signed_in_at: float = 0.0

    @property
    def signed_in(self) -> bool:
        return self.practitioner_id is not None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt="mf-staff-session")


def fingerprint(password_hash: str) -> str:
    """A short digest of the password hash: changing the password ends every session of the account."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def anonymous() -> StaffSession:
    """A fresh session for the sign-in form (only a CSRF token)."""
    return StaffSession(csrf=secrets.token_urlsafe(32))


def signed_in(practitioner_id: int, password_hash: str) -> StaffSession:
    """A new session for an account that just signed in (new CSRF token: no fixation)."""
    return StaffSession(
        csrf=secrets.token_urlsafe(32), practitioner_id=practitioner_id, fingerprint=fingerprint(password_hash), signed_in_at=time.time()
    )


def read(request: Request) -> StaffSession | None:
    """The request's session if its cookie is genuine, recent enough and not past its absolute lifetime."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=IDLE_SECONDS)
        session = StaffSession(
            csrf=str(data["c"]), practitioner_id=data.get("p"), fingerprint=str(data.get("f", "")), signed_in_at=float(data.get("t", 0.0))
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if session.signed_in and time.time() - session.signed_in_at > ABSOLUTE_SECONDS:
        return None
    return session


def write(response: Response, session: StaffSession) -> None:
    """Set (or refresh, restarting the idle clock) the session cookie."""
    data = {"c": session.csrf}
    if session.signed_in:
        data.update({"p": session.practitioner_id, "f": session.fingerprint, "t": session.signed_in_at})
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(data),
        max_age=IDLE_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(),
    )


def secure_cookies() -> bool:
    """Cookies are Secure (sent over https only) whenever the public URL is https."""
    return get_settings().public_base_url.startswith("https://")


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure_cookies())


def csrf_ok(session: StaffSession | None, submitted: object) -> bool:
    """True when the form's token matches the session's (constant-time compare)."""
    if session is None or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(session.csrf.encode(), submitted.encode())


def without_account(session: StaffSession) -> StaffSession:
    return replace(session, practitioner_id=None, fingerprint="", signed_in_at=0.0)
