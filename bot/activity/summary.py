"""Build the Magnetic Factors Summary from a run's current answers: structured, full text and a condensed SMS form."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from bot.content import gsm7
from bot.content.model import Content
from bot.store.models import Answer

SMS_SUMMARY_LIMIT = 4 * gsm7.MULTI_SEGMENT  # the summary is the one message allowed past two segments (words never cut)
UCS2_MULTI_SEGMENT = 67  # characters in each part of a concatenated UCS-2 SMS


def _value(answers: Mapping[str, Answer], question_id: str) -> Optional[str]:
    answer = answers.get(question_id)
    return None if answer is None or answer.skipped else answer.value


# The participant's own words outside the six factors, in the order the summary shows them.
ABOUT_QUESTIONS = ("work_sought", "business_name", "hiring_role", "barriers")
SCALES = ("clarity_before", "clarity_after", "confidence_before", "confidence_after")


def _words(answers: Mapping[str, Answer], question_id: str) -> Optional[str]:
    answer = answers.get(question_id)
    return None if answer is None or answer.skipped else answer.text


def _number(answers: Mapping[str, Answer], question_id: str) -> Optional[int]:
    value = _value(answers, question_id)
    return int(value) if value and value.isdigit() else None


def build_summary(content: Content, audience: str, answers: Mapping[str, Answer]) -> dict[str, Any]:
    """The summary as data: each factor's rating and reflection, priorities, the before/after scales, the words
    about the work sought or the hire (and anything outside work in the way), and the closing reflection."""
    rating_labels = content.rating_labels()
    factors = []
    for factor in content.factors:
        rating = _value(answers, f"{factor.id}_rating")
        reflection = answers.get(f"{factor.id}_reflection")
        factors.append(
            {
                "id": factor.id,
                "name": factor.name,
                "short_name": factor.short_name,
                "rating": rating,
                "rating_label": rating_labels.get(rating or "", None),
                "reflection": None if reflection is None or reflection.skipped else reflection.text,
                "reflection_skipped": bool(reflection is not None and reflection.skipped),
            }
        )
    priorities_value = _value(answers, "priorities")
    return {
        "audience": audience,
        "factors": factors,
        "priorities": priorities_value.split(",") if priorities_value else [],
        **{key: _number(answers, key) for key in SCALES},
        "about": {key: _words(answers, key) for key in ABOUT_QUESTIONS if key in answers},
        "closing": _words(answers, "closing_reflection"),
    }


def _names(content: Content, body: Mapping[str, Any], rating: str, short: bool) -> str:
    key = "short_name" if short else "name"
    names = [f[key] for f in body["factors"] if f["rating"] == rating]
    return ", ".join(names) or content.message("summary_none")


def _rated_lines(content: Content, body: Mapping[str, Any], *, short: bool) -> list[str]:
    """The "Both" and "Not sure" lines, each only when some factor has that rating (a summary made before the two
    were split has "both" only)."""
    return [
        f"{content.message('summary_' + rating)}: {_names(content, body, rating, short)}"
        for rating in ("both", "unsure")
        if any(f["rating"] == rating for f in body["factors"])
    ]


def _priority_names(content: Content, body: Mapping[str, Any], short: bool) -> str:
    key = "short_name" if short else "name"
    by_id = {f["id"]: f[key] for f in body["factors"]}
    return ", ".join(by_id[p] for p in body["priorities"] if p in by_id) or content.message("summary_none")


def _scale_line(content: Content, body: Mapping[str, Any], scale: str) -> Optional[str]:
    """ "Clarity: 2 at the start, 4 now" (or the confidence line); None when neither was answered nor asked."""
    before, after = body.get(f"{scale}_before"), body.get(f"{scale}_after")
    if scale != "clarity" and before is None and after is None:
        return None
    return content.message(
        f"summary_{scale}", before=before if before is not None else "-", after=after if after is not None else "-"
    )


def confidence_line(content: Content, body: Mapping[str, Any]) -> Optional[str]:
    """ "Sure of a good match: 2 at the start, 4 now", or None when the question was not answered (employers)."""
    return _scale_line(content, body, "confidence")


ABOUT_LABELS = {"work_sought": "work_sought", "business_name": "business", "hiring_role": "hiring_role"}


def _about_lines(content: Content, body: Mapping[str, Any]) -> list[str]:
    about = body.get("about") or {}
    return [
        f"{content.message('summary_' + label)}: {about[key]}" for key, label in ABOUT_LABELS.items() if about.get(key)
    ]


def summary_text(content: Content, body: Mapping[str, Any]) -> str:
    """The full summary for web chat, Telegram and the staff pages, with the participant's own words."""
    lines = [
        content.message("summary_title"),
        *_about_lines(content, body),
        f"{content.message('summary_strengths')}: {_names(content, body, 'strength', False)}",
        f"{content.message('summary_stressors')}: {_names(content, body, 'stressor', False)}",
        *_rated_lines(content, body, short=False),
        f"{content.message('summary_priorities')}: {_priority_names(content, body, False)}",
        "",
    ]
    for factor in body["factors"]:
        label = f"({factor['rating_label']})" if factor["rating_label"] else content.message("summary_skipped")
        words = (
            factor["reflection"]
            if factor["reflection"] is not None
            else content.message("summary_skipped" if factor["reflection_skipped"] else "summary_not_answered")
        )
        lines.append(f"{factor['name']} {label}: {words}")
    barriers = (body.get("about") or {}).get("barriers")
    if barriers:
        lines.append(f"{content.message('summary_barriers')}: {barriers}")
    lines += ["", *(line for line in (_scale_line(content, body, s) for s in ("clarity", "confidence")) if line)]
    if body.get("closing"):
        lines.append(f"{content.message('summary_closing')}: {body['closing']}")
    return "\n".join(lines)


def sms_summary_text(content: Content, body: Mapping[str, Any], *, link: str, limit: int = SMS_SUMMARY_LIMIT) -> str:
    """The summary by SMS: the overview, the skipped factors, each reflection in full and the link to keep it; when
    the reflections do not fit in ``limit``, the overview and the link only. A reflection is never cut.

    ``limit`` is in GSM-7 septets; when the words need UCS-2 (ê, ç, œ) the summary may take twice the segments.
    """
    lines = [
        content.message("summary_title"),
        f"{content.message('summary_strengths')}: {_names(content, body, 'strength', True)}",
        f"{content.message('summary_stressors')}: {_names(content, body, 'stressor', True)}",
        *_rated_lines(content, body, short=True),
        f"{content.message('summary_priorities')}: {_priority_names(content, body, True)}",
    ]
    skipped = [f["short_name"] for f in body["factors"] if not f["rating"] and not f["reflection"]]
    if skipped:
        lines.append(f"{content.message('summary_skipped_factors')}: {', '.join(skipped)}")
    head = gsm7.to_sms("\n".join(lines))
    words = "".join(
        f"\n{factor['short_name']}: " + " ".join(gsm7.to_sms(factor["reflection"]).split())
        for factor in body["factors"]
        if factor["reflection"]
    )
    keep = "\n" + gsm7.to_sms(content.message("keep_link", link=link))
    full = head + words + keep
    if gsm7.is_gsm7(full):
        fits = gsm7.septets(full) <= limit
    else:
        fits = len(full.encode("utf-16-le")) // 2 <= 2 * (limit // gsm7.MULTI_SEGMENT) * UCS2_MULTI_SEGMENT
    return full if fits else head + keep
