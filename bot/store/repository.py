"""Repository functions for the conversation side: participants, runs, answers, consent, summaries, handoffs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.content.language_spans import plain_text
from bot.store.models import (
    FOLLOW_UP_ROLE,
    OPEN_RUN_STATUSES,
    RUN_ACTIVE,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    InviteCode,
    Participant,
    ResumeCode,
    Site,
    Summary,
    utcnow,
)


def get_or_create_site(*, session: Session, code: str, name: str) -> Site:
    """The site with ``code``, created with ``name`` if it does not exist yet."""
    site = cast(Optional[Site], session.execute(select(Site).where(Site.code == code)).scalar_one_or_none())
    if site is None:
        site = Site(code=code, name=name)
        session.add(site)
        session.flush()
    return site


def find_identity(*, session: Session, channel: str, external_id: str) -> Optional[ChannelIdentity]:
    """The channel identity for a sender, or None."""
    return cast(
        Optional[ChannelIdentity],
        session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
        ).scalar_one_or_none(),
    )


def get_or_create_identity(*, session: Session, channel: str, external_id: str) -> ChannelIdentity:
    """The channel identity for a sender, creating the participant on first contact."""
    identity = find_identity(session=session, channel=channel, external_id=external_id)
    if identity is None:
        participant = Participant()
        identity = ChannelIdentity(participant=participant, channel=channel, external_id=external_id)
        session.add_all([participant, identity])
        session.flush()
    return identity


def latest_run(*, session: Session, participant: Participant) -> Optional[ActivityRun]:
    """The participant's most recent run, whatever its status."""
    return cast(
        Optional[ActivityRun],
        session.execute(
            select(ActivityRun)
            .where(ActivityRun.participant_id == participant.id)
            .order_by(ActivityRun.id.desc())
            .limit(1)
        ).scalar_one_or_none(),
    )


def open_run(*, session: Session, participant: Participant) -> Optional[ActivityRun]:
    """The participant's active or paused run, if any."""
    run = latest_run(session=session, participant=participant)
    return run if run is not None and run.status in OPEN_RUN_STATUSES else None


def start_run(
    *, session: Session, participant: Participant, channel: str, step_id: str, content_version: str = ""
) -> ActivityRun:
    """A new active run at ``step_id``."""
    run: ActivityRun = ActivityRun(
        participant_id=participant.id,
        role=participant.role,
        status=RUN_ACTIVE,
        step_id=step_id,
        channel=channel,
        content_version=content_version or None,
    )
    session.add(run)
    session.flush()
    return run


def save_answer(
    *,
    session: Session,
    run: ActivityRun,
    question_id: str,
    text: str,
    channel: str,
    factor: Optional[str] = None,
    value: Optional[str] = None,
    skipped: bool = False,
) -> Answer:
    """Store an answer verbatim; an earlier answer to the same question is kept but marked superseded."""
    now = utcnow()
    session.execute(
        update(Answer)
        .where(Answer.run_id == run.id, Answer.question_id == question_id, Answer.superseded_at.is_(None))
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )
    answer: Answer = Answer(
        run_id=run.id,
        question_id=question_id,
        factor=factor,
        text=text,
        value=value,
        skipped=skipped,
        channel=channel,
        created_at=now,
    )
    session.add(answer)
    session.flush()
    return answer


def current_answers(*, session: Session, run: ActivityRun) -> dict[str, Answer]:
    """The run's current (not superseded) answers keyed by question id."""
    rows = session.execute(
        select(Answer).where(Answer.run_id == run.id, Answer.superseded_at.is_(None)).order_by(Answer.id)
    ).scalars()
    return {answer.question_id: answer for answer in rows}


def answer_history(*, session: Session, run: ActivityRun) -> list[Answer]:
    """Every answer of the run, superseded ones included, oldest first."""
    return list(session.execute(select(Answer).where(Answer.run_id == run.id).order_by(Answer.id)).scalars())


def record_consent(
    *,
    session: Session,
    participant: Participant,
    run: Optional[ActivityRun],
    kind: str,
    granted: bool,
    wording: str,
    channel: str,
    reply_text: Optional[str] = None,
) -> ConsentRecord:
    """Record a yes or no with the exact wording it answered and the participant's exact words that gave it.

    The wording is kept as the participant read it: without the tags of a passage in another language ([fr]...[/fr]).
    """
    record: ConsentRecord = ConsentRecord(
        participant_id=participant.id,
        run_id=run.id if run is not None else None,
        kind=kind,
        granted=granted,
        wording=plain_text(wording),
        channel=channel,
        reply_text=reply_text,
    )
    session.add(record)
    session.flush()
    return record


def save_summary(*, session: Session, run: ActivityRun, body: dict[str, Any], text: str) -> Summary:
    """Store a newly built summary of the run."""
    summary: Summary = Summary(run_id=run.id, body=body, text=text)
    session.add(summary)
    session.flush()
    return summary


def latest_summary(*, session: Session, run: ActivityRun) -> Optional[Summary]:
    """The run's most recent summary."""
    return cast(
        Optional[Summary],
        session.execute(
            select(Summary).where(Summary.run_id == run.id).order_by(Summary.id.desc()).limit(1)
        ).scalar_one_or_none(),
    )


def handoff_of_run(*, session: Session, run: ActivityRun) -> Optional[Handoff]:
    """The run's handoff, withdrawn or not, if it was ever shared."""
    return cast(
        Optional[Handoff], session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one_or_none()
    )


def withdraw_handoff(*, session: Session, handoff: Handoff) -> None:
    """The participant took their share back: the handoff stays, marked withdrawn, so the practitioner sees it."""
    handoff.withdrawn_at = utcnow()
    session.flush()


def create_handoff(*, session: Session, run: ActivityRun, summary: Summary, default_site: Site) -> Handoff:
    """Hand the run's summary to the follow-up practitioners of the participant's site (idempotent per run).

    Sharing again after a withdrawal reopens the same handoff with the latest summary.
    """
    existing = handoff_of_run(session=session, run=run)
    if existing is not None:
        if existing.withdrawn_at is not None:
            existing.withdrawn_at = None
            existing.summary_id = summary.id
            summary.confirmed_at = summary.confirmed_at or utcnow()
            session.flush()
        return existing
    participant = session.get(Participant, run.participant_id)
    if participant.site_id is None:
        participant.site_id = default_site.id
    summary.confirmed_at = summary.confirmed_at or utcnow()
    handoff: Handoff = Handoff(
        run_id=run.id,
        summary_id=summary.id,
        site_id=participant.site_id,
        audience=FOLLOW_UP_ROLE[run.role],
    )
    session.add(handoff)
    session.flush()
    return handoff


def find_invite(*, session: Session, code: str) -> Optional[InviteCode]:
    """The invite code row for ``code`` if it exists and has not expired."""
    invite = cast(
        Optional[InviteCode], session.execute(select(InviteCode).where(InviteCode.code == code)).scalar_one_or_none()
    )
    if invite is None or (invite.expires_at is not None and invite.expires_at < utcnow()):
        return None
    return invite


def create_resume_code(
    *, session: Session, participant: Participant, code_hash: str, expires_at: datetime
) -> ResumeCode:
    """Store the hash of a new single-use resume code."""
    code: ResumeCode = ResumeCode(participant_id=participant.id, code_hash=code_hash, expires_at=expires_at)
    session.add(code)
    session.flush()
    return code


def redeem_resume_code(*, session: Session, code_hash: str) -> Optional[Participant]:
    """The participant a valid, unused, unexpired code belongs to (the code is used up), else None."""
    now = utcnow()
    code = session.execute(select(ResumeCode).where(ResumeCode.code_hash == code_hash)).scalar_one_or_none()
    if code is None or code.used_at is not None or code.expires_at < now:
        return None
    code.used_at = now
    session.flush()
    return cast(Optional[Participant], session.get(Participant, code.participant_id))


def move_identity(*, session: Session, identity: ChannelIdentity, participant: Participant) -> None:
    """Attach a channel identity to another participant, dropping the old participant if it has nothing left."""
    old = identity.participant
    # Assigned through the relationship so the old participant's loaded `identities` no longer holds it:
    # otherwise deleting the old participant cascades (delete-orphan) to the identity that just moved.
    identity.participant = participant
    session.flush()
    if (
        old is not None
        and old.id != participant.id
        and latest_run(session=session, participant=old) is None
        and not old.identities
    ):
        session.delete(old)
        session.flush()
