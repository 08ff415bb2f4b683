"""The first message (which language, then the intro) and re-asking a question the bot could not read."""

from __future__ import annotations

from typing import Optional

from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.activity.resume_codes import PauseAndResume
from bot.content.model import Option, Step
from bot.interpretation import text as textin
from bot.interpretation.language import detect_language, language_named
from bot.interpretation.numbers import option_number
from bot.store import repository as repo
from bot.store.models import ActivityRun, Participant

MISUNDERSTANDINGS_BEFORE_EXPLAINING = 2
PENDING_LANGUAGE = "language"  # the bot offered English / Français and waits for the choice


class FirstMessage(PauseAndResume):
    """Choosing the language on the first message, and the 'I did not catch that' replies."""

    def _first_message(self, participant: Participant, incoming: Incoming, out: Outcome) -> Outcome:
        """A new participant: the first message decides the language when it is clear; otherwise the bot asks once."""
        spoken = self.languages()
        if participant.language_chosen_at is not None and participant.language in spoken:
            language: Optional[str] = participant.language  # chosen before the first message (a site invite in French)
        else:
            language = detect_language(incoming.text or "", spoken) if len(spoken) > 1 else self.content.language
        if language is not None:
            participant.language = language
            self.content = spoken.get(language, self.content)
            self._start(participant, incoming.channel, out, intro=True)
            return out
        run = repo.start_run(
            session=self.session,
            participant=participant,
            channel=incoming.channel,
            step_id=self.content.steps[0].id,
            content_version=self.content.version,
        )
        self._hold(run, PENDING_LANGUAGE, None, None)
        out.messages.append(BotMessage(self.content.message("language_offer")))
        return out

    def _language_chosen(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """The reply to "English or French?": 1 or 2, a language's name, or a message in one; English otherwise."""
        spoken = self.languages()
        codes = list(spoken)
        raw = incoming.text or ""
        number = option_number(textin.normalise(raw), len(codes))
        language = (
            (codes[number - 1] if number else None) or language_named(raw) or detect_language(raw, spoken) or codes[0]
        )
        participant.language = language
        participant.language_chosen_at = self.now()
        self.content = spoken[language]
        out.messages += [BotMessage(self.content.message(k)) for k in ("intro_1", "intro_2")]
        out.messages += self._ask(run)
        return out

    # ---- a reply the bot could not read ------------------------------------------------------
    def _misunderstood(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        """A choice the bot could not read: re-ask; from the second time in a row, explain each option by number."""
        run.misunderstandings = (run.misunderstandings or 0) + 1
        if run.misunderstandings >= MISUNDERSTANDINGS_BEFORE_EXPLAINING and any(o.meaning for o in step.options):
            lines = [self.content.message("choices_explained")]
            lines += [
                self.content.message("choice_line", number=i, label=o.label, meaning=o.meaning)
                if o.meaning
                else f"{i} {o.label}"
                for i, o in enumerate(step.options, start=1)
            ]
            out.messages.append(BotMessage("\n".join(lines), options=step.options))
            return
        key = "invalid_multi" if step.kind == "multi" else "invalid_choice"
        out.messages.append(BotMessage(self.content.message(key)))
        out.messages += self._ask(run)

    def _confirm_option_message(self, step: Step, run: ActivityRun, option: Option) -> BotMessage:
        if step.kind == "consent":
            return BotMessage(self.content.message("confirm_consent"), options=self._yes_no())
        if step.kind == "share":
            return BotMessage(
                self.content.message("confirm_share", practitioner=self.content.practitioner(run.role)),
                options=self._yes_no(),
            )
        return BotMessage(self.content.message("confirm_option", option=option.label), options=self._yes_no())
