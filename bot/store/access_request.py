"""Everything the store holds about one participant, as plain data, for their access request (JSON, page, PDF)."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.store import corrections, follow_up, matches
from bot.store.export import answer_record, iso
from bot.store.follow_up_models import HandoffAssignment
from bot.store.models import (
    ActivityRun,
    Answer,
    AuditEvent,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    OutboundMessage,
    Participant,
    Practitioner,
    PractitionerNote,
    ResumeCode,
    Site,
    Summary,
    utcnow,
)
from bot.store.outbox_models import OutboxMessage
from bot.store.staff_repository import Scope
from bot.store.summary_links import SummaryLink

FORMAT = "magnetic-factors-access-request/1"
EVERYTHING = "everything"  # an administrator's export: every row of the participant's
SHARED_WITH_TEAM = "shared_with_team"  # a practitioner's: the runs handed off to their site and team, and the rest


def in_scope(handoff: Handoff, scope: Scope | None) -> bool:
    """True when ``scope`` (None: everything) covers the handoff."""
    if scope is None:
        return True
    if scope.site_ids is not None and handoff.site_id not in scope.site_ids:
        return False
    return scope.audience is None or handoff.audience == scope.audience


def _name(session: Session, practitioner_id: int | None) -> str | None:
    if practitioner_id is None:
        return None
    practitioner = session.get(Practitioner, practitioner_id)
    return None if practitioner is None else str(practitioner.display_name)


def _participant(session: Session, participant: Participant) -> dict[str, Any]:
    site = session.get(Site, participant.site_id) if participant.site_id else None
    return {
        "reference": participant.public_id,
        "role": participant.role,
        "language": participant.language,
        "site": None if site is None else {"code": site.code, "name": site.name},
        "created_at": iso(participant.created_at),
        "language_chosen_at": iso(participant.language_chosen_at),
        "reminders_off_at": iso(participant.reminders_off_at),
    }


def _identity(identity: ChannelIdentity) -> dict[str, Any]:
    return {
        "channel": identity.channel,
        "address": identity.external_id,
        "created_at": iso(identity.created_at),
        "opted_out_at": iso(identity.opted_out_at),
        "blocked_at": iso(identity.blocked_at),
    }


def _summary(summary: Summary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "body": summary.body,
        "text": summary.text,
        "created_at": iso(summary.created_at),
        "confirmed_at": iso(summary.confirmed_at),
    }


def _correction(row: corrections.AnswerCorrection, by: str | None) -> dict[str, Any]:
    return {
        "summary_id": row.summary_id,
        "factor": row.factor,
        "field": row.field,
        "old_value": row.old_value,
        "new_value": row.new_value,
        "reason": row.reason,
        "corrected_by": by,
        "created_at": iso(row.created_at),
    }


def _handoff(session: Session, handoff: Handoff) -> dict[str, Any]:
    site = session.get(Site, handoff.site_id)
    notes = session.execute(
        select(PractitionerNote).where(PractitionerNote.handoff_id == handoff.id).order_by(PractitionerNote.id)
    ).scalars()
    return {
        "id": handoff.id,
        "site": None if site is None else {"code": site.code, "name": site.name},
        "audience": handoff.audience,
        "status": handoff.status,
        "claimed_by": _name(session, handoff.assigned_to_id),
        "created_at": iso(handoff.created_at),
        "updated_at": iso(handoff.updated_at),
        "withdrawn_at": iso(handoff.withdrawn_at),
        "notes": [
            {"text": n.text, "written_by": _name(session, n.practitioner_id), "created_at": iso(n.created_at)}
            for n in notes
        ],
        "follow_up_due_on": handoff.follow_up_due_on.isoformat() if handoff.follow_up_due_on else None,
        "contact_attempts": [
            {"outcome": a.outcome, "by": by, "created_at": iso(a.created_at)}
            for a, by in reversed(follow_up.attempts(session=session, handoff=handoff))
        ],
        "assignments": [
            {
                "from": _name(session, row.from_id),
                "to": _name(session, row.to_id),
                "by": _name(session, row.by_id),
                "created_at": iso(row.created_at),
            }
            for row in session.execute(
                select(HandoffAssignment)
                .where(HandoffAssignment.handoff_id == handoff.id)
                .order_by(HandoffAssignment.id)
            ).scalars()
        ],
        # the matches this summary is part of (the other side by their summary's number only) and their steps
        "matches": [
            {
                "with_summary": m.employer_handoff_id if m.seeker_handoff_id == handoff.id else m.seeker_handoff_id,
                "stage": m.stage,
                "ended_reason": m.ended_reason,
                "created_at": iso(m.created_at),
                "steps": [
                    {
                        "stage": e.stage,
                        "happened_on": e.happened_on.isoformat() if e.happened_on else None,
                        "note": e.note,
                        "by": _name(session, e.practitioner_id),
                        "created_at": iso(e.created_at),
                    }
                    for e in m.events
                ],
            }
            for m in matches.of_handoff(session=session, handoff_id=handoff.id)
        ],
    }


def _run(session: Session, run: ActivityRun, handoff: Handoff | None) -> dict[str, Any]:
    answers = session.execute(select(Answer).where(Answer.run_id == run.id).order_by(Answer.id)).scalars()
    summaries = session.execute(select(Summary).where(Summary.run_id == run.id).order_by(Summary.id)).scalars()
    link = session.execute(select(SummaryLink).where(SummaryLink.run_id == run.id)).scalar_one_or_none()
    return {
        "reference": run.public_id,
        "role": run.role,
        "status": run.status,
        "channel": run.channel,
        "step": run.step_id,
        "content_version": run.content_version,
        "started_at": iso(run.started_at),
        "updated_at": iso(run.updated_at),
        "paused_at": iso(run.paused_at),
        "completed_at": iso(run.completed_at),
        "reply_being_checked": run.pending_text,
        "reminders_sent": run.reminders_sent,
        "last_reminder_at": iso(run.last_reminder_at),
        "answers": [{**answer_record(a), "current": a.superseded_at is None} for a in answers],
        "summaries": [_summary(s) for s in summaries],
        "corrections": [_correction(c, by) for c, by in corrections.of_runs(session=session, run_ids=[run.id])],
        # the token is never kept (only its digest) and never given out here: the expiry says whether it still works
        "summary_link": None
        if link is None
        else {"created_at": iso(link.created_at), "expires_at": iso(link.expires_at)},
        "handoff": None if handoff is None else _handoff(session, handoff),
    }


def _consents(session: Session, participant_id: int, run_ids: Sequence[int]) -> list[dict[str, Any]]:
    ids = list(run_ids)
    runs = dict(session.execute(select(ActivityRun.id, ActivityRun.public_id).where(ActivityRun.id.in_(ids))).all())
    theirs = or_(
        ConsentRecord.run_id.in_(ids),
        and_(ConsentRecord.participant_id == participant_id, ConsentRecord.run_id.is_(None)),
    )
    rows = session.execute(select(ConsentRecord).where(theirs).order_by(ConsentRecord.id)).scalars()
    return [
        {
            "kind": c.kind,
            "granted": bool(c.granted),
            "wording": c.wording,
            "their_words": c.reply_text,
            "channel": c.channel,
            "run": runs.get(c.run_id),
            "created_at": iso(c.created_at),
        }
        for c in rows
    ]


def _messages(session: Session, participant_id: int, identity_ids: Sequence[int]) -> dict[str, list[dict[str, Any]]]:
    outbound = session.execute(
        select(OutboundMessage, ChannelIdentity.external_id)
        .join(ChannelIdentity, ChannelIdentity.id == OutboundMessage.identity_id)
        .where(OutboundMessage.identity_id.in_(list(identity_ids)))
        .order_by(OutboundMessage.id)
    ).all()
    outbox = session.execute(
        select(OutboxMessage).where(OutboxMessage.participant_id == participant_id).order_by(OutboxMessage.id)
    ).scalars()
    return {
        "outbound_messages": [
            {
                "channel": m.channel,
                "to": address,
                "characters": m.characters,
                "segments": m.segments,
                "status": m.status,
                "provider_id": m.provider_id,
                "created_at": iso(m.created_at),
            }
            for m, address in outbound
        ],
        "bot_messages": [
            {
                "kind": m.kind,
                "status": m.status,
                "attempts": m.attempts,
                "created_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
            }
            for m in outbox
        ],
    }


def _audit(session: Session, public_id: str, handoff_ids: Sequence[int]) -> list[dict[str, Any]]:
    about = or_(
        and_(AuditEvent.subject_type == "participant", AuditEvent.subject_id == public_id),
        and_(AuditEvent.subject_type == "handoff", AuditEvent.subject_id.in_([str(i) for i in handoff_ids])),
    )
    rows = session.execute(
        select(AuditEvent, Practitioner.display_name)
        .outerjoin(Practitioner, Practitioner.id == AuditEvent.practitioner_id)
        .where(about)
        .order_by(AuditEvent.id)
    ).all()
    return [
        {
            "action": e.action,
            "record": f"{e.subject_type} {e.subject_id}",
            "by": name,
            "created_at": iso(e.created_at),
        }
        for e, name in rows
    ]


def gather(*, session: Session, participant: Participant, scope: Scope | None) -> dict[str, Any]:
    """Every row of the participant's, as JSON-ready data; never a token, a code's hash nor another person's row.

    With ``scope`` None (an administrator) every run is included. With a practitioner's scope, only the runs handed
    off to their site and team (and the participant's own rows that belong to no run); ``runs_left_out`` says how
    many others exist, for an administrator to export.
    """
    pid = participant.id
    identities = list(
        session.execute(
            select(ChannelIdentity).where(ChannelIdentity.participant_id == pid).order_by(ChannelIdentity.id)
        ).scalars()
    )
    runs = list(
        session.execute(select(ActivityRun).where(ActivityRun.participant_id == pid).order_by(ActivityRun.id)).scalars()
    )
    handoffs = {
        h.run_id: h for h in session.execute(select(Handoff).where(Handoff.run_id.in_([r.id for r in runs]))).scalars()
    }
    kept = [r for r in runs if scope is None or (r.id in handoffs and in_scope(handoffs[r.id], scope))]
    kept_ids = [r.id for r in kept]
    handoff_ids = [handoffs[r].id for r in kept_ids if r in handoffs]
    resume_codes = session.execute(
        select(ResumeCode).where(ResumeCode.participant_id == pid).order_by(ResumeCode.id)
    ).scalars()
    return {
        "format": FORMAT,
        "generated_at": iso(utcnow()),
        "scope": EVERYTHING if scope is None else SHARED_WITH_TEAM,
        "runs_left_out": len(runs) - len(kept),
        "participant": _participant(session, participant),
        "channel_identities": [_identity(i) for i in identities],
        "runs": [_run(session, r, handoffs.get(r.id)) for r in kept],
        "consents": _consents(session, pid, kept_ids),
        **_messages(session, pid, [i.id for i in identities]),
        # only when each code was made, until when it worked and whether it was used: the code itself is not kept
        "resume_codes": [
            {"created_at": iso(c.created_at), "expires_at": iso(c.expires_at), "used_at": iso(c.used_at)}
            for c in resume_codes
        ],
        "audit_events": _audit(session, participant.public_id, handoff_ids),
    }
