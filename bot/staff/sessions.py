"""Staff sessions: a signed cookie carrying a random token and a CSRF token, checked against a server-side row.

The row (table staff_sessions, only the token's SHA-256 digest stored) is what makes a session real: sign-out,
a password change, deactivation and an admin's `python -m bot staff end-sessions` end it at once, so a saved
cookie replayed afterwards is refused. The cookie's signature and timestamps are kept as a first, cheap check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.settings import get_settings
from bot.store import staff_access
from bot.store.db import session_scope
from bot.store.models import Practitioner, utcnow
from bot.store.staff_models import ENDED_SIGNED_OUT

COOKIE_NAME = "mf_staff"
COOKIE_PATH = "/staff"
IDLE_SECONDS = 8 * 60 * 60  # signed out after 8 hours without a request
ABSOLUTE_SECONDS = 12 * 60 * 60  # and 12 hours after signing in, however busy
CSRF_FIELD = "csrf_token"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often per session
KEEP_ENDED = timedelta(days=7)  # ended or expired session rows are forgotten after this


@dataclass(frozen=True)
class StaffSession:
    """What the cookie carries: a CSRF token and, once signed in, the account, its session token and sign-in time."""

    csrf: str
    practitioner_id: int | None = None
    fingerprint: str = ""
    signed_in_at: float = 0.0
    token: str = ""  # the random token of the server-side session row ("" before sign-in)

    @property
    def signed_in(self) -> bool:
        return self.practitioner_id is not None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt="mf-staff-session")


def fingerprint(password_hash: str) -> str:
    """A short digest of the password hash: changing the password ends every session of the account."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def token_hash(token: str) -> str:
    """What the database keeps of a session token (the token itself is only in the cookie)."""
    return hashlib.sha256(token.encode()).hexdigest()


def anonymous() -> StaffSession:
    """A fresh session for the sign-in form (only a CSRF token)."""
    return StaffSession(csrf=secrets.token_urlsafe(32))


def signed_in(practitioner_id: int, password_hash: str) -> StaffSession:
    """The cookie state of a new session (new CSRF and session tokens: no fixation); `start` also stores its row."""
    return StaffSession(
        csrf=secrets.token_urlsafe(32),
        practitioner_id=practitioner_id,
        fingerprint=fingerprint(password_hash),
        signed_in_at=time.time(),
        token=secrets.token_urlsafe(32),
    )


def start(*, db: Session, practitioner: Practitioner) -> StaffSession:
    """Sign ``practitioner`` in: a new server-side session row, and the cookie state that names it."""
    state = signed_in(practitioner.id, practitioner.password_hash)
    now = utcnow()
    staff_access.prune_staff_sessions(session=db, before=now - KEEP_ENDED)
    staff_access.create_staff_session(
        session=db,
        practitioner=practitioner,
        token_hash=token_hash(state.token),
        expires_at=now + timedelta(seconds=ABSOLUTE_SECONDS),
    )
    return state


def end(*, db: Session, state: StaffSession, reason: str = ENDED_SIGNED_OUT) -> bool:
    """End the session named by ``state`` now (sign-out); False if it had no live row."""
    if not state.token:
        return False
    return staff_access.end_staff_session(session=db, token_hash=token_hash(state.token), reason=reason)


def end_all(*, db: Session, practitioner: Practitioner, reason: str) -> int:
    """End every session of an account now (password change, deactivation, an admin); how many were open."""
    return staff_access.end_staff_sessions_of(session=db, practitioner=practitioner, reason=reason)


def decode(request: Request) -> StaffSession | None:
    """The cookie's state if it is genuine, recent enough and not past its absolute lifetime (no database check)."""
    return decode_cookie(request.cookies.get(COOKIE_NAME), max_age=IDLE_SECONDS)


def decode_cookie(raw: str | None, *, max_age: int) -> StaffSession | None:
    """A session cookie's state if it is genuinely ours and at most ``max_age`` seconds old (no database check)."""
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=max_age)
        session = StaffSession(
            csrf=str(data["c"]),
            practitioner_id=data.get("p"),
            fingerprint=str(data.get("f", "")),
            signed_in_at=float(data.get("t", 0.0)),
            token=str(data.get("s", "")),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if session.signed_in and time.time() - session.signed_in_at > ABSOLUTE_SECONDS:
        return None
    return session


def read(request: Request) -> StaffSession | None:
    """The request's session: the cookie's state, and when signed in only if its server-side session is still live.

    A session that was ended (sign-out, password change, deactivation, an admin), has expired or belongs to an
    inactive account reads as no session at all. Runs in a worker thread (it queries the database).
    """
    state = decode(request)
    if state is None or not state.signed_in:
        return state
    if not state.token:
        return None  # a cookie from before server-side sessions
    with session_scope() as db:
        return state if check(db=db, state=state) else None


def check(*, db: Session, state: StaffSession) -> bool:
    """True when ``state`` names a live session of its account; notes the visit (at most every TOUCH_EVERY)."""
    now = utcnow()
    row = staff_access.live_staff_session(
        session=db, token_hash=token_hash(state.token), idle_since=now - timedelta(seconds=IDLE_SECONDS), now=now
    )
    if row is None or row.practitioner_id != state.practitioner_id:
        return False
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return True


def write(response: Response, session: StaffSession) -> None:
    """Set (or refresh, restarting the idle clock) the session cookie."""
    data: dict[str, object] = {"c": session.csrf}
    if session.signed_in:
        data.update(
            {"p": session.practitioner_id, "f": session.fingerprint, "t": session.signed_in_at, "s": session.token}
        )
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
    return replace(session, practitioner_id=None, fingerprint="", signed_in_at=0.0, token="")
