"""CSV export of a practitioner's queue, safe to open in a spreadsheet (cells through bot.store.csv_cells.safe_cell)."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Mapping, Sequence

from bot.staff import wording
from bot.staff.formatting import (
    audience_label,
    channel_label,
    language_label,
    local_iso,
    status_label,
    summary_view,
    zone_name,
)
from bot.store.contact import Contact
from bot.store.csv_cells import safe_cell
from bot.store.models import Handoff

# Column names are identifiers for spreadsheets and scripts: they stay the same whatever the pages' language.
# Times are in the staff time zone, as on the pages, with their UTC offset; the header names the zone.
RECEIVED_AT = "received_at ({zone}, ISO 8601 with UTC offset)"
BASE_COLUMNS = (
    "handoff_id",
    RECEIVED_AT,
    "status",
    "audience",
    "language",
    "site",
    "assigned_to",
    "follow_up_due_on",  # a day in the staff time zone, YYYY-MM-DD
    "channel",
    "clarity_before",
    "clarity_after",
    "confidence_before",
    "confidence_after",
    "priorities",
    "work_sought",
    "business_name",
    "hiring_role",
    "barriers",
    "closing_reflection",
    "contact",  # how to reach them, in their words (given after sharing)
    "contact_number",  # the number they text from, when they said to use it
)
ABOUT_COLUMNS = ("work_sought", "business_name", "hiring_role", "barriers")


def columns(factors: Sequence[tuple[str, str]]) -> list[str]:
    parts = (wording.text("csv.rating"), wording.text("csv.words"))
    base = [c.format(zone=zone_name()) if c == RECEIVED_AT else c for c in BASE_COLUMNS]
    return [*base, *(f"{name} - {part}" for _, name in factors for part in parts)]


def queue_csv(
    handoffs: Iterable[Handoff],
    factors: Sequence[tuple[str, str]],
    languages: Mapping[int, str],
    contacts: Mapping[int, Contact] | None = None,
) -> str:
    """One row per handoff: its status, owner, follow-up due date, its participant's language and its summary.

    ``factors`` are (id, name) pairs, one column pair each; ``languages`` maps handoff id to the participant's
    language ("en", "fr"); ``contacts`` handoff id to how the person said they can be reached. A French summary's factor names and ratings are followed by the English ones in brackets,
    as on the pages; the participant's words are exactly as written.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(factors))
    for handoff in handoffs:
        language = languages.get(handoff.id)
        view = summary_view(handoff.summary.body if handoff.summary else {}, language)
        by_id = {f.id: f for f in view.factors}
        about = {key.removeprefix("summary.about_"): words or "" for key, words in view.about}
        contact = (contacts or {}).get(handoff.id)
        row: list[object] = [
            handoff.id,
            local_iso(handoff.created_at),
            status_label(handoff.status),
            audience_label(handoff.audience),
            language_label(language),
            handoff.site.name if handoff.site else "",
            handoff.assigned_to.display_name if handoff.assigned_to else "",
            handoff.follow_up_due_on.isoformat() if handoff.follow_up_due_on else "",
            channel_label(handoff.run.channel) if handoff.run else "",
            view.clarity_before,
            view.clarity_after,
            view.confidence_before,
            view.confidence_after,
            "; ".join(view.priorities),
            *(about.get(key, "") for key in ABOUT_COLUMNS),
            view.closing or "",
            contact.words if contact else "",
            (contact.channel_number or "") if contact else "",
        ]
        for factor_id, _ in factors:
            factor = by_id.get(factor_id)
            if factor is None:
                row += ["", ""]
            else:
                rating = f"{factor.rating} ({factor.rating_also})" if factor.rating_also else factor.rating
                row += [rating, factor.words if factor.words is not None else factor.note]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
