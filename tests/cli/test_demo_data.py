"""`python -m bot demo-data` run in process against a fresh SQLite database: what it creates, that a second run adds
nothing, that only consenting people are matching candidates, that every phone number is fictional, and that it
refuses a PostgreSQL database."""

from __future__ import annotations

import io
import re
import sys
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, inspect, select

from bot.cli import main
from bot.cli.demo import CHANNEL, refusal, sender_id
from bot.devtools import demo_people
from bot.settings import get_settings
from bot.staff.passwords import verify_password
from bot.store import matching
from bot.store.contact import phones_in
from bot.store.db import dispose_all, session_scope
from bot.store.models import (
    CASE_MANAGER,
    CONSENT_MATCHING,
    CONSENT_RESEARCH,
    EES,
    EMPLOYER,
    RUN_COMPLETED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    Base,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    Practitioner,
    Site,
    Summary,
    utcnow,
)
from tests.support.database import DB_NAME, NewDatabase

SEEKERS, EMPLOYERS, SEED = 20, 6, 5
ARGS = ["demo-data", "--seekers", str(SEEKERS), "--employers", str(EMPLOYERS), "--seed", str(SEED)]
PASSWORD = "demo password for the tests"
FICTIONAL = re.compile(r"\+190255501\d\d")  # 902-555-0100 ... 0199 as phonenumbers reads it (E.164)


def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """The command in process: its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def row_counts() -> dict[str, int]:
    with session_scope() as session:
        names = inspect(session.get_bind()).get_table_names()
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name in names
        }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[dict[str, object]]:
    """The command run twice on a fresh database (password on stdin): both outputs and the rows after each run."""
    url = new_database(tmp_path_factory.mktemp("demo-data") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        first = run(*ARGS, "--password-stdin", stdin=PASSWORD + "\n")
        after_first = row_counts()
        second = run(*ARGS, "--password-stdin", stdin="")  # nothing to read: the accounts exist
        after_second = row_counts()
        yield {"first": first, "second": second, "after_first": after_first, "after_second": after_second}
        dispose_all()
    get_settings.cache_clear()


def demo_site_id() -> int:
    with session_scope() as session:
        return int(session.execute(select(Site.id).where(Site.code == "demo")).scalar_one())


def test_first_run_says_what_it_created(seeded: dict[str, object]) -> None:
    code, out, err = seeded["first"]  # type: ignore[misc]
    assert (code, err) == (0, "")
    assert "Site demo: Demo Works Centre (created)." in out
    assert "Case Manager cm@demo.example: created." in out and "EES ees@demo.example: created." in out
    assert "Work seekers: 20 created (17 agreed to matching, 3 did not; 17 agreed to research), 0 already there." in out
    assert "Employers: 6 created (5 agreed to matching, 1 did not; 5 agreed to research), 0 already there." in out
    assert PASSWORD not in out and "Password of" not in out  # read from stdin: never echoed


def test_exact_counts_of_people_handoffs_and_consents(seeded: dict[str, object]) -> None:
    site = demo_site_id()
    with session_scope() as session:
        roles = Counter(session.execute(select(Participant.role).where(Participant.site_id == site)).scalars())
        assert roles == {WORK_SEEKER: SEEKERS, EMPLOYER: EMPLOYERS}
        audiences = Counter(session.execute(select(Handoff.audience).where(Handoff.site_id == site)).scalars())
        assert audiences == {CASE_MANAGER: SEEKERS, EES: EMPLOYERS}
        assert set(session.execute(select(ActivityRun.status)).scalars()) == {RUN_COMPLETED}
        consents = Counter(
            session.execute(
                select(Participant.role, ConsentRecord.kind, ConsentRecord.granted).join(
                    Participant, Participant.id == ConsentRecord.participant_id
                )
            ).all()
        )
    for kind in (CONSENT_MATCHING, CONSENT_RESEARCH):
        assert consents[(WORK_SEEKER, kind, True)] == 17 and consents[(WORK_SEEKER, kind, False)] == 3
        assert consents[(EMPLOYER, kind, True)] == 5 and consents[(EMPLOYER, kind, False)] == 1
    for kind in ("participate", "share"):  # everyone took part and shared; nobody said no
        assert consents[(WORK_SEEKER, kind, True)] == SEEKERS and consents[(EMPLOYER, kind, True)] == EMPLOYERS
        assert consents[(WORK_SEEKER, kind, False)] == consents[(EMPLOYER, kind, False)] == 0


def test_a_second_run_adds_nothing_and_says_so(seeded: dict[str, object]) -> None:
    code, out, err = seeded["second"]  # type: ignore[misc]
    assert (code, err) == (0, "")
    assert seeded["after_second"] == seeded["after_first"]
    assert "Site demo: Demo Works Centre (already there)." in out
    assert "Work seekers: 0 created, 20 already there." in out and "Employers: 0 created, 6 already there." in out
    assert "cm@demo.example: already there, password unchanged" in out and "Password of" not in out


def test_the_accounts_sign_in_with_the_password_given_at_the_demo_site(seeded: dict[str, object]) -> None:
    with session_scope() as session:
        accounts = {
            p.email: p
            for p in session.execute(select(Practitioner).where(Practitioner.site_id == demo_site_id())).scalars()
        }
        assert {e: a.role for e, a in accounts.items()} == {"cm@demo.example": CASE_MANAGER, "ees@demo.example": EES}
        assert all(verify_password(a.password_hash, PASSWORD) and a.is_active for a in accounts.values())


def test_matching_candidates_are_exactly_the_people_who_agreed(seeded: dict[str, object]) -> None:
    site = demo_site_id()
    with session_scope() as session:
        for role, audience, agreed in ((WORK_SEEKER, CASE_MANAGER, 17), (EMPLOYER, EES, 5)):
            expected = set()
            for participant in session.execute(select(Participant).where(Participant.role == role)).scalars():
                if matching.agreed_to_matching(session=session, participant_id=participant.id):
                    expected.add(participant.runs[-1].public_id)
            found = matching.candidates(session=session, site_id=site, audience=audience)
            assert {c.run_public_id for c in found} == expected and len(expected) == agreed


def test_every_phone_number_is_fictional_and_every_email_example_ca(seeded: dict[str, object]) -> None:
    with session_scope() as session:
        texts = [*session.execute(select(Answer.text)).scalars(), *session.execute(select(Summary.text)).scalars()]
        texts += [t or "" for t in session.execute(select(ConsentRecord.reply_text)).scalars()]
    phones = [number for text in texts for number in phones_in(text)]
    assert phones and all(FICTIONAL.fullmatch(p) for p in phones), phones
    emails = [e for text in texts for e in re.findall(r"[\w.+-]+@[\w.-]+", text)]
    assert emails and all(e.endswith("@example.ca") for e in emails), emails
    # far more people than seeded, and other seeds: still only the fictional range
    people = [p for seed in (1, 2, 3) for p in demo_people.work_seekers(300, seed) + demo_people.employers(40, seed)]
    generated = [phones_in(p.contact or "") for p in people]
    assert all(FICTIONAL.fullmatch(n) for numbers in generated for n in numbers)
    assert sum(1 for numbers in generated if numbers) > 500
    assert all(e.endswith("@example.ca") for p in people for e in re.findall(r"[\w.+-]+@[\w.-]+", p.contact or ""))


def test_runs_carry_the_new_answers_and_contact_as_the_engine_saves_them(seeded: dict[str, object]) -> None:
    with session_scope() as session:
        for run in session.execute(select(ActivityRun)).scalars():
            answers = {a.question_id: a for a in run.answers if a.superseded_at is None}
            if run.role == WORK_SEEKER:
                expected = {"confidence_before", "confidence_after", "work_sought", "barriers", "closing_reflection"}
            else:
                expected = {"business_name", "hiring_role", "closing_reflection"}
            assert expected <= set(answers), run.id
            assert {f"{f}_{part}" for f in demo_people.FACTORS for part in ("rating", "reflection")} <= set(answers)
            contact = answers.get("contact")
            assert contact is None or (contact.value == "given" and contact.text)
            body = session.get(
                Handoff, session.execute(select(Handoff.id).where(Handoff.run_id == run.id)).scalar_one()
            ).summary.body
            assert body["audience"] == run.role and body["closing"] == (
                None if answers["closing_reflection"].skipped else answers["closing_reflection"].text
            )
            if run.role == EMPLOYER:
                assert body["about"]["business_name"] and body["about"]["hiring_role"]
            else:
                assert body["confidence_before"] is not None and body["confidence_after"] is not None
        contacts = session.execute(select(func.count()).where(Answer.question_id == "contact")).scalar_one()
        assert 0 < contacts <= SEEKERS + EMPLOYERS


def test_each_summary_has_the_ratings_and_words_of_its_person(seeded: dict[str, object]) -> None:
    people = {
        sender_id("demo", p): p
        for p in demo_people.work_seekers(SEEKERS, SEED) + demo_people.employers(EMPLOYERS, SEED)
    }
    with session_scope() as session:
        rows = session.execute(
            select(ChannelIdentity.external_id, Summary.body, Participant.language)
            .join(Participant, Participant.id == ChannelIdentity.participant_id)
            .join(ActivityRun, ActivityRun.participant_id == Participant.id)
            .join(Handoff, Handoff.run_id == ActivityRun.id)
            .join(Summary, Summary.id == Handoff.summary_id)
            .where(ChannelIdentity.channel == CHANNEL)
        ).all()
    assert {r[0] for r in rows} == set(people)
    for sender, body, language in rows:
        person = people[sender]
        assert language == person.language
        assert {f["id"]: (f["rating"], f["reflection"]) for f in body["factors"]} == {
            f: (r.rating, r.words) for f, r in person.reflections.items()
        }
        assert tuple(body["priorities"]) == person.priorities


def test_dates_spread_over_the_last_60_days(seeded: dict[str, object]) -> None:
    now = utcnow()
    with session_scope() as session:
        times = list(session.execute(select(Handoff.created_at)).scalars())
        starts = list(session.execute(select(ActivityRun.started_at)).scalars())
    assert all(now - timedelta(days=61) <= t <= now for t in times + starts)
    assert max(times) - min(times) > timedelta(days=20)
    assert len({t.date() for t in times}) > 10


def test_the_people_are_the_same_for_a_seed_and_varied() -> None:
    assert demo_people.work_seekers(30, 5) == demo_people.work_seekers(30, 5)
    assert demo_people.employers(12, 5) == demo_people.employers(12, 5)
    assert demo_people.work_seekers(30, 5) != demo_people.work_seekers(30, 6)
    seekers, employers = demo_people.work_seekers(40, 17), demo_people.employers(12, 17)
    assert {p.language for p in seekers} == {"en", "fr"} and {p.language for p in employers} == {"en", "fr"}
    assert len({p.about["business_name"] for p in employers}) == 12
    words = " ".join(r.words or "" for p in seekers for r in p.reflections.values())
    for term in ("/hr", "Days only", "No nights", "bus line", "I drive", "from home"):
        assert term in words, term


def test_a_postgresql_database_is_refused_without_yes_really(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg2://mfbot:s3cret-pw@db.internal:5432/mfbot"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        code, out, err = run(*ARGS)
    finally:
        get_settings.cache_clear()
    assert code == 2 and out == ""
    assert "PostgreSQL database (db.internal/mfbot)" in err and "--yes-really" in err and "s3cret" not in err
    assert refusal(url, yes_really=True) is None and refusal("sqlite:///var/bot.sqlite3", yes_really=False) is None
    assert refusal("postgresql://u@h/d", yes_really=False)


def test_a_generated_password_is_printed_once_and_works(db_url: str) -> None:
    code, out, err = run("demo-data", "--seekers", "1", "--employers", "1")
    assert (code, err) == (0, "")
    match = re.search(r"Password of cm@demo\.example and ees@demo\.example \(shown only now[^)]*\): (\S+)\n", out)
    assert match is not None, out
    password = match.group(1)
    assert out.count(password) == 1 and len(password) >= 12
    with session_scope() as session:
        hashes = session.execute(
            select(Practitioner.password_hash).where(Practitioner.email.like("%@demo.example"))
        ).scalars()
        assert [verify_password(h, password) for h in hashes] == [True, True]
    code, again, _ = run("demo-data", "--seekers", "1", "--employers", "1")
    assert code == 0 and "Password of" not in again and password not in again


def test_an_unmigrated_database_is_not_touched(empty_db_url: str, tmp_path: Path) -> None:
    code, out, err = run(*ARGS)
    assert code == 1 and "db upgrade" in err and "created" not in out
