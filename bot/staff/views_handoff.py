"""One handed-off summary: read it, claim it, add private notes, change its status, print it or download its PDF."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from bot import pdf
from bot.capabilities import phone_channels
from bot.staff import views_follow_up, views_match_record, views_matches, views_person, wording
from bot.staff.access import QUEUE_ROLES, WORK_ROLES, scope_for
from bot.staff.formatting import summary_view
from bot.staff.pages import STATIC, StaffRequest, not_found, staff_page
from bot.store import follow_up, outbox
from bot.store import staff_repository as staff_repo
from bot.store.contact import contact_of_run
from bot.store.models import HANDOFF_NEW, HANDOFF_STATUSES, Handoff, Participant

MAX_NOTE_CHARS = views_follow_up.MAX_NOTE_CHARS
PARTICIPANT_KINDS = ("reminder",)  # outbox kinds that go to the participant (handoff emails go to staff)


def _handoff(sr: StaffRequest) -> Handoff | None:
    """The handoff named in the path, only if it is in this practitioner's scope."""
    try:
        handoff_id = int(sr.request.path_params["handoff_id"])
    except (KeyError, ValueError):
        return None
    return staff_repo.find_handoff(session=sr.db, handoff_id=handoff_id, scope=scope_for(sr.me))


def _context(sr: StaffRequest, handoff: Handoff, participant: Participant | None = None) -> dict[str, Any]:
    run = handoff.run
    participant = participant or staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    identities = staff_repo.identities_of(session=sr.db, participant_id=participant.id)
    return {
        "handoff": handoff,
        "run": run,
        "participant": participant,
        # in the participant's language, factor names and ratings also in the pages' language when that differs
        "summary": summary_view(handoff.summary.body if handoff.summary else {}, participant.language),
        "channels": staff_repo.channels_of_run(session=sr.db, run=run),
        "sms_numbers": [i.external_id for i in identities if i.channel in phone_channels()],
        # how the person said they can be reached (asked after the share), their words as typed
        "contact": contact_of_run(session=sr.db, run_id=run.id, participant_id=participant.id),
        # what the bot sent the participant on its own (reminders): when, and its delivery status; never the text
        "bot_messages": outbox.sent_to_participant(
            session=sr.db, participant_id=participant.id, kinds=PARTICIPANT_KINDS
        ),
    }


@staff_page(QUEUE_ROLES)
def handoff_page(sr: StaffRequest) -> Response:
    """The full summary with status, claim, notes; viewing it is recorded in the audit log."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    sr.audit("summary_viewed", "handoff", handoff.id)
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    return sr.page(
        "handoff.html",
        notes=staff_repo.notes(session=sr.db, handoff=handoff),
        statuses=HANDOFF_STATUSES,
        can_work=sr.me.role in WORK_ROLES,
        note_limit=MAX_NOTE_CHARS,
        **views_follow_up.page_context(sr, handoff),
        **views_person.other_summaries(sr, handoff),
        **views_matches.matches_context(sr, handoff, participant),
        **views_match_record.record_context(sr, handoff),
        **_context(sr, handoff, participant),
    )


@staff_page(QUEUE_ROLES)
def handoff_print(sr: StaffRequest) -> Response:
    """A clean printable page of the summary (no notes, no navigation)."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    sr.audit("summary_printed", "handoff", handoff.id)
    return sr.page("print.html", **_context(sr, handoff))


@staff_page(QUEUE_ROLES)
def handoff_pdf(sr: StaffRequest) -> Response:
    """The printable page as a PDF file to save or attach (same content, in the participant's language)."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    sr.audit("summary_pdf_downloaded", "handoff", handoff.id)
    html = sr.html("print.html", for_pdf=True, **_context(sr, handoff))
    return Response(
        pdf.html_to_pdf(html, static={"/staff/static": STATIC}),
        media_type=pdf.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="magnetic-factors-summary-{handoff.id}.pdf"'},
    )


@staff_page(WORK_ROLES)
def handoff_claim(sr: StaffRequest) -> Response:
    """Assign the handoff to me (a new one becomes 'in review'); taking it from a colleague must be confirmed."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    return views_follow_up.assign(sr, handoff, sr.me)


@staff_page(WORK_ROLES)
def handoff_status(sr: StaffRequest) -> Response:
    """Change the status: new, in review or followed up."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    status = sr.field("status")
    if status not in HANDOFF_STATUSES:
        return sr.page(
            "error.html",
            status_code=400,
            title=wording.text("errors.unknown_status_title"),
            message=wording.text("errors.unknown_status"),
        )
    if status == HANDOFF_NEW and handoff.assigned_to_id is not None and handoff.status != HANDOFF_NEW:
        return views_follow_up.refused(sr, "follow_up.new_while_assigned")
    if status != handoff.status:
        staff_repo.set_status(session=sr.db, handoff=handoff, status=status)
        sr.audit(f"status_{status}", "handoff", handoff.id)
    return views_follow_up.done(handoff, "status")


@staff_page(WORK_ROLES)
def handoff_note(sr: StaffRequest) -> Response:
    """Add a private note (staff only; never shown to the participant)."""
    handoff = _handoff(sr)
    if handoff is None:
        return not_found(sr)
    text = sr.field("note").replace("\r\n", "\n").strip()  # browsers send a textarea's line breaks as CRLF
    if not text or len(text) > MAX_NOTE_CHARS:
        return sr.page(
            "error.html",
            status_code=400,
            title=wording.text("errors.note_not_saved_title"),
            message=wording.text("errors.note_not_saved", limit=MAX_NOTE_CHARS),
        )
    staff_repo.add_note(session=sr.db, handoff=handoff, practitioner=sr.me, note=text)
    follow_up.drop_draft(session=sr.db, practitioner=sr.me, handoff=handoff)
    sr.audit("note_added", "handoff", handoff.id)
    return views_follow_up.done(handoff, "note")
