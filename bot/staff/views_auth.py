"""Sign-in and sign-out pages."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from bot.staff import ratelimit, sessions
from bot.staff.access import QUEUE_ROLES
from bot.staff.pages import StaffRequest, forbidden_csrf, read_form, redirect, render, staff_page
from bot.staff.passwords import hash_password, needs_rehash, verify_password
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.store.models import Practitioner
from bot.store.staff_models import ENDED_REPLACED, ENDED_SIGNED_OUT

logger = logging.getLogger(__name__)
MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024


def safe_next(target: str) -> str:
    """Only a path inside the staff pages (no other host, no scheme) is followed after sign-in."""
    if target.startswith("/staff/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return "/staff/"


def _login_page(
    state: sessions.StaffSession, *, next_url: str, email: str = "", error: str = "", status_code: int = 200
) -> Response:
    response = render(
        "login.html", status_code=status_code, csrf=state.csrf, next_url=next_url, email=email, error=error
    )
    sessions.write(response, state)
    return response


async def login(request: Request) -> Response:
    """GET: the sign-in form. POST: check the CSRF token, the rate limit, then the password."""
    form = await read_form(request)
    return await run_in_threadpool(_login, request, form)


def _login(request: Request, form: FormData | None) -> Response:
    state = sessions.read(request)
    if form is None:
        if state is not None and state.signed_in:
            return redirect("/staff/")
        return _login_page(state or sessions.anonymous(), next_url=safe_next(request.query_params.get("next", "")))
    if state is None or not sessions.csrf_ok(state, form.get(sessions.CSRF_FIELD)):
        return forbidden_csrf()
    email = str(form.get("email") or "").strip()[:MAX_EMAIL_LENGTH]
    password = str(form.get("password") or "")[:MAX_PASSWORD_LENGTH]
    next_url = safe_next(str(form.get("next") or ""))
    address = ratelimit.client_address(request)
    keys = ratelimit.keys_for(email, address)
    with session_scope() as db:
        waiting = ratelimit.wait(session=db, keys=keys)
        if waiting.limited:
            # Not recorded or audited again: the failure that started the wait was, and a refused try checks nothing.
            return _rate_limited(waiting)
        account = staff_repo.find_practitioner_by_email(session=db, email=email) if email else None
        ok = verify_password(account.password_hash if account is not None else None, password)
        if not ok or account is None or not account.is_active:
            waiting = ratelimit.record(session=db, keys=keys, succeeded=False)
            _audit_failure(db, account, address, waiting)
            logger.info("staff sign-in failed")
            return _login_page(
                state,
                next_url=next_url,
                email=email,
                error="That email and password do not match an active account.",
                status_code=401,
            )
        ratelimit.record(session=db, keys=keys, succeeded=True)
        if needs_rehash(account.password_hash):
            staff_repo.set_password_hash(session=db, practitioner=account, password_hash=hash_password(password))
        if state.signed_in:  # signing in again from the same browser: the old session ends
            sessions.end(db=db, state=state, reason=ENDED_REPLACED)
        staff_repo.record_login(session=db, practitioner=account)
        staff_repo.audit(
            session=db,
            practitioner=account,
            action="signed_in",
            subject_type="practitioner",
            subject_id=str(account.id),
        )
        new_state = sessions.start(db=db, practitioner=account)
    response = redirect(next_url)
    sessions.write(response, new_state)
    return response


def _audit_failure(db: Session, account: Practitioner | None, address: str, waiting: ratelimit.Wait) -> None:
    """A failed sign-in in the audit log: the account's id when the email is an account's, else the address's keyed hash.

    Never the password, nor a typed email that is not an account's. A failure that starts a wait is also recorded as a throttle.
    """
    subject = (
        ("practitioner", str(account.id)) if account is not None else ("address", ratelimit.address_digest(address))
    )
    staff_repo.audit(
        session=db, practitioner=None, action="sign_in_failed", subject_type=subject[0], subject_id=subject[1]
    )
    if waiting.account > timedelta(0):
        staff_repo.audit(
            session=db, practitioner=None, action="sign_in_throttled", subject_type=subject[0], subject_id=subject[1]
        )
        logger.warning("staff sign-in throttled for %s seconds (account from one address)", waiting.retry_after_seconds)
    if waiting.address > timedelta(0):
        staff_repo.audit(
            session=db,
            practitioner=None,
            action="sign_in_address_throttled",
            subject_type="address",
            subject_id=ratelimit.address_digest(address),
        )
        logger.warning("staff sign-in throttled for %s seconds (one address)", waiting.retry_after_seconds)


def _rate_limited(waiting: ratelimit.Wait) -> Response:
    seconds = waiting.retry_after_seconds
    minutes = max(1, math.ceil(seconds / 60))
    return render(
        "rate_limited.html",
        status_code=429,
        headers={"Retry-After": str(seconds)},
        wait=f"{minutes} minute" if minutes == 1 else f"{minutes} minutes",
    )


@staff_page(QUEUE_ROLES)
def logout(sr: StaffRequest) -> Response:
    """Sign out (POST with the CSRF token): the server-side session ends now and the cookie is forgotten."""
    sessions.end(db=sr.db, state=sr.session, reason=ENDED_SIGNED_OUT)
    sr.audit("signed_out", "practitioner", sr.me.id)
    sr.end_session = True
    return redirect("/staff/login")
