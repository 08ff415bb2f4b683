"""Site managers' numbers, and administrators' participant deletion and audit log."""

from __future__ import annotations

import logging
from typing import Any, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from bot.content.loader import available_languages
from bot.settings import get_settings
from bot.staff import wording
from bot.staff.access import ADMIN_ROLES, STATS_ROLES
from bot.staff.pages import StaffRequest, not_found, staff_page
from bot.staff.tracker import tracker_database_url
from bot.store import erasure, queue_query, staff_stats
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, RUN_DECLINED, ActivityRun, Handoff, Participant
from bot.store.staff_stats import SiteStats

logger = logging.getLogger(__name__)
CONFIRM_WORD = "DELETE"


def language_stats(
    *, session: Session, site_ids: Sequence[int] | None, include_unassigned: bool = False
) -> list[tuple[str, SiteStats]]:
    """The figures of staff_repository.site_stats split by the participants' language (their language now).

    The same rules as site_stats: runs counted by the participant's site (``include_unassigned`` adds those not linked
    to a site yet), handoffs by the handoff's site, ``site_ids`` None for every site. Every language with content is
    listed, even at zero, then any other language found in the data.
    """
    runs = select(
        ActivityRun.id, ActivityRun.status, ActivityRun.started_at, ActivityRun.completed_at, Participant.language
    ).join(Participant, Participant.id == ActivityRun.participant_id)
    runs = runs.where(ActivityRun.status != RUN_DECLINED)  # declining consent is not starting
    handoffs = (
        select(Handoff.status, Participant.language)
        .join(ActivityRun, ActivityRun.id == Handoff.run_id)
        .join(Participant, Participant.id == ActivityRun.participant_id)
    )
    if site_ids is not None:
        in_sites = Participant.site_id.in_(site_ids)
        runs = runs.where(or_(in_sites, Participant.site_id.is_(None)) if include_unassigned else in_sites)
        handoffs = handoffs.where(Handoff.site_id.in_(site_ids))
    run_rows = session.execute(runs).all()
    handoff_rows = session.execute(handoffs).all()
    found = {r.language for r in run_rows} | {h.language for h in handoff_rows}
    languages = [*available_languages(), *sorted(found - set(available_languages()))]
    result = []
    for language in languages:
        rows = [r for r in run_rows if r.language == language]
        statuses = [h.status for h in handoff_rows if h.language == language]
        result.append((language, staff_stats.stats_of(session=session, run_rows=rows, statuses=statuses)))
    return result


@staff_page(STATS_ROLES)
def stats_page(sr: StaffRequest) -> Response:
    """Started, completed, handed off, followed up, median time to complete, clarity before vs after; by site, then by language."""
    default_code = get_settings().default_site_code
    sites = staff_repo.visible_sites(session=sr.db, practitioner=sr.me)
    rows = []
    by_language = []
    for site in sites:
        include_unassigned = site.code == default_code
        rows.append(
            (site, staff_stats.site_stats(session=sr.db, site_ids=[site.id], include_unassigned=include_unassigned))
        )
        by_language.append(
            (site, language_stats(session=sr.db, site_ids=[site.id], include_unassigned=include_unassigned))
        )
    overall = staff_stats.site_stats(session=sr.db, site_ids=None) if sr.me.role == ADMIN else None
    overall_by_language = language_stats(session=sr.db, site_ids=None) if sr.me.role == ADMIN else None
    return sr.page(
        "stats.html", rows=rows, overall=overall, by_language=by_language, overall_by_language=overall_by_language
    )


def _participant_details(sr: StaffRequest, participant: Participant) -> dict[str, Any]:
    return {
        "participant": participant,
        "identities": staff_repo.identities_of(session=sr.db, participant_id=participant.id),
        "counts": erasure.participant_row_counts(session=sr.db, participant_id=participant.id),
    }


@staff_page(ADMIN_ROLES)
def participants_page(sr: StaffRequest) -> Response:
    """Find a participant by reference (public id) or by phone number / chat id, to delete on request."""
    query = sr.request.query_params.get("q", "").strip()[:128]
    found: list[Participant] = []
    if query:
        by_id = staff_repo.find_participant(session=sr.db, public_id=query)
        found = (
            [by_id] if by_id is not None else staff_repo.find_participant_by_identity(session=sr.db, external_id=query)
        )
        reference = queue_query.parse_reference(query)
        if not found and reference is not None and reference.prefix is not None:  # the short one the summary shows
            found = queue_query.find_participants_by_reference(session=sr.db, prefix=reference.prefix)
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
            "participant.html",
            status_code=400,
            confirm_word=CONFIRM_WORD,
            error=wording.text("errors.confirm_word", word=CONFIRM_WORD),
            **_participant_details(sr, participant),
        )
    public_id = participant.public_id
    counts = erasure.participant_row_counts(session=sr.db, participant_id=participant.id)
    sender_ids = [i.external_id for i in staff_repo.identities_of(session=sr.db, participant_id=participant.id)]
    tracker_url = tracker_database_url()
    tracker_rows = 0
    if tracker_url is not None:
        try:
            # First, while nothing else is deleted: if this fails the admin can simply try again.
            tracker_rows = erasure.delete_tracker_events(url=tracker_url, sender_ids=sender_ids)
        except Exception as exc:  # noqa: BLE001 - the message would carry the sender ids
            logger.error("tracker deletion failed (%s) for participant %s", type(exc).__name__, public_id)
            return sr.page(
                "error.html",
                status_code=500,
                title=wording.text("errors.not_deleted_title"),
                message=wording.text("errors.not_deleted"),
            )
    erasure.delete_participant(session=sr.db, participant=participant)
    sr.audit("participant_deleted", "participant", public_id)
    logger.info("participant %s deleted by practitioner %s", public_id, sr.me.id)
    return sr.page(
        "deleted.html",
        public_id=public_id,
        counts=counts,
        tracker_rows=tracker_rows,
        tracker_checked=tracker_url is not None,
    )


@staff_page(ADMIN_ROLES)
def audit_page(sr: StaffRequest) -> Response:
    """The newest audit events: who did what to which record, and when."""
    return sr.page("audit.html", events=staff_repo.audit_events(session=sr.db))
