"""The handoff page's matches: the other side's consenting summaries at the site, ranked by an explained fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.orm import Session

from bot.alignment import fit, records
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


def _side(body: dict[str, Any], language: str) -> fit.Side:
    """A summary as the fit reads it, its words cleaned of contact details first (so the facts are read from the
    cleaned words: a phone number is never a pay figure)."""
    return fit.Side.from_body(_cleaned(body), language)


def _scoring_side(
    audience: str, candidate: matching.Candidate, bodies: dict[int, dict[str, Any]], fresh: dict[int, dict[str, Any]]
) -> fit.Side:
    """What ranking needs of a candidate: from its stored record when there is one (no words read), else read from
    its cleaned words now and its record added to ``fresh``, to be stored."""
    if candidate.facts is not None:
        kept = records.side_from_record(audience, candidate.facts)
        if kept is not None:
            return kept
    side = _side(bodies[candidate.summary_id], candidate.language)
    fresh[candidate.summary_id] = records.side_record(side)
    return side


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


def eligible_handoff(
    sr: StaffRequest, handoff: Handoff, participant: Participant, run_public_id: str
) -> Optional[Handoff]:
    """The handoff a match may be started with from this one: the other side's consenting summary at its site named
    by its run's public id; None when it is not one, or when this person did not agree."""
    agreed = matching.agreed_to_matching(session=sr.db, participant_id=participant.id)
    if not agreed or handoff.withdrawn_at is not None or handoff.audience not in SIDE_OF:
        return None
    chosen = next((c for c in _found(sr.db, handoff) if c.run_public_id == run_public_id), None)
    return sr.db.get(Handoff, chosen.handoff_id) if chosen is not None else None


def _sides_of(
    session: Session, handoff: Handoff, found: list[matching.Candidate]
) -> tuple[list[tuple[str, fit.Side]], int]:
    unread = [c.summary_id for c in found if c.facts is None or c.facts.get("v") != records.SIDE_RECORD_VERSION]
    bodies = matching.bodies(session=session, summary_ids=unread)
    audience = fit.EMPLOYER if SIDE_OF[handoff.audience] == fit.WORK_SEEKER else fit.WORK_SEEKER
    fresh: dict[int, dict[str, Any]] = {}
    sides = [(c.run_public_id, _scoring_side(audience, c, bodies, fresh)) for c in found]
    matching.keep_facts(session=session, facts_by_summary=fresh)
    return sides, len(fresh)


def _found(session: Session, handoff: Handoff) -> list[matching.Candidate]:
    return matching.candidates(session=session, site_id=handoff.site_id, audience=OTHER_AUDIENCE[handoff.audience])


def candidate_sides(session: Session, handoff: Handoff) -> tuple[list[tuple[str, fit.Side]], int]:
    """The other side's consenting summaries at the handoff's site as ranking reads them, by run public id: from their
    stored records, or from their words (read in one query, their records then stored in one update); and how many
    had to be read from their words."""
    return _sides_of(session, handoff, _found(session, handoff))


def _explained(
    session: Session, found: list[matching.Candidate], target: fit.Side, keys: list[str]
) -> list[tuple[str, fit.Fit]]:
    """The kept matches explained with their own (cleaned) words: their bodies read in one query."""
    by_key = {c.run_public_id: c for c in found}
    bodies = matching.bodies(session=session, summary_ids=[by_key[k].summary_id for k in keys])
    explained = []
    for key in keys:
        other = _side(bodies[by_key[key].summary_id], by_key[key].language)
        seeker, employer = (target, other) if target.audience == fit.WORK_SEEKER else (other, target)
        explained.append((key, fit.explain(seeker, employer)))
    return explained


def matches_context(sr: StaffRequest, handoff: Handoff, participant: Participant) -> dict[str, Any]:
    """What the page needs: whether the person agreed to matching, and if so the ranked matches at their site."""
    agreed = matching.agreed_to_matching(session=sr.db, participant_id=participant.id)
    context: dict[str, Any] = {"matching_agreed": agreed, "matches": [], "matches_more": 0}
    if not agreed or handoff.withdrawn_at is not None or handoff.summary is None or handoff.audience not in SIDE_OF:
        return context
    target = _side(dict(handoff.summary.body or {}), participant.language or "en")
    found = _found(sr.db, handoff)
    others, _ = _sides_of(sr.db, handoff, found)
    kept = [key for key, _ in fit.best(target, others, limit=SHOWN)]  # scored on records; explained with words
    ranked = _explained(sr.db, found, target, kept)
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
