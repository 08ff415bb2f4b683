"""After a load run: check in the database that every planned answer is stored exactly once, in order, for its sender."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import create_engine, select

from bench.participant import Plan
from bot.store.models import RUN_COMPLETED, ActivityRun, Answer, ChannelIdentity, ConsentRecord, Handoff, Participant

CHANNEL = "webchat"  # the load test talks to the web chat, as the public would


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_database(database_url: str, plans: list[Plan], channel: str = CHANNEL) -> list[str]:
    """Problems found (empty when all is well). Messages name senders and question ids, never answer texts."""
    engine = create_engine(database_url, future=True)
    identities: dict[str, list] = defaultdict(list)
    runs: dict[int, list] = defaultdict(list)
    answers: dict[int, list] = defaultdict(list)
    handoffs: dict[int, int] = defaultdict(int)
    consents: dict[int, list] = defaultdict(list)
    try:
        with engine.connect() as conn:
            for chunk in _chunks([p.sender for p in plans]):
                found = conn.execute(
                    select(ChannelIdentity.external_id, ChannelIdentity.participant_id, Participant.role)
                    .join(Participant, Participant.id == ChannelIdentity.participant_id)
                    .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id.in_(chunk))
                ).all()
                for identity in found:
                    identities[identity.external_id].append(identity)
            participant_ids = [rows[0].participant_id for rows in identities.values() if len(rows) == 1]
            for chunk in _chunks(participant_ids):
                query = select(ActivityRun.id, ActivityRun.participant_id, ActivityRun.status).where(
                    ActivityRun.participant_id.in_(chunk)
                )
                for run in conn.execute(query):
                    runs[run.participant_id].append(run)
                query = (
                    select(ConsentRecord.participant_id, ConsentRecord.kind, ConsentRecord.granted)
                    .where(ConsentRecord.participant_id.in_(chunk))
                    .order_by(ConsentRecord.id)
                )
                for consent in conn.execute(query):
                    consents[consent.participant_id].append((consent.kind, consent.granted))
            run_ids = [run.id for participant_runs in runs.values() for run in participant_runs]
            for chunk in _chunks(run_ids):
                query = (
                    select(Answer.run_id, Answer.question_id, Answer.text, Answer.superseded_at, Answer.channel)
                    .where(Answer.run_id.in_(chunk))
                    .order_by(Answer.id)
                )
                for answer in conn.execute(query):
                    answers[answer.run_id].append(answer)
                for handoff in conn.execute(select(Handoff.run_id).where(Handoff.run_id.in_(chunk))):
                    handoffs[handoff.run_id] += 1
    finally:
        engine.dispose()

    problems: list[str] = []
    for plan in plans:
        found = identities.get(plan.sender, [])
        if len(found) != 1:
            problems.append(f"{plan.sender}: {len(found)} channel identities (expected 1)")
            continue
        identity = found[0]
        if identity.role != plan.role:
            problems.append(f"{plan.sender}: role {identity.role!r} (expected {plan.role!r})")
        participant_runs = runs.get(identity.participant_id, [])
        if len(participant_runs) != 1:
            problems.append(f"{plan.sender}: {len(participant_runs)} activity runs (expected 1)")
            continue
        run = participant_runs[0]
        if run.status != RUN_COMPLETED:
            problems.append(f"{plan.sender}: run status {run.status!r} (expected completed)")
        problems += answer_problems(plan, answers.get(run.id, []), channel)
        if handoffs.get(run.id, 0) != 1:
            problems.append(f"{plan.sender}: {handoffs.get(run.id, 0)} handoffs (expected 1)")
        expected_consents = [("participate", True), ("share", True)]
        if consents.get(identity.participant_id, []) != expected_consents:
            problems.append(
                f"{plan.sender}: consent records {consents.get(identity.participant_id, [])} (expected {expected_consents})"
            )
    return problems


def answer_problems(plan: Plan, rows: list, channel: str) -> list[str]:
    """Compare a run's whole answer history with the plan: same questions, same texts, same order, nothing superseded."""
    got = [row.question_id for row in rows]
    expected = list(plan.order)
    problems = []
    if got != expected:
        if sorted(got) == sorted(expected):
            problems.append(f"{plan.sender}: answers stored out of order")
        else:
            duplicates = sorted({q for q in got if got.count(q) > 1})
            missing = [q for q in expected if q not in got]
            problems.append(
                f"{plan.sender}: answer history has {len(got)} rows, expected {len(expected)}; "
                f"duplicated {duplicates}, missing {missing}"
            )
    for row in rows:
        if row.question_id in plan.answers and row.text != plan.answers[row.question_id]:
            problems.append(f"{plan.sender}: the stored text of {row.question_id} is not the one sent")
        if row.superseded_at is not None:
            problems.append(f"{plan.sender}: {row.question_id} was superseded (answered twice)")
        if row.channel != channel:
            problems.append(f"{plan.sender}: {row.question_id} saved with channel {row.channel!r}")
    return problems
