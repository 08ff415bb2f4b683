"""A handoff's follow-up pages: assign (to me or a colleague, confirming a reassignment), due date, contact outcomes,
and a note typed into a form whose session had ended, kept for its author until they sign in again."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.staff import sessions, wording
from bot.staff.access import WORK_ROLES, scope_for
from bot.staff.pages import StaffRequest, forbidden_csrf, not_found, read_form, redirect, staff_page
from bot.store import follow_up
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.store.follow_up_models import OUTCOMES
from bot.store.models import Handoff, Practitioner

MAX_NOTE_CHARS = 5000  # as views_handoff.MAX_NOTE_CHARS (that module imports this one)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999
EXPIRED_COOKIE_SECONDS = 2 * 24 * 60 * 60  # an ended session's cookie still names its author this long
DONE = (
    "assigned",
    "status",
    "note",
    "outcome",
    "due",
    "draft",
    "match_started",
    "match_saved",
)  # confirmations a redirect may ask the page to show


def handoff_in_scope(sr: StaffRequest) -> Handoff | None:
    """The handoff named in the path, only if it is in this practitioner's scope."""
    try:
        handoff_id = int(sr.request.path_params["handoff_id"])
    except (KeyError, ValueError):
        return None
    return staff_repo.find_handoff(session=sr.db, handoff_id=handoff_id, scope=scope_for(sr.me))


def refused(sr: StaffRequest, reason_key: str, status_code: int = 400, **values: Any) -> HTMLResponse:
    """A refused form: the status code and the reason in words."""
    return sr.page(
        "error.html",
        status_code=status_code,
        title=wording.text("follow_up.not_saved_title"),
        message=wording.text(reason_key, **values),
    )


def done(handoff: Handoff, what: str) -> Response:
    """Back to the summary, which confirms ``what`` was done (no #fragment: the browser would not focus the message)."""
    return redirect(f"/staff/handoffs/{handoff.id}?done={what}")


def page_context(sr: StaffRequest, handoff: Handoff) -> dict[str, Any]:
    """What the handoff page shows of the follow-up (merged into its context)."""
    shown = sr.request.query_params.get("done", "")
    draft = follow_up.draft_of(session=sr.db, practitioner=sr.me, handoff=handoff)
    return {
        "colleagues": [p for p in follow_up.colleagues(session=sr.db, handoff=handoff) if p.id != sr.me.id],
        "assigned_since": follow_up.assigned_since(session=sr.db, handoff=handoff),
        "moved": follow_up.moved_away(session=sr.db, handoff=handoff, practitioner=sr.me),
        "attempts": follow_up.attempts(session=sr.db, handoff=handoff),
        "outcomes": OUTCOMES,
        "draft": draft or "",
        "confirmation": "draft" if draft else (shown if shown in DONE else ""),
    }


def _owner_field(sr: StaffRequest) -> int | None:
    value = sr.field("owner")
    return int(value) if value.isascii() and value.isdigit() else None


def assign(sr: StaffRequest, handoff: Handoff, to: Practitioner) -> Response:
    """Give the handoff to ``to``; taking it from someone else needs the confirmation, against the owner shown."""
    owner = handoff.assigned_to
    if owner is not None and owner.id != to.id:
        if _owner_field(sr) != owner.id:  # someone else took it since the page was shown
            return refused(sr, "follow_up.owner_changed", status_code=409, name=owner.display_name)
        if sr.field("confirm") != "1":
            return refused(sr, "follow_up.confirm_needed", name=owner.display_name)
    row = follow_up.assign(session=sr.db, handoff=handoff, to=to, by=sr.me)
    if row is not None:
        sr.audit("handoff_claimed" if to.id == sr.me.id else "handoff_assigned", "handoff", handoff.id)
        if row.from_id is not None:
            sr.audit("handoff_reassigned", "handoff", handoff.id)
    return done(handoff, "assigned")


@staff_page(WORK_ROLES)
def handoff_assign(sr: StaffRequest) -> Response:
    """Assign the handoff to a colleague of its site who works these cases."""
    handoff = handoff_in_scope(sr)
    if handoff is None:
        return not_found(sr)
    chosen = sr.field("to")
    to = next((p for p in follow_up.colleagues(session=sr.db, handoff=handoff) if str(p.id) == chosen), None)
    if to is None:
        return refused(sr, "follow_up.unknown_colleague")
    return assign(sr, handoff, to)


def parse_day(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if len(value) == 10 and EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


@staff_page(WORK_ROLES)
def handoff_due(sr: StaffRequest) -> Response:
    """Set (or clear, when empty) the day the follow-up is due."""
    handoff = handoff_in_scope(sr)
    if handoff is None:
        return not_found(sr)
    value = sr.field("due_on").strip()
    day = parse_day(value) if value else None
    if value and day is None:
        return refused(sr, "follow_up.bad_due")
    if day != handoff.follow_up_due_on:
        follow_up.set_due(session=sr.db, handoff=handoff, due_on=day)
        sr.audit("follow_up_due_set" if day else "follow_up_due_cleared", "handoff", handoff.id)
    return done(handoff, "due")


@staff_page(WORK_ROLES)
def handoff_outcome(sr: StaffRequest) -> Response:
    """Record a contact attempt and its outcome."""
    handoff = handoff_in_scope(sr)
    if handoff is None:
        return not_found(sr)
    outcome = sr.field("outcome")
    if outcome not in OUTCOMES:
        return refused(sr, "follow_up.bad_outcome")
    follow_up.record_attempt(session=sr.db, handoff=handoff, practitioner=sr.me, outcome=outcome)
    sr.audit(f"contact_{outcome}", "handoff", handoff.id)
    return done(handoff, "outcome")


# ---- a note posted after the session ended -------------------------------------------------------------
def _author_of_expired_session(request: Request, form: FormData | None) -> int | None:
    """The account whose session ran out of time while this form was open, else None.

    The cookie must be genuinely signed, the form's CSRF token the one it carries, and its server-side session row
    never ended (a sign-out, password change, deactivation or an admin's end makes a replayed cookie worth nothing).
    """
    if form is None:
        return None
    state = sessions.decode_cookie(request.cookies.get(sessions.COOKIE_NAME), max_age=EXPIRED_COOKIE_SECONDS)
    if state is None or not isinstance(state.practitioner_id, int) or not state.token:
        return None
    if not sessions.csrf_ok(state, form.get(sessions.CSRF_FIELD)):
        return None
    with session_scope() as db:
        unended = follow_up.session_never_ended(
            session=db, token_hash=sessions.token_hash(state.token), practitioner_id=state.practitioner_id
        )
    return state.practitioner_id if unended else None


def note_text(form: FormData | None) -> str:
    value = form.get("note") if form is not None else None
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""  # textareas send CRLF


def _keep(request: Request, form: FormData | None, author: int | None) -> bool:
    text = note_text(form)
    handoff_id = int(request.path_params["handoff_id"])
    if author is None or not text or len(text) > MAX_NOTE_CHARS:
        return False
    with session_scope() as db:
        practitioner = staff_repo.get_practitioner(session=db, practitioner_id=author)
        if practitioner is None or staff_repo.get_handoff(session=db, handoff_id=handoff_id) is None:
            return False
        follow_up.keep_draft(session=db, practitioner_id=author, handoff_id=handoff_id, text=text)
        staff_repo.audit(
            session=db,
            practitioner=practitioner,
            action="note_draft_kept",
            subject_type="handoff",
            subject_id=str(handoff_id),
        )
    return True


def keeping_drafts(endpoint: Any) -> Any:
    """Wrap the note endpoint: a POST whose session ended or whose form expired keeps its note for its author."""

    async def note_endpoint(request: Request) -> Response:
        form = await read_form(request)  # Starlette keeps it: the wrapped endpoint reads the same form
        outcome = await run_in_threadpool(_before_note, request, form)
        return outcome if outcome is not None else await endpoint(request)

    note_endpoint.__name__ = getattr(endpoint, "__name__", "handoff_note")
    note_endpoint.__doc__ = endpoint.__doc__
    return note_endpoint


def _before_note(request: Request, form: FormData | None) -> Response | None:
    """None when the session and form are good (the note endpoint goes on); else keep the draft if it is safe to."""
    state = sessions.read(request)
    if state is not None and state.signed_in:
        return None  # a live session: the note endpoint checks the CSRF token as every form does
    kept = _keep(request, form, _author_of_expired_session(request, form))
    target = f"/staff/handoffs/{int(request.path_params['handoff_id'])}"
    # sign in again, then back to the summary, where the note is in the form again (only the path in the address)
    response = redirect(f"/staff/login?next={target.replace('/', '%2F')}") if kept else forbidden_csrf()
    sessions.clear(response)
    return response
