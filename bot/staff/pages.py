"""Rendering and the request pipeline every staff page goes through: session, account, CSRF, role, headers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.staff import sessions, wording
from bot.staff.access import STATS_ROLES
from bot.staff.formatting import audience_label, channel_label, language_label, local_time, role_label, status_label
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.store.models import ADMIN, Practitioner

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
MAX_FORM_FIELDS = 20
MAX_FIELD_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,  # every template, whatever its name: participants' words are always escaped
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(
    when=local_time,
    status=status_label,
    channel=channel_label,
    role=role_label,
    audience=audience_label,
    language=language_label,
    language_in_text=lambda code: wording.label("language_in_text", code),
    code=lambda value: Markup("<code>{}</code>").format(value),  # the value escaped inside
)
# t("key", name=value): the staff pages' wording (wording.yml), escaped, with escaped values; PAGE_LANGUAGE is its language.
_environment.globals.update(
    t=lambda key, **values: wording.load().markup(key, **values),
    PAGE_LANGUAGE=wording.PAGE_LANGUAGE,
    CSRF_FIELD=sessions.CSRF_FIELD,
)


def html_of(name: str, **context: Any) -> str:
    """The HTML of a template from templates/ (autoescaped), for a page or a PDF."""
    context.setdefault("me", None)
    context.setdefault("csrf", "")
    return _environment.get_template(name).render(**context)


def render(name: str, status_code: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """A page from templates/ with autoescaping on."""
    response = HTMLResponse(html_of(name, **context), status_code=status_code, headers=headers)
    response.headers.update(SECURITY_HEADERS)
    return response


@dataclass
class StaffRequest:
    """One signed-in request: the account, its open database session and the submitted form."""

    request: Request
    db: Session
    me: Practitioner
    session: sessions.StaffSession
    form: FormData | None
    end_session: bool = False

    def page(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """Render a page with the account, its navigation and the CSRF token filled in."""
        return render(name, status_code=status_code, **self._context(context))

    def html(self, name: str, **context: Any) -> str:
        """The HTML ``page`` would send (for a PDF of it)."""
        return html_of(name, **self._context(context))

    def _context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "me": self.me,
            "csrf": self.session.csrf,
            "can_see_stats": self.me.role in STATS_ROLES,
            "is_admin": self.me.role == ADMIN,
            "site": self.me.site,
            **context,
        }

    def field(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else ""

    def audit(self, action: str, subject_type: str, subject_id: object) -> None:
        staff_repo.audit(
            session=self.db, practitioner=self.me, action=action, subject_type=subject_type, subject_id=str(subject_id)
        )


def not_found(sr: StaffRequest | None = None) -> HTMLResponse:
    """The one answer for 'does not exist' and 'not yours': the two must look the same."""
    title = wording.text("errors.not_found_title")
    if sr is not None:
        return sr.page("error.html", status_code=404, title=title, message=wording.text("errors.not_found_in_queue"))
    return render("error.html", status_code=404, title=title, message=wording.text("errors.not_found"))


def forbidden_csrf() -> HTMLResponse:
    return render(
        "error.html",
        status_code=403,
        title=wording.text("errors.form_expired_title"),
        message=wording.text("errors.form_expired"),
    )


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def to_login(request: Request) -> Response:
    """Send a signed-out visitor to the sign-in page, coming back here afterwards (GET only)."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    response = redirect(f"/staff/login?next={quote(target, safe='')}" if request.method == "GET" else "/staff/login")
    sessions.clear(response)
    return response


async def read_form(request: Request) -> FormData | None:
    """The POSTed form (url-encoded or multipart without files), with small size limits."""
    if request.method != "POST":
        return None
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FIELD_BYTES)


Handler = Callable[[StaffRequest], Response]


def staff_page(roles: Iterable[str]) -> Callable[[Handler], Callable[[Request], Any]]:
    """Wrap a page handler: signed-in account required, CSRF checked on POST, role checked (404 otherwise).

    The handler runs in a worker thread with its own database session, committed after it returns.
    """
    allowed = tuple(roles)

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            form = await read_form(request)
            return await run_in_threadpool(_run, handler, request, form, allowed)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


def _run(handler: Handler, request: Request, form: FormData | None, allowed: tuple[str, ...]) -> Response:
    state = sessions.read(request)
    if state is None or not state.signed_in:
        if request.method == "POST":
            return forbidden_csrf()
        return to_login(request)
    with session_scope() as db:
        me = staff_repo.get_practitioner(session=db, practitioner_id=int(state.practitioner_id or 0))
        if me is None or not me.is_active or sessions.fingerprint(me.password_hash) != state.fingerprint:
            return to_login(request)
        if form is not None and not sessions.csrf_ok(state, form.get(sessions.CSRF_FIELD)):
            return forbidden_csrf()
        sr = StaffRequest(request=request, db=db, me=me, session=state, form=form)
        response: Response
        if me.role not in allowed:
            response = not_found(sr)
        else:
            response = handler(sr)
    if sr.end_session:
        sessions.clear(response)
    else:
        sessions.write(response, state)  # restarts the idle clock
    response.headers.update(SECURITY_HEADERS)
    return response
