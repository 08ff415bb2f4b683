"""The match record both practitioners share: start one from a suggested match, then record its stages and notes."""

from __future__ import annotations

from typing import Any, Optional

from starlette.responses import Response

from bot.staff import views_matches
from bot.staff.access import WORK_ROLES, scope_for
from bot.staff.pages import StaffRequest, not_found, redirect, staff_page
from bot.staff.views_follow_up import handoff_in_scope, parse_day, refused
from bot.store import matches
from bot.store import staff_repository as staff_repo
from bot.store.match_models import ENDED, STAGES, Match
from bot.store.models import Handoff

MAX_MATCH_NOTE_CHARS = 2000
MAX_REASON_CHARS = 300


def _back_to(handoff: Handoff, what: str) -> Response:
    return redirect(f"/staff/handoffs/{handoff.id}?done={what}#matches-in-progress")


@staff_page(WORK_ROLES)
def match_start(sr: StaffRequest) -> Response:
    """Start a match with one of the summaries listed as a possible match (checked again: consent, site, side)."""
    handoff = handoff_in_scope(sr)
    if handoff is None:
        return not_found(sr)
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    other = views_matches.eligible_handoff(sr, handoff, participant, sr.field("other"))
    if other is None:
        return refused(sr, "matches.not_eligible", status_code=409)
    seeker, employer = (
        (handoff, other) if views_matches.SIDE_OF[handoff.audience] == "work_seeker" else (other, handoff)
    )
    match = matches.start(session=sr.db, seeker=seeker, employer=employer, practitioner=sr.me)
    sr.audit("match_started", "match", match.id)
    return _back_to(handoff, "match_started")


def _match_in_scope(sr: StaffRequest) -> tuple[Optional[Match], Optional[Handoff]]:
    """The match named in the path and the handoff named in the form it was changed from, when that handoff is one
    of the match's two and in this practitioner's scope."""
    try:
        match = matches.get(session=sr.db, match_id=int(sr.request.path_params["match_id"]))
    except (KeyError, ValueError):
        return None, None
    back = sr.field("handoff")
    if match is None or not back.isdigit() or int(back) not in (match.seeker_handoff_id, match.employer_handoff_id):
        return None, None
    handoff = staff_repo.find_handoff(session=sr.db, handoff_id=int(back), scope=scope_for(sr.me))
    return (match, handoff) if handoff is not None else (None, None)


@staff_page(WORK_ROLES)
def match_update(sr: StaffRequest) -> Response:
    """A new stage (with the day it happened) and or a shared note; an ended match needs its reason."""
    match, handoff = _match_in_scope(sr)
    if match is None or handoff is None:
        return not_found(sr)
    stage: Optional[str] = sr.field("stage") or None
    if stage is not None and stage not in STAGES:
        return refused(sr, "matches.bad_stage")
    if stage == match.stage:
        stage = None  # unchanged: a note alone
    value = sr.field("happened_on").strip()
    day = parse_day(value) if value else None
    if value and day is None:
        return refused(sr, "follow_up.bad_due")
    note = sr.field("note").strip()
    reason = sr.field("ended_reason").strip()
    if len(note) > MAX_MATCH_NOTE_CHARS or len(reason) > MAX_REASON_CHARS:
        return refused(sr, "matches.too_long", limit=MAX_MATCH_NOTE_CHARS)
    if stage == ENDED and not reason:
        return refused(sr, "matches.reason_needed")
    if stage is None and not note:
        return refused(sr, "matches.nothing_to_save")
    matches.record(
        session=sr.db,
        match=match,
        practitioner=sr.me,
        stage=stage,
        happened_on=day,
        note=note or None,
        ended_reason=reason or None,
    )
    sr.audit(f"match_{stage}" if stage else "match_note", "match", match.id)
    return _back_to(handoff, "match_saved")


def record_context(sr: StaffRequest, handoff: Handoff) -> dict[str, Any]:
    """The matches this summary is part of, for the handoff page: the other side by reference only."""
    shown = []
    for match in matches.of_handoff(session=sr.db, handoff_id=handoff.id):
        other_id = match.employer_handoff_id if match.seeker_handoff_id == handoff.id else match.seeker_handoff_id
        other = staff_repo.get_handoff(session=sr.db, handoff_id=other_id)
        shown.append({"match": match, "other_reference": other.run.public_id[:8] if other else "-"})
    return {"match_records": shown, "match_stages": STAGES, "match_note_limit": MAX_MATCH_NOTE_CHARS}
