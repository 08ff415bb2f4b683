"""Facts stated in a free-text reflection (pay figures, schedule and place terms, refused terms), English and French."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

SCHEDULE_TERMS = ("days", "evenings", "nights", "weekends", "weekdays", "part_time", "full_time", "flexible", "shifts", "seasonal")  # fmt: skip
PLACE_TERMS = ("remote", "on_site", "hybrid", "near_home", "transit", "driving")
PAY_UNITS = ("hour", "week", "month", "year")
_WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class Pay:
    """One pay figure: dollars per unit, a minimum, maximum or exact figure, and the top of a range."""

    amount: float
    unit: str
    bound: str
    upper: float | None = None


@dataclass(frozen=True)
class Facts:
    """What a reflection states: pay figures in order, terms wished for, and terms refused (the ``_not`` fields)."""

    pay: tuple[Pay, ...] = ()
    schedule: frozenset[str] = frozenset()
    place: frozenset[str] = frozenset()
    schedule_not: frozenset[str] = frozenset()
    place_not: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """True when the text states no pay figure and no term, wished for or refused."""
        return not (self.pay or self.schedule or self.place or self.schedule_not or self.place_not)


def pay_per_hour(pay: Pay, hours_per_week: float = 37.5) -> float:
    """The figure in dollars per hour (a range by its lower end), to compare an offer with a need."""
    per_week = {"hour": hours_per_week, "week": 1.0, "month": 12 / _WEEKS_PER_YEAR, "year": 1 / _WEEKS_PER_YEAR}
    if pay.unit not in per_week:
        raise ValueError(f"unknown pay unit {pay.unit!r}")
    return pay.amount * per_week[pay.unit] / hours_per_week


# ---------------------------------------------------------------- normalising
_SPACES = str.maketrans("\u00a0\u202f\u2009\u2019\u2018\u2013\u2014", "   ''--")  # odd spaces, quotes, dashes
# "45 000 $", "42 000 $ par année": French thousands grouped by spaces, joined when money follows.
_SPACED_THOUSANDS = re.compile(
    r"(?<![\d.])(\d{1,3})((?: \d{3})+)(?!\d)(?=\s*(?:\$|k\b|dollars?|piasses?|par\s|/|per\b|a\s+(?:year|month|week)))"
)
_COMMA_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "$52,000" -> "$52000"
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d{1,2}(?!\d))")  # "16,50 $" -> "16.50 $"
_ANYTHING_BUT = re.compile(r"\b(?:anything|everything|all)\s+but\b")  # "anything but nights" refuses nights


def _normalise(text: str) -> str:
    """Lower case, accents folded ("année" -> "annee"), apostrophes and spaces straightened, numbers unified."""
    text = unicodedata.normalize("NFD", text.translate(_SPACES).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    text = _DECIMAL_COMMA.sub(".", _COMMA_THOUSANDS.sub("", text))
    return _ANYTHING_BUT.sub("except", text)


# ---------------------------------------------------------------- pay
# A number not inside a word, a clock time ("8:30") or a fraction ("24/7"), with its "k" ("45k").
_NUMBER = re.compile(r"(?<![\w.:/])(\d+(?:\.\d+)?)(?:\s*(k)\b)?(?![\d:])")
# Between the two numbers of a range: "18-20", "$18 - $20", "17 to 19", "17 a 19"; "and"/"et" only after "between".
_RANGE_GAP = re.compile(r"\s*\$?\s*(?:-|to|a|and|et)\s*\$?\s*")
_BETWEEN = re.compile(r"\b(?:between|entre)\s*\$?\s*$")
_CURRENCY_BEFORE = re.compile(r"\$\s*$")
_CURRENCY_AFTER = re.compile(r"\s*(?:\$|dollars?\b|bucks\b|piasses?\b|piastres?\b|cad\b)")
# The pay unit right after the figure (and its currency): "/hr", "$18ph", "an hour", "de l'heure", "par année".
_UNIT_WORDS = {
    "hour": r"/\s*(?:hr|hour|h|heure)\b|p/?h\b|(?:per|an?)\s+h(?:ou)?r\b|hourly\b"
    r"|hr\b(?!\s*(?:shift|day|week))|(?:de\s+|a\s+)?l'\s*(?:heure|hr?)\b|(?:par|de|a)\s+heure\b",
    "week": r"/\s*(?:wk|week|sem|semaine)\b|(?:per|a|an|every)\s+week\b|weekly\b|par\s+semaine\b",
    "month": r"/\s*(?:mo|month|mois)\b|(?:per|a|every)\s+month\b|monthly\b|par\s+mois\b",
    "year": r"/\s*(?:yr|year|an|annee)\b|(?:per|a|an|every)\s+y(?:ea)?r\b|yearly\b|annually\b|per\s+annum\b"
    r"|par\s+(?:annee|an)\b|annuel\w*",
}
_UNITS = tuple((unit, re.compile(rf"\s*(?:{words})")) for unit, words in _UNIT_WORDS.items())
# Nouns that make a bare number something else: "40 hours", "2 years", "3 kids", "30 min", "8h", "50 lbs", "4%".
_NOT_PAY_NOUN = re.compile(
    r"\s*(?:hours?|hrs?|h\b|heures?|years?|yrs?|ans?\b|yo\b|kids?|children|enfants?|days?|jours?|weeks?|semaines?"
    r"|months?|mois\b|mins?\b|minutes?|people|ppl|customers|clients|employees|staff|shifts?|quarts?|times|fois|lbs?\b|pounds"
    r"|kg\b|km\b|%|am\b|pm\b|a\.m|p\.m|o'?clock|percent|pour\s*cent|x\b)"
)
# Bound said just before the figure, tried in order ("no less than" before "less than"). Strong ones alone make a
# bare number a pay figure ("min 20"); weak ones ("over 50") need a currency, unit or pay word too. "below" is a
# minimum after a negation ("don't want to go lower than 20"), else a maximum.
_BOUND_WORDS = (
    ("max", True, r"(?:no|not)\s+more\s+than|pas\s+plus\s+(?:de|que)"),
    ("min", True, r"(?:no|not)\s+(?:less|lower)\s+than|pas\s+moins\s+(?:de|que)"),
    ("min", True, r"at\s*least|a\s+minimum\s+of|minimum(?:\s+of|\s+de)?|min\.?|au\s+(?:moins|minimum)"),
    ("max", True, r"up\s*to|at\s+most|a\s+maximum\s+of|maximum(?:\s+of|\s+de)?|max\.?"),
    ("max", True, r"jusqu'?\s*a|au\s+(?:plus|maximum)"),
    ("min", False, r"over|more\s+than|above|upwards\s+of|plus\s+(?:de|que)"),
    ("below", True, r"lower\s+than|less\s+than|under|below|en\s+bas\s+de|moins\s+(?:de|que)"),
)
_BOUND_BEFORE = tuple((bound, strong, re.compile(rf"\b(?:{words})\s*$")) for bound, strong, words in _BOUND_WORDS)
# Bound said after the figure: "18/hr minimum", "15$ de l'heure c'est le minimum", "$18.50 or more", "50k+".
_BOUND_AFTER = re.compile(
    r"\s*,?\s*(?:(?:c'est|is|that's)\s+(?:the\s+|le\s+|my\s+|mon\s+)?)?"
    r"(?:(?P<min>minimum|or\s+(?:more|higher|above|better)|and\s+up|ou\s+plus|et\s+plus|at\s+least|au\s+moins|no\s+less)"
    r"|(?P<max>maximum|or\s+less|ou\s+moins|tops|at\s+most|au\s+plus)|(?P<abbr_min>min\b|\+)|(?P<abbr_max>max\b))"
)
_PAY_WORD = re.compile(
    r"\b(?:pay(?:s|ing)?|paid|wages?|salary|rate|mak(?:e|ing)|made|earn\w*|gagn\w*|salaire|payons|paye|taux)\b"
)
_EXPENSE = re.compile(
    r"\b(?:rent|(?:day|child)care|bills?|mortgage|gas|groceries|loyer|garderie|hypotheque|epicerie|costs?)\b"
)
_EXPENSE_AFTER = re.compile(r"\s*(?:\w+\s+){0,2}?(?:bonus|prime|for\s+rent|in\s+rent|de\s+loyer)\b")
_NEGATION_NEAR = re.compile(r"\b(?:no|not|never|pas|jamais)\b|n'?t\b")


def _guess_unit(amount: float) -> str:
    """The unit of a figure given without one: small figures are hourly, large ones yearly."""
    if amount < 200:
        return "hour"
    if amount < 1000:
        return "week"
    return "month" if amount < 10000 else "year"


def _unit(after: str) -> tuple[Optional[str], str]:
    """The pay unit at the start of ``after`` (None when unstated) and the text after it."""
    for name, pattern in _UNITS:
        match = pattern.match(after)
        if match:
            return name, after[match.end() :]
    return None, after


def _bound_before(before: str) -> tuple[Optional[str], bool]:
    """The bound said just before a figure and whether it is strong enough to make a bare number pay."""
    for bound, strong, pattern in _BOUND_BEFORE:
        match = pattern.search(before)
        if match and bound == "below":  # "kids under 5" is no pay figure, "not lower than 20" is
            negated = bool(_NEGATION_NEAR.search(before[max(0, match.start() - 30) : match.start()]))
            return ("min", True) if negated else ("max", False)
        if match:
            return bound, strong
    return None, False


def _words_before(text: str, end: int, count: int) -> str:
    """The last ``count`` words before ``end``, within the clause."""
    clause = _BOUNDARY.split(text[max(0, end - 120) : end])[-1]
    return " ".join(clause.split()[-count:])


def _value(number: re.Match[str]) -> float:
    return float(number.group(1)) * (1000 if number.group(2) else 1)


def _range(text: str, first: re.Match[str], second: Optional[re.Match[str]]) -> Optional[tuple[float, float]]:
    """The two ends when ``first`` and ``second`` write a range ("18-20", "45-50k", "between 20 and 22"), else None."""
    if second is None:
        return None
    gap = text[first.end() : second.start()]
    if not _RANGE_GAP.fullmatch(gap):
        return None
    if gap.strip(" $") in ("and", "et") and not _BETWEEN.search(text[max(0, first.start() - 40) : first.start()]):
        return None
    low, top = _value(first), _value(second)
    if second.group(2) and not first.group(2) and low * 1000 < top:
        low *= 1000  # "45-50k"
    return (low, top) if top > low else None


def _pay_at(text: str, first: re.Match[str], last: re.Match[str], ends: Optional[tuple[float, float]]) -> Optional[Pay]:
    """The pay figure written from ``first`` to ``last`` (one number or a range), or None when it is something else."""
    before, after = text[max(0, first.start() - 60) : first.start()], text[last.end() :]
    currency = bool(_CURRENCY_BEFORE.search(before))
    money = _CURRENCY_AFTER.match(after)
    if money:
        currency, after = True, after[money.end() :]
    unit, after = _unit(after)
    kilo = bool(first.group(2) or last.group(2))
    if not (currency or unit or kilo) and _NOT_PAY_NOUN.match(after):
        return None
    bound, strong = _bound_before(before.rstrip(" $"))
    post = _BOUND_AFTER.match(after)
    if post and bound is None:
        bound = "min" if post.group("min") or post.group("abbr_min") else "max"
        strong = bool(post.group("min") or post.group("max"))
    context = _words_before(text, first.start(), 4)
    if not (currency or unit or kilo or strong or _PAY_WORD.search(context)):
        return None
    if _EXPENSE.search(context) or _EXPENSE_AFTER.match(after):
        return None
    amount, upper = ends if ends else (_value(first), None)
    return Pay(amount, unit or ("year" if kilo else _guess_unit(amount)), bound or "exact", upper)


def _pay_figures(text: str) -> tuple[Pay, ...]:
    """Every pay figure in the normalised text, in order."""
    numbers = list(_NUMBER.finditer(text))
    found: list[Pay] = []
    index = 0
    while index < len(numbers):
        first = last = numbers[index]
        ends = _range(text, first, numbers[index + 1] if index + 1 < len(numbers) else None)
        if ends:
            index += 1
            last = numbers[index]
        index += 1
        pay = _pay_at(text, first, last, ends)
        if pay:
            found.append(pay)
    return tuple(found)


# ---------------------------------------------------------------- schedule and place terms
# Clause limits for negation scope: punctuation and the words that start another thought.
_BOUNDARY = re.compile(
    r"[.!?;,:()\n]|\b(?:but|mais|so|because|since|though|tho|however|although|donc|parce|pcq|alors|sinon)\b"
)
# A refusal before the term: "no nights", "can't do weekends", "pas de soirs", "j'ai pas de char", "sans", "sauf",
# and an end to it: "I need to stop working nights", "no more weekends", "arrêter les nuits".
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|except|cannot|unable|avoid|hate|pas|ni|jamais|sans|sauf|aucune?)\b"
    r"|\b(?:stop|quit|arreter|arrete)\b|\b(?:no\s+more|tired\s+of|done\s+with|fini\s+les)\b"
    r"|\b(?:can|don|won|isn|aren|doesn|didn|couldn|wouldn|shouldn|haven|hasn|ain)'?t\b|\b(?:rather|prefer)\s+not\b"
)
# Negative words that say yes: "don't mind weekends", "no problem with evenings", "ça me dérange pas".
_NEUTRAL = re.compile(
    r"\bdon'?t\s+mind\b|\bnot?\s+(?:a\s+)?(?:problem|issue|worries)\b|\bnot\s+(?:just|only)\b"
    r"|\bpas\s+de\s+(?:probleme|souci)\b|\bderange\s+pas\b"
)
# A refusal after the term: "remote is not an option", "evenings are hard", "nights don't work for me".
_NEGATION_AFTER = re.compile(
    r"\s*(?:is|are|'s|r)\s+out\b"  # "nights are out", never "nights are flat out" (busy)
    r"|\s*(?:\w+\s+){0,2}?(?:(?:is|are|'s|r)\s+)?(?:not\s+(?:possible|an?\s+option|for\s+me|ok(?:ay)?|doable|available)\b"
    r"|impossible\b|hard\b|tough\b|difficult\b|difficile\b|a\s+no\b"
    r"|(?:do|does|is|are|wo|ca)\s*n'?t\b(?!\s+(?:bother|matter|mind|scare))"  # "doesn't come", not "don't bother me"
    r"|(?:ca\s+)?(?:marche|passe|va)\s+pas\b|(?:c'est\s+)?pas\s+possible\b|c'est\s+non\b)"
)
# Words before a term that make it something else: "2 days", "a few days", "par jour", "un jour", "last night".
_COUNTED = re.compile(
    r"(?:\d|\b(?:a|one|two|three|four|five|few|couple|several|some|most|the|par|un|quelques?|bon"
    r"|sick|vacation|holiday|personal|paid|stat|statutory|family|conges?|maladie))\s*$"
)  # ... and days of leave: "paid sick days", "vacation days"
_NOT_THAT_NIGHT = re.compile(r"\b(?:last|good|bonne|cette|one)\s*$")
# "2 days in office", "2-3 jours a la maison" describe hybrid work, not remote or on-site work.
_PART_OF_WEEK = re.compile(r"\d+(?:\s*-\s*\d+)?\s*(?:days?|jours?)(?:\s+a\s+week|\s+par\s+semaine)?\s*(?:\w+\s*)?$")

# Each term's words (English | French), tried in this order; earlier ones claim their words ("proche de la maison"
# is near home before "de la maison" can say remote; "fin de semaine" is weekends before weekdays look).
_WORDS: dict[str, str] = {
    "near_home": (
        r"close\s+to\s+(?:home|my\s+(?:home|house|place))|near\s+(?:home|my\s+(?:home|house|place)|where\s+i\s+live)"
        r"|close\s+by|nearby|walking\s+distance|walk(?:able)?\s+to\s+work|in\s+my\s+(?:area|town|neighbou?rhood)"
        r"|(?:proche|pres)\s+de\s+(?:chez\s+(?:moi|nous)|la\s+maison)|dans\s+(?:mon|le)\s+coin"
        r"|a\s+distance\s+de\s+marche"
    ),
    "remote": (
        r"remote\w*|(?:work(?:ing)?\s+)?from\s+home|work(?:ing)?\s+at\s+home|wfh|home[\s-]based"
        r"|tele-?(?:work|commut|travail)\w*|a\s+(?:distance|domicile)|(?:de|a)\s+la\s+maison"
    ),
    "on_site": r"on[\s-]?site|in[\s-]person|(?:in|at)\s+(?:the\s+)?office|sur\s+(?:place|le\s+site)|en\s+personne|au\s+bureau",
    "hybrid": r"hybri\w*",
    "transit": r"bus(?:es|ses)?|transit|ferry|public\s+transport\w*|autobus|transports?\s+(?:en\s+commun|publics?)",
    "driving": (
        r"driv(?:e|es|ing|er|ers)(?!\s+me\b)|car|carpool\w*|vehicle|class\s*5|driver'?s?\s+licen[cs]e"
        r"|char|voiture|auto|conduire|permis(?!\s+(?:de\s+)?(?:travail|etude|ouvert))"
    ),
    "weekends": r"week[\s-]?ends?|(?:satur|sun)days?|fins?\s+de\s+semaines?|(?:samedi|dimanche)s?",
    "weekdays": (
        r"weekdays?|mon(?:day)?\s*(?:-|to|thru|through)\s*fri(?:day)?|m-f"
        r"|lundi\s*(?:au|a|-)\s*vendredi|en\s+semaine|jours?\s+de\s+semaine"
    ),
    "days": (
        r"days(?!\s*(?:a|per|/)\s*week|\s+(?:off|on|in|from|ago)\b)|day(?=\s*-?\s*shifts?\b)|day\s*time"
        r"|9\s*(?:to|-|a)\s*5|nine\s+to\s+five|jour"
    ),
    "evenings": r"evenings?|eves|soir(?:s|ee|ees)?",
    "nights": r"(?:over)?nights?|graveyard|nuits?",
    "part_time": r"part[\s-]?time|p/t|(?:temps\s+)?partiel",
    "full_time": r"full[\s-]?time|f/t|temps\s+plein|plein\s+temps",
    "flexible": r"flex\w*",
    "shifts": r"shifts?|rotating|rotation|quarts?(?!\s+d'heure)",
    "seasonal": r"seasonal\w*|summer\s+(?:job|only|work)|saisonni\w*|(?:emploi|job)\s+d'ete",
}
_UNLESS_AFTER = {"remote": _PART_OF_WEEK, "on_site": _PART_OF_WEEK, "days": _COUNTED, "nights": _NOT_THAT_NIGHT}
_TERMS = tuple(
    ("place" if term in PLACE_TERMS else "schedule", term, re.compile(rf"\b(?:{words})\b"), _UNLESS_AFTER.get(term))
    for term, words in _WORDS.items()
)


def _refused(text: str, start: int, end: int) -> bool:
    """True when the term at text[start:end] is refused or unavailable, by a word before it or a phrase after it."""
    window = " ".join(_BOUNDARY.split(text[max(0, start - 120) : start])[-1].split()[-6:])
    if _NEGATION.search(_NEUTRAL.sub(" ", window)):
        return True
    return bool(_NEGATION_AFTER.match(_BOUNDARY.split(text[end : end + 120])[0]))


def _terms(text: str) -> dict[str, set[str]]:
    """The schedule and place terms wished for ("schedule", "place") and refused ("schedule_not", "place_not")."""
    found: dict[str, set[str]] = {"schedule": set(), "place": set(), "schedule_not": set(), "place_not": set()}
    claimed: list[tuple[int, int]] = []
    for field, term, pattern, unless_after in _TERMS:
        for match in pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e in claimed):
                continue
            if unless_after is not None and unless_after.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            claimed.append(match.span())
            found[f"{field}_not" if _refused(text, *match.span()) else field].add(term)
    for field in ("schedule", "place"):
        found[field] -= found[f"{field}_not"]  # a term refused anywhere is not also a wish
    return found


def extract_facts(text: str, language: str = "en") -> Facts:
    """The facts a reflection states. Both languages' words apply to every text (texts mix them, as Chiac does);
    ``language`` is accepted for the caller's record and does not change the reading."""
    norm = _normalise(text)
    terms = _terms(norm)
    return Facts(
        pay=_pay_figures(norm),
        schedule=frozenset(terms["schedule"]),
        place=frozenset(terms["place"]),
        schedule_not=frozenset(terms["schedule_not"]),
        place_not=frozenset(terms["place_not"]),
    )
