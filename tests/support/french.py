"""A scripted complete activity in French per role, with the French questions the bot is expected to ask."""

from __future__ import annotations

from bot.content import load_content
from tests.support.activity import ScriptedTurn

FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
# Reflections in French, with request-like words and accents: every one is an answer, kept verbatim. Three state
# their rating in words (first or last part), the other three get the rating question.
REFLECTIONS_FR = {
    "work_seeker": {
        "skills": "Force : je sais conduire un chariot élévateur, pis je parle anglais et français",
        "capacity": "Je veux arrêter de travailler de nuit, 30 heures max",
        "pay": "De l'aide pour la garde des enfants, au moins 20 $ de l'heure. Un peu des deux",
        "arrangements": "De jour seulement, près de l'autobus",
        "values": "Le respect pis l'honnêteté. C'est une force",
        "culture": "Une place où je peux poser des questions sans être jugée",
    },
    "employer": {
        "skills": "Force - permis de conduire dès le premier jour; on montre le reste",
        "capacity": "Ça brasse les fins de semaine, mais un collègue accompagne chaque nouveau",
        "pay": "17 $ de l'heure plus les pourboires, repas gratuits. Un peu des deux",
        "arrangements": "On peut pas changer les quarts de fin de semaine",
        "values": "La fiabilité, le soin des clients. C'est une force",
        "culture": "Entreprise familiale, tout le monde donne un coup de main",
    },
}
ASKED = {"capacity": "2", "arrangements": "2", "culture": "4"}  # the rating question's reply, by number
RATINGS = {
    "skills": "strength",
    "capacity": "stressor",
    "pay": "both",
    "arrangements": "stressor",
    "values": "strength",
    "culture": "unsure",
}
ABOUT_FR = {
    "work_seeker": {
        "work_sought": "Cariste ou livreur",
        "barriers": "Pas de char, je prends l'autobus",
        "closing_reflection": "Je sais mieux quoi demander en entrevue",
    },
    "employer": {
        "business_name": "Resto du Quai",
        "hiring_role": "Cuisinier, temps partiel",
        "closing_reflection": "Je vois mieux quoi mettre dans l'annonce",
    },
}


def french_script(role: str) -> list[ScriptedTurn]:
    """Every turn of a complete French activity for ``role``, from "Bonjour" to the handoff."""
    content = load_content("fr")
    role_label = next(o.label for o in content.step("role").options if o.value == role)
    about = ABOUT_FR[role]
    turns = [ScriptedTurn("Bonjour", "consent"), ScriptedTurn("oui", "role", "yes")]
    if role == "work_seeker":
        turns += [
            ScriptedTurn(role_label, "clarity_before", role),
            ScriptedTurn("2", "confidence_before", "2"),
            ScriptedTurn("3", "work_sought", "3"),
            ScriptedTurn(about["work_sought"], "skills_reflection"),
        ]
    else:
        turns += [
            ScriptedTurn(role_label, "clarity_before", role),
            ScriptedTurn("2", "business_name", "2"),
            ScriptedTurn(about["business_name"], "hiring_role"),
            ScriptedTurn(about["hiring_role"], "skills_reflection"),
        ]
    for i, factor in enumerate(FACTORS):
        following = f"{FACTORS[i + 1]}_reflection" if i + 1 < len(FACTORS) else "priorities"
        if factor in ASKED:
            turns.append(ScriptedTurn(REFLECTIONS_FR[role][factor], f"{factor}_rating"))
            turns.append(ScriptedTurn(ASKED[factor], following, RATINGS[factor]))
        else:
            turns.append(ScriptedTurn(REFLECTIONS_FR[role][factor], following))
    if role == "work_seeker":
        turns += [
            ScriptedTurn("3 4", "barriers", "pay,arrangements"),
            ScriptedTurn(about["barriers"], "clarity_after"),
            ScriptedTurn("4", "confidence_after", "4"),
            ScriptedTurn("4", "closing_reflection", "4"),
        ]
    else:
        turns += [
            ScriptedTurn("3 4", "clarity_after", "pay,arrangements"),
            ScriptedTurn("4", "closing_reflection", "4"),
        ]
    turns += [
        ScriptedTurn(about["closing_reflection"], "review"),
        ScriptedTurn("1", "share", "yes"),
        ScriptedTurn("Oui", None, "yes"),
    ]
    return turns
