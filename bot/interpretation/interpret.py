"""One message plus the current step in, a Decision out: request, question, aside, answer, or "check first"."""

from __future__ import annotations

import re
from typing import Optional

from bot.content.model import Content, Option, Step
from bot.content.step_rules import INVITABLE_REQUESTS
from bot.interpretation import matching
from bot.interpretation.commands import detect_command, forms
from bot.interpretation.decision import (
    ANSWER,
    ASIDE,
    CONFIRM_ANSWER,
    CONFIRM_OPTION,
    CONFIRM_REQUEST,
    QUESTION,
    REQUEST,
    THANKS,
    UNCLEAR,
    Decision,
)
from bot.interpretation.intents import ASIDE_INTENTS, QUESTION_INTENTS, REQUEST_INTENTS, THANKS_INTENT
from bot.interpretation.nlu import NluResult, with_step_prior
from bot.interpretation.numbers import option_number, scale_number
from bot.interpretation.rating_words import rating_in_words
from bot.interpretation.text import normalise, parse_multi

# Consent and sharing: granted only by an unambiguous yes. Anything that hedges is checked first.
STRICT_KINDS = {"consent", "share"}
SHARE_ANSWERS = {"share": "yes", "withdraw": "no"}  # "share it" / "don't share it" at the share question
HEDGES = {
    "but",
    "before",
    "first",
    "question",
    "questions",
    "wait",
    "maybe",
    "later",
    "sec",
    "second",
    "minute",
    "moment",
    "if",
    "who",
    "what",
    "why",
    "how",
    "when",
    "where",
    "which",
    "hold",
    "hang",
    "unless",
    "not",
    "depends",
    "idk",
    "guess",
    "think",
    "probably",
    "perhaps",
    "dunno",
    "hmm",
    "um",
    "uh",
    "kinda",
    "sorta",
}
QUESTION_START = re.compile(
    r"^(?:what|whats|what's|who|whos|who's|why|how|hows|how's|when|where|which|is|are|am|do|does|did|can|could|will|would|should"
    r"|shall|may|r u|are you|is it|is this"
    r"|qu'est-ce|qu'est ce|quest-ce|quest ce|c'est quoi|cest quoi|c quoi|ckoi|koi|quoi|qui|pourquoi|pk|comment|combien|cb|quand|où|quel|quelle"
    r"|que signifie|que veut dire|que veux-tu dire|que voulez-vous dire"
    r"|quels|quelles|est-ce|est ce|estce|ça sert à quoi|ca sert a quoi|peut-on|peux-tu|pouvez-vous|vas-tu|allez-vous|es-tu|êtes-vous"
    r"|etes-vous|y a-t-il|quessé|kessé)\b"
)

CLAUSE_BREAK = re.compile(r"[,.;:!]+|\s[-\u2013\u2014]+\s|\band\b|\bbut\b|\bmais\b")
DISCOURSE = re.compile(
    r"^(?:(?:ok|okay|so|and|wait|sorry|hey|um|uh|hmm|well|also|just|quick question|honestly|roughly|oh"
    r"|ben|bon|pis|alors|donc|attends|désolé|desole|euh|mais|pis là|et)\s+)+"
)
# A question inside a sentence: a question word and an inverted verb ("after this what happens", "ok so do i get a call").
EMBEDDED_QUESTION = re.compile(
    r"\bwhat happens(?:\s+(?:now|next|after|then|if|when|to)\b|$)"
    r"|\b(?:what|who|how|when|where|why|whats|hows)\s+(?:do|does|did|will|would|can|should)\s+(?:i|you|u|we)\b"
    r"|\b(?:do|does|can|will|would|should|could)\s+(?:i|u|you|we|someone|anyone|they)\s+(?:get|have|need|see|know|hear|call|contact|talk|delete|change|skip|stop|keep|go)\b"
    r"|\b(?:is|are)\s+(?:this|u|you)\s+(?:a|an|like|real|really|just|gonna|private|confidential|anonymous)\b"
    r"|\b(?:qu'est[- ]ce qu|est[- ]ce qu|c'est quoi|cest quoi|ça veut dire|ca veut dire|qui va|comment je|comment on|combien de temps)"
)
QUESTION_WORDS = re.compile(
    r"^(?:if\b|explain\b|define\b|tell me\b|si je\b|si on\b|explique|expliquez)"
    r"|\b(?:what does .* mean|means what|meaning|what's that|whats that|veut dire|veux dire|voulez dire|signifie quoi"
    r"|ça signifie|ca signifie|dans le sens de quoi|dans quel sens)\b"
)
# French asks with a verb and its subject pronoun joined by a hyphen ("pouvez-vous", "va-t-il") or with the spoken
# particle "-tu" / "-ti" ("c'est-tu long?", "mon boss va-tu voir ça"); read on the text, where the hyphen is kept.
INVERTED_FRENCH = re.compile(
    r"\b[a-zàâçéèêëîïôûùüÿœ']+-(?:t-)?(?:je|tu|ti|il|elle|on|nous|vous|ils|elles)\b(?!-)", re.IGNORECASE
)
# A question word closing the sentence ("après ça il se passe quoi", "je fais comment") or a wondering opener.
# French often tags the question word ("comme quoi genre", "de quoi au juste", "comment ça").
QUESTION_END = re.compile(
    r"\b(?:quoi|qui|où|comment|combien|quand|pourquoi|quel sens|how come)"
    r"(?:\s+(?:au juste|exactement|genre|donc|là|ça|encore|d'abord))?\s*\??$"
)
# French asks "in place": a verb followed by its questioned object ("ça me donne quoi de faire ça", "ça change quoi").
IN_PLACE_FRENCH = re.compile(
    r"\b(?:donne|donnent|fait|fais|faire|font|sert|servent|change|arrive|passe|veut|veux|voulez)\s+(?:quoi|qui)\b"
    r"|\b(?:sert|servir|avance|mène|aide|donne)\s+(?:à|a)\s+quoi\b"
    r"|\bce que (?:tu veux|vous voulez|ça veut|ca veut) dire\b"
)
# An answer offered with a doubt, often ending in "?": "maybe nights?", "peut-être la paye?".
TENTATIVE = re.compile(
    r"\b(?:maybe|perhaps|probably|i guess|i suppose|peut-être|peut-etre|probablement|sûrement|surement)\b"
)
# A later clause opened by a question word with no inversion is a statement's object, not a question: "I know now
# what to ask", "I see why people left", "and how we hire".
NOUN_CLAUSE = re.compile(
    r"^(?:what|how|why|when|where|who|which)\s+(?:to|i|i'm|im|we|we're|they|people|my|our|the|a|an|it|he|she|you|your"
    r"|this|that|new|staff|workers|employees|someone)\b"
)
WONDERING = re.compile(
    r"^(?:je me demande|j'aimerais savoir|je voudrais savoir|je veux savoir|dites moi|dis moi"
    r"|i wonder|i'd like to know|id like to know|i want to know|i'm curious|im curious)\b"
)

# Free-text steps are biased to "answer": eating a real reflection is worse than asking once.
TEXT_SURE = 0.70  # an intent this sure, in a short message, is what the message is
TEXT_MARGIN = 0.25
TEXT_CHECK = 0.40  # from here, ask "Is that your answer?" rather than save or act
# The longest message each kind is taken as at a free-text step; longer ones are checked or saved.
# A request is never taken from the NLU alone at a free-text question ("break times matter" is not a pause):
# only a command phrase acts at once; the NLU's request is offered ("Do you want to pause?").
TEXT_MAX_WORDS = {REQUEST: 0, ASIDE: 8, QUESTION: 16, THANKS: 4}
# Requests the bot offers to carry out when a reply at a free-text question may be one ("Do you want to pause?").
CONFIRMABLE_REQUESTS = INVITABLE_REQUESTS
CHECK_WORDS = 12
TEXT_CHECK_SHORT = 0.25  # a very short reply ("hold on", "u a bot?") is checked on weaker evidence: asking costs little
SHORT_CHECK_WORDS = 4
CHECK_STATEMENT_WORDS = 6
QUESTION_MARK_SURE = 0.90
ANSWER_SURE_DESPITE_QUESTION = 0.90  # "is $20 an hour too much to ask?" is saved at once only when the NLU is this sure  # "maybe something in customer service?" is a question only by its mark: it takes a very sure NLU
# Choice steps: NLU picks an option when sure, proposes it when fairly sure.
CHOICE_SURE = 0.55
CHOICE_MARGIN = 0.20
CHOICE_CHECK = 0.25
STRICT_SURE = 0.80
STRICT_MARGIN = 0.40
STRICT_WORDS = 8
STEP_PRIOR = 2.0  # how much likelier the step's own options are, at a choice step
OTHER_SURE = 0.45  # a request, question or aside at a choice step


def looks_like_question(text: str, norm: str) -> bool:
    """A question mark at the end, or a question in its wording (see ``worded_as_question``)."""
    return text.rstrip().endswith("?") or worded_as_question(text, norm)


def worded_as_question(text: str, norm: str) -> bool:
    """A question word or inverted verb starting a clause ("sorry, are you a bot"), "if ..." / "explain ...", or a French inversion."""
    opened = DISCOURSE.sub("", norm)  # "pis si je dis non", "ok so what now": read past the opener
    if QUESTION_WORDS.search(norm) or QUESTION_WORDS.search(opened) or QUESTION_START.match(opened):
        return True
    if (
        EMBEDDED_QUESTION.search(norm)
        or QUESTION_END.search(norm)
        or IN_PLACE_FRENCH.search(norm)
        or WONDERING.match(opened)
    ):
        return True
    if INVERTED_FRENCH.search(text.replace("\u2019", "'")):
        return True
    clauses = [DISCOURSE.sub("", normalise(c.strip())) for c in CLAUSE_BREAK.split(text.lower()) if c.strip()]
    asked = text.rstrip().endswith("?")
    return any(
        QUESTION_START.match(c) and (asked or index == 0 or not NOUN_CLAUSE.match(c)) for index, c in enumerate(clauses)
    )


def _nlu_other(nlu: NluResult) -> Optional[Decision]:
    """A request, question, aside or thanks from the NLU's best intent, whatever its confidence."""
    intent, confidence = nlu.intent, nlu.confidence
    if intent in REQUEST_INTENTS:
        return Decision(REQUEST, REQUEST_INTENTS[intent], confidence=confidence, reason="nlu")
    if intent in QUESTION_INTENTS:
        return Decision(QUESTION, QUESTION_INTENTS[intent], confidence=confidence, reason="nlu")
    if intent in ASIDE_INTENTS:
        return Decision(ASIDE, ASIDE_INTENTS[intent], confidence=confidence, reason="nlu")
    if intent == THANKS_INTENT:
        return Decision(THANKS, confidence=confidence, reason="nlu")
    return None


def _command(text: str, content: Content) -> Optional[Decision]:
    command = detect_command(text, content)
    if command is None:
        return None
    if command == "thanks":
        return Decision(THANKS, reason="phrase")
    if command == "wait":  # "hang on": an aside, answered kindly, the question kept
        return Decision(ASIDE, ASIDE_INTENTS["aside_wait"], reason="phrase")
    return Decision(REQUEST, command, reason="phrase")


def interpret(text: str, step: Step, nlu: NluResult, content: Content) -> Decision:
    """What ``text`` means at ``step``."""
    norm = normalise(text)
    if step.kind == "text":
        decision = _free_text(text, norm, nlu, content)
        if decision.kind == CONFIRM_REQUEST and decision.value in step.invited_requests:
            # "It helped me see what I bring" at "how has this helped you?": the question's own word, an answer.
            return Decision(ANSWER, confidence=decision.confidence, reason="invited_request_word")
        if (
            step.factor is not None
            and decision.kind in (CONFIRM_ANSWER, QUESTION)
            and not looks_like_question(text, norm)
            and rating_in_words(text, content) is not None
        ):
            # "Long shifts in summer, a stressor": the question asks for the rating in the words; a statement that
            # plainly gives one is the answer, not a question about the word.
            return Decision(ANSWER, confidence=decision.confidence, reason="rating_in_words")
        if (
            step.answer_is_name
            and decision.kind in (REQUEST, ASIDE, CONFIRM_REQUEST)
            and _command(text, content) is None
        ):
            # A name with a request's or an aside's word in it ("Pause Café"): checked, never acted on.
            return Decision(CONFIRM_ANSWER, confidence=decision.confidence, reason="name_like_request")
        return decision
    if step.kind == "multi":
        return _multi(text, norm, step, nlu, content)
    return _choice(text, norm, step, nlu, content)


def _free_text(text: str, norm: str, nlu: NluResult, content: Content) -> Decision:
    command = _command(text, content)
    if command is not None:
        return command
    other = _nlu_other(nlu)
    words = len(norm.split())
    if other is None:
        if (
            text.rstrip().endswith("?")
            and worded_as_question(text, norm)
            and words <= CHECK_WORDS
            and nlu.confidence < ANSWER_SURE_DESPITE_QUESTION
        ):
            # Worded and punctuated as a question, and the NLU is not sure it is an answer: ask once.
            return Decision(CONFIRM_ANSWER, confidence=nlu.confidence, reason="question_shaped")
        return Decision(ANSWER, reason="text")
    worded = other.kind == QUESTION and worded_as_question(text, norm)
    if (
        other.kind == QUESTION
        and not worded
        and not (looks_like_question(text, norm) and nlu.confidence >= QUESTION_MARK_SURE)
    ):
        # A statement the NLU reads as a question: checked when short, saved when it is a sentence.
        if words <= CHECK_STATEMENT_WORDS and nlu.confidence >= TEXT_CHECK:
            return Decision(CONFIRM_ANSWER, confidence=nlu.confidence, reason="statement_like_question")
        if text.rstrip().endswith("?") and words <= CHECK_WORDS and not TENTATIVE.search(norm):
            # Punctuated as a question and read as one ("EES?", "stressor for me, or for the job?"): ask once.
            # An answer offered tentatively ("maybe something in customer service?") is saved.
            return Decision(CONFIRM_ANSWER, confidence=nlu.confidence, reason="question_mark")
        return Decision(ANSWER, reason="statement")
    sure = nlu.confidence >= TEXT_SURE and nlu.margin >= TEXT_MARGIN and not nlu.fell_back
    if sure and words <= TEXT_MAX_WORDS[other.kind]:
        return other
    if nlu.confidence >= (TEXT_CHECK_SHORT if words <= SHORT_CHECK_WORDS else TEXT_CHECK) and words <= max(
        CHECK_WORDS, TEXT_MAX_WORDS[other.kind]
    ):
        if other.kind == REQUEST and other.value in CONFIRMABLE_REQUESTS:
            return Decision(CONFIRM_REQUEST, other.value, confidence=nlu.confidence, reason="unsure_request")
        return Decision(CONFIRM_ANSWER, confidence=nlu.confidence, reason=f"unsure_{other.kind}")
    return Decision(ANSWER, reason="text_long_or_unsure")


def _mapped(nlu: NluResult, options: tuple[Option, ...]) -> Optional[Option]:
    """The option whose intents include the NLU's best intent."""
    return next((o for o in options if nlu.intent in o.intents), None)


def _runner_up(nlu: NluResult, options: tuple[Option, ...]) -> Optional[Option]:
    """Rasa's two-stage fallback: when the best intent is no option, the second one may be, to propose ("Did you mean ...?")."""
    if len(nlu.ranking) < 2 or nlu.ranking[1][1] < CHOICE_CHECK:
        return None
    return next((o for o in options if nlu.ranking[1][0] in o.intents), None)


def _choice(text: str, norm: str, step: Step, nlu: NluResult, content: Content) -> Decision:
    options = step.options
    strict = step.kind in STRICT_KINDS
    number = option_number(norm, len(options))
    if number:
        return Decision(ANSWER, options=(options[number - 1],), reason="number")
    if number == 0:
        return Decision(UNCLEAR, reason="number_out_of_range")
    picked = matching.exact(forms(norm, content) | forms(norm.rstrip("?").strip(), content), options)
    if picked is not None and not (strict and "?" in text):
        return Decision(ANSWER, options=(picked,), reason="name")
    command = _command(text, content)
    if command is not None and step.kind == "share" and command.value in SHARE_ANSWERS:
        return Decision(
            ANSWER,
            options=tuple(o for o in options if o.value == SHARE_ANSWERS[command.value or ""]),
            reason="share_phrase",
        )
    if command is not None:
        return command
    if step.kind == "scale":
        values = [int(o.value) for o in options if o.value.isdigit()]
        n = scale_number(text.lower(), min(values), max(values)) if values else None
        if n is not None:
            return Decision(ANSWER, options=(next(o for o in options if o.value == str(n)),), reason="scale_number")

    words = len(norm.split())
    if strict:
        return _strict(text, norm, words, _mapped(nlu, options), nlu, options)
    nlu = with_step_prior(nlu, {i for o in options for i in o.intents}, STEP_PRIOR)
    mapped = _mapped(nlu, options)
    asking = looks_like_question(text, norm)
    if mapped is not None:
        if nlu.confidence >= CHOICE_SURE and nlu.margin >= CHOICE_MARGIN and not nlu.fell_back:
            # Asked as a question ("strength compared to who?"), it is checked, never taken at once.
            kind = CONFIRM_OPTION if asking else ANSWER
            return Decision(
                kind, options=(mapped,), confidence=nlu.confidence, reason="nlu_asking" if asking else "nlu"
            )
    other = _nlu_other(nlu)
    if other is not None and other.kind == QUESTION and asking and nlu.confidence >= OTHER_SURE and not nlu.fell_back:
        return other  # "define stressor", "stressor means what?": a question that names an option is still a question
    inside = matching.named_inside(norm, options) if not asking else None
    if inside is not None:
        return Decision(ANSWER, options=(inside,), confidence=0.9, reason="name_inside")
    close = matching.fuzzy(norm, options) if not asking else None
    if close is not None and (mapped is None or mapped == close[0]):
        kind = ANSWER if close[1] >= matching.FUZZY_SURE else CONFIRM_OPTION
        return Decision(kind, options=(close[0],), confidence=close[1] / 100, reason="fuzzy")
    if other is not None and nlu.confidence >= OTHER_SURE:
        return other
    if mapped is not None and nlu.confidence >= CHOICE_CHECK:
        return Decision(CONFIRM_OPTION, options=(mapped,), confidence=nlu.confidence, reason="nlu_unsure")
    runner_up = _runner_up(nlu, options)
    if runner_up is not None:
        return Decision(CONFIRM_OPTION, options=(runner_up,), confidence=nlu.ranking[1][1], reason="nlu_runner_up")
    if (
        other is not None
        and other.kind in (QUESTION, ASIDE)
        and looks_like_question(text, norm) == (other.kind == QUESTION)
    ):
        return other
    return Decision(UNCLEAR, confidence=nlu.confidence, reason="nothing_matched")


def hedged(text: str, norm: str) -> bool:
    """A reply that qualifies itself ("yes but ...", "ok wait", "sure?") is never taken as consent."""
    return "?" in text or any(word in HEDGES for word in norm.split())


def _strict(
    text: str, norm: str, words: int, mapped: Optional[Option], nlu: NluResult, options: tuple[Option, ...]
) -> Decision:
    """Consent and sharing: only an unambiguous yes or no is acted on; a probable one is checked first."""
    other = _nlu_other(nlu)
    if other is not None and nlu.confidence >= OTHER_SURE and other.kind != THANKS:
        return other
    first = matching.leading(norm, options)
    if first is not None and mapped is None:
        return Decision(CONFIRM_OPTION, options=(first,), confidence=nlu.confidence, reason="strict_leading_word")
    if mapped is not None:
        sure = nlu.confidence >= STRICT_SURE and nlu.margin >= STRICT_MARGIN and not nlu.fell_back
        if sure and words <= STRICT_WORDS and not hedged(text, norm):
            return Decision(ANSWER, options=(mapped,), confidence=nlu.confidence, reason="nlu_strict")
        if nlu.confidence >= CHOICE_CHECK and not ("?" in text and other is not None):
            return Decision(CONFIRM_OPTION, options=(mapped,), confidence=nlu.confidence, reason="strict_check")
    runner_up = _runner_up(nlu, options) if "?" not in text else None
    if runner_up is not None:
        return Decision(CONFIRM_OPTION, options=(runner_up,), confidence=nlu.ranking[1][1], reason="strict_runner_up")
    if other is not None:
        return other
    return Decision(UNCLEAR, confidence=nlu.confidence, reason="strict_nothing")


def _multi(text: str, norm: str, step: Step, nlu: NluResult, content: Content) -> Decision:
    command = _command(text, content)
    if command is not None:
        return command
    picked = parse_multi(text, step.options, step.max_choices)
    if picked:
        return Decision(ANSWER, options=tuple(picked), reason="multi")
    other = _nlu_other(nlu)
    if other is not None and nlu.confidence >= OTHER_SURE:
        return other
    return Decision(UNCLEAR, reason="multi_nothing")
