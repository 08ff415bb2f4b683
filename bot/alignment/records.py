"""A side kept beside its summary (summaries.facts): what ranking needs, so a page of thousands reads no words."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Optional

from bot.alignment import facts as facts_module
from bot.alignment.facts import Facts, Pay
from bot.alignment.fit import FACTOR_IDS, Side, _priorities, _rating

# A record is read back only by the same reading rules: the version is the record layout and a digest of the rules'
# module, so a deploy that changes how facts are read makes every summary be read again once, on its next comparison.
SIDE_RECORD_VERSION = "1-" + hashlib.sha256(Path(facts_module.__file__).read_bytes()).hexdigest()[:12]
_HAS_WORDS = "…"  # a side rebuilt from its record knows which factors have words, not the words themselves


def side_record(side: Side) -> dict[str, Any]:
    """What ranking needs of a side, JSON-ready, to keep beside its summary: ratings, priorities, which factors have
    words, and the merged facts. The words themselves stay in the summary."""
    facts = side.facts
    return {
        "v": SIDE_RECORD_VERSION,
        "ratings": dict(side.ratings),
        "priorities": list(side.priorities),
        "worded": [fid for fid in FACTOR_IDS if side.words.get(fid)],
        "pay": [[p.amount, p.unit, p.bound, p.upper] for p in facts.pay],
        **{kind: sorted(getattr(facts, kind)) for kind in ("schedule", "place", "schedule_not", "place_not")},
    }


def side_from_record(audience: str, record: Mapping[str, Any]) -> Optional[Side]:
    """The side a side_record describes, to score (its words are placeholders); None for an older record."""
    if record.get("v") != SIDE_RECORD_VERSION:
        return None
    worded = set(record.get("worded") or ())
    facts = Facts(
        tuple(Pay(float(a), str(u), str(b), None if t is None else float(t)) for a, u, b, t in record["pay"]),
        frozenset(record["schedule"]),
        frozenset(record["place"]),
        frozenset(record["schedule_not"]),
        frozenset(record["place_not"]),
    )
    ratings = {fid: _rating({"rating": record["ratings"].get(fid)}) for fid in FACTOR_IDS}
    words = {fid: (_HAS_WORDS if fid in worded else None) for fid in FACTOR_IDS}
    return Side(audience, ratings, words, _priorities(record.get("priorities")), facts)
