"""A scripted complete activity in French per role, with the French questions the bot is expected to ask."""

from __future__ import annotations

from bot.content import load_content
from tests.support.activity import ScriptedTurn

# Reflections in French, with request-like words and accents: every one is an answer, kept verbatim.
REFLECTIONS_FR = {
    "work_seeker": {
        "skills": "Je sais conduire un chariot élévateur, pis je parle anglais et français",
        "capacity": "Je veux arrêter de travailler de nuit, 30 heures max",
        "pay": "De l'aide pour la garde des enfants, au moins 20 $ de l'heure",
        "arrangements": "De jour seulement, près de l'autobus",
        "values": "Le respect pis l'honnêteté",
        "culture": "Une place où je peux poser des questions sans être jugée",
    },
    "employer": {
        "skills": "Permis de conduire dès le premier jour; on montre le reste",
        "capacity": "Ça brasse les fins de semaine, mais un collègue accompagne chaque nouveau",
        "pay": "17 $ de l'heure plus les pourboires, repas gratuits",
        "arrangements": "On peut pas changer les quarts de fin de semaine",
        "values": "La fiabilité, le soin des clients",
        "culture": "Entreprise familiale, tout le monde donne un coup de main",
    },
}
RATINGS = {"skills": "1", "capacity": "2", "pay": "3", "arrangements": "2", "values": "1", "culture": "3"}
RATING_VALUES = {"1": "strength", "2": "stressor", "3": "both"}


def french_script(role: str) -> list[ScriptedTurn]:
    """Every turn of a complete French activity for ``role``, from "Bonjour" to the handoff."""
    content = load_content("fr")
    role_label = next(o.label for o in content.step("role").options if o.value == role)
    turns = [
        ScriptedTurn("Bonjour", "consent"),
        ScriptedTurn("oui", "role", "yes"),
        ScriptedTurn(role_label, "clarity_before", role),
        ScriptedTurn("2", "skills_rating", "2"),
    ]
    factors = ["skills", "capacity", "pay", "arrangements", "values", "culture"]
    for i, factor in enumerate(factors):
        turns.append(ScriptedTurn(RATINGS[factor], f"{factor}_reflection", RATING_VALUES[RATINGS[factor]]))
        turns.append(
            ScriptedTurn(
                REFLECTIONS_FR[role][factor], f"{factors[i + 1]}_rating" if i + 1 < len(factors) else "priorities"
            )
        )
    turns += [
        ScriptedTurn("3 4", "clarity_after", "pay,arrangements"),
        ScriptedTurn("4", "review", "4"),
        ScriptedTurn("1", "share", "yes"),
        ScriptedTurn("Oui", None, "yes"),
    ]
    return turns
