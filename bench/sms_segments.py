"""SMS segments a complete activity costs per role and language, against the 30 (English) and 40 (French) targets."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.channels.sms.compose import SEPARATOR
from bot.cli.sms import SEGMENT_TARGET
from bot.content import gsm7
from bot.devtools.sms_sandbox import start_sandbox
from bot.store.channel_records import segments_used
from bot.store.db import dispose_all, session_scope

CHANNEL = "twilio_sms"
FRENCH_SEGMENT_TARGET = 40  # issue 14: French needs accents GSM-7 lacks (ê, ç) in some texts
ROLES = {"work seeker": "Looking for work", "employer": "Hiring"}
ROLES_FR = {"work seeker": "Je cherche du travail", "employer": "J'embauche"}
# Realistic reflections (about a tweet each): they feed the condensed SMS summary, the longest reply.
REFLECTIONS = [
    "Fixing small engines and customer service. I also like training new people on the floor.",
    "About 30 hours a week. Enough challenge to learn, not so much that I burn out again.",
    "At least $20 an hour, a health plan for my kids and some paid sick days.",
    "Day shifts near the bus line, and I need to stop working nights because of childcare.",
    "Honesty, being treated fairly and a boss who keeps their word.",
    "A team that says hello, answers questions without judging and checks in the first weeks.",
]


# The same reflections as a Francophone Nova Scotian would text them, accents included (ê and ç are not GSM-7).
REFLECTIONS_FR = [
    "Réparer des petits moteurs et le service à la clientèle. J'aime aussi former les nouveaux sur le plancher.",
    "Environ 30 heures par semaine. Assez de défi pour apprendre, pas au point de m'épuiser encore.",
    "Au moins 20 $ de l'heure, une assurance santé pour mes enfants et des congés de maladie payés.",
    "Des quarts de jour près de l'autobus; je dois arrêter les nuits à cause de la garde des enfants.",
    "L'honnêteté, être traité équitablement et un patron qui tient parole.",
    "Une équipe qui dit bonjour, répond aux questions sans juger et fait un suivi les premières semaines.",
]


# Half the answers state their rating in their words (one question per factor); the others get the rating question,
# answered by number.
STATED = {
    "en": ("Strength: ", None, "A bit of both. ", None, "Strength. ", None),
    "fr": ("Force : ", None, "Un peu des deux. ", None, "C'est une force. ", None),
}
RATING_NUMBERS = {1: "2", 3: "2", 5: "4"}  # stressor, stressor, not sure
ABOUT = {
    "en": {"work_seeker": ["Warehouse or delivery driver"], "employer": ["Harbour Diner", "Line cook, part time"]},
    "fr": {"work_seeker": ["Cariste ou livreur"], "employer": ["Resto du Quai", "Cuisinier, temps partiel"]},
}
AFTER = {
    "en": {
        "work_seeker": ["3 4", "No car yet, I take the bus", "4", "4", "I know now what I need and what to ask"],
        "employer": ["3 4", "4", "I see why people left, and what to put in the ad"],
    },
    "fr": {
        "work_seeker": ["3 4", "Pas de char, je prends l'autobus", "4", "4", "Je sais mieux ce que je cherche"],
        "employer": ["3 4", "4", "Je vois mieux quoi mettre dans l'annonce"],
    },
}
CLOSING = {"en": ["1", "1", "Yes, after 3 is best", "1"], "fr": ["1", "1", "Oui, après 15 h", "1"]}


def activity(role_label: str, language: str = "en", role: str = "work_seeker") -> list[str]:
    """Every text a participant sends to do the whole activity, share the summary, say how to reach them (this
    number) and answer the research question."""
    texts = ["hi", "yes", role_label, "2"] if language == "en" else ["Bonjour", "oui", role_label, "2"]
    if role == "work_seeker":
        texts.append("3")  # sure of a good match
    texts += ABOUT[language][role]
    for index, reflection in enumerate(REFLECTIONS if language == "en" else REFLECTIONS_FR):
        stated = STATED[language][index]
        texts.append(f"{stated}{reflection}" if stated else reflection)
        if not stated:
            texts.append(RATING_NUMBERS[index])
    return texts + AFTER[language][role] + CLOSING[language]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mf-sms-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bot.sqlite3'}"
        print("Starting a private bot with the SMS channel and a local fake Twilio API ...", flush=True)
        sandbox = start_sandbox(database_url, workdir=Path(tmp))
        rows = []
        try:
            runs = [(role, label, "en") for role, label in ROLES.items()] + [
                (role, label, "fr") for role, label in ROLES_FR.items()
            ]
            for number, (role, label, language) in enumerate(runs, start=1):
                phone = sandbox.phone(f"+1902555{number:04d}")
                texts = activity(label, language, role.replace(" ", "_"))
                bodies = [body for text in texts for body in phone.text(text)]
                with session_scope(database_url) as session:
                    recorded = segments_used(session=session, channel=CHANNEL, external_id=phone.number)
                sent = sum(gsm7.segments(b) for b in bodies)
                parts = [part for b in bodies for part in b.split(SEPARATOR)]
                separately = (len(parts), sum(gsm7.segments(part) for part in parts))
                ucs2 = sum(1 for b in bodies if not gsm7.is_gsm7(b))
                rows.append(
                    (
                        role,
                        language,
                        len(texts),
                        len(bodies),
                        ucs2,
                        recorded,
                        sent,
                        separately,
                        max(len(b) for b in bodies),
                    )
                )
        finally:
            sandbox.stop()
            dispose_all()
    print(
        f"\nSMS segments for one complete activity (targets: English {SEGMENT_TARGET}, French {FRENCH_SEGMENT_TARGET} outgoing segments or fewer)\n"
    )
    print(
        f"{'role':<12} {'lang':<4} {'texts in':>8} {'SMS out':>7} {'UCS-2':>5} {'segments':>8} {'target':>6} {'unjoined SMS/segments':>22} {'longest':>7}  result"
    )
    failed = False
    for role, language, texts_in, bodies, ucs2, recorded, sent, separately, longest in rows:
        target = SEGMENT_TARGET if language == "en" else FRENCH_SEGMENT_TARGET
        ok = recorded <= target and recorded == sent
        failed |= not ok
        note = "OK" if ok else ("OVER TARGET" if recorded > target else f"RECORDED {recorded} != SENT {sent}")
        unjoined = f"{separately[0]}/{separately[1]}"
        print(
            f"{role:<12} {language:<4} {texts_in:>8} {bodies:>7} {ucs2:>5} {recorded:>8} {target:>6} {unjoined:>22} {longest:>7}  {note}"
        )
    print("\nsegments: recorded in outbound_messages (equal to the segments of the bodies the fake Twilio received);")
    print("unjoined: the same replies sent one bot message per SMS; longest: characters of the longest body;")
    print(
        "UCS-2: bodies that keep a letter GSM-7 lacks (the participant's ê or ç, or the word français), never stripped."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
