"""The whole practitioner journey in headless Chromium, on summaries from real conversations over the REST webhook."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.content import load_content
from bot.store.channel_records import record_outbound
from bot.store.corrections import AnswerCorrection
from bot.store.db import session_scope
from bot.store.follow_up_models import ContactAttempt, HandoffAssignment, NoteDraft
from bot.store.models import (
    ADMIN,
    CASE_MANAGER,
    EES,
    SITE_MANAGER,
    ActivityRun,
    Answer,
    AuditEvent,
    Base,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    OutboundMessage,
    Participant,
    Practitioner,
    PractitionerNote,
    ResumeCode,
    Summary,
)
from bot.store.outbox_models import OutboxMessage
from bot.store.summary_links import SummaryLink
from tests.staff.conftest import SmtpServer
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import csrf_token, post, queue_ids, sign_in
from tests.support.browser import new_context
from tests.support.database import DB_NAME, NewDatabase
from tests.support.pdf_text import read_pdf, squeezed
from tests.support.stack import REPO, Stack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PUBLIC_BASE_URL = "http://staff.example.test"
CM = Account("casey@halifax.example", CASE_MANAGER, "default", password="casey's long password")
CM2 = Account("chris@halifax.example", CASE_MANAGER, "default")
EES_ = Account("erin@halifax.example", EES, "default")
SM = Account("sam@halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("ada@province.example", ADMIN, None)
CM_TRURO = Account("cm@truro.example", CASE_MANAGER, "truro")

HOSTILE = "<script>alert(1)</script>"
LEAVER_OTHER_DEVICE = "leaver-laptop"
FORMULA = '=HYPERLINK("http://evil.example","pay")'
SEEKER_WORDS = {
    "skills": HOSTILE,
    "capacity": "Nights are hard & I need <b>days</b>",
    "pay": FORMULA,
    "arrangements": "Close to the bus,\nroute 1",
    "values": "Respect",
    "culture": "Un milieu où je peux poser des questions",
}
SEEKER_RATINGS = {
    "skills": "1",
    "capacity": "2",
    "pay": "3",
    "arrangements": "Stressor",
    "values": "strength",
    "culture": "2",
}
EMPLOYER_WORDS = {
    "skills": "Driver's licence on day one",
    "capacity": "Busy weekends, a buddy for new people",
    "pay": "$17/h + tips",
    "arrangements": "Weekdays are flexible",
    "values": "Care for customers",
    "culture": "Family business",
}
FACTOR_ORDER = ("skills", "capacity", "pay", "arrangements", "values", "culture")
FACTOR_NAMES = {
    "skills": "Skills & competencies",
    "capacity": "Capacity & challenge",
    "pay": "Pay & benefits",
    "arrangements": "Work arrangements",
    "values": "Values",
    "culture": "Culture",
}
RATING_LABELS = {"1": "Strength", "2": "Stressor", "3": "Both", "Stressor": "Stressor", "strength": "Strength"}


SEEKER_ABOUT = {
    "confidence_before": "3",
    "work_sought": "Warehouse <i>or</i> delivery",
    "barriers": "No car yet, the bus stops at 6",
    "confidence_after": "4",
    "closing": "I know now what to ask for in an interview",
    "contact": "Sam, 902-555-0142 after 3pm",
}
EMPLOYER_ABOUT = {
    "business_name": "Harbour Diner & Grill",
    "hiring_role": "Line cook, part time",
    "closing": "I see why people left, and what to put in the ad",
    "contact": "Pat at the diner, pat@harbourdiner.example",
}


def activity(
    role_label: str,
    clarity_before: str,
    ratings: dict[str, str],
    words: dict[str, str],
    priorities: str,
    clarity_after: str,
    about: dict[str, str] | None = None,
) -> list[str]:
    """The participant's messages from hello to sharing the summary (the answer sequence of the brief): the words
    state no rating, so each factor's rating question follows them; the questions outside the factors get ``about``'s
    answers, or SKIP."""
    said = about or {}
    seeker = role_label == "Looking for work"
    first = (
        [said.get("confidence_before", "3"), said.get("work_sought", "skip")]
        if seeker
        else [said.get("business_name", "skip"), said.get("hiring_role", "skip")]
    )
    messages = ["hi", "yes", role_label, clarity_before, *first]
    for factor in FACTOR_ORDER:
        messages += [words[factor], ratings[factor]]
    after = (
        [said.get("barriers", "skip"), clarity_after, said.get("confidence_after", "skip")]
        if seeker
        else [clarity_after]
    )
    return messages + [priorities, *after, said.get("closing", "skip"), "1", "1", said.get("contact", "skip")]


def converse(stack: Stack, sender: str, messages: list[str]) -> list[dict]:
    content = load_content()
    replies: list[dict] = []
    for message in messages:
        replies = stack.send(sender, message)
        texts = [r.get("text") or "" for r in replies]
        if texts and texts[0] == content.message("confirm_answer"):
            replies = stack.send(sender, "yes")  # the bot checked once that this was the answer: it is
        elif texts and texts[0].startswith(content.message("confirm_request", action="")[:15]):
            replies = stack.send(sender, "no")  # not a request: NO saves the words as the answer
    return replies


def handoff_of(db_url: str, sender: str) -> int:
    with session_scope(db_url) as session:
        return session.execute(
            select(Handoff.id)
            .join(ActivityRun, ActivityRun.id == Handoff.run_id)
            .join(ChannelIdentity, ChannelIdentity.participant_id == ActivityRun.participant_id)
            .where(ChannelIdentity.external_id == sender)
        ).scalar_one()


@dataclass
class Journey:
    stack: Stack
    smtp: SmtpServer
    seeker: int
    employer: int
    leaver: int
    truro: int

    @property
    def base(self) -> str:
        return self.stack.web_url

    @property
    def db_url(self) -> str:
        return self.stack.db_url


@pytest.fixture(scope="module")
def journey(
    tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase, smtp_server: SmtpServer
) -> Iterator[Journey]:
    """Action server, Rasa and the web app; a case manager added with the CLI; three real conversations handed off."""
    workdir: Path = tmp_path_factory.mktemp("journey")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in (CM2, EES_, SM, ADMIN_, CM_TRURO):
            add_account(session, account)
        truro_id = seed_handoff(
            session, site=truro, role="work_seeker", sender="truro-seeker", words={"skills": "Truro words"}
        ).id
    cli = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            "-m",
            "bot",
            "staff",
            "add",
            "--email",
            CM.email,
            "--name",
            "Casey Case",
            "--role",
            CM.role,
            "--site",
            "default",
            "--password-stdin",
        ],
        input=CM.password + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "DATABASE_URL": db_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    assert cli.returncode == 0, cli.stderr
    smtp_server.mailbox.messages.clear()
    stack = start_stack(
        workdir,
        db_url,
        web=True,
        sql_tracker=True,  # deletion must also remove Rasa events, as in production
        extra_env={
            "SMTP_HOST": smtp_server.host,
            "SMTP_PORT": str(smtp_server.port),
            "SMTP_FROM": "bot@halifax.example",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        },
    )
    try:
        converse(
            stack, "seeker-1", activity("Looking for work", "2", SEEKER_RATINGS, SEEKER_WORDS, "3 4", "4", SEEKER_ABOUT)
        )
        converse(
            stack,
            "employer-1",
            activity("Hiring", "3", {f: "1" for f in FACTOR_ORDER}, EMPLOYER_WORDS, "1 2", "5", EMPLOYER_ABOUT),
        )
        # the participant who will ask to be deleted pauses, and carries on from another device with the resume code
        leaver = activity(
            "Looking for work",
            "1",
            {f: "3" for f in FACTOR_ORDER},
            {f: f"leaver {f} words" for f in FACTOR_ORDER},
            "1",
            "3",
        )
        converse(stack, "leaver-web", leaver[:6])
        pause_replies = stack.send("leaver-web", "pause")
        code = re.search(r"\b[A-Z]{4}-\d{3}\b", " ".join(r.get("text") or "" for r in pause_replies)).group(0)
        stack.send(LEAVER_OTHER_DEVICE, code)
        converse(stack, LEAVER_OTHER_DEVICE, leaver[6:])
        yield Journey(
            stack,
            smtp_server,
            handoff_of(db_url, "seeker-1"),
            handoff_of(db_url, "employer-1"),
            handoff_of(db_url, LEAVER_OTHER_DEVICE),
            truro_id,
        )
    finally:
        stack.stop_all()


def test_cli_account_signs_in_and_sees_only_its_sites_work_seekers(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password)
    assert page.locator(".who").inner_text() == "Casey Case · Case Manager · Halifax Works"
    assert page.locator("h1").inner_text() == "Work seekers' summaries"
    assert queue_ids(page, journey.base) == [journey.leaver, journey.seeker]  # newest first
    assert page.locator(f"tr[data-handoff='{journey.seeker}'] .badge").inner_text() in (
        "New",
        "In review",
        "Followed up",
    )


def test_summary_of_a_real_conversation_in_the_participants_own_words(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password)
    page.click(f"tr[data-handoff='{journey.seeker}'] a")
    page.wait_for_load_state()
    assert page.url == f"{journey.base}/staff/handoffs/{journey.seeker}"
    rows = page.locator("table.factors tbody tr")
    assert rows.count() == 6
    for i, factor in enumerate(FACTOR_ORDER):
        assert rows.nth(i).get_attribute("data-factor") == factor
        assert rows.nth(i).locator("th").inner_text() == FACTOR_NAMES[factor]
        assert rows.nth(i).locator(".rating").inner_text() == RATING_LABELS[SEEKER_RATINGS[factor]]
        assert rows.nth(i).locator(".words").inner_text() == SEEKER_WORDS[factor]
    # the hostile answer is text on the page, not markup: no script element, no dialog
    assert page.locator("main script").count() == 0
    assert page.locator("main b").count() == 0
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in page.content()
    page.wait_for_load_state("load")  # an injected script would have run (and opened a dialog) by now
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.locator("#clarity-before").inner_text() == "2"
    assert page.locator("#clarity-after").inner_text() == "4"
    assert page.locator("#priorities").inner_text() == "Pay & benefits, Work arrangements"
    facts = dict(
        zip(page.locator(".facts dt").all_inner_texts(), page.locator(".facts dd").all_inner_texts(), strict=True)
    )
    assert facts["Who"] == "Work seeker"
    assert facts["Channel"] == "Web (REST)"
    # the pilot's measures and their words outside the six factors, as they said them
    assert page.locator("#confidence-before").inner_text() == SEEKER_ABOUT["confidence_before"]
    assert page.locator("#confidence-after").inner_text() == SEEKER_ABOUT["confidence_after"]
    assert facts["Work they are looking for"] == SEEKER_ABOUT["work_sought"]
    assert facts["Outside work (ride, child care, housing ...)"] == SEEKER_ABOUT["barriers"]
    assert facts["What changed for them, in their words"] == SEEKER_ABOUT["closing"]
    assert facts["In their words"] == SEEKER_ABOUT["contact"]
    assert page.locator("a[href='tel:+19025550142']").count() == 1
    assert page.locator("main i").count() == 0  # "<i>or</i>" is their text, not markup
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d A[DS]T", facts["Started"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d A[DS]T", facts["Shared"])
    with session_scope(journey.db_url) as session:
        casey = session.execute(select(Practitioner.id).where(Practitioner.email == CM.email)).scalar_one()
        viewed = (
            session.execute(
                select(AuditEvent).where(
                    AuditEvent.action == "summary_viewed", AuditEvent.subject_id == str(journey.seeker)
                )
            )
            .scalars()
            .all()
        )
        assert [(e.practitioner_id, e.subject_type) for e in viewed][-1] == (casey, "handoff")


def test_claim_note_and_status(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password, path=f"/staff/handoffs/{journey.seeker}")
    page.click("button:text('Assign to me')")
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "In review"
    assert page.locator("#claimed-by").inner_text() == "Casey Case"
    note = "<img src=x onerror=alert(2)> Called Tuesday,\nsend bus routes"
    page.fill("#note", note)
    page.click("button:text('Add note')")
    page.wait_for_load_state()
    assert page.locator(".notes .note-text").last.inner_text() == note
    assert page.locator(".notes img").count() == 0
    page.select_option("#status-select", "followed_up")
    page.click("button:text('Save status')")
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "Followed up"
    page.goto(f"{journey.base}/staff/?status=followed_up")
    assert queue_ids(page, journey.base, "?status=followed_up") == [journey.seeker]
    assert page.dialogs == []  # type: ignore[attr-defined]
    with session_scope(journey.db_url) as session:
        handoff = session.get(Handoff, journey.seeker)
        casey = session.execute(select(Practitioner).where(Practitioner.email == CM.email)).scalar_one()
        assert (handoff.status, handoff.assigned_to_id) == ("followed_up", casey.id)
        notes = (
            session.execute(select(PractitionerNote).where(PractitionerNote.handoff_id == journey.seeker))
            .scalars()
            .all()
        )
        assert [(n.text, n.practitioner_id) for n in notes] == [(note, casey.id)]
        actions = (
            session.execute(
                select(AuditEvent.action).where(
                    AuditEvent.practitioner_id == casey.id, AuditEvent.subject_id == str(journey.seeker)
                )
            )
            .scalars()
            .all()
        )
        assert {"handoff_claimed", "note_added", "status_followed_up"} <= set(actions)


def test_print_view_is_a_clean_page(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password, path=f"/staff/handoffs/{journey.seeker}")
    page.click("text=Printable page")
    page.wait_for_load_state()
    assert page.url == f"{journey.base}/staff/handoffs/{journey.seeker}/print"
    assert page.locator("h1").inner_text() == "Magnetic Factors Summary"
    assert page.locator("nav, form, #notes").count() == 0
    assert page.locator("table.factors .words").all_inner_texts() == [SEEKER_WORDS[f] for f in FACTOR_ORDER]
    assert page.locator("#print-button").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#print-button").is_visible()
    assert page.locator("table.factors").is_visible()
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_summary_pdf_from_the_handoff_page_holds_the_words_verbatim(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password, path=f"/staff/handoffs/{journey.seeker}")
    with page.expect_download() as download:
        page.click("text=Download PDF")
    assert download.value.suggested_filename == f"magnetic-factors-summary-{journey.seeker}.pdf"
    document = read_pdf(Path(download.value.path()).read_bytes())
    assert (document.language, document.title, document.tagged) == (
        "en",
        f"Magnetic Factors Summary #{journey.seeker}",
        True,
    )
    text = squeezed(document.text)
    for factor in FACTOR_ORDER:  # the hostile answer too: as the characters typed, never markup
        assert squeezed(SEEKER_WORDS[factor]) in text, factor
    assert squeezed("Clarity before → after 2 → 4") in text
    for said in ("work_sought", "barriers", "closing", "contact"):  # their words outside the six factors, uncut
        assert squeezed(SEEKER_ABOUT[said]) in text, said
    assert squeezed("Sure of finding a good match, before → after 3 → 4") in text
    assert "PrintableDownloadPDF" not in text and "Privatenotes" not in text
    with session_scope(journey.db_url) as session:
        casey = session.execute(select(Practitioner.id).where(Practitioner.email == CM.email)).scalar_one()
        downloads = session.execute(
            select(AuditEvent.practitioner_id).where(
                AuditEvent.action == "summary_pdf_downloaded", AuditEvent.subject_id == str(journey.seeker)
            )
        ).all()
        assert [row[0] for row in downloads] == [casey]


def test_csv_export_of_my_queue(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM.email, CM.password)
    with page.expect_download() as download_info:
        page.click("text=Export CSV")
    download = download_info.value
    assert download.suggested_filename == "magnetic-factors-queue.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [int(r["handoff_id"]) for r in rows] == [journey.leaver, journey.seeker]
    seeker = rows[1]
    assert (
        seeker["audience"],
        seeker["site"],
        seeker["channel"],
        seeker["clarity_before"],
        seeker["clarity_after"],
    ) == ("Work seeker", "Halifax Works", "Web (REST)", "2", "4")
    assert seeker["priorities"] == "Pay & benefits; Work arrangements"
    for factor in FACTOR_ORDER:
        expected = SEEKER_WORDS[factor]
        assert seeker[f"{FACTOR_NAMES[factor]} - their words"] == (
            "'" + expected if expected.startswith("=") else expected
        )
        assert seeker[f"{FACTOR_NAMES[factor]} - rating"] == RATING_LABELS[SEEKER_RATINGS[factor]]
    assert "Driver's licence" not in raw.decode("utf-8-sig")  # the employer's summary is not in a case manager's export


def test_ees_sees_the_employers_summary_and_nothing_else(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, EES_.email, EES_.password)
    assert queue_ids(page, journey.base) == [journey.employer]
    page.goto(f"{journey.base}/staff/handoffs/{journey.employer}")
    assert page.locator("table.factors .words").all_inner_texts() == [EMPLOYER_WORDS[f] for f in FACTOR_ORDER]
    facts = dict(
        zip(page.locator(".facts dt").all_inner_texts(), page.locator(".facts dd").all_inner_texts(), strict=True)
    )
    assert (facts["Business"], facts["Hiring for"]) == (EMPLOYER_ABOUT["business_name"], EMPLOYER_ABOUT["hiring_role"])
    assert facts["What changed for them, in their words"] == EMPLOYER_ABOUT["closing"]
    assert facts["In their words"] == EMPLOYER_ABOUT["contact"]
    assert page.locator("a[href='mailto:pat@harbourdiner.example']").count() == 1
    with page.expect_download() as download:
        page.click("text=Download PDF")
    pdf = squeezed(read_pdf(Path(download.value.path()).read_bytes()).text)
    for said in EMPLOYER_ABOUT.values():
        assert squeezed(said) in pdf, said
    assert squeezed("Understanding of the offer and the job, before → after 3 → 5") in pdf
    for other in (journey.seeker, journey.leaver, journey.truro):
        assert page.goto(f"{journey.base}/staff/handoffs/{other}").status == 404
        assert page.goto(f"{journey.base}/staff/handoffs/{other}/print").status == 404
    token = csrf_token(page, journey.base)
    assert (
        post(page, f"{journey.base}/staff/handoffs/{journey.seeker}/notes", {"csrf_token": token, "note": "x"}).status
        == 404
    )


def test_other_sites_case_manager_is_refused(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, CM_TRURO.email, CM_TRURO.password)
    assert queue_ids(page, journey.base) == [journey.truro]
    for other in (journey.seeker, journey.employer, journey.leaver):
        response = page.goto(f"{journey.base}/staff/handoffs/{other}")
        assert response.status == 404
        assert SEEKER_WORDS["values"] not in page.content()
        pdf = page.request.get(f"{journey.base}/staff/handoffs/{other}/summary.pdf")
        assert (pdf.status, pdf.headers["content-type"].split(";")[0]) == (404, "text/html")


def test_handoff_emails_carry_the_link_and_no_answers(journey: Journey) -> None:
    messages = journey.smtp.mailbox.wait_for(5)
    assert len(messages) == 5
    assert all(len(rcpts) == 1 for rcpts, _ in messages)  # one email per person
    by_recipient = [(rcpts[0], m) for rcpts, m in messages]
    links = sorted((r, re.search(r"http\S+", m.get_content()).group(0)) for r, m in by_recipient)
    assert links == sorted(
        [
            (CM2.email, f"{PUBLIC_BASE_URL}/staff/handoffs/{journey.seeker}"),
            (CM.email, f"{PUBLIC_BASE_URL}/staff/handoffs/{journey.seeker}"),
            (EES_.email, f"{PUBLIC_BASE_URL}/staff/handoffs/{journey.employer}"),
            (CM2.email, f"{PUBLIC_BASE_URL}/staff/handoffs/{journey.leaver}"),
            (CM.email, f"{PUBLIC_BASE_URL}/staff/handoffs/{journey.leaver}"),
        ]
    )
    answers = [
        *SEEKER_WORDS.values(),
        *EMPLOYER_WORDS.values(),
        "leaver",
        "seeker-1",
        "employer-1",
        "Strength",
        "Stressor",
    ]
    for _, message in by_recipient:
        body = message.get_content()
        assert [a for a in answers if a in body] == []
        assert message["Subject"] == "New Magnetic Factors summary to review"


def test_site_manager_sees_both_queues_and_the_numbers(journey: Journey, page: Page) -> None:
    sign_in(page, journey.base, SM.email, SM.password)
    assert queue_ids(page, journey.base) == [journey.leaver, journey.employer, journey.seeker]
    assert page.goto(f"{journey.base}/staff/handoffs/{journey.truro}").status == 404
    page.goto(f"{journey.base}/staff/stats")
    cells = page.locator("tr[data-site=default] td").all_inner_texts()
    with session_scope(journey.db_url) as session:
        followed = session.execute(
            select(func.count())
            .select_from(Handoff)
            .where(Handoff.site_id != session.get(Handoff, journey.truro).site_id, Handoff.status == "followed_up")
        ).scalar_one()
        minutes = sorted(
            (r.completed_at - r.started_at).total_seconds() / 60
            for r in session.execute(
                select(ActivityRun).where(ActivityRun.id != session.get(Handoff, journey.truro).run_id)
            ).scalars()
        )
    assert cells[:4] == ["3", "3", "3", str(followed)]
    assert cells[4] == f"{minutes[1]:.1f} min"
    assert cells[5] == "2.00 → 4.00 (3 of 3 clearer)"  # before 2, 3, 1; after 4, 5, 3


def _participant_rows(session: Session, participant_id: int) -> dict[str, int]:
    """Rows that are the participant's, table by table, counted with plain SQL (not the code under test)."""
    run_ids = (
        session.execute(select(ActivityRun.id).where(ActivityRun.participant_id == participant_id)).scalars().all()
    )
    identity_ids = (
        session.execute(select(ChannelIdentity.id).where(ChannelIdentity.participant_id == participant_id))
        .scalars()
        .all()
    )
    handoff_ids = session.execute(select(Handoff.id).where(Handoff.run_id.in_(run_ids))).scalars().all()

    def count(model, condition):
        return session.execute(select(func.count()).select_from(model).where(condition)).scalar_one()  # noqa: E731

    return {
        "participants": count(Participant, Participant.id == participant_id),
        "channel_identities": len(identity_ids),
        "activity_runs": len(run_ids),
        "answers": count(Answer, Answer.run_id.in_(run_ids)),
        "summaries": count(Summary, Summary.run_id.in_(run_ids)),
        "summary_links": count(SummaryLink, SummaryLink.run_id.in_(run_ids)),
        "answer_corrections": count(AnswerCorrection, AnswerCorrection.run_id.in_(run_ids)),
        "consent_records": count(ConsentRecord, ConsentRecord.participant_id == participant_id),
        "handoffs": len(handoff_ids),
        "practitioner_notes": count(PractitionerNote, PractitionerNote.handoff_id.in_(handoff_ids)),
        "contact_attempts": count(ContactAttempt, ContactAttempt.handoff_id.in_(handoff_ids)),
        "handoff_assignments": count(HandoffAssignment, HandoffAssignment.handoff_id.in_(handoff_ids)),
        "note_drafts": count(NoteDraft, NoteDraft.handoff_id.in_(handoff_ids)),
        "resume_codes": count(ResumeCode, ResumeCode.participant_id == participant_id),
        "outbound_messages": count(OutboundMessage, OutboundMessage.identity_id.in_(identity_ids)),
        "outbox_messages": count(OutboxMessage, OutboxMessage.participant_id == participant_id),
    }


def _table_sizes(session: Session) -> dict[str, int]:
    return {
        name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in Base.metadata.tables.items()
    }


def _tracker_events(stack: Stack) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{stack.tracker_db}")
    try:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all())
    finally:
        engine.dispose()


def test_admin_deletes_a_participant_and_every_row_of_theirs(journey: Journey, page: Page, browser: Browser) -> None:
    """Runs last: it removes the participant who paused and went on with a resume code on a second device."""
    colleague = new_context(browser)
    try:
        cm_page = colleague.new_page()
        sign_in(cm_page, journey.base, CM.email, CM.password, path=f"/staff/handoffs/{journey.leaver}")
        cm_page.fill("#note", "Asked us to delete everything")
        cm_page.click("button:text('Add note')")
        cm_page.wait_for_load_state()
    finally:
        colleague.close()
    with session_scope(journey.db_url) as session:
        participant_id = session.get(Handoff, journey.leaver).run.participant_id
        public_id = session.get(Participant, participant_id).public_id
        record_outbound(session=session, channel="rest", external_id=LEAVER_OTHER_DEVICE, characters=120, segments=1)
    with session_scope(journey.db_url) as session:
        mine = _participant_rows(session, participant_id)
    assert mine == {
        "participants": 1,
        "channel_identities": 2,
        "activity_runs": 1,
        "answers": 24,  # 18 questions, 6 rating questions; the skipped contact question saves nothing
        "summaries": mine["summaries"],
        "summary_links": 1,  # the leaver's own link to their summary, erased with them
        "answer_corrections": 0,
        "consent_records": 2,
        "handoffs": 1,
        "practitioner_notes": 1,
        "contact_attempts": 0,
        "handoff_assignments": 0,
        "note_drafts": 0,
        "resume_codes": 1,
        "outbound_messages": 1,
        "outbox_messages": 2,  # the notices of the leaver's handoff to the site's two Case Managers
    }
    assert mine["summaries"] >= 1
    tracker_before = _tracker_events(journey.stack)
    assert tracker_before["leaver-web"] > 0 and tracker_before[LEAVER_OTHER_DEVICE] > 0

    sign_in(page, journey.base, ADMIN_.email, ADMIN_.password, path=f"/staff/handoffs/{journey.leaver}")
    page.click("text=Delete this participant and all their data")
    page.wait_for_load_state()
    assert page.url == f"{journey.base}/staff/admin/participants/{public_id}"
    with session_scope(journey.db_url) as session:
        before = _table_sizes(session)
    page.fill("#confirm", "DELETE")
    page.click("button:text('Delete participant and all their data')")
    page.wait_for_load_state()
    assert page.locator("#deleted-message").inner_text() == f"Participant {public_id} and all their data were deleted."

    with session_scope(journey.db_url) as session:
        assert _participant_rows(session, participant_id) == {table: 0 for table in mine}
        after = _table_sizes(session)
        expected = {table: before[table] - mine.get(table, 0) for table in before}
        expected["audit_events"] += 1
        assert after == expected
        admin_id = session.execute(select(Practitioner.id).where(Practitioner.email == ADMIN_.email)).scalar_one()
        last = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        assert (last.practitioner_id, last.action, last.subject_type, last.subject_id) == (
            admin_id,
            "participant_deleted",
            "participant",
            public_id,
        )
        assert session.get(Handoff, journey.seeker) is not None and session.get(Handoff, journey.employer) is not None
    tracker_after = _tracker_events(journey.stack)
    assert "leaver-web" not in tracker_after and LEAVER_OTHER_DEVICE not in tracker_after
    assert tracker_after == {k: v for k, v in tracker_before.items() if k not in ("leaver-web", LEAVER_OTHER_DEVICE)}
    assert page.goto(f"{journey.base}/staff/handoffs/{journey.leaver}").status == 404
    page.goto(f"{journey.base}/staff/admin/audit")
    assert page.locator("table.audit tbody tr").first.inner_text().split("\t")[1:] == [
        ADMIN_.email,
        "participant_deleted",
        f"participant {public_id}",
    ]
