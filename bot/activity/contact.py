"""After sharing: how the practitioner can reach the person, in their own words; each part optional."""

from __future__ import annotations

from sqlalchemy import select

from bot.activity.incoming import Incoming
from bot.activity.navigation import FlowBase
from bot.activity.replies import BotMessage, Outcome
from bot.capabilities import capabilities_of
from bot.interpretation import text as textin
from bot.interpretation.commands import detect_command
from bot.interpretation.topics import yes_or_no
from bot.store import repository as repo
from bot.store.contact import CONTACT_QUESTION, GIVEN, THIS_NUMBER, mentions_phone_or_email
from bot.store.models import CONSENT_MATCHING, ActivityRun, ConsentRecord, Participant

PENDING_CONTACT = "contact"


class ContactDetails(FlowBase):
    """Asks once, right after a share, what to call the person and how and when to reach them."""

    def _ask_contact(self, run: ActivityRun, channel: str, out: Outcome) -> None:
        self._hold(run, PENDING_CONTACT, None, None)
        key = "contact_question_sms" if capabilities_of(channel).address_is_phone_number else "contact_question"
        out.messages.append(BotMessage(self.content.message(key, practitioner=self.content.practitioner(run.role))))

    def _contact_answered(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> bool:
        """Handles the reply to the contact question; False when it was another request, to be read as such."""
        raw = incoming.text or ""
        practitioner = self.content.practitioner(run.role)
        command = detect_command(raw, self.content) if textin.has_words(raw) else None
        if command in ("help", "repeat"):
            out.messages.append(BotMessage(self.content.message("contact_help", practitioner=practitioner)))
            self._ask_contact(run, incoming.channel, out)
            return True
        if command not in (None, "skip", "thanks") or ("?" in raw and not mentions_phone_or_email(raw)):
            return False  # another request, or a question: carried out or answered as such
        said = yes_or_no(raw, incoming.nlu, self.content, strict=True)
        by_phone = capabilities_of(incoming.channel).address_is_phone_number
        none_given = (
            command in ("skip", "thanks")
            or said == "no"
            or not textin.has_words(raw)
            or (said == "yes" and not by_phone)
        )
        if none_given and not mentions_phone_or_email(raw):
            out.messages.append(BotMessage(self.content.message("contact_none")))
        else:
            value = THIS_NUMBER if by_phone and not mentions_phone_or_email(raw) else GIVEN
            repo.save_answer(
                session=self.session,
                run=run,
                question_id=CONTACT_QUESTION,
                factor=None,
                text=textin.strip_control(raw),
                value=value,
                skipped=False,
                channel=incoming.channel,
            )
            out.messages.append(BotMessage(self.content.message("contact_saved", practitioner=practitioner)))
        if not self._matching_answered_for(run):
            self._offer_uses(run, out)  # matching and research, each on its own
        return True

    def _matching_answered_for(self, run: ActivityRun) -> bool:
        found = self.session.execute(
            select(ConsentRecord.id).where(ConsentRecord.run_id == run.id, ConsentRecord.kind == CONSENT_MATCHING)
        ).first()
        return found is not None

    def _offer_uses(self, run: ActivityRun, out: Outcome) -> None:  # defined in AfterCompletion
        raise NotImplementedError
