"""A participant's data for their access request, and staff corrections: every table's rows of theirs, nobody else's."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.activity.summary import summary_text
from bot.content import load_content
from bot.staff import pages, views_rights
from bot.store import access_request, corrections, erasure, follow_up, outbox, summary_links
from bot.store import staff_repository as staff_repo
from bot.store.channel_records import record_outbound
from bot.store.corrections import AnswerCorrection
from bot.store.models import CASE_MANAGER, EES, WORK_SEEKER, ChannelIdentity, Handoff, ResumeCode, utcnow
from tests.staff.seed import Account, add_account, add_site, seed_handoff

HOSTILE = '<script>alert(1)</script> & "quotes"'
OTHER_WORDS = "Somebody else's words"


def _correct(session: Session, handoff: Handoff, practitioner, **values: str):  # type: ignore[no-untyped-def]
    content = load_content()
    return corrections.correct(
        session=session,
        summary=handoff.summary,
        practitioner=practitioner,
        marked_on="2026-03-02",
        rating_label=content.rating_labels().get(values["new_value"]),
        text_of=lambda body: summary_text(content, body),
        **values,
    )


@pytest.fixture
def two(session: Session) -> dict[str, object]:
    """Two participants at one site, each with a handoff, a note, a summary link, a correction and an audit event."""
    site = add_site(session, "default", "Halifax")
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, "default"), name="Casey Manager")
    mine = seed_handoff(session, site=site, role=WORK_SEEKER, sender="mine", words={"skills": HOSTILE})
    other = seed_handoff(session, site=site, role=WORK_SEEKER, sender="other", words={"skills": OTHER_WORDS})
    participant = staff_repo.participant_of_handoff(session=session, handoff=mine)
    other_participant = staff_repo.participant_of_handoff(session=session, handoff=other)
    staff_repo.add_note(session=session, handoff=mine, practitioner=cm, note="Called them about <b>pay</b>")
    staff_repo.add_note(session=session, handoff=other, practitioner=cm, note="Note about the other one")
    session.add(ChannelIdentity(participant_id=participant.id, channel="twilio_sms", external_id="+19025550123"))
    session.add(ChannelIdentity(participant_id=other_participant.id, channel="twilio_sms", external_id="+19025550999"))
    session.add(ResumeCode(participant_id=participant.id, code_hash="h" * 64, expires_at=utcnow() + timedelta(days=1)))
    session.flush()
    record_outbound(session=session, channel="twilio_sms", external_id="+19025550123", characters=120, segments=1)
    record_outbound(session=session, channel="twilio_sms", external_id="+19025550999", characters=99, segments=1)
    tokens = [summary_links.link_token(session=session, run=h.run, secret_key="k", days=30) for h in (mine, other)]
    outbox.enqueue(session=session, kind="reminder", recipient_key="r", payload={}, participant_id=participant.id)
    outbox.enqueue(session=session, kind="reminder", recipient_key="o", payload={}, participant_id=other_participant.id)
    colleague = add_account(session, Account("cm2@x.example", CASE_MANAGER, "default"), name="Robin Colleague")
    follow_up.assign(session=session, handoff=mine, to=cm, by=cm)
    follow_up.assign(session=session, handoff=mine, to=colleague, by=cm)
    follow_up.record_attempt(session=session, handoff=mine, practitioner=colleague, outcome="left_message")
    follow_up.record_attempt(session=session, handoff=other, practitioner=cm, outcome="reached")
    follow_up.set_due(session=session, handoff=mine, due_on=date(2026, 3, 9))
    _correct(session, mine, cm, factor="pay", field="reflection", new_value="Pay is fine now", reason="They asked")
    _correct(session, other, cm, factor="pay", field="reflection", new_value="Other corrected", reason="Other reason")
    staff_repo.audit(
        session=session, practitioner=cm, action="summary_viewed", subject_type="handoff", subject_id=str(mine.id)
    )
    staff_repo.audit(
        session=session, practitioner=cm, action="summary_viewed", subject_type="handoff", subject_id=str(other.id)
    )
    staff_repo.audit(
        session=session, practitioner=None, action="x", subject_type="participant", subject_id=participant.public_id
    )
    session.flush()
    return {"mine": mine, "other": other, "participant": participant, "cm": cm, "tokens": tokens, "site": site}


def test_gather_holds_every_table_of_theirs_and_nothing_of_another(session: Session, two: dict) -> None:
    participant, mine = two["participant"], two["mine"]
    data = access_request.gather(session=session, participant=participant, scope=None)
    counts = erasure.participant_row_counts(session=session, participant_id=participant.id)

    assert (data["format"], data["scope"], data["runs_left_out"]) == (
        "magnetic-factors-access-request/1",
        "everything",
        0,
    )
    assert data["participant"]["reference"] == participant.public_id
    assert [(i["channel"], i["address"]) for i in data["channel_identities"]] == [
        ("rest", "mine"),
        ("twilio_sms", "+19025550123"),
    ]
    [run] = data["runs"]
    assert run["reference"] == mine.run.public_id
    assert len(run["answers"]) == counts["answers"] == 15
    assert {a["text"] for a in run["answers"] if a["question_id"] == "skills_reflection"} == {HOSTILE}
    assert all(a["current"] for a in run["answers"])
    assert len(run["summaries"]) == counts["summaries"] == 1
    assert run["summaries"][0]["body"]["factors"][2]["reflection"] == "Pay is fine now"
    assert [
        (c["factor"], c["field"], c["old_value"], c["new_value"], c["reason"], c["corrected_by"])
        for c in run["corrections"]
    ] == [("pay", "reflection", "pay words", "Pay is fine now", "They asked", "Casey Manager")]
    assert set(run["summary_link"]) == {"created_at", "expires_at"}
    handoff = run["handoff"]
    assert (handoff["id"], handoff["status"], handoff["audience"], handoff["site"]["code"]) == (
        mine.id,
        "in_review",  # assigned below
        CASE_MANAGER,
        "default",
    )
    assert [(n["text"], n["written_by"]) for n in handoff["notes"]] == [
        ("Called them about <b>pay</b>", "Casey Manager")
    ]
    # The follow-up is theirs too: the due date, every contact attempt and every change of owner, nobody else's.
    assert handoff["follow_up_due_on"] == "2026-03-09"
    assert [(a["outcome"], a["by"]) for a in handoff["contact_attempts"]] == [("left_message", "Robin Colleague")]
    assert [(m["from"], m["to"], m["by"]) for m in handoff["assignments"]] == [
        (None, "Casey Manager", "Casey Manager"),
        ("Casey Manager", "Robin Colleague", "Casey Manager"),
    ]
    assert [(c["kind"], c["granted"], c["wording"], c["run"]) for c in data["consents"]] == [
        ("share", True, "Share?", mine.run.public_id)
    ]
    assert [(m["to"], m["characters"], m["segments"]) for m in data["outbound_messages"]] == [("+19025550123", 120, 1)]
    assert [(m["kind"], m["status"]) for m in data["bot_messages"]] == [("reminder", "pending")]
    assert len(data["resume_codes"]) == counts["resume_codes"] == 1
    assert [(e["action"], e["record"], e["by"]) for e in data["audit_events"]] == [
        ("summary_viewed", f"handoff {mine.id}", "Casey Manager"),
        ("x", f"participant {participant.public_id}", None),
    ]
    dumped = json.dumps(data, ensure_ascii=False)
    for foreign in (OTHER_WORDS, "Note about the other one", "+19025550999", "Other corrected", "Other reason"):
        assert foreign not in dumped
    for secret in (*two["tokens"], "h" * 64):
        assert secret not in dumped
    assert "nonce" not in dumped and "token_hash" not in dumped and "code_hash" not in dumped


def test_a_practitioner_gets_only_what_was_handed_to_their_site_and_team(session: Session, two: dict) -> None:
    participant = two["participant"]
    team = access_request.gather(
        session=session,
        participant=participant,
        scope=staff_repo.Scope(site_ids=(two["site"].id,), audience=CASE_MANAGER),
    )
    assert (team["scope"], team["runs_left_out"], len(team["runs"])) == ("shared_with_team", 0, 1)
    elsewhere = access_request.gather(
        session=session, participant=participant, scope=staff_repo.Scope(site_ids=(two["site"].id,), audience=EES)
    )
    assert (elsewhere["runs_left_out"], elsewhere["runs"], elsewhere["consents"]) == (1, [], [])
    assert [e["record"] for e in elsewhere["audit_events"]] == [f"participant {participant.public_id}"]
    assert [i["address"] for i in elsewhere["channel_identities"]] == ["mine", "+19025550123"]


def test_a_correction_keeps_the_old_value_and_changes_the_summary_everywhere(session: Session, two: dict) -> None:
    mine, cm = two["mine"], two["cm"]
    row = _correct(session, mine, cm, factor="skills", field="rating", new_value="stressor", reason="Wrong button")
    assert (row.old_value, row.new_value, row.reason, row.practitioner_id) == (
        "strength",
        "stressor",
        "Wrong button",
        cm.id,
    )
    session.refresh(mine.summary)
    skills = mine.summary.body["factors"][0]
    assert (skills["rating"], skills["rating_label"], skills["reflection"]) == ("stressor", "Stressor", HOSTILE)
    assert mine.summary.body["corrected"] == {"pay": {"reflection": "2026-03-02"}, "skills": {"rating": "2026-03-02"}}
    assert "Pay is fine now" in mine.summary.text and "pay words" not in mine.summary.text
    with pytest.raises(corrections.NoSuchFactor):
        corrections.current_value(mine.summary.body, "nope", "rating")


def test_deletion_counts_and_removes_the_corrections_of_that_participant_only(session: Session, two: dict) -> None:
    participant = two["participant"]
    assert erasure.participant_row_counts(session=session, participant_id=participant.id)["answer_corrections"] == 1
    erasure.delete_participant(session=session, participant=participant)
    remaining = session.execute(select(AnswerCorrection.new_value)).scalars().all()
    assert remaining == ["Other corrected"]
    assert session.execute(select(func.count()).select_from(AnswerCorrection)).scalar_one() == 1


def test_the_readable_page_escapes_their_words(session: Session, two: dict) -> None:
    participant = two["participant"]
    data = access_request.gather(session=session, participant=participant, scope=None)
    html = pages.html_of("access.html", for_pdf=True, base_path="", **views_rights._readable_context(participant, data))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "Called them about &lt;b&gt;pay&lt;/b&gt;" in html
    assert '<th scope="row">Skills &amp; competencies: in their own words</th><td class="words">&lt;script&gt;' in html
    assert '<th scope="row">Pay &amp; benefits: Their words</th><td class="words">pay words</td>' in html
    assert "<dt>Status</dt><dd>Completed</dd>" in html  # the run's, in plain words
    assert '<tr><td>Sharing the summary with staff</td><td>yes</td><td class="words">Share?</td>' in html
    assert "+19025550999" not in html and OTHER_WORDS not in html
    # The follow-up in plain words: the due date, the attempt's outcome, the change of owner.
    assert "<dt>Follow-up due</dt><dd>2026-03-09</dd>" in html
    assert "<li>Contact attempt: Left a message &middot; " in html and "Robin Colleague</li>" in html
    assert html.count("<li>Assigned to: ") == 2
