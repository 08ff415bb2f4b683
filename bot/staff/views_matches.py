"""The handoff page's matches: the other side's consenting summaries at the site, ranked by an explained fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.alignment import fit
from bot.alignment.facts import Pay
from bot.content import load_content
from bot.staff import wording
from bot.staff.pages import StaffRequest
from bot.store import matching
from bot.store.contact import without_contact
from bot.store.models import Handoff, Participant

SHOWN = 20  # best matches listed; the rest are counted
OTHER_AUDIENCE = {"case_manager": "ees", "ees": "case_manager"}
SIDE_OF = {"case_manager": fit.WORK_SEEKER, "ees": fit.EMPLOYER}


@dataclass(frozen=True)
class MatchView:
    """One suggested match as the page shows it: a reference, never a name, the fit and its reasons."""

    reference: str
    run_public_id: str
    fit: fit.Fit
    reasons: tuple[tuple[str, int], ...]  # (the reason in words, its points)
    conflicts: int


def _cleaned(body: dict[str, Any]) -> dict[str, Any]:
    """The body with any phone number or email in its words hidden (no contact details reach the other side)."""
    return {
        **body,
        "factors": [
            {**f, "reflection": without_contact(f["reflection"]) if f.get("reflection") else f.get("reflection")}
            for f in body.get("factors") or ()
        ],
    }


def _side(
    body: dict[str, Any], language: str, stored: Optional[dict[str, Any]] = None, read: Optional[list[Any]] = None
) -> fit.Side:
    """A summary as the fit reads it: its stored facts when there are some, else read from its words now (and
    appended to ``read``, to be stored)."""
    cleaned = _cleaned(body)
    if stored is not None:
        return fit.Side.from_body(cleaned, language, facts=fit.facts_from_record(stored))
    per_factor = fit.reflection_facts(cleaned, language)
    if read is not None:
        read.append(fit.facts_record(per_factor))
    return fit.Side.from_body(cleaned, language, facts=per_factor)


def _reason_text(reason: fit.Reason) -> str:
    factor = wording.text(f"matches.factor.{reason.factor}") if reason.factor else ""
    term = wording.text(f"matches.term.{reason.term}") if reason.term else ""
    return wording.text(reason.key, factor=factor, term=term)


def _view(reference: str, explained: fit.Fit) -> MatchView:
    reasons = tuple((_reason_text(r), r.points) for r in explained.reasons)
    conflicts = sum(1 for row in explained.rows if row.flag == "conflict")
    return MatchView(reference[:8], reference, explained, reasons, conflicts)


def pay_text(pay: Optional[Pay]) -> str:
    """ "at least $22.00 an hour", "$18.00-$20.00 an hour" or "not stated"."""
    if pay is None:
        return wording.text("matches.pay_none")
    amount = f"${pay.amount:,.2f}" + (f"-${pay.upper:,.2f}" if pay.upper else "")
    return wording.text(f"matches.pay_{pay.bound}", amount=amount, unit=wording.text(f"matches.unit.{pay.unit}"))


def eligible_handoffs(sr: StaffRequest, handoff: Handoff, participant: Participant) -> dict[str, Handoff]:
    """The handoffs a match may be started with from this one, by their run's public id: the other side's
    consenting summaries at its site, and only when this person agreed too."""
    agreed = matching.agreed_to_matching(session=sr.db, participant_id=participant.id)
    if not agreed or handoff.withdrawn_at is not None or handoff.audience not in SIDE_OF:
        return {}
    found = matching.candidates(session=sr.db, site_id=handoff.site_id, audience=OTHER_AUDIENCE[handoff.audience])
    return {c.run_public_id: other for c in found if (other := sr.db.get(Handoff, c.handoff_id)) is not None}


def candidate_sides(session: Session, handoff: Handoff) -> tuple[list[tuple[str, fit.Side]], int]:
    """The other side's consenting summaries at the handoff's site as the fit reads them, facts stored for next
    time where they had to be read from the words; and how many had to be."""
    found = matching.candidates(session=session, site_id=handoff.site_id, audience=OTHER_AUDIENCE[handoff.audience])
    sides: list[tuple[str, fit.Side]] = []
    fresh: dict[int, dict[str, Any]] = {}
    for candidate in found:
        read: list[Any] = []
        sides.append((candidate.run_public_id, _side(candidate.body, candidate.language, candidate.facts, read)))
        if read:
            fresh[candidate.summary_id] = read[0]
    matching.keep_facts(session=session, facts_by_summary=fresh)
    return sides, len(fresh)


def matches_context(sr: StaffRequest, handoff: Handoff, participant: Participant) -> dict[str, Any]:
    """What the page needs: whether the person agreed to matching, and if so the ranked matches at their site."""
    agreed = matching.agreed_to_matching(session=sr.db, participant_id=participant.id)
    context: dict[str, Any] = {"matching_agreed": agreed, "matches": [], "matches_more": 0}
    if not agreed or handoff.withdrawn_at is not None or handoff.summary is None or handoff.audience not in SIDE_OF:
        return context
    target = _side(dict(handoff.summary.body or {}), participant.language or "en")
    others, _ = candidate_sides(sr.db, handoff)
    ranked = fit.rank(target, others, limit=SHOWN)
    content = load_content(wording.PAGE_LANGUAGE)
    context.update(
        matches=[_view(reference, explained) for reference, explained in ranked],
        matches_more=max(0, len(others) - SHOWN),
        matches_target=SIDE_OF[handoff.audience],
        matches_factor_names={f.id: f.name for f in content.factors},
        matches_rating_labels=content.rating_labels(),
        pay_text=pay_text,
    )
    return context
