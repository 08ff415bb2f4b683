"""Which centre: a site's keyword at the start of a conversation, and the one "which centre?" question after consent."""

from __future__ import annotations

from typing import Optional

from bot.activity.first_message import PENDING_LANGUAGE, FirstMessage
from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.content.model import Option, Step
from bot.interpretation import text as textin
from bot.interpretation.commands import detect_command
from bot.interpretation.numbers import option_number
from bot.store import repository as repo
from bot.store import site_entry
from bot.store.models import RUN_DECLINED, ActivityRun, Participant, Site

PENDING_SITE = "site"  # the bot asked which centre the participant works with
NOT_SURE = "not_sure"
# "JOIN HALIFAX" (or the French "REJOINDRE HALIFAX"): a word that may come before a site's keyword, and the language
# it is in (a bare keyword says nothing of the language: the bot then asks, as for any unclear first message).
JOIN_WORDS = {"join": "en", "rejoindre": "fr", "joindre": "fr"}
MAX_KEYWORD_CHARS = 80
MIN_BARE_KEYWORD_CHARS = 3  # a keyword alone must be a word, not "1" or "ok"


def keyword_candidate(text: str) -> Optional[str]:
    """The site keyword a whole message may be ("join halifax" -> "halifax", "Halifax!" -> "halifax"), or None."""
    if len(text) > MAX_KEYWORD_CHARS:
        return None
    norm = textin.normalise(text).rstrip("?").strip()
    first, _, rest = norm.partition(" ")
    if first in JOIN_WORDS and rest.strip():
        return rest.strip()
    if len(norm) < MIN_BARE_KEYWORD_CHARS or not any(ch.isalpha() for ch in norm):
        return None
    return norm or None


def keyword_language(text: str) -> Optional[str]:
    """The language of the word before the keyword ("join" English, "rejoindre" French), or None."""
    return JOIN_WORDS.get(textin.normalise(text).partition(" ")[0])


def site_matches(norm: str, site: Site) -> bool:
    """True when a normalised reply names the site: its keyword, its whole name, or a long enough part of its name."""
    name = textin.normalise(str(site.name))
    keyword = site_entry.keyword_of(str(site.code))
    return norm in (keyword, name) or (len(norm) >= 4 and f" {norm} " in f" {name} ")


class SiteChoice(FirstMessage):
    """Linking a participant to their centre: by the site's keyword before consent, or by asking once after it."""

    # ---- a site's keyword as the first messages ------------------------------------------------
    def _site_keyword(
        self, participant: Participant, run: Optional[ActivityRun], incoming: Incoming, out: Outcome
    ) -> Optional[Outcome]:
        """A site's keyword as the whole message before the participant agreed to take part: linked, then carry on.

        Anywhere later (a reflection, an answer) the same words are the participant's own, never a keyword.
        """
        if run is not None and run.status != RUN_DECLINED and run.step_id != self._step_of_kind("consent").id:
            return None  # a run past its consent question: the start of the conversation is over (no query needed)
        candidate = keyword_candidate(incoming.text or "")
        if candidate is None or site_entry.has_consented(session=self.session, participant=participant):
            return None
        site = site_entry.site_by_keyword(session=self.session, keyword=candidate)
        if site is None:
            return None
        participant.site_id = site.id  # the person's own choice, before anything else was agreed
        if run is None:
            spoken = self.languages()
            language = keyword_language(incoming.text or "")
            if participant.language_chosen_at is None and language in spoken:
                participant.language = language
                self.content = spoken[language]
                self._start(participant, incoming.channel, out, intro=True)
                return out
            return self._first_message(participant, Incoming(incoming.channel, incoming.sender_id, ""), out)
        if run.pending_kind == PENDING_LANGUAGE:
            out.messages.append(BotMessage(self.content.message("language_offer")))
            return out
        self._clear_pending(run)
        if run.status == RUN_DECLINED:
            self._start(participant, incoming.channel, out, intro=True)
            return out
        out.messages += self._ask(run)
        return out

    # ---- "which centre?" after consent ----------------------------------------------------------
    def _asked_site(self, participant: Participant, run: ActivityRun, step: Step, out: Outcome) -> bool:
        """After the first consent of a participant with no site, when there are centres to choose from: ask which.

        The run moves to the next step first, so that the reply (or a skip) carries on from there.
        """
        if participant.site_id is not None:
            return False
        sites = site_entry.other_sites(session=self.session, default_code=self.settings.default_site_code)
        if len(sites) < 2 or site_entry.times_consented(session=self.session, participant=participant) != 1:
            return False
        linear = self._linear()
        index = [s.id for s in linear].index(step.id)
        run.step_id = linear[index + 1].id
        run.misunderstandings = 0
        run.updated_at = self.now()
        self._hold(run, PENDING_SITE, None, None)
        out.messages.append(self._site_question(sites))
        return True

    def _site_options(self, sites: list[Site]) -> tuple[Option, ...]:
        words = tuple(w.strip().lower() for w in self.content.message("site_not_sure_words").split(",") if w.strip())
        not_sure = Option(value=NOT_SURE, label=self.content.message("site_not_sure"), synonyms=words)
        return (*(Option(value=str(s.code), label=str(s.name)) for s in sites), not_sure)

    def _site_question(self, sites: list[Site]) -> BotMessage:
        return BotMessage(self.content.message("site_question"), options=self._site_options(sites))

    def _site_chosen(
        self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome
    ) -> Optional[Outcome]:
        """The reply to "which centre?": a number, a centre's name, "not sure" (the default site) or SKIP.

        None when the reply is another request (PAUSE, HELP ...): it is then read as it is, and the question dropped.
        """
        sites = site_entry.other_sites(session=self.session, default_code=self.settings.default_site_code)
        options = self._site_options(sites)
        raw = incoming.text or ""
        norm = textin.normalise(raw).rstrip("?!.").strip()
        command = detect_command(raw, self.content)
        number = option_number(norm, len(options))
        chosen: Optional[Option] = options[number - 1] if number else None
        if chosen is None:
            named = [o for o, s in zip(options[:-1], sites, strict=True) if site_matches(norm, s)]
            not_sure = options[-1]
            if norm and (norm == textin.normalise(not_sure.label) or norm in not_sure.synonyms):
                chosen = not_sure
            elif len(named) == 1:
                chosen = named[0]
        if chosen is None and command == "skip":
            out.messages.append(BotMessage(self.content.message("skipped")))
            out.messages += self._ask(run)
            return out
        if chosen is None and command is not None:
            return None
        if chosen is None:
            if run.misunderstandings:  # asked twice: carry on without a centre (the default site gets any handoff)
                run.misunderstandings = 0
                out.messages += self._ask(run)
                return out
            run.misunderstandings = 1
            self._hold(run, PENDING_SITE, None, None)
            out.messages += [BotMessage(self.content.message("invalid_choice")), self._site_question(sites)]
            return out
        run.misunderstandings = 0
        if chosen.value == NOT_SURE:
            default = repo.get_or_create_site(
                session=self.session, code=self.settings.default_site_code, name=self.settings.default_site_name
            )
            participant.site_id = default.id
            out.messages.append(BotMessage(self.content.message("site_not_sure_reply")))
        else:
            site = next(s for s in sites if str(s.code) == chosen.value)
            participant.site_id = site.id
            out.messages.append(BotMessage(self.content.message("site_set")))
        out.messages += self._ask(run)
        return out
