"""The queue of handed-off summaries and its CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from starlette.responses import Response

from bot.content import load_content
from bot.staff.access import QUEUE_ROLES, scope_for, sees_both_audiences
from bot.staff.csv_export import queue_csv
from bot.staff.formatting import summary_view
from bot.staff.pages import StaffRequest, staff_page
from bot.staff.wording import PAGE_LANGUAGE
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, HANDOFF_STATUSES, ActivityRun, Handoff, Participant


@dataclass(frozen=True)
class QueueFilter:
    """What the practitioner asked to see: one status or all, only theirs or all, one site (admins)."""

    status: str | None
    mine: bool
    site_code: str


def _filter(sr: StaffRequest) -> QueueFilter:
    params = sr.request.query_params
    status = params.get("status", "")
    return QueueFilter(
        status=status if status in HANDOFF_STATUSES else None,
        mine=params.get("mine") == "1",
        site_code=params.get("site", ""),
    )


def _handoffs(sr: StaffRequest, wanted: QueueFilter) -> list[Handoff] | None:
    """The filtered queue, or None when an admin named a site that does not exist."""
    site_id = None
    if sr.me.role == ADMIN and wanted.site_code:
        site = staff_repo.find_site(session=sr.db, code=wanted.site_code)
        if site is None:
            return None
        site_id = site.id
    scope = scope_for(sr.me, site_id=site_id)
    return staff_repo.queue(
        session=sr.db, scope=scope, status=wanted.status, assigned_to_id=sr.me.id if wanted.mine else None
    )


def _languages(sr: StaffRequest, handoffs: Sequence[Handoff]) -> dict[int, str]:
    """Each handoff's participant language ("en", "fr"), in one query: handoff id -> language."""
    if not handoffs:
        return {}
    rows = sr.db.execute(
        select(Handoff.id, Participant.language)
        .join(ActivityRun, ActivityRun.id == Handoff.run_id)
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .where(Handoff.id.in_([h.id for h in handoffs]))
    )
    return {handoff_id: language for handoff_id, language in rows}


@staff_page(QUEUE_ROLES)
def queue_page(sr: StaffRequest) -> Response:
    """The practitioner's queue, newest first, with status filters."""
    wanted = _filter(sr)
    handoffs = _handoffs(sr, wanted)
    if handoffs is None:
        handoffs = []
    languages = _languages(sr, handoffs)
    rows = [(h, summary_view(h.summary.body if h.summary else {}, languages.get(h.id))) for h in handoffs]
    return sr.page(
        "queue.html",
        rows=rows,
        wanted=wanted,
        statuses=HANDOFF_STATUSES,
        both_audiences=sees_both_audiences(sr.me),
        sites=staff_repo.list_sites(session=sr.db) if sr.me.role == ADMIN else [],
        counts=staff_repo.status_counts(session=sr.db, scope=scope_for(sr.me)),
    )


@staff_page(QUEUE_ROLES)
def queue_export(sr: StaffRequest) -> Response:
    """The same queue as CSV (participants' words included, formulas neutralised), with each case's language."""
    wanted = _filter(sr)
    handoffs = _handoffs(sr, wanted) or []
    factors = [(f.id, f.name) for f in load_content(PAGE_LANGUAGE).factors]  # columns named in the pages' language
    sr.audit("queue_exported", "queue", f"{len(handoffs)} handoffs")
    return Response(
        queue_csv(handoffs, factors, _languages(sr, handoffs)).encode(
            "utf-8-sig"
        ),  # the BOM makes spreadsheets read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="magnetic-factors-queue.csv"'},
    )
