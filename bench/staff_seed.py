"""Many realistic handoffs at one site, fast: participants, identities, runs, answers, summaries, consents, handoffs.

Rows go in with bulk inserts (the repository's one-at-a-time path would take minutes for 10,000), but each summary
is built by the engine's own ``build_summary`` from the run's answers, as a real conversation's would be.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.activity.summary import build_summary, summary_text
from bot.content import load_content
from bot.store.models import (
    CASE_MANAGER,
    EES,
    EMPLOYER,
    FOLLOW_UP_ROLE,
    HANDOFF_FOLLOWED_UP,
    HANDOFF_IN_REVIEW,
    HANDOFF_NEW,
    RUN_COMPLETED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    Site,
    Summary,
)

CHANNELS = ("twilio_sms", "telegram", "webchat", "twilio_sms")
WORDS = (
    "reliable team kind hours bus shifts childcare warehouse forklift retail customers manager fair pay benefits "
    "evenings weekends commute training certificate safety respect flexible remote quiet busy friendly learning"
).split()
FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
RATINGS = ("strength", "stressor", "both")
CHUNK = 2000


@dataclass(frozen=True)
class Seeded:
    """What was seeded: the handoff ids (oldest first) and each one's participant public id."""

    handoff_ids: list[int]
    public_ids: list[str]


def _next_id(session: Session, model: Any) -> int:
    return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model.__table__), rows[start : start + CHUNK])


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))).capitalize() + "."


def _status(rng: random.Random, age: float) -> str:
    """Older handoffs are more often followed up; ``age`` is 0 (newest) to 1 (oldest)."""
    roll = rng.random()
    if roll < 0.15 + 0.7 * age:
        return HANDOFF_FOLLOWED_UP
    return HANDOFF_IN_REVIEW if roll < 0.55 + 0.4 * age else HANDOFF_NEW


def seed_handoffs(
    session: Session,
    *,
    site: Site,
    count: int,
    practitioner_ids: dict[str, list[int]],
    end: datetime,
    days: int = 365,
    employer_share: float = 0.1,
    french_share: float = 0.15,
    seed: int = 7,
) -> Seeded:
    """``count`` handed-off runs at ``site`` spread over the ``days`` before ``end``; claimed ones go to
    ``practitioner_ids`` of the audience's role (CASE_MANAGER, EES)."""
    rng = random.Random(seed)
    contents = {language: load_content(language) for language in ("en", "fr")}
    ids = {model: _next_id(session, model) for model in (Participant, ChannelIdentity, ActivityRun, Answer, Summary)}
    first_handoff, first_consent = _next_id(session, Handoff), _next_id(session, ConsentRecord)
    tables: dict[Any, list[dict[str, Any]]] = {
        m: [] for m in (Participant, ChannelIdentity, ActivityRun, Answer, Summary, ConsentRecord, Handoff)
    }
    public_ids = []
    step = timedelta(days=days) / max(count, 1)
    for n in range(count):
        created = end - timedelta(days=days) + step * n + timedelta(seconds=rng.randint(0, 59))
        role = EMPLOYER if rng.random() < employer_share else WORK_SEEKER
        language = "fr" if rng.random() < french_share else "en"
        channel = rng.choice(CHANNELS)
        pid, iid, rid, sid = ids[Participant] + n, ids[ChannelIdentity] + n, ids[ActivityRun] + n, ids[Summary] + n
        public_id = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        public_ids.append(public_id)
        started = created - timedelta(minutes=rng.randint(6, 40))
        tables[Participant].append(
            {"id": pid, "public_id": public_id, "site_id": site.id, "role": role, "language": language}
            | {"created_at": started, "language_chosen_at": started}
        )
        tables[ChannelIdentity].append(
            {"id": iid, "participant_id": pid, "channel": channel, "external_id": f"bench-{site.code}-{pid}"}
            | {"created_at": started}
        )
        content = contents[language]
        tables[ActivityRun].append(
            {"id": rid, "public_id": uuid.UUID(int=rng.getrandbits(128), version=4).hex, "participant_id": pid}
            | {"role": role, "status": RUN_COMPLETED, "step_id": "share", "channel": channel}
            | {"content_version": content.version, "started_at": started, "updated_at": created}
            | {"completed_at": created, "misunderstandings": 0, "reminders_sent": 0}
        )
        answers = _answers(rng, run_id=rid, channel=channel, at=started)
        for a in answers:
            a["id"] = ids[Answer]
            ids[Answer] += 1
        tables[Answer] += answers
        current = {a["question_id"]: Answer(**a) for a in answers}  # transient: only read by build_summary
        body = build_summary(content, role, current)
        tables[Summary].append(
            {"id": sid, "run_id": rid, "body": body, "text": summary_text(content, body), "created_at": created}
            | {"confirmed_at": created}
        )
        tables[ConsentRecord].append(
            {"id": first_consent + n, "participant_id": pid, "run_id": rid, "kind": "share", "granted": True}
            | {"wording": content.step("share").prompt_for(role), "reply_text": "yes", "channel": channel}
            | {"created_at": created}
        )
        audience = FOLLOW_UP_ROLE[role]
        status = _status(rng, 1 - n / max(count, 1))
        staff = practitioner_ids.get(audience, [])
        assigned = rng.choice(staff) if staff and status != HANDOFF_NEW else None
        tables[Handoff].append(
            {"id": first_handoff + n, "run_id": rid, "summary_id": sid, "site_id": site.id, "audience": audience}
            | {"status": status, "assigned_to_id": assigned, "created_at": created}
            | {"updated_at": created + timedelta(hours=rng.randint(0, 72)) if status != HANDOFF_NEW else created}
        )
    for model, rows in tables.items():
        _insert(session, model, rows)
    session.flush()
    return Seeded(handoff_ids=[first_handoff + n for n in range(count)], public_ids=public_ids)


def _answers(rng: random.Random, *, run_id: int, channel: str, at: datetime) -> list[dict[str, Any]]:
    """The answers of one completed run, a minute or so apart, as the activity asks them."""
    rows: list[dict[str, Any]] = []

    def add(question_id: str, text: str, *, factor: str | None = None, value: str | None = None) -> None:
        rows.append(
            {"run_id": run_id, "question_id": question_id, "factor": factor, "text": text, "value": value}
            | {"skipped": False, "channel": channel, "created_at": at + timedelta(minutes=len(rows))}
            | {"superseded_at": None}
        )

    before = rng.randint(1, 3)
    add("clarity_before", str(before), value=str(before))
    for factor in FACTORS:
        rating = rng.choice(RATINGS)
        add(f"{factor}_rating", rating, factor=factor, value=rating)
        add(f"{factor}_reflection", _sentence(rng), factor=factor)
    chosen = rng.sample(FACTORS, 2)
    add("priorities", " ".join(str(FACTORS.index(f) + 1) for f in chosen), value=",".join(chosen))
    after = rng.randint(before, 5)
    add("clarity_after", str(after), value=str(after))
    return rows


def practitioners_by_role(rows: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """(id, role) pairs grouped by the two follow-up roles."""
    grouped: dict[str, list[int]] = {CASE_MANAGER: [], EES: []}
    for practitioner_id, role in rows:
        if role in grouped:
            grouped[role].append(practitioner_id)
    return grouped
