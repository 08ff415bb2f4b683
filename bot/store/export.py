"""Research export: the runs of participants who agreed to research use, with their answers (verbatim, with
history), clarity scores and summary; everyone else only counted."""

from __future__ import annotations

import csv
import json
import logging
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.csv_cells import NUL, safe_cell
from bot.store.models import (
    CONSENT_RESEARCH,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    Site,
    Summary,
)

log = logging.getLogger(__name__)

CLARITY_BEFORE = "clarity_before"
CLARITY_AFTER = "clarity_after"
CONFIDENCE_BEFORE = "confidence_before"
CONFIDENCE_AFTER = "confidence_after"
# Research use is "never with your name or contact details": the answers that name the person or their business.
IDENTIFYING_QUESTIONS = frozenset({"contact", "business_name"})

# One CSV row per answer (superseded ones included); run and participant columns repeat on each row.
RUN_COLUMNS = (
    "participant_id",
    "participant_role",
    "participant_language",
    "site_code",
    "participant_channels",
    "run_id",
    "run_role",
    "run_status",
    "run_channel",
    "content_version",
    "started_at",
    "completed_at",
    "clarity_before",
    "clarity_after",
    "confidence_before",
    "confidence_after",
)
OUTCOME_COLUMNS = ("handoff_status", "handoff_audience", "summary_text", "summary_body")
ANSWER_COLUMNS = (
    "current",
    "question_id",
    "factor",
    "text",
    "value",
    "skipped",
    "answer_channel",
    "answer_created_at",
    "superseded_at",
)
CSV_COLUMNS = RUN_COLUMNS + OUTCOME_COLUMNS + ANSWER_COLUMNS
CHANNEL_SEPARATOR = ";"


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a fixed width (stored datetimes are naive UTC), or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def clarity_score(answer: Answer | None) -> int | None:
    """The 1-5 clarity value of an answer as an int, or None when missing, skipped or not a number."""
    if answer is None or answer.skipped or answer.value is None:
        return None
    try:
        return int(answer.value.strip())
    except ValueError:
        return None


def answer_record(answer: Answer) -> dict[str, Any]:
    """One answer exactly as stored."""
    record: dict[str, Any] = {
        "question_id": answer.question_id,
        "factor": answer.factor,
        "text": answer.text,
        "value": answer.value,
        "skipped": bool(answer.skipped),
        "channel": answer.channel,
        "created_at": iso(answer.created_at),
    }
    if answer.superseded_at is not None:
        record["superseded_at"] = iso(answer.superseded_at)
    return record


def without_identifying(body: dict[str, Any], text: str) -> tuple[dict[str, Any], str]:
    """The summary body and text without the business name (the line that shows it is left out of the text)."""
    about = dict(body.get("about") or {})
    name = about.pop("business_name", None)
    if not name:
        return body, text
    lines = [line for line in text.split("\n") if not line.endswith(f": {name}")]
    return {**body, "about": about}, "\n".join(lines)


def summary_record(summary: Summary | None) -> dict[str, Any] | None:
    """The latest summary of a run, or None; without the answers that identify the person."""
    if summary is None:
        return None
    body, text = without_identifying(dict(summary.body or {}), summary.text or "")
    return {
        "body": body,
        "text": text,
        "created_at": iso(summary.created_at),
        "confirmed_at": iso(summary.confirmed_at),
    }


def handoff_record(handoff: Handoff | None) -> dict[str, Any] | None:
    """Who the run was handed to and how far the follow-up got, or None."""
    if handoff is None:
        return None
    return {
        "status": handoff.status,
        "audience": handoff.audience,
        "created_at": iso(handoff.created_at),
        "updated_at": iso(handoff.updated_at),
    }


def _participants(session: Session) -> dict[int, tuple[Participant, str | None]]:
    rows = session.execute(select(Participant, Site.code).outerjoin(Site, Participant.site_id == Site.id))
    return {participant.id: (participant, code) for participant, code in rows}


def _channels(session: Session) -> dict[int, list[str]]:
    rows = session.execute(select(ChannelIdentity.participant_id, ChannelIdentity.channel).distinct())
    channels: dict[int, set[str]] = defaultdict(set)
    for participant_id, channel in rows:
        channels[participant_id].add(channel)
    return {participant_id: sorted(names) for participant_id, names in channels.items()}


def _answers(session: Session) -> dict[int, list[Answer]]:
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in session.execute(select(Answer).order_by(Answer.run_id, Answer.id)).scalars():
        answers[answer.run_id].append(answer)
    return answers


def _latest_summaries(session: Session) -> dict[int, Summary]:
    return {summary.run_id: summary for summary in session.execute(select(Summary).order_by(Summary.id)).scalars()}


def _handoffs(session: Session) -> dict[int, Handoff]:
    return {handoff.run_id: handoff for handoff in session.execute(select(Handoff)).scalars()}


def run_record(
    run: ActivityRun,
    *,
    participant: Participant,
    site_code: str | None,
    channels: list[str],
    answers: list[Answer],
    summary: Summary | None,
    handoff: Handoff | None,
) -> dict[str, Any]:
    """The export record of one activity run."""
    answers = [answer for answer in answers if answer.question_id not in IDENTIFYING_QUESTIONS]
    current = [answer for answer in answers if answer.superseded_at is None]
    by_question = {answer.question_id: answer for answer in current}
    return {
        "participant_id": participant.public_id,
        "participant_role": participant.role,
        "participant_language": participant.language,
        "site_code": site_code,
        "participant_channels": channels,
        "run_id": run.public_id,
        "run_role": run.role,
        "run_status": run.status,
        "run_channel": run.channel,
        "content_version": run.content_version,
        "started_at": iso(run.started_at),
        "completed_at": iso(run.completed_at),
        "clarity_before": clarity_score(by_question.get(CLARITY_BEFORE)),
        "clarity_after": clarity_score(by_question.get(CLARITY_AFTER)),
        "confidence_before": clarity_score(by_question.get(CONFIDENCE_BEFORE)),
        "confidence_after": clarity_score(by_question.get(CONFIDENCE_AFTER)),
        "answers": [answer_record(answer) for answer in current],
        "answer_history": [answer_record(answer) for answer in answers if answer.superseded_at is not None],
        "summary": summary_record(summary),
        "handoff": handoff_record(handoff),
    }


# Why a run is left out of the research export.
NOT_ASKED = "not_asked"  # never answered the research question (unfinished, or before it was asked)
DECLINED = "declined"
WITHDRAWN = "withdrawn"  # said yes, then NO RESEARCH


def research_status(*, session: Session) -> dict[int, str]:
    """Each participant's research decision: "granted", DECLINED or WITHDRAWN (their latest word decides)."""
    rows = session.execute(
        select(ConsentRecord.participant_id, ConsentRecord.granted)
        .where(ConsentRecord.kind == CONSENT_RESEARCH)
        .order_by(ConsentRecord.created_at, ConsentRecord.id)
    )
    status: dict[int, str] = {}
    for participant_id, granted in rows:
        earlier = status.get(participant_id)
        status[participant_id] = (
            "granted" if granted else (WITHDRAWN if earlier in ("granted", WITHDRAWN) else DECLINED)
        )
    return status


def left_out(*, session: Session) -> dict[str, Any]:
    """The runs the export leaves out, counted by reason, status and role: no words, no ids."""
    status = research_status(session=session)
    counts: dict[str, dict[str, int]] = {
        "reason": defaultdict(int),
        "run_status": defaultdict(int),
        "role": defaultdict(int),
    }
    total = 0
    for run in session.execute(select(ActivityRun).order_by(ActivityRun.id)).scalars():
        reason = status.get(run.participant_id, NOT_ASKED)
        if reason == "granted":
            continue
        total += 1
        counts["reason"][reason] += 1
        counts["run_status"][run.status] += 1
        counts["role"][run.role or "unknown"] += 1
    return {"runs": total, **{name: dict(sorted(values.items())) for name, values in counts.items()}}


def export_records(*, session: Session) -> list[dict[str, Any]]:
    """One record per run of a participant who agreed to research use, oldest first, with what the team needs."""
    granted = {pid for pid, decision in research_status(session=session).items() if decision == "granted"}
    participants = _participants(session)
    channels = _channels(session)
    answers = _answers(session)
    summaries = _latest_summaries(session)
    handoffs = _handoffs(session)
    records = []
    for run in session.execute(select(ActivityRun).order_by(ActivityRun.id)).scalars():
        if run.participant_id not in granted:
            continue
        participant, site_code = participants[run.participant_id]
        records.append(
            run_record(
                run,
                participant=participant,
                site_code=site_code,
                channels=channels.get(run.participant_id, []),
                answers=answers.get(run.id, []),
                summary=summaries.get(run.id),
                handoff=handoffs.get(run.id),
            )
        )
    log.info("Export built: %d activity runs", len(records))
    return records


def write_json(records: list[dict[str, Any]], fp: TextIO, *, left_out: dict[str, Any] | None = None) -> None:
    """Write {"runs": records, "left_out": counts} as UTF-8 JSON (non-ASCII kept as is)."""
    json.dump({"runs": records, "left_out": left_out or {}}, fp, ensure_ascii=False, indent=2)
    fp.write("\n")


def _cell(value: Any) -> str:
    """A CSV cell before escaping: None is empty, booleans are true/false, anything else its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _run_columns(record: dict[str, Any]) -> dict[str, Any]:
    summary = record["summary"] or {}
    handoff = record["handoff"] or {}
    columns = {name: record[name] for name in RUN_COLUMNS}
    columns.update(
        participant_channels=CHANNEL_SEPARATOR.join(record["participant_channels"]),
        handoff_status=handoff.get("status"),
        handoff_audience=handoff.get("audience"),
        summary_text=summary.get("text"),
        summary_body=json.dumps(summary["body"], ensure_ascii=False, sort_keys=True) if summary else None,
    )
    return columns


def _answer_columns(answer: dict[str, Any], *, current: bool) -> dict[str, Any]:
    return {
        "current": current,
        "question_id": answer["question_id"],
        "factor": answer["factor"],
        "text": answer["text"],
        "value": answer["value"],
        "skipped": answer["skipped"],
        "answer_channel": answer["channel"],
        "answer_created_at": answer["created_at"],
        "superseded_at": answer.get("superseded_at"),
    }


def _answers_in_order(record: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """Every answer of a run tagged current or not, oldest first (stable: superseded before its replacement)."""
    tagged = [(answer, False) for answer in record["answer_history"]] + [(answer, True) for answer in record["answers"]]
    return sorted(tagged, key=lambda item: item[0]["created_at"])


def csv_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per answer; a run without answers still gets one row with empty answer columns."""
    for record in records:
        run_columns = _run_columns(record)
        answers = _answers_in_order(record)
        if not answers:
            yield run_columns
        for answer, current in answers:
            yield {**run_columns, **_answer_columns(answer, current=current)}


def write_csv(records: list[dict[str, Any]], fp: TextIO) -> None:
    """Write the records as CSV (header first; open ``fp`` with newline=""): each cell exact, except that a cell a
    spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe (the JSON export keeps
    every text exactly)."""
    writer = csv.writer(fp)
    writer.writerow(CSV_COLUMNS)
    replaced = 0
    for row in csv_rows(records):
        cells = [_cell(row.get(name)) for name in CSV_COLUMNS]
        replaced += sum(cell.count(NUL) for cell in cells)
        writer.writerow([safe_cell(cell) for cell in cells])
    if replaced:
        log.warning(
            "CSV export: %d NUL characters replaced (CSV cannot hold them; the JSON export keeps them)", replaced
        )
