"""What a stack stored for one sender, read back through the bot's own repository: participant, latest run and its rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.models import ActivityRun, Answer, ConsentRecord, Participant, Summary
from bot.store.repository import answer_history, find_identity, latest_run, latest_summary


@dataclass(frozen=True)
class Stored:
    """A sender's participant and latest run with every answer (superseded too), consent and the latest summary."""

    participant: Participant
    run: ActivityRun
    answers: list[Answer]
    consents: list[ConsentRecord]
    summary: Optional[Summary]


def stored(db_url: str, channel: str, external_id: str) -> Stored:
    """Read what the bot saved for ``external_id`` on ``channel`` (detached rows, oldest first); fails if it saved no run."""
    with session_scope(db_url) as session:
        identity = find_identity(session=session, channel=channel, external_id=external_id)
        assert identity is not None, f"no {channel} identity was saved for this sender"
        participant = identity.participant
        run = latest_run(session=session, participant=participant)
        assert run is not None, f"the {channel} sender has no run"
        consents = session.execute(
            select(ConsentRecord).where(ConsentRecord.run_id == run.id).order_by(ConsentRecord.id)
        ).scalars()
        found = Stored(
            participant,
            run,
            answer_history(session=session, run=run),
            list(consents),
            latest_summary(session=session, run=run),
        )
        session.expunge_all()
        return found
