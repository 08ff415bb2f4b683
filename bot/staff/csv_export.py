"""CSV export of a practitioner's queue, safe to open in a spreadsheet (cells through bot.store.csv_cells.safe_cell)."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Mapping, Sequence

from bot.staff import wording
from bot.staff.formatting import audience_label, channel_label, language_label, status_label, summary_view
from bot.store.csv_cells import safe_cell
from bot.store.export import iso
from bot.store.models import Handoff

# Column names are identifiers for spreadsheets and scripts: they stay the same whatever the pages' language.
BASE_COLUMNS = (
    "handoff_id",
    "received_at",
    "status",
    "audience",
    "language",
    "site",
    "assigned_to",
    "channel",
    "clarity_before",
    "clarity_after",
    "priorities",
)


def columns(factors: Sequence[tuple[str, str]]) -> list[str]:
    parts = (wording.text("csv.rating"), wording.text("csv.words"))
    return [*BASE_COLUMNS, *(f"{name} - {part}" for _, name in factors for part in parts)]


def queue_csv(handoffs: Iterable[Handoff], factors: Sequence[tuple[str, str]], languages: Mapping[int, str]) -> str:
    """One row per handoff: its status, its participant's language and its summary.

    ``factors`` are (id, name) pairs, one column pair each; ``languages`` maps handoff id to the participant's
    language ("en", "fr"). A French summary's factor names and ratings are followed by the English ones in brackets,
    as on the pages; the participant's words are exactly as written.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(factors))
    for handoff in handoffs:
        language = languages.get(handoff.id)
        view = summary_view(handoff.summary.body if handoff.summary else {}, language)
        by_id = {f.id: f for f in view.factors}
        row: list[object] = [
            handoff.id,
            iso(handoff.created_at),
            status_label(handoff.status),
            audience_label(handoff.audience),
            language_label(language),
            handoff.site.name if handoff.site else "",
            handoff.assigned_to.display_name if handoff.assigned_to else "",
            channel_label(handoff.run.channel) if handoff.run else "",
            view.clarity_before,
            view.clarity_after,
            "; ".join(view.priorities),
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
