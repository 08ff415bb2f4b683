"""After the activity: research and matching use, sharing late, withdrawing, thanks and questions; deleting on request."""

from __future__ import annotations

from typing import Optional

from bot.activity.contact import ContactDetails
from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.content.model import Option, Step
from bot.interpretation import decision as meant
from bot.interpretation import text as textin
from bot.interpretation.decision import Decision
from bot.interpretation.interpret import interpret
from bot.interpretation.language import language_named
from bot.store import erasure
from bot.store import repository as repo
from bot.store import staff_repository as staff_repo
from bot.store.models import CONSENT_MATCHING, CONSENT_RESEARCH, RUN_COMPLETED, ActivityRun, Participant

PENDING_DELETE = "delete"
PENDING_SHARE = "share"
PENDING_WITHDRAW = "withdraw"
PENDING_RESEARCH = "research"
PENDING_USES = "uses"
# The reply to the uses question (options.uses) and the consents it grants; each use is recorded on its own.
USES_GRANTED = {
    "both": (CONSENT_MATCHING, CONSENT_RESEARCH),
    "matching": (CONSENT_MATCHING,),
    "research": (CONSENT_RESEARCH,),
    "none": (),
}


class AfterCompletion(ContactDetails):
    """The conversation once the summary is done, and erasure on request at any time."""

    def _after_completion(
        self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome
    ) -> Outcome:
        """Thanks, questions, sharing late, withdrawing, deleting or starting over once the activity is done."""
        raw = incoming.text or ""
        decision = (
            interpret(raw, self._step_of_kind("review"), incoming.nlu, self.content)
            if textin.has_words(raw)
            else Decision(meant.UNCLEAR)
        )
        value = decision.value if decision.kind == meant.REQUEST else None
        practitioner = self.content.practitioner(run.role)
        handoff = repo.handoff_of_run(session=self.session, run=run)
        shared = handoff is not None and handoff.withdrawn_at is None
        if value == "restart":
            self._restart(participant, run, incoming.channel, out)
        elif value == "delete":
            self._ask_delete(participant, run, out)
        elif value == "share" or (
            decision.kind == meant.ANSWER
            and decision.option is not None
            and decision.option.value == "yes"
            and "share" in raw.lower()
        ):
            if shared:
                out.messages.append(BotMessage(self.content.message("share_already", practitioner=practitioner)))
            else:
                self._hold(run, PENDING_SHARE, raw, None)
                out.messages.append(
                    BotMessage(self.content.message("share_offer", practitioner=practitioner), options=self._yes_no())
                )
        elif value == "research_withdraw":
            self._withdraw_research(participant, run, incoming, out)
        elif value == "matching_withdraw":
            self._withdraw_matching(participant, run, incoming, out)
        elif value == "withdraw":
            if shared:
                self._hold(run, PENDING_WITHDRAW, raw, None)
                out.messages.append(
                    BotMessage(
                        self.content.message("withdraw_confirm", practitioner=practitioner), options=self._yes_no()
                    )
                )
            else:
                out.messages.append(BotMessage(self.content.message("nothing_shared", practitioner=practitioner)))
        elif value in ("back", "change") or (
            decision.kind == meant.ANSWER and decision.option is not None and decision.option.value == "change"
        ):
            out.messages.append(BotMessage(self.content.message("completed_change")))
        elif value == "language":
            self._switch_language(participant, language_named(raw), out)
        elif value == "human":
            out.messages.append(BotMessage(self.content.answer_faq("human", run.role)))
        elif decision.kind == meant.THANKS:
            out.messages.append(BotMessage(self.content.message("thanks_reply")))
        elif decision.kind == meant.QUESTION:
            out.messages.append(
                BotMessage(self._faq(decision.value or "", raw, self._step_of_kind("review"), run.role))
            )
        else:
            out.messages.append(BotMessage(self.content.message("already_completed")))
        return out

    def _offer_research(self, run: ActivityRun, out: Outcome) -> None:
        """Once, at the end, and optional: may the answers be used, without name or contact, to evaluate the service?"""
        self._hold(run, PENDING_RESEARCH, None, None)
        out.messages.append(BotMessage(self.content.message("research_offer"), options=self._yes_no()))

    def _research_answered(
        self, participant: Participant, run: ActivityRun, said: str, incoming: Incoming, out: Outcome
    ) -> Outcome:
        self._record_research(participant, run, incoming, granted=said == "yes", wording="research_offer")
        out.messages.append(BotMessage(self.content.message("research_yes" if said == "yes" else "research_no")))
        return out

    def _withdraw_research(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> None:
        """NO RESEARCH, at any time: recorded with the words that said it; the research export leaves them out."""
        self._record_research(participant, run, incoming, granted=False, wording="research_withdrawn")
        out.messages.append(BotMessage(self.content.message("research_withdrawn")))

    def _withdraw_matching(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> None:
        """NO MATCHES, at any time: recorded with the words that said it; no practitioner sees the summary as a match."""
        self._record_use(participant, run, incoming, CONSENT_MATCHING, granted=False, wording="matching_withdrawn")
        out.messages.append(BotMessage(self.content.message("matching_withdrawn")))

    def _record_research(
        self, participant: Participant, run: ActivityRun, incoming: Incoming, *, granted: bool, wording: str
    ) -> None:
        self._record_use(participant, run, incoming, CONSENT_RESEARCH, granted=granted, wording=wording)

    def _record_use(
        self, participant: Participant, run: ActivityRun, incoming: Incoming, kind: str, *, granted: bool, wording: str
    ) -> None:
        repo.record_consent(
            session=self.session,
            participant=participant,
            run=run,
            kind=kind,
            granted=granted,
            wording=self.content.message(wording),
            channel=incoming.channel,
            reply_text=incoming.text,
        )

    # ---- after a share: the two uses, each granted on its own -------------------------------------
    def _uses_step(self) -> Step:
        """The uses question as a consent-kind step: a number, an option's name or a plain yes or no, never a guess."""
        prompt = {audience: self.content.message(f"uses_offer_{audience}") for audience in ("work_seeker", "employer")}
        return Step(id="uses", kind="consent", prompt=prompt, options=self.content.uses_options)

    def _offer_uses(self, run: ActivityRun, out: Outcome) -> None:
        """Once, after a share, and optional: matching at the site and research use, in one question with four
        answers (both, matches only, research only, neither)."""
        self._hold(run, PENDING_USES, None, None)
        step = self._uses_step()
        out.messages.append(BotMessage(step.prompt_for(run.role), options=step.options))

    def _uses_answered(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> bool:
        """Records each use granted or not with the words that said it; asks again when the reply is not clear, and
        after answering a question. False when the reply is a request, to be read as such (the question is dropped)."""
        raw = incoming.text or ""
        step = self._uses_step()
        decision = (
            interpret(raw, step, incoming.nlu, self.content) if textin.has_words(raw) else Decision(meant.UNCLEAR)
        )
        if decision.kind == meant.QUESTION:  # "yes but who reads it?": answered, then the question asked again
            out.messages.append(BotMessage(self._faq(decision.value or "", raw, step, run.role)))
            self._offer_uses(run, out)
            return True
        if decision.kind in (meant.REQUEST, meant.THANKS):
            return False
        option = decision.option if decision.kind == meant.ANSWER else None
        if option is None or option.value not in USES_GRANTED:
            self._hold(run, PENDING_USES, None, None)
            out.messages.append(BotMessage(self.content.message("uses_unclear"), options=step.options))
            return True
        granted = USES_GRANTED[option.value]
        wording = f"uses_offer_{run.role}"
        for kind in (CONSENT_MATCHING, CONSENT_RESEARCH):
            self._record_use(participant, run, incoming, kind, granted=kind in granted, wording=wording)
        out.messages.append(BotMessage(self.content.message(f"uses_{option.value}")))
        return True

    def _grant_share(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> None:
        share_step = self._step_of_kind("share")
        repo.record_consent(
            session=self.session,
            participant=participant,
            run=run,
            kind="share",
            granted=True,
            wording=self.content.message("share_offer", practitioner=self.content.practitioner(run.role)),
            channel=incoming.channel,
            reply_text=incoming.text,
        )
        self._save(run, share_step, incoming, text=textin.strip_control(incoming.text), value="yes")
        self._hand_off(run, out)
        self._ask_contact(run, incoming.channel, out)

    def _hand_off(self, run: ActivityRun, out: Outcome) -> None:
        summary = repo.latest_summary(session=self.session, run=run) or self._save_summary(run)
        site = repo.get_or_create_site(
            session=self.session, code=self.settings.default_site_code, name=self.settings.default_site_name
        )
        handoff = repo.create_handoff(session=self.session, run=run, summary=summary, default_site=site)
        out.handoff_id = handoff.id
        out.messages.append(
            BotMessage(self.content.message("completed_shared", practitioner=self.content.practitioner(run.role)))
        )

    def _share(
        self,
        participant: Participant,
        run: ActivityRun,
        step: Step,
        option: Option,
        incoming: Incoming,
        out: Outcome,
        *,
        reply_text: Optional[str],
        text: str,
    ) -> Outcome:
        """The answer to "share your summary?": recorded with its wording, the run completed, handed off if yes."""
        granted = option.value == "yes"
        self._save(run, step, incoming, text=text, value=option.value)
        repo.record_consent(
            session=self.session,
            participant=participant,
            run=run,
            kind="share",
            granted=granted,
            wording=step.prompt_for(run.role),
            channel=incoming.channel,
            reply_text=reply_text,
        )
        run.status = RUN_COMPLETED
        run.completed_at = self.now()
        if granted:
            self._hand_off(run, out)
            self._ask_contact(run, incoming.channel, out)  # the research question comes after it
        else:
            out.messages.append(BotMessage(self.content.message("completed_not_shared")))
            self._offer_research(run, out)
        return out

    # ---- deleting on request ------------------------------------------------------------------
    def _ask_delete(self, participant: Participant, run: Optional[ActivityRun], out: Outcome) -> Outcome:
        if run is None:
            out.messages.append(BotMessage(self.content.message("delete_nothing")))
            return out
        self._hold(run, PENDING_DELETE, None, None)
        out.messages.append(BotMessage(self.content.message("delete_confirm"), options=self._yes_no()))
        return out

    def _delete_everything(self, participant: Participant, out: Outcome) -> Outcome:
        """Erase the participant exactly as the admin deletion does; the audit keeps ids only."""
        public_id = participant.public_id
        out.erased_sender_ids = erasure.delete_participant(session=self.session, participant=participant)
        staff_repo.audit(
            session=self.session,
            practitioner=None,
            action="participant_deleted_on_request",
            subject_type="participant",
            subject_id=public_id,
        )
        out.messages.append(BotMessage(self.content.message("delete_done")))
        return out
