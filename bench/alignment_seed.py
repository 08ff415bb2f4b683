"""A site for the alignment benchmark: one employer who agreed to matching, its EES, and many work seekers, fast.

Rows go in with bulk inserts, as in bench/staff_seed.py, and are the ones the app writes for a finished, shared run:
a participant and its channel identity, a completed activity run with its answers, the summary ``build_summary``
makes of those answers (with its text), the share consent, the uses answer's matching and research consents, and a
handoff to the site's follow-up practitioners ("case_manager" for work seekers, "ees" for the employer). The answers
are read back from the benchmark's synthetic summary bodies, so each stored summary has the same ratings, words and
priorities as the body it came from. Work seekers are, in a seeded random order:

- consenting: their uses answer granted matching (the ones the alignment view must list);
- declined: their uses answer refused matching (research only, or neither);
- never asked: shared before the uses question existed, no matching consent at all;
- withdrew: granted matching, then sent NO MATCHES (a later matching consent with granted=False).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy.orm import Session

from bench.staff_seed import _insert, _next_id
from bot.activity.summary import build_summary, summary_text
from bot.content import load_content
from bot.content.language_spans import plain_text
from bot.content.model import Content
from bot.staff.passwords import hash_password
from bot.store import repository
from bot.store import staff_repository as staff_repo
from bot.store.models import (
    CONSENT_MATCHING,
    CONSENT_RESEARCH,
    CONSENT_SHARE,
    EES,
    EMPLOYER,
    FOLLOW_UP_ROLE,
    HANDOFF_NEW,
    RUN_COMPLETED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    Summary,
)

SITE_CODE, SITE_NAME = "halifax", "Halifax Works"
EES_EMAIL = "ees@halifax.bench"
PASSWORD = "bench alignment password 0123"
END = datetime(2026, 12, 1, 12)
DAYS = 120  # handoffs spread over the DAYS before END
DECLINED_SHARE = (
    0.1  # of the consenting count: work seekers who did not agree (two thirds refused, a third never asked)
)
WITHDREW_SHARE = 0.005  # of the consenting count, at least 3: agreed, then NO MATCHES
CHANNEL = "twilio_sms"
SCALES = ("clarity_before", "clarity_after", "confidence_before", "confidence_after")
ABOUT = ("work_sought", "business_name", "hiring_role", "barriers")
USES_REPLY = {"both": "1", "none": "4", "research": "3"}  # the uses question's numbered options

CONSENTING, DECLINED, NEVER_ASKED, WITHDREW = "consenting", "declined", "never_asked", "withdrew"
TABLES = (Participant, ChannelIdentity, ActivityRun, Answer, Summary, ConsentRecord, Handoff)


@dataclass(frozen=True)
class World:
    """What was seeded: the employer's handoff, the EES who may open it, and the work seekers by kind."""

    site_id: int
    employer_handoff_id: int
    ees_email: str
    password: str
    kinds: dict[str, int]  # work seekers of each kind (CONSENTING, DECLINED, NEVER_ASKED, WITHDREW)
    consenting_bodies: list[dict[str, Any]]  # the stored bodies of the consenting work seekers, oldest first

    @property
    def consenting(self) -> int:
        return self.kinds[CONSENTING]

    @property
    def seekers(self) -> int:
        return sum(self.kinds.values())


def _answers(content: Content, body: dict[str, Any], *, run_id: int, at: datetime) -> list[dict[str, Any]]:
    """The answers of a completed run that give back ``body``'s ratings, words, priorities, scales and about."""
    labels = content.rating_labels()
    rows: list[dict[str, Any]] = []

    def add(question_id: str, text: str | None, value: str | None = None, factor: str | None = None) -> None:
        skipped = text is None
        rows.append(
            {"run_id": run_id, "question_id": question_id, "factor": factor, "value": None if skipped else value}
            | {"text": "skip" if skipped else text, "skipped": skipped, "channel": CHANNEL}
            | {"created_at": at + timedelta(minutes=len(rows)), "superseded_at": None}
        )

    for scale in SCALES:
        if body.get(scale) is not None:
            add(scale, str(body[scale]), str(body[scale]))
    for key in ABOUT:
        if key in (body.get("about") or {}):
            add(key, body["about"][key])
    for factor in body["factors"]:
        rating = factor["rating"]
        add(f"{factor['id']}_rating", labels[rating] if rating else None, rating, factor["id"])
        add(f"{factor['id']}_reflection", factor["reflection"], None, factor["id"])
    priorities = list(body.get("priorities") or ())
    numbers = " ".join(str(content.factor_number(p)) for p in priorities)
    add("priorities", numbers or None, ",".join(priorities))
    if body.get("closing"):
        add("closing_reflection", body["closing"])
    return rows


def _same_reflection(built: dict[str, Any], body: dict[str, Any]) -> bool:
    """True when the stored summary has the synthetic body's ratings, words and priorities."""

    def key(b: dict[str, Any]) -> tuple[Any, ...]:
        factors = tuple((f["id"], f["rating"], f["reflection"], f["reflection_skipped"]) for f in b["factors"])
        return factors, tuple(b["priorities"]), b["audience"]

    return key(built) == key(body)


class _Tables:
    """The rows to insert, table by table, with the next id of each."""

    def __init__(self, session: Session) -> None:
        self.next = {model: _next_id(session, model) for model in TABLES}
        self.rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in TABLES}

    def add(self, model: Any, row: dict[str, Any]) -> int:
        row["id"] = self.next[model]
        self.next[model] += 1
        self.rows[model].append(row)
        return int(row["id"])

    def insert(self, session: Session) -> None:
        for model in TABLES:  # in the order their foreign keys need
            _insert(session, model, self.rows[model])
        session.flush()


def _person(
    tables: _Tables,
    rng: random.Random,
    contents: dict[str, Content],
    *,
    site_id: int,
    role: str,
    body: dict[str, Any],
    language: str,
    kind: str,
    created: datetime,
) -> tuple[int, dict[str, Any], int, int]:
    """One participant's finished, shared run with its consents; (handoff id, stored body, participant, run)."""
    content = contents[language]
    started = created - timedelta(minutes=rng.randint(8, 40))
    pid = tables.add(
        Participant,
        {"public_id": uuid.UUID(int=rng.getrandbits(128), version=4).hex, "site_id": site_id, "role": role}
        | {"language": language, "created_at": started, "language_chosen_at": started},
    )
    tables.add(
        ChannelIdentity,
        {"participant_id": pid, "channel": CHANNEL, "external_id": f"+1902555{pid:04d}", "created_at": started},
    )
    rid = tables.add(
        ActivityRun,
        {"public_id": uuid.UUID(int=rng.getrandbits(128), version=4).hex, "participant_id": pid, "role": role}
        | {"status": RUN_COMPLETED, "step_id": "share", "channel": CHANNEL, "content_version": content.version}
        | {"started_at": started, "updated_at": created, "completed_at": created}
        | {"misunderstandings": 0, "reminders_sent": 0},
    )
    answers = _answers(content, body, run_id=rid, at=started)
    for row in answers:
        tables.add(Answer, row)
    stored = build_summary(content, role, {a["question_id"]: Answer(**a) for a in answers})  # transient answers
    if not _same_reflection(stored, body):
        raise RuntimeError("the stored summary does not give back the synthetic body's reflection")
    sid = tables.add(
        Summary,
        {"run_id": rid, "body": stored, "text": summary_text(content, stored), "created_at": started}
        | {"confirmed_at": created, "facts": None},
    )
    share = content.message("share_offer", practitioner=content.practitioner(role))
    consent = {"participant_id": pid, "run_id": rid, "channel": CHANNEL, "created_at": created}
    tables.add(
        ConsentRecord,
        consent | {"kind": CONSENT_SHARE, "granted": True, "wording": plain_text(share)} | {"reply_text": "yes"},
    )
    if kind != NEVER_ASKED:
        matching = kind in (CONSENTING, WITHDREW)
        reply = USES_REPLY["both"] if matching else USES_REPLY[rng.choice(("none", "research"))]
        wording = plain_text(content.message(f"uses_offer_{role}"))
        later = consent | {"created_at": created + timedelta(minutes=1), "wording": wording, "reply_text": reply}
        tables.add(ConsentRecord, later | {"kind": CONSENT_MATCHING, "granted": matching})
        tables.add(ConsentRecord, later | {"kind": CONSENT_RESEARCH, "granted": reply in ("1", "3")})
    hid = tables.add(
        Handoff,
        {"run_id": rid, "summary_id": sid, "site_id": site_id, "audience": FOLLOW_UP_ROLE[role]}
        | {"status": HANDOFF_NEW, "assigned_to_id": None, "created_at": created, "updated_at": created}
        | {"withdrawn_at": None, "follow_up_due_on": None},
    )
    return hid, stored, pid, rid


def seed_site(
    session: Session,
    *,
    seekers: Sequence[tuple[dict[str, Any], str]],
    employer: dict[str, Any],
    seed: int = 17,
) -> World:
    """One site, its EES, one consenting employer, ``len(seekers)`` consenting work seekers (these bodies, in this
    order) and the others (declined, never asked, withdrew: copies of these bodies), in one seeded random order."""
    rng = random.Random(seed)
    count = len(seekers)
    site = repository.get_or_create_site(session=session, code=SITE_CODE, name=SITE_NAME)
    staff_repo.create_practitioner(  # as tests/staff/seed.py add_account does, and the CLI
        session=session,
        email=EES_EMAIL,
        display_name="ees",
        role=EES,
        password_hash=hash_password(PASSWORD),
        site=site,
    )
    declined = round(count * DECLINED_SHARE)
    others = (
        [DECLINED] * (declined - declined // 3)
        + [NEVER_ASKED] * (declined // 3)
        + [WITHDREW] * max(3, round(count * WITHDREW_SHARE))
    )
    order = [CONSENTING] * count + others
    rng.shuffle(order)
    contents = {language: load_content(language) for language in ("en", "fr")}
    tables = _Tables(session)
    step = timedelta(days=DAYS) / (len(order) + 1)
    start = END - timedelta(days=DAYS)
    employer_at = start + step * (len(order) // 2) + timedelta(seconds=30)  # shared halfway through
    employer_id, _, _, _ = _person(
        tables,
        rng,
        contents,
        site_id=site.id,
        role=EMPLOYER,
        body=employer,
        language="en",
        kind=CONSENTING,
        created=employer_at,
    )
    consenting_bodies: list[dict[str, Any]] = []
    withdrawn: list[tuple[int, int, str, datetime]] = []
    taken = 0
    for n, kind in enumerate(order):
        if kind == CONSENTING:
            body, language = seekers[taken]
            taken += 1
        else:
            body, language = seekers[(n * 7919) % count]
        created = start + step * n + timedelta(seconds=rng.randint(0, 59))
        _, stored, pid, rid = _person(
            tables,
            rng,
            contents,
            site_id=site.id,
            role=WORK_SEEKER,
            body=body,
            language=language,
            kind=kind,
            created=created,
        )
        if kind == CONSENTING:
            consenting_bodies.append(stored)
        elif kind == WITHDREW:
            withdrawn.append((pid, rid, language, created))
    for pid, rid, language, created in withdrawn:  # NO MATCHES, later than every uses answer
        wording = plain_text(contents[language].message("matching_withdrawn"))
        tables.add(
            ConsentRecord,
            {"participant_id": pid, "run_id": rid, "kind": CONSENT_MATCHING, "granted": False, "wording": wording}
            | {"reply_text": "NO MATCHES", "channel": CHANNEL, "created_at": min(END, created + timedelta(days=7))},
        )
    tables.insert(session)
    kinds = {kind: order.count(kind) for kind in (CONSENTING, DECLINED, NEVER_ASKED, WITHDREW)}
    return World(site.id, employer_id, EES_EMAIL, PASSWORD, kinds, consenting_bodies)
