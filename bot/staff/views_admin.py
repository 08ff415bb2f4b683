"""Site managers' numbers, and administrators' participant deletion and audit log."""
from __future__ import annotations

import logging

from starlette.responses import Response

from bot.settings import get_settings
from bot.staff.access import ADMIN_ROLES, STATS_ROLES
from bot.staff.pages import StaffRequest, not_found, staff_page
from bot.staff.tracker import tracker_database_url
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, Participant

logger = logging.getLogger(__name__)
CONFIRM_WORD = "DELETE"


@staff_page(STATS_ROLES)
def stats_page(sr: StaffRequest) -> Response:
    """Started, completed, handed off, followed up, median time to complete, clarity before vs after."""
    default_code = get_settings().default_site_code
    sites = staff_repo.visible_sites(session=sr.db, practitioner=sr.me)
    rows = [
        (site, staff_repo.site_stats(session=sr.db, site_ids=[site.id], include_unassigned=site.code == default_code))
        for site in sites
    ]
    overall = staff_repo.site_stats(session=sr.db, site_ids=None) if sr.me.role == ADMIN else None
    return sr.page("stats.html", rows=rows, overall=overall)


def _participant_details(sr: StaffRequest, participant: Participant) -> dict:
    return {
        "participant": participant,
        "identities": staff_repo.identities_of(session=sr.db, participant_id=participant.id),
        "counts": staff_repo.participant_row_counts(session=sr.db, participant_id=participant.id),
    }


@staff_page(ADMIN_ROLES)
def participants_page(sr: StaffRequest) -> Response:
    """Find a participant by reference (public id) or by phone number / chat id, to delete on request."""
    query = sr.request.query_params.get("q", "").strip()[:128]
    found: list[Participant] = []
    if query:
        by_id = staff_repo.find_participant(session=sr.db, public_id=query)
        found = [by_id] if by_id is not None else staff_repo.find_participant_by_identity(session=sr.db, external_id=query)
    return sr.page("participants.html", query=query, found=[_participant_details(sr, p) for p in found])


def _participant(sr: StaffRequest) -> Participant | None:
    return staff_repo.find_participant(session=sr.db, public_id=str(sr.request.path_params.get("public_id", "")))


@staff_page(ADMIN_ROLES)
def participant_page(sr: StaffRequest) -> Response:
    """One participant: their channels and how many rows of each kind are theirs, with the delete form."""
    participant = _participant(sr)
    if participant is None:
        return not_found(sr)
    return sr.page("participant.html", confirm_word=CONFIRM_WORD, error="", **_participant_details(sr, participant))


@staff_page(ADMIN_ROLES)
def participant_delete(sr: StaffRequest) -> Response:
    """Delete the participant, every row of theirs and their Rasa tracker events; record who and when."""
    participant = _participant(sr)
    if participant is None:
        return not_found(sr)
    if sr.field("confirm").strip() != CONFIRM_WORD:
        return sr.page(
            "participant.html", status_code=400, confirm_word=CONFIRM_WORD,
            error=f"Type {CONFIRM_WORD} to confirm.", **_participant_details(sr, participant),
        )
    public_id = participant.public_id
    counts = staff_repo.participant_row_counts(session=sr.db, participant_id=participant.id)
    sender_ids = [i.external_id for i in staff_repo.identities_of(session=sr.db, participant_id=participant.id)]
    tracker_url = tracker_database_url()
    tracker_rows = 0
    if tracker_url is not None:
        try:
            # First, while nothing else is deleted: if this fails the admin can simply try again.
            tracker_rows = staff_repo.delete_tracker_events(url=tracker_url, sender_ids=sender_ids)
        except Exception as exc:  # noqa: BLE001 - the message would carry the sender ids
            logger.error("tracker deletion failed (%s) for participant %s", type(exc).__name__, public_id)
            return sr.page("error.html", status_code=500, title="Not deleted",
                           message="The conversation history could not be deleted from the tracker store. Nothing was deleted; try again.")
    staff_repo.delete_participant(session=sr.db, participant=participant)
    sr.audit("participant_deleted", "participant", public_id)
    logger.info("participant %s deleted by practitioner %s", public_id, sr.me.id)
    return sr.page("deleted.html", public_id=public_id, counts=counts, tracker_rows=tracker_rows, tracker_checked=tracker_url is not None)


@staff_page(ADMIN_ROLES)
def audit_page(sr: StaffRequest) -> Response:
    """The newest audit events: who did what to which record, and when."""
    return sr.page("audit.html", events=staff_repo.audit_events(session=sr.db))
