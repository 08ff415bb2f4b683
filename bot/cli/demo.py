"""`python -m bot demo-data`: a demo site with fake work seekers and employers who finished and shared the activity
(most agreed to matching), and a Case Manager and an EES to sign in as; running it again adds nothing.

Each person's answers are saved through the repository in the activity's order, as the engine leaves a completed,
shared run: taking part, role, every answer, the summary, the share and its handoff, how to reach them, and the
matching and research answers. Handoff notices are not queued: nobody is emailed about demo people.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from bot.activity.summary import build_summary, summary_text
from bot.cli.staff import _read_password
from bot.content import load_content
from bot.content.model import Content
from bot.interpretation.rating_words import rating_in_words
from bot.settings import get_settings
from bot.staff.passwords import hash_password, password_problem
from bot.store import repository
from bot.store import staff_repository as staff_repo
from bot.store.contact import CONTACT_QUESTION, GIVEN
from bot.store.db import session_scope

if TYPE_CHECKING:  # the people come from the development tools, imported only when the command runs
    from bot.devtools.demo_people import DemoPerson
from bot.store.models import (
    CASE_MANAGER,
    CONSENT_MATCHING,
    CONSENT_PARTICIPATE,
    CONSENT_RESEARCH,
    CONSENT_SHARE,
    EES,
    RUN_COMPLETED,
    Answer,
    Participant,
    Site,
    utcnow,
)

DEFAULT_SITE = "demo"
SITE_NAME = "Demo Works Centre"
CHANNEL = "webchat"
SENDER_PREFIX = "demo-"  # every demo person's sender id: demo-<site>-seeker-001, demo-<site>-employer-001
DEFAULT_SEED = 17
ACCOUNTS = ((CASE_MANAGER, "cm", "Demo Case Manager"), (EES, "ees", "Demo Employer Engagement Specialist"))
SKIP_WORDS = {"en": "skip", "fr": "passer"}
EXIT_REFUSED = 2


def sender_id(site_code: str, person: DemoPerson) -> str:
    return f"{SENDER_PREFIX}{site_code}-{person.key}"


def account_email(site_code: str, prefix: str) -> str:
    """cm@demo.example and ees@demo.example at the default site; cm@<code>.example at another."""
    domain = re.sub(r"[^a-z0-9-]+", "-", site_code.lower()).strip("-") or DEFAULT_SITE
    return f"{prefix}@{domain}.example"


def refusal(url: str, yes_really: bool) -> Optional[str]:
    """Why the command will not write to ``url`` (anything but SQLite without --yes-really), or None."""
    if yes_really:
        return None
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "DATABASE_URL is not a database URL this tool can read; nothing was done."
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return None
    kind = "PostgreSQL" if backend == "postgresql" else backend
    where = f"{parsed.host or 'localhost'}/{parsed.database or ''}"
    return (
        f"DATABASE_URL points at a {kind} database ({where}), maybe a production one: demo-data would add "
        f"fake people to it. Nothing was done. If this database is a throwaway one, run again with --yes-really."
    )


def _migrated(session: Session) -> bool:
    return bool(inspect(session.get_bind()).has_table(Participant.__tablename__))


class _Clock:
    """The times of one person's answers: from their start, one answer every few seconds."""

    def __init__(self, start: datetime, seconds: int) -> None:
        self.now, self.step = start, timedelta(seconds=seconds)

    def tick(self) -> datetime:
        self.now += self.step
        return self.now


def start_time(person: DemoPerson, now: datetime, zone: ZoneInfo) -> datetime:
    """When the person started, as the naive UTC the store keeps: their day and time at the site, in the past."""
    today = now.replace(tzinfo=timezone.utc).astimezone(zone).date()
    day = today - timedelta(days=person.when.days_ago)
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=person.when.start_minute)
    start = local.astimezone(timezone.utc).replace(tzinfo=None)
    while start > now - timedelta(hours=1):  # today, later than now: the same time a day earlier
        start -= timedelta(days=1)
    return start


def seed_person(*, session: Session, content: Content, site: Site, person: DemoPerson, start: datetime) -> None:
    """One completed, shared run of ``person`` at ``site``, every answer saved as the engine saves it."""
    role = person.role
    clock = _Clock(start, person.when.seconds_per_answer)
    identity = repository.get_or_create_identity(
        session=session, channel=CHANNEL, external_id=sender_id(site.code, person)
    )
    participant = identity.participant
    participant.site_id = site.id
    participant.language = person.language
    participant.created_at = identity.created_at = start
    if person.language != "en":
        participant.language_chosen_at = start
    run = repository.start_run(
        session=session,
        participant=participant,
        channel=CHANNEL,
        step_id=content.steps[0].id,
        content_version=content.version,
    )
    run.started_at = start

    def save(
        question_id: str,
        text: str,
        value: Optional[str],
        factor: Optional[str] = None,
        skipped: bool = False,
        same_turn: bool = False,
    ) -> Answer:
        answer = repository.save_answer(
            session=session,
            run=run,
            question_id=question_id,
            text=text,
            value=value,
            channel=CHANNEL,
            factor=factor,
            skipped=skipped,
        )
        answer.created_at = clock.now if same_turn else clock.tick()
        return answer

    def consent(kind: str, granted: bool, wording: str, words: str) -> None:
        record = repository.record_consent(
            session=session,
            participant=participant,
            run=run,
            kind=kind,
            granted=granted,
            wording=wording,
            channel=CHANNEL,
            reply_text=words,
        )
        record.created_at = clock.now

    skip = SKIP_WORDS.get(person.language, "skip")
    words_of = {
        **{f"{f}_reflection": r.words for f, r in person.reflections.items()},
        **person.about,
        "closing_reflection": person.closing,
    }
    scales = {
        "clarity_before": person.clarity[0],
        "clarity_after": person.clarity[1],
        **(
            {"confidence_before": person.confidence[0], "confidence_after": person.confidence[1]}
            if person.confidence
            else {}
        ),
    }
    summary = None
    for step in content.steps:
        if not step.applies_to(role):
            continue
        if step.kind == "consent":
            clock.tick()
            consent(CONSENT_PARTICIPATE, True, step.prompt_for(None), person.replies["consent"])
            save(step.id, person.replies["consent"], "yes", same_turn=True)
        elif step.kind == "role":
            participant.role = run.role = role
            save(step.id, next(o.label for o in step.options if o.value == role), role)
        elif step.kind == "scale" and step.id in scales:
            save(step.id, str(scales[step.id]), str(scales[step.id]))
        elif step.kind == "text" and step.id in words_of:
            words = words_of[step.id]
            if words is None:
                save(step.id, skip, None, factor=step.factor, skipped=True)
            else:
                save(step.id, words, None, factor=step.factor)
        elif step.kind == "choice" and step.factor:
            reflection = person.reflections[step.factor]
            labels = {o.value: o.label for o in step.options}
            if reflection.words is None or reflection.rating is None:  # skipped with its words: not asked
                save(step.id, reflection.words or skip, None, factor=step.factor, skipped=True, same_turn=True)
            elif rating_in_words(reflection.words, content) == reflection.rating:  # stated in the words: not asked
                save(step.id, reflection.words, reflection.rating, factor=step.factor, same_turn=True)
            else:  # asked, and answered with the option
                save(step.id, labels[reflection.rating], reflection.rating, factor=step.factor)
        elif step.kind == "multi" and step.id == "priorities":
            numbers = " ".join(str(content.factor_number(p)) for p in person.priorities)
            save(step.id, numbers, ",".join(person.priorities))
        elif step.kind == "review":  # the summary is built and shown, then looks right
            body = build_summary(content, role, repository.current_answers(session=session, run=run))
            summary = repository.save_summary(session=session, run=run, body=body, text=summary_text(content, body))
            summary.created_at = clock.tick()
            save(step.id, person.replies["review"], "yes")
        elif step.kind == "share":
            save(step.id, person.replies["share"], "yes")
            consent(CONSENT_SHARE, True, step.prompt_for(role), person.replies["share"])
            run.status, run.completed_at, run.step_id = RUN_COMPLETED, clock.now, step.id
    if summary is None or run.completed_at is None:
        raise RuntimeError("the activity content has no review or share step: demo people cannot finish it")
    handoff = repository.create_handoff(session=session, run=run, summary=summary, default_site=site)
    handoff.created_at = handoff.updated_at = summary.confirmed_at = run.completed_at
    if person.contact:
        save(CONTACT_QUESTION, person.contact, GIVEN)
    wording = content.message(f"uses_offer_{role}")
    clock.tick()
    consent(CONSENT_MATCHING, person.matching, wording, person.replies["uses_words"])
    consent(CONSENT_RESEARCH, person.research, wording, person.replies["uses_words"])
    run.updated_at = clock.now


@dataclass
class Tally:
    created: int = 0
    existing: int = 0
    matching: int = 0
    research: int = 0

    def line(self, label: str) -> str:
        done = f"{label}: {self.created} created"
        if self.created:
            done += (
                f" ({self.matching} agreed to matching, {self.created - self.matching} did not; "
                f"{self.research} agreed to research)"
            )
        return f"{done}, {self.existing} already there."


def seed_people(*, session: Session, site: Site, people: list[DemoPerson], now: datetime, zone: ZoneInfo) -> Tally:
    """Each of ``people`` not yet at the site (by sender id), oldest first so ids follow the dates."""
    tally = Tally()
    new: list[tuple[datetime, DemoPerson]] = []
    for person in people:
        if repository.find_identity(session=session, channel=CHANNEL, external_id=sender_id(site.code, person)):
            tally.existing += 1
        else:
            new.append((start_time(person, now, zone), person))
    contents = {language: load_content(language) for language in {p.language for _, p in new}}
    for start, person in sorted(new, key=lambda pair: (pair[0], pair[1].key)):
        seed_person(session=session, content=contents[person.language], site=site, person=person, start=start)
        tally.created += 1
        tally.matching += person.matching
        tally.research += person.research
    return tally


def _missing_accounts(site_code: str) -> list[str]:
    """The demo accounts' emails that have no account yet."""
    emails = [account_email(site_code, prefix) for _, prefix, _ in ACCOUNTS]
    with session_scope() as session:
        return [e for e in emails if staff_repo.find_practitioner_by_email(session=session, email=e) is None]


def _new_password(from_stdin: bool) -> Optional[str]:
    if from_stdin:
        return _read_password(True)
    password = secrets.token_urlsafe(12)
    assert password_problem(password) is None
    return password


def _accounts(session: Session, site: Site, password: Optional[str]) -> list[str]:
    lines = []
    for role, prefix, name in ACCOUNTS:
        email = account_email(site.code, prefix)
        account = staff_repo.find_practitioner_by_email(session=session, email=email)
        label = "Case Manager" if role == CASE_MANAGER else "EES"
        if account is None and password is not None:
            staff_repo.create_practitioner(
                session=session,
                email=email,
                display_name=name,
                role=role,
                password_hash=hash_password(password),
                site=site,
            )
            lines.append(f"{label} {email}: created.")
        elif account is not None and (account.role != role or account.site_id != site.id):
            where = account.site.code if account.site else "no site"
            lines.append(f"{label} {email}: an account already exists as {account.role} at {where}; left as it is.")
        elif account is not None:
            lines.append(
                f"{label} {email}: already there, password unchanged (`python -m bot staff set-password --email "
                f"{email}` changes it)."
            )
    return lines


def demo_data(args: argparse.Namespace) -> int:
    settings = get_settings()
    refused = refusal(settings.database_url, args.yes_really)
    if refused:
        print(refused, file=sys.stderr)
        return EXIT_REFUSED
    with session_scope() as session:
        if not _migrated(session):
            print(
                "The database has no tables yet: run `make migrate` (python -m bot db upgrade) first.", file=sys.stderr
            )
            return 1
    missing = _missing_accounts(args.site)
    password = _new_password(args.password_stdin) if missing else None
    if missing and password is None:
        return 1
    now = utcnow()
    zone = ZoneInfo(settings.staff_timezone)
    from bot.devtools import demo_people  # a developer's command: the tools are loaded only when it runs

    with session_scope() as session:
        existed = staff_repo.find_site(session=session, code=args.site) is not None
        name = SITE_NAME if args.site == DEFAULT_SITE else f"{SITE_NAME} ({args.site})"
        site = repository.get_or_create_site(session=session, code=args.site, name=name)
        lines = [f"Site {site.code}: {site.name} ({'already there' if existed else 'created'})."]
        lines += _accounts(session, site, password)
        seekers = seed_people(
            session=session, site=site, people=demo_people.work_seekers(args.seekers, args.seed), now=now, zone=zone
        )
        employers = seed_people(
            session=session, site=site, people=demo_people.employers(args.employers, args.seed), now=now, zone=zone
        )
        lines += [seekers.line("Work seekers"), employers.line("Employers")]
    print("\n".join(lines))
    if password is not None and not args.password_stdin:
        print(f"Password of {' and '.join(missing)} (shown only now, never stored in clear): {password}")
    cm, ees = (account_email(args.site, prefix) for _, prefix, _ in ACCOUNTS)
    print(
        f"Sign in at {settings.public_base_url}/staff as {cm} (work seekers) or {ees} (employers); "
        "a summary there lists its possible matches at this site."
    )
    return 0


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = subparsers.add_parser(
        "demo-data",
        help="seed a demo site: fake work seekers and employers who shared their summaries, a Case Manager and an EES",
    )
    demo.add_argument("--site", default=DEFAULT_SITE, help=f"site code (default {DEFAULT_SITE}; created if missing)")
    demo.add_argument("--seekers", type=_count, default=40, help="work seekers (default 40)")
    demo.add_argument("--employers", type=_count, default=12, help="employers (default 12)")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed makes the same people")
    demo.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the demo accounts' password from standard input (else one is made and printed once)",
    )
    demo.add_argument(
        "--yes-really", action="store_true", help="write to a database that is not SQLite (never a production one)"
    )
    demo.set_defaults(func=demo_data)
