"""Sign-in and sign-out pages."""
from __future__ import annotations

import logging

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

logger = logging.getLogger(__name__)
MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024


def safe_next(target: str) -> str:
    """Only a path inside the staff pages (no other host, no scheme) is followed after sign-in."""
    if target.startswith("/staff/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return "/staff/"


def _login_page(state: sessions.StaffSession, *, next_url: str, email: str = "", error: str = "", status_code: int = 200) -> Response:
    response = render("login.html", status_code=status_code, csrf=state.csrf, next_url=next_url, email=email, error=error)
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
    address = request.client.host if request.client else "unknown"
    keys = ratelimit.keys_for(email, address)
    with session_scope() as db:
        if ratelimit.is_limited(session=db, keys=keys):
            return render("rate_limited.html", status_code=429, headers={"Retry-After": str(int(ratelimit.WINDOW.total_seconds()))})
        account = staff_repo.find_practitioner_by_email(session=db, email=email) if email else None
        ok = verify_password(account.password_hash if account is not None else None, password)
        if not ok or account is None or not account.is_active:
            ratelimit.record(session=db, keys=keys, succeeded=False)
            logger.info("staff sign-in failed")
            return _login_page(state, next_url=next_url, email=email, error="That email and password do not match an active account.", status_code=401)
        ratelimit.record(session=db, keys=keys, succeeded=True)
        if needs_rehash(account.password_hash):
            staff_repo.set_password_hash(session=db, practitioner=account, password_hash=hash_password(password))
        staff_repo.record_login(session=db, practitioner=account)
        staff_repo.audit(session=db, practitioner=account, action="signed_in", subject_type="practitioner", subject_id=str(account.id))
        new_state = sessions.signed_in(account.id, account.password_hash)
    response = redirect(next_url)
    sessions.write(response, new_state)
    return response


@staff_page(QUEUE_ROLES)
def logout(sr: StaffRequest) -> Response:
    """Sign out (POST with the CSRF token) and forget the session cookie."""
    sr.audit("signed_out", "practitioner", sr.me.id)
    sr.end_session = True
    return redirect("/staff/login")
