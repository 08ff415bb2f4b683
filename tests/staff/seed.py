"""Test data for the staff pages: sites, accounts (hashed like the CLI does) and handoffs built by the real engine's summary code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.activity.summary import build_summary, summary_text
from bot.content import load_content
from bot.staff.passwords import hash_password
from bot.store import repository, staff_repository
from bot.store.models import CONSENT_MATCHING, RUN_COMPLETED, Handoff, Practitioner, Site, utcnow

PASSWORD = "correct horse battery staple"
FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    site_code: str | None
    password: str = PASSWORD


def add_account(session: Session, account: Account, name: str | None = None) -> Practitioner:
    site = staff_repository.find_site(session=session, code=account.site_code) if account.site_code else None
    return staff_repository.create_practitioner(
        session=session,
        email=account.email,
        display_name=name or account.email.split("@")[0],
        role=account.role,
        password_hash=hash_password(account.password),
        site=site,
    )


def add_site(session: Session, code: str, name: str) -> Site:
    return repository.get_or_create_site(session=session, code=code, name=name)


def seed_handoff(
    session: Session, *, site: Site, role: str, sender: str, words: dict[str, str], clarity: tuple[int, int] = (2, 4)
) -> Handoff:
    """A completed run with every answer saved through the repository, its summary and its handoff."""
    content = load_content()
    identity = repository.get_or_create_identity(session=session, channel="rest", external_id=sender)
    participant = identity.participant
    participant.role = role
    participant.site_id = site.id
    run = repository.start_run(
        session=session, participant=participant, channel="rest", step_id="share", content_version=content.version
    )
    run.role = role

    def save(qid, text, **kw):
        return repository.save_answer(session=session, run=run, question_id=qid, text=text, channel="rest", **kw)

    save("clarity_before", str(clarity[0]), value=str(clarity[0]))
    for factor in FACTORS:
        save(f"{factor}_rating", "Strength", factor=factor, value="strength")
        save(f"{factor}_reflection", words.get(factor, f"{factor} words"), factor=factor)
    save("priorities", "3 4", value="pay,arrangements")
    save("clarity_after", str(clarity[1]), value=str(clarity[1]))
    body = build_summary(content, role, repository.current_answers(session=session, run=run))
    summary = repository.save_summary(session=session, run=run, body=body, text=summary_text(content, body))
    repository.record_consent(
        session=session, participant=participant, run=run, kind="share", granted=True, wording="Share?", channel="rest"
    )
    run.status = RUN_COMPLETED
    run.completed_at = utcnow()
    default_site = repository.get_or_create_site(session=session, code="default", name="Demo")
    return repository.create_handoff(session=session, run=run, summary=summary, default_site=default_site)


def seed_handoff_in_language(
    session: Session,
    *,
    language: str,
    site: Site,
    role: str,
    sender: str,
    words: dict[str, str],
    ratings: dict[str, str],
    clarity: tuple[int, int] = (2, 4),
    priorities: tuple[str, ...] = ("pay", "arrangements"),
) -> Handoff:
    """Like seed_handoff, by a participant speaking ``language``: answers typed and summary built in that language.

    ``ratings`` maps factor id to strength, stressor or both.
    """
    content = load_content(language)
    labels = {o.value: o.label for o in content.step("skills_rating").options}
    identity = repository.get_or_create_identity(session=session, channel="rest", external_id=sender)
    participant = identity.participant
    participant.role = role
    participant.site_id = site.id
    participant.language = language
    participant.language_chosen_at = utcnow()
    run = repository.start_run(
        session=session, participant=participant, channel="rest", step_id="share", content_version=content.version
    )
    run.role = role

    def save(qid, text, **kw):
        return repository.save_answer(session=session, run=run, question_id=qid, text=text, channel="rest", **kw)

    save("clarity_before", str(clarity[0]), value=str(clarity[0]))
    for factor in FACTORS:
        save(f"{factor}_rating", labels[ratings[factor]], factor=factor, value=ratings[factor])
        save(f"{factor}_reflection", words[factor], factor=factor)
    save("priorities", " ".join(str(FACTORS.index(p) + 1) for p in priorities), value=",".join(priorities))
    save("clarity_after", str(clarity[1]), value=str(clarity[1]))
    body = build_summary(content, role, repository.current_answers(session=session, run=run))
    summary = repository.save_summary(session=session, run=run, body=body, text=summary_text(content, body))
    repository.record_consent(
        session=session,
        participant=participant,
        run=run,
        kind="share",
        granted=True,
        wording=content.step("share").prompt_for(role),
        channel="rest",
    )
    run.status = RUN_COMPLETED
    run.completed_at = utcnow()
    default_site = repository.get_or_create_site(session=session, code="default", name="Demo")
    return repository.create_handoff(session=session, run=run, summary=summary, default_site=default_site)


def agree_to_matching(session: Session, handoff: Handoff, granted: bool = True) -> None:
    """The handoff's participant answers the uses question on matching (1, or NO MATCHES to take it back)."""
    repository.record_consent(
        session=session,
        participant=handoff.run.participant,
        run=handoff.run,
        kind=CONSENT_MATCHING,
        granted=granted,
        wording="May your site also use your summary ...?",
        channel="rest",
        reply_text="1" if granted else "NO MATCHES",
    )
