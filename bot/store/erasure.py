"""Erasing a participant: the rows of each table that are theirs (counted, then deleted) and their Rasa tracker events."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import bindparam, create_engine, delete, func, inspect, or_, select, text
from sqlalchemy.orm import Session

from bot.store import corrections, follow_up, matches, provider_messages
from bot.store.models import (
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    OutboundMessage,
    Participant,
    PractitionerNote,
    ResumeCode,
    Summary,
)
from bot.store.outbox_models import OutboxMessage
from bot.store.summary_links import SummaryLink


def participant_row_counts(*, session: Session, participant_id: int) -> dict[str, int]:
    """How many rows of each table belong to a participant (shown before deleting, checked by tests)."""
    run_ids = select(ActivityRun.id).where(ActivityRun.participant_id == participant_id).scalar_subquery()
    identity_ids = select(ChannelIdentity.id).where(ChannelIdentity.participant_id == participant_id).scalar_subquery()
    handoff_ids = select(Handoff.id).where(Handoff.run_id.in_(run_ids)).scalar_subquery()
    counts = {
        "participants": select(func.count()).select_from(Participant).where(Participant.id == participant_id),
        "channel_identities": select(func.count())
        .select_from(ChannelIdentity)
        .where(ChannelIdentity.participant_id == participant_id),
        "activity_runs": select(func.count())
        .select_from(ActivityRun)
        .where(ActivityRun.participant_id == participant_id),
        "answers": select(func.count()).select_from(Answer).where(Answer.run_id.in_(run_ids)),
        "summaries": select(func.count()).select_from(Summary).where(Summary.run_id.in_(run_ids)),
        "summary_links": select(func.count()).select_from(SummaryLink).where(SummaryLink.run_id.in_(run_ids)),
        "answer_corrections": corrections.count_of_runs(run_ids),
        "consent_records": select(func.count())
        .select_from(ConsentRecord)
        .where(or_(ConsentRecord.participant_id == participant_id, ConsentRecord.run_id.in_(run_ids))),
        "handoffs": select(func.count()).select_from(Handoff).where(Handoff.run_id.in_(run_ids)),
        "practitioner_notes": select(func.count())
        .select_from(PractitionerNote)
        .where(PractitionerNote.handoff_id.in_(handoff_ids)),
        **follow_up.counts_of_handoffs(handoff_ids),
        **matches.counts_of_handoffs(handoff_ids),
        "resume_codes": select(func.count()).select_from(ResumeCode).where(ResumeCode.participant_id == participant_id),
        "outbound_messages": select(func.count())
        .select_from(OutboundMessage)
        .where(OutboundMessage.identity_id.in_(identity_ids)),
        "outbox_messages": select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.participant_id == participant_id),
        "provider_messages": provider_messages.count_erased_with(identity_ids),
    }
    return {table: int(session.execute(statement).scalar_one()) for table, statement in counts.items()}


def delete_participant(*, session: Session, participant: Participant) -> list[str]:
    """Delete a participant and every row that is theirs; returns their channel external ids (tracker sender ids).

    Explicit deletes, children first, so nothing depends on the database enforcing ON DELETE CASCADE.
    """
    pid = participant.id
    sender_ids = list(
        session.execute(
            select(ChannelIdentity.external_id)
            .where(ChannelIdentity.participant_id == pid)
            .order_by(ChannelIdentity.id)
        ).scalars()
    )
    run_ids = list(session.execute(select(ActivityRun.id).where(ActivityRun.participant_id == pid)).scalars())
    identity_ids = list(
        session.execute(select(ChannelIdentity.id).where(ChannelIdentity.participant_id == pid)).scalars()
    )
    handoff_ids = (
        list(session.execute(select(Handoff.id).where(Handoff.run_id.in_(run_ids))).scalars()) if run_ids else []
    )
    statements = [
        delete(PractitionerNote).where(PractitionerNote.handoff_id.in_(handoff_ids)),
        *follow_up.deletes_of_handoffs(handoff_ids),
        *matches.deletes_of_handoffs(handoff_ids),
        delete(Handoff).where(Handoff.id.in_(handoff_ids)),
        delete(SummaryLink).where(SummaryLink.run_id.in_(run_ids)),
        corrections.delete_of_runs(run_ids),
        delete(Summary).where(Summary.run_id.in_(run_ids)),
        delete(Answer).where(Answer.run_id.in_(run_ids)),
        delete(ConsentRecord).where(or_(ConsentRecord.participant_id == pid, ConsentRecord.run_id.in_(run_ids))),
        delete(ActivityRun).where(ActivityRun.id.in_(run_ids)),
        delete(ResumeCode).where(ResumeCode.participant_id == pid),
        delete(OutboundMessage).where(OutboundMessage.identity_id.in_(identity_ids)),
        delete(OutboxMessage).where(OutboxMessage.participant_id == pid),
        delete(ChannelIdentity).where(ChannelIdentity.id.in_(identity_ids)),
        delete(Participant).where(Participant.id == pid),
    ]
    provider_messages.erase_identities(session=session, identity_ids=identity_ids)
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expunge(participant)
    session.flush()
    return sender_ids


def delete_tracker_events(*, url: str, sender_ids: Sequence[str]) -> int:
    """Delete Rasa SQL tracker store rows (table ``events``, column ``sender_id``) of these senders; 0 if no such table."""
    if not sender_ids:
        return 0
    # A plain engine: the tracker database is Rasa's, so none of our connection pragmas are applied to it.
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": list(sender_ids)},
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()
