"""The activity as a state machine over the store: one incoming message in, saved answers and replies out."""

from __future__ import annotations

from datetime import timedelta
from typing import Optional, Sequence, Union, cast

from bot.activity.after import PENDING_DELETE, PENDING_RESEARCH, PENDING_SHARE, PENDING_USES, PENDING_WITHDRAW
from bot.activity.contact import PENDING_CONTACT
from bot.activity.first_message import PENDING_LANGUAGE
from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.activity.resume_codes import find_code
from bot.activity.site_choice import PENDING_SITE, SiteChoice
from bot.content.model import Option, Step
from bot.interpretation import decision as meant
from bot.interpretation import text as textin
from bot.interpretation.commands import detect_command
from bot.interpretation.decision import Decision
from bot.interpretation.interpret import STRICT_KINDS, interpret
from bot.interpretation.language import language_named
from bot.interpretation.topics import yes_or_no
from bot.store import repository as repo
from bot.store.models import (
    RUN_ACTIVE,
    RUN_COMPLETED,
    RUN_DECLINED,
    RUN_PAUSED,
    RUN_STOPPED,
    ActivityRun,
    Participant,
)

IDLE_WELCOME_BACK = timedelta(hours=1)
# Pending checks: what the bot asked before acting on a reply.
PENDING_OPTION = "option"
PENDING_ANSWER = "answer"
PENDING_REQUEST = "request"
STRICT_PENDING = {PENDING_DELETE, PENDING_SHARE, PENDING_WITHDRAW, PENDING_RESEARCH}


class ActivityFlow(SiteChoice):
    """Moves one participant's run forward; every change is written to the session before replying."""

    # ---- entry point -------------------------------------------------------------------------
    def handle(self, incoming: Incoming) -> Outcome:
        """Process one incoming message and return the replies."""
        identity = repo.get_or_create_identity(
            session=self.session, channel=incoming.channel, external_id=incoming.sender_id
        )
        participant = identity.participant
        self._speak(participant)
        out = Outcome()
        raw = incoming.text or ""

        code = find_code(raw) if not textin.is_blank(raw) else None
        if code:
            return self._redeem_code(identity, code, incoming, out)

        run = repo.latest_run(session=self.session, participant=participant)
        keyword = self._site_keyword(participant, run, incoming, out)
        if keyword is not None:
            return keyword
        if run is not None and run.pending_kind:
            return self._pending(participant, run, incoming, out)
        if run is None or run.status == RUN_DECLINED:
            if detect_command(raw, self.content) == "delete":
                return self._ask_delete(participant, run, out)
            if run is None:
                return self._first_message(participant, incoming, out)
            self._start(participant, incoming.channel, out, intro=True)
            return out
        if run.status == RUN_COMPLETED:
            return self._after_completion(participant, run, incoming, out)
        if run.status in (RUN_PAUSED, RUN_STOPPED):
            return self._while_paused(participant, run, incoming, out)
        return self._turn(participant, run, incoming, out)

    # ---- conversation states ------------------------------------------------------------------
    def _while_paused(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """A message after PAUSE or STOP: a greeting resumes; anything else is taken as it is, answers included."""
        raw = incoming.text or ""
        if textin.is_blank(raw) or not textin.has_words(raw):
            self._resume(run, out, "welcome_back")
            return out
        decision = interpret(raw, self._current_step(run), incoming.nlu, self.content)
        if (
            decision.kind == meant.REQUEST and decision.value in ("greet", "repeat", "pause")
        ) or decision.kind == meant.UNCLEAR:
            self._resume(run, out, "welcome_back")
            return out
        run.status = RUN_ACTIVE
        run.paused_at = None
        if decision.kind == meant.ANSWER:
            out.messages.append(BotMessage(self.content.message("welcome_back")))
        return self._act(decision, participant, run, incoming, out)

    # ---- one message during the activity ------------------------------------------------------
    def _turn(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        step = self._current_step(run)
        raw = incoming.text or ""
        if textin.is_blank(raw):
            out.messages.append(BotMessage(self.content.message("empty_input")))
            out.messages += self._ask(run)
            return out
        if len(raw) > textin.MAX_ANSWER_CHARS:
            out.messages.append(BotMessage(self.content.message("too_long", limit=textin.MAX_ANSWER_CHARS)))
            return out
        if not textin.has_words(raw) and detect_command(raw, self.content) is None:
            out.messages.append(BotMessage(self.content.message("no_words")))
            out.messages += self._ask(run)
            return out
        return self._act(interpret(raw, step, incoming.nlu, self.content), participant, run, incoming, out)

    def _act(
        self, decision: Decision, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome
    ) -> Outcome:
        """Carry out what the interpretation step decided the message is."""
        step = self._current_step(run)
        kind = decision.kind
        if kind == meant.REQUEST:
            self._command(decision.value or "", participant, run, step, incoming, out)
        elif kind == meant.QUESTION:
            out.messages.append(BotMessage(self._faq(decision.value or "", incoming.text, step, run.role)))
            out.messages += self._ask(run)
        elif kind == meant.THANKS:
            out.messages.append(BotMessage(self.content.message("thanks_reply")))
            out.messages += self._ask(run)
        elif kind == meant.ASIDE:
            if decision.value == "leave":
                self._pause(participant, run, incoming, out, "aside_leave")
            else:
                out.messages.append(BotMessage(self.content.message("aside_wait")))
        elif kind == meant.CONFIRM_ANSWER:
            self._hold(run, PENDING_ANSWER, incoming.text, None)
            out.messages.append(BotMessage(self.content.message("confirm_answer"), options=self._yes_no()))
        elif kind == meant.CONFIRM_REQUEST and decision.value in self.content.request_actions:
            self._hold(run, PENDING_REQUEST, incoming.text, decision.value)
            action = self.content.request_actions[decision.value or ""]
            out.messages.append(
                BotMessage(self.content.message("confirm_request", action=action), options=self._yes_no())
            )
        elif kind == meant.CONFIRM_OPTION and decision.option is not None:
            self._hold(run, PENDING_OPTION, incoming.text, decision.option.value)
            out.messages.append(self._confirm_option_message(step, run, decision.option))
        elif kind == meant.ANSWER:
            run.misunderstandings = 0
            if step.kind == "text":
                self._reflection_saved(run, step, incoming, textin.strip_control(incoming.text), out)
                return out
            chosen = list(decision.options) if step.kind == "multi" else decision.option
            return self._choose(participant, run, step, chosen, incoming, out, reply_text=incoming.text)
        else:
            self._misunderstood(run, step, out)
        return out

    # ---- checks before acting -----------------------------------------------------------------
    def _pending(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """The reply to "Did you mean ...?", "Is that your answer?", "Delete everything?" or "Share now?"."""
        kind, held_text, held_value = run.pending_kind, run.pending_text or "", run.pending_value
        self._clear_pending(run)
        if kind == PENDING_LANGUAGE:
            return self._language_chosen(participant, run, incoming, out)
        if kind == PENDING_CONTACT:
            if self._contact_answered(participant, run, incoming, out):
                return out
            return self._dispatch_fresh(participant, run, incoming, out)
        if kind == PENDING_USES:
            if self._uses_answered(participant, run, incoming, out):
                return out
            return self._dispatch_fresh(participant, run, incoming, out)
        if kind == PENDING_SITE:
            return self._site_chosen(participant, run, incoming, out) or self._dispatch_fresh(
                participant, run, incoming, out
            )
        step = self._current_step(run)
        strict = kind in STRICT_PENDING or (kind == PENDING_OPTION and step.kind in STRICT_KINDS)
        said = yes_or_no(incoming.text or "", incoming.nlu, self.content, strict=strict)
        if said is None:
            # Not a yes or no: the check is dropped and the new message is read as it is.
            return self._dispatch_fresh(participant, run, incoming, out)
        if kind == PENDING_DELETE:
            if said == "yes":
                return self._delete_everything(participant, out)
            out.messages.append(BotMessage(self.content.message("delete_kept")))
            if run.status == RUN_ACTIVE:
                out.messages += self._ask(run)
            return out
        if kind == PENDING_RESEARCH:
            return self._research_answered(participant, run, said, incoming, out)
        if kind == PENDING_SHARE:
            if said == "yes":
                self._grant_share(participant, run, incoming, out)
            else:
                out.messages.append(BotMessage(self.content.message("share_kept_private")))
            return out
        if kind == PENDING_WITHDRAW:
            handoff = repo.handoff_of_run(session=self.session, run=run)
            if said == "yes" and handoff is not None:
                repo.withdraw_handoff(session=self.session, handoff=handoff)
                repo.record_consent(
                    session=self.session,
                    participant=participant,
                    run=run,
                    kind="share",
                    granted=False,
                    wording=self.content.message("withdraw_confirm", practitioner=self.content.practitioner(run.role)),
                    channel=incoming.channel,
                    reply_text=incoming.text,
                )
                out.messages.append(BotMessage(self.content.message("withdrawn")))
            else:
                out.messages.append(BotMessage(self.content.message("withdraw_kept")))
            return out
        if kind == PENDING_REQUEST:
            held = Incoming(channel=incoming.channel, sender_id=incoming.sender_id, text=held_text, nlu=incoming.nlu)
            if said == "yes":
                self._command(held_value or "", participant, run, step, held, out)
            elif step.kind == "text":  # not a request after all: what they wrote is their answer
                run.misunderstandings = 0
                self._reflection_saved(run, step, incoming, held_text, out)
            else:
                out.messages += self._ask(run)
            return out
        if kind == PENDING_ANSWER:
            if said == "yes" and step.kind == "text":
                run.misunderstandings = 0
                self._reflection_saved(run, step, incoming, held_text, out)
            else:
                out.messages.append(BotMessage(self.content.message("confirm_answer_no")))
                out.messages += self._ask(run)
            return out
        # PENDING_OPTION: the held reply's own words are saved with the option it was confirmed to mean.
        option = next((o for o in step.options if o.value == held_value), None)
        if said == "yes" and option is not None:
            run.misunderstandings = 0
            chosen = [option] if step.kind == "multi" else option
            grant_text = incoming.text if step.kind in STRICT_KINDS else held_text
            return self._choose(
                participant, run, step, chosen, incoming, out, reply_text=grant_text, saved_text=held_text
            )
        out.messages.append(BotMessage(self.content.message("confirm_no_option")))
        self._misunderstood(run, step, out)
        return out

    def _dispatch_fresh(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        if run.status == RUN_COMPLETED:
            return self._after_completion(participant, run, incoming, out)
        if run.status == RUN_DECLINED:
            self._start(participant, incoming.channel, out, intro=True)
            return out
        if run.status in (RUN_PAUSED, RUN_STOPPED):
            return self._while_paused(participant, run, incoming, out)
        return self._turn(participant, run, incoming, out)

    # ---- one answer ---------------------------------------------------------------------------
    def _choose(
        self,
        participant: Participant,
        run: ActivityRun,
        step: Step,
        chosen: Union[Option, Sequence[Option], None],  # the options picked at a multi step, else the one option
        incoming: Incoming,
        out: Outcome,
        *,
        reply_text: Optional[str],
        saved_text: Optional[str] = None,
    ) -> Outcome:
        text = textin.strip_control(saved_text if saved_text is not None else incoming.text)
        if step.kind == "multi":
            self._save(run, step, incoming, text=text, value=",".join(o.value for o in cast(Sequence[Option], chosen)))
            self._advance(run, step, out)
            return out
        option = cast(Option, chosen)
        if step.kind == "consent":
            granted = option.value == "yes"
            repo.record_consent(
                session=self.session,
                participant=participant,
                run=run,
                kind="participate",
                granted=granted,
                wording=step.prompt_for(None),
                channel=incoming.channel,
                reply_text=reply_text,
            )
            if not granted:
                run.status = RUN_DECLINED
                out.messages.append(BotMessage(self.content.message("consent_declined")))
                return out
            self._save(run, step, incoming, text=text, value=option.value)
            out.messages.append(BotMessage(self.content.message("consent_given")))  # thanked once, not at each re-ask
            if self._asked_site(participant, run, step, out):
                return out
        elif step.kind == "role":
            participant.role = option.value
            run.role = option.value
            self._save(run, step, incoming, text=text, value=option.value)
            out.messages.append(BotMessage(self.content.message(f"role_set_{option.value}")))
        elif step.kind == "review":
            self._save(run, step, incoming, text=text, value=option.value)
            if option.value == "change":
                self._go(run, self._step_of_kind("fix"), out)
                return out
        elif step.kind == "fix":
            first = next(s for s in self.content.steps if s.group == option.value and s.kind not in ("review", "fix"))
            run.return_step_id = self._step_of_kind("review").id
            out.messages.append(BotMessage(self.content.message("fix_intro", part=option.label)))
            self._go(run, first, out)
            return out
        elif step.kind == "share":
            return self._share(participant, run, step, option, incoming, out, reply_text=reply_text, text=text)
        else:
            self._save(run, step, incoming, text=text, value=option.value)
        self._advance(run, step, out)
        return out

    # ---- requests -----------------------------------------------------------------------------
    def _command(
        self, command: str, participant: Participant, run: ActivityRun, step: Step, incoming: Incoming, out: Outcome
    ) -> None:
        if command == "help":
            out.messages.append(BotMessage(self._help(step, run.role)))
            out.messages += self._ask(run)
        elif command == "change" and step.kind == "review":
            self._choose(
                participant,
                run,
                step,
                next(o for o in step.options if o.value == "change"),
                incoming,
                out,
                reply_text=incoming.text,
            )
        elif command in ("repeat", "change"):
            out.messages += self._ask(run, with_summary=True)
        elif command == "greet":
            idle = self.now() - (run.updated_at or run.started_at)
            if idle >= IDLE_WELCOME_BACK:
                out.messages.append(BotMessage(self.content.message("welcome_back")))
            out.messages += self._ask(run, with_summary=True)
        elif command == "skip":
            if not step.skippable:
                out.messages.append(BotMessage(self.content.message("cannot_skip")))
                out.messages += self._ask(run)
                return
            self._save(run, step, incoming, text=textin.strip_control(incoming.text), value=None, skipped=True)
            out.messages.append(BotMessage(self.content.message("skipped")))
            self._advance(run, step, out)
        elif command == "back":
            previous = self._previous(run, step)
            if previous is None:
                out.messages.append(BotMessage(self.content.message("at_first_question")))
                out.messages += self._ask(run)
                return
            out.messages.append(BotMessage(self.content.message("went_back")))
            self._go(run, previous, out)
        elif command == "pause":
            self._pause(participant, run, incoming, out, "paused")
        elif command == "stop":
            run.status = RUN_STOPPED
            run.paused_at = self.now()
            out.messages.append(BotMessage(self.content.message("stopped")))
        elif command == "restart":
            self._restart(participant, run, incoming.channel, out)
        elif command == "delete":
            self._ask_delete(participant, run, out)
        elif command == "human":
            out.messages.append(BotMessage(self.content.answer_faq("human", run.role)))
            out.messages += self._ask(run)
        elif command == "language":
            self._switch_language(participant, language_named(incoming.text or ""), out)
            out.messages += self._ask(run, with_summary=True)
        elif command in ("share", "withdraw") and step.kind == "share":
            option = next(o for o in step.options if o.value == ("yes" if command == "share" else "no"))
            self._choose(participant, run, step, option, incoming, out, reply_text=incoming.text)
        elif command == "research_withdraw":
            self._withdraw_research(participant, run, incoming, out)
            out.messages += self._ask(run)
        elif command == "matching_withdraw":
            self._withdraw_matching(participant, run, incoming, out)
            out.messages += self._ask(run)
        elif command == "no_reminders":
            participant.reminders_off_at = self.now()
            out.messages += [BotMessage(self.content.message("reminders_off")), *self._ask(run)]
        else:  # help, or share or withdraw before the end (the question comes at the end)
            early = command in ("share", "withdraw")
            text = self.content.message("share_at_end") if early else self._help(step, run.role)
            out.messages += [BotMessage(text), *self._ask(run)]
