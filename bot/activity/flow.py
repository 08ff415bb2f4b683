"""The activity as a state machine over the store: one incoming message in, saved answers and replies out."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional

from sqlalchemy.orm import Session

from bot.activity.replies import SUMMARY_TYPE, BotMessage, Outcome
from bot.activity.summary import build_summary, sms_summary_text, summary_text
from bot.content.model import Content, Option, Step
from bot.interpretation import decision as meant
from bot.interpretation import text as textin
from bot.interpretation.commands import detect_command
from bot.interpretation.decision import Decision
from bot.interpretation.interpret import STRICT_KINDS, interpret
from bot.interpretation.nlu import NluResult
from bot.interpretation.topics import term_asked, yes_or_no
from bot.settings import Settings
from bot.store import repository as repo
from bot.store import staff_repository as staff_repo
from bot.store.models import (
    RUN_ACTIVE,
    RUN_COMPLETED,
    RUN_DECLINED,
    RUN_PAUSED,
    RUN_RESTARTED,
    RUN_STOPPED,
    ActivityRun,
    ChannelIdentity,
    Participant,
    utcnow,
)

RESUME_CODE_DAYS = 7
IDLE_WELCOME_BACK = timedelta(hours=1)
_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels (no words), no look-alikes of digits
# Codes use only these consonants, so an answer such as "work 100" can never be taken for a code. A code counts
# when it is the whole message, written with its dash, or named as a code ("my code is PSCL-646", "code: pscl 646").
_CODE = rf"([{_CODE_LETTERS}]{{4}})\s*-?\s*(\d{{3}})"
_CODE_WHOLE = re.compile(rf"^\s*(?:code\s*:?\s*)?{_CODE}\s*[.!]?\s*$", re.IGNORECASE)
_CODE_DASHED = re.compile(rf"(?<![\w-])([{_CODE_LETTERS}]{{4}})-(\d{{3}})(?![\w-])", re.IGNORECASE)
_CODE_NAMED = re.compile(rf"\bcode\b\W{{0,3}}(?:is\W+|was\W+)?{_CODE}(?!\w)", re.IGNORECASE)
MISUNDERSTANDINGS_BEFORE_EXPLAINING = 2
# Pending checks: what the bot asked before acting on a reply.
PENDING_OPTION = "option"
PENDING_ANSWER = "answer"
PENDING_REQUEST = "request"
PENDING_DELETE = "delete"
PENDING_SHARE = "share"
PENDING_WITHDRAW = "withdraw"
STRICT_PENDING = {PENDING_DELETE, PENDING_SHARE, PENDING_WITHDRAW}


def find_code(text: str) -> Optional[re.Match]:
    """A resume code in a message, if it holds one."""
    return _CODE_WHOLE.match(text) or _CODE_NAMED.search(text) or _CODE_DASHED.search(text)


@dataclass(frozen=True)
class Incoming:
    """One message from a participant, with what NLU made of it."""

    channel: str
    sender_id: str
    text: str
    nlu: NluResult = NluResult()


class ActivityFlow:
    """Moves one participant's run forward; every change is written to the session before replying."""

    def __init__(self, *, session: Session, content: Content, settings: Settings, now: Callable[[], datetime] = utcnow):
        self.session = session
        self.content = content
        self.settings = settings
        self.now = now

    # ---- entry point -------------------------------------------------------------------------
    def handle(self, incoming: Incoming) -> Outcome:
        """Process one incoming message and return the replies."""
        identity = repo.get_or_create_identity(session=self.session, channel=incoming.channel, external_id=incoming.sender_id)
        participant = identity.participant
        out = Outcome()
        raw = incoming.text or ""

        code = find_code(raw) if not textin.is_blank(raw) else None
        if code:
            return self._redeem_code(identity, code, incoming, out)

        run = repo.latest_run(session=self.session, participant=participant)
        if run is not None and run.pending_kind:
            return self._pending(participant, run, incoming, out)
        if run is None or run.status == RUN_DECLINED:
            if detect_command(raw, self.content) == "delete":
                return self._ask_delete(participant, run, out)
            self._start(participant, incoming.channel, out, intro=True)
            return out
        if run.status == RUN_COMPLETED:
            return self._after_completion(participant, run, incoming, out)
        if run.status in (RUN_PAUSED, RUN_STOPPED):
            return self._while_paused(participant, run, incoming, out)
        return self._turn(participant, run, incoming, out)

    # ---- conversation states ------------------------------------------------------------------
    def _start(self, participant: Participant, channel: str, out: Outcome, *, intro: bool) -> None:
        first = self.content.steps[0]
        run = repo.start_run(session=self.session, participant=participant, channel=channel, step_id=first.id, content_version=self.content.version)
        if intro:
            out.messages += [BotMessage(self.content.message(k)) for k in ("intro_1", "intro_2")]
        out.messages += self._ask(run)

    def _restart(self, participant: Participant, run: ActivityRun, channel: str, out: Outcome) -> None:
        if run.status != RUN_COMPLETED:
            run.status = RUN_RESTARTED
        role_step = self._step_of_kind("role")
        new_run = repo.start_run(session=self.session, participant=participant, channel=channel, step_id=role_step.id, content_version=self.content.version)
        out.messages.append(BotMessage(self.content.message("restarted")))
        out.messages += self._ask(new_run)

    def _resume(self, run: ActivityRun, out: Outcome, greeting: str) -> None:
        run.status = RUN_ACTIVE
        run.paused_at = None
        out.messages.append(BotMessage(self.content.message(greeting)))
        out.messages += self._ask(run, with_summary=True)

    def _while_paused(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """A message after PAUSE or STOP: a greeting resumes; anything else is taken as it is, answers included."""
        raw = incoming.text or ""
        if textin.is_blank(raw) or not textin.has_words(raw):
            self._resume(run, out, "welcome_back")
            return out
        decision = interpret(raw, self._current_step(run), incoming.nlu, self.content)
        if (decision.kind == meant.REQUEST and decision.value in ("greet", "repeat", "pause")) or decision.kind == meant.UNCLEAR:
            self._resume(run, out, "welcome_back")
            return out
        run.status = RUN_ACTIVE
        run.paused_at = None
        if decision.kind == meant.ANSWER:
            out.messages.append(BotMessage(self.content.message("welcome_back")))
        return self._act(decision, participant, run, incoming, out)

    def _redeem_code(self, identity: ChannelIdentity, match: re.Match, incoming: Incoming, out: Outcome) -> Outcome:
        target = repo.redeem_resume_code(session=self.session, code_hash=self.code_hash(match.group(1), match.group(2)))
        if target is None:
            out.messages.append(BotMessage(self.content.message("resume_code_bad")))
            run = repo.open_run(session=self.session, participant=identity.participant)
            if run is not None and run.status == RUN_ACTIVE:
                out.messages += self._ask(run)
            return out
        repo.move_identity(session=self.session, identity=identity, participant=target)
        run = repo.open_run(session=self.session, participant=target)
        if run is None:
            self._start(target, incoming.channel, out, intro=False)
            return out
        self._clear_pending(run)
        self._resume(run, out, "resume_code_ok")
        return out

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

    def _act(self, decision: Decision, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
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
            out.messages.append(BotMessage(self.content.message("confirm_request", action=action), options=self._yes_no()))
        elif kind == meant.CONFIRM_OPTION and decision.option is not None:
            self._hold(run, PENDING_OPTION, incoming.text, decision.option.value)
            out.messages.append(self._confirm_option_message(step, run, decision.option))
        elif kind == meant.ANSWER:
            run.misunderstandings = 0
            if step.kind == "text":
                self._save(run, step, incoming, text=textin.strip_control(incoming.text), value=None)
                self._advance(run, step, out)
                return out
            chosen = list(decision.options) if step.kind == "multi" else decision.option
            return self._choose(participant, run, step, chosen, incoming, out, reply_text=incoming.text)
        else:
            self._misunderstood(run, step, out)
        return out

    def _misunderstood(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        """A choice the bot could not read: re-ask; from the second time in a row, explain each option by number."""
        run.misunderstandings = (run.misunderstandings or 0) + 1
        if run.misunderstandings >= MISUNDERSTANDINGS_BEFORE_EXPLAINING and any(o.meaning for o in step.options):
            lines = [self.content.message("choices_explained")]
            lines += [
                self.content.message("choice_line", number=i, label=o.label, meaning=o.meaning) if o.meaning else f"{i} {o.label}"
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
            return BotMessage(self.content.message("confirm_share", practitioner=self.content.practitioner(run.role)), options=self._yes_no())
        return BotMessage(self.content.message("confirm_option", option=option.label), options=self._yes_no())

    # ---- checks before acting -----------------------------------------------------------------
    def _yes_no(self) -> tuple[Option, ...]:
        return self._step_of_kind("consent").options

    @staticmethod
    def _hold(run: ActivityRun, kind: str, text: Optional[str], value: Optional[str]) -> None:
        run.pending_kind, run.pending_text, run.pending_value = kind, textin.strip_control(text or ""), value

    @staticmethod
    def _clear_pending(run: ActivityRun) -> None:
        run.pending_kind = run.pending_text = run.pending_value = None

    def _pending(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """The reply to "Did you mean ...?", "Is that your answer?", "Delete everything?" or "Share now?"."""
        kind, held_text, held_value = run.pending_kind, run.pending_text or "", run.pending_value
        self._clear_pending(run)
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
                repo.record_consent(session=self.session, participant=participant, run=run, kind="share", granted=False,
                                    wording=self.content.message("withdraw_confirm", practitioner=self.content.practitioner(run.role)),
                                    channel=incoming.channel, reply_text=incoming.text)
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
                self._save(run, step, incoming, text=held_text, value=None)
                self._advance(run, step, out)
            else:
                out.messages += self._ask(run)
            return out
        if kind == PENDING_ANSWER:
            if said == "yes" and step.kind == "text":
                run.misunderstandings = 0
                self._save(run, step, incoming, text=held_text, value=None)
                self._advance(run, step, out)
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
            return self._choose(participant, run, step, chosen, incoming, out, reply_text=grant_text, saved_text=held_text)
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

    # ---- after the activity -------------------------------------------------------------------
    def _after_completion(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        """Thanks, questions, sharing late, withdrawing, deleting or starting over once the activity is done."""
        raw = incoming.text or ""
        decision = interpret(raw, self._step_of_kind("review"), incoming.nlu, self.content) if textin.has_words(raw) else Decision(meant.UNCLEAR)
        value = decision.value if decision.kind == meant.REQUEST else None
        practitioner = self.content.practitioner(run.role)
        handoff = repo.handoff_of_run(session=self.session, run=run)
        shared = handoff is not None and handoff.withdrawn_at is None
        if value == "restart":
            self._restart(participant, run, incoming.channel, out)
        elif value == "delete":
            self._ask_delete(participant, run, out)
        elif value == "share" or (decision.kind == meant.ANSWER and decision.option is not None and decision.option.value == "yes" and "share" in raw.lower()):
            if shared:
                out.messages.append(BotMessage(self.content.message("share_already", practitioner=practitioner)))
            else:
                self._hold(run, PENDING_SHARE, raw, None)
                out.messages.append(BotMessage(self.content.message("share_offer", practitioner=practitioner), options=self._yes_no()))
        elif value == "withdraw":
            if shared:
                self._hold(run, PENDING_WITHDRAW, raw, None)
                out.messages.append(BotMessage(self.content.message("withdraw_confirm", practitioner=practitioner), options=self._yes_no()))
            else:
                out.messages.append(BotMessage(self.content.message("nothing_shared", practitioner=practitioner)))
        elif value in ("back", "change") or (decision.kind == meant.ANSWER and decision.option is not None and decision.option.value == "change"):
            out.messages.append(BotMessage(self.content.message("completed_change")))
        elif value == "human":
            out.messages.append(BotMessage(self.content.answer_faq("human", run.role)))
        elif decision.kind == meant.THANKS:
            out.messages.append(BotMessage(self.content.message("thanks_reply")))
        elif decision.kind == meant.QUESTION:
            out.messages.append(BotMessage(self._faq(decision.value or "", raw, self._step_of_kind("review"), run.role)))
        else:
            out.messages.append(BotMessage(self.content.message("already_completed")))
        return out

    def _grant_share(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> None:
        share_step = self._step_of_kind("share")
        repo.record_consent(session=self.session, participant=participant, run=run, kind="share", granted=True,
                            wording=self.content.message("share_offer", practitioner=self.content.practitioner(run.role)),
                            channel=incoming.channel, reply_text=incoming.text)
        self._save(run, share_step, incoming, text=textin.strip_control(incoming.text), value="yes")
        self._hand_off(run, out)

    def _hand_off(self, run: ActivityRun, out: Outcome) -> None:
        summary = repo.latest_summary(session=self.session, run=run) or self._save_summary(run)
        site = repo.get_or_create_site(session=self.session, code=self.settings.default_site_code, name=self.settings.default_site_name)
        handoff = repo.create_handoff(session=self.session, run=run, summary=summary, default_site=site)
        out.handoff_id = handoff.id
        out.messages.append(BotMessage(self.content.message("completed_shared", practitioner=self.content.practitioner(run.role))))

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
        out.erased_sender_ids = staff_repo.delete_participant(session=self.session, participant=participant)
        staff_repo.audit(session=self.session, practitioner=None, action="participant_deleted_on_request", subject_type="participant", subject_id=public_id)
        out.messages.append(BotMessage(self.content.message("delete_done")))
        return out

    # ---- one answer ---------------------------------------------------------------------------
    def _choose(self, participant: Participant, run: ActivityRun, step: Step, chosen, incoming: Incoming, out: Outcome,
                *, reply_text: Optional[str], saved_text: Optional[str] = None) -> Outcome:
        text = textin.strip_control(saved_text if saved_text is not None else incoming.text)
        if step.kind == "multi":
            self._save(run, step, incoming, text=text, value=",".join(o.value for o in chosen))
            self._advance(run, step, out)
            return out
        option: Option = chosen
        if step.kind == "consent":
            granted = option.value == "yes"
            repo.record_consent(session=self.session, participant=participant, run=run, kind="participate", granted=granted,
                                wording=step.prompt_for(None), channel=incoming.channel, reply_text=reply_text)
            if not granted:
                run.status = RUN_DECLINED
                out.messages.append(BotMessage(self.content.message("consent_declined")))
                return out
            self._save(run, step, incoming, text=text, value=option.value)
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

    def _share(self, participant: Participant, run: ActivityRun, step: Step, option: Option, incoming: Incoming, out: Outcome,
               *, reply_text: Optional[str], text: str) -> Outcome:
        granted = option.value == "yes"
        self._save(run, step, incoming, text=text, value=option.value)
        repo.record_consent(session=self.session, participant=participant, run=run, kind="share", granted=granted,
                            wording=step.prompt_for(run.role), channel=incoming.channel, reply_text=reply_text)
        run.status = RUN_COMPLETED
        run.completed_at = self.now()
        if granted:
            self._hand_off(run, out)
        else:
            out.messages.append(BotMessage(self.content.message("completed_not_shared")))
        return out

    # ---- requests -----------------------------------------------------------------------------
    def _command(self, command: str, participant: Participant, run: ActivityRun, step: Step, incoming: Incoming, out: Outcome) -> None:
        if command == "help":
            out.messages.append(BotMessage(self._help(step, run.role)))
            out.messages += self._ask(run)
        elif command == "change" and step.kind == "review":
            self._choose(participant, run, step, next(o for o in step.options if o.value == "change"), incoming, out, reply_text=incoming.text)
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
            out.messages.append(BotMessage(self.content.message("language_unavailable")))
            out.messages += self._ask(run)
        elif command in ("share", "withdraw") and step.kind == "share":
            option = next(o for o in step.options if o.value == ("yes" if command == "share" else "no"))
            self._choose(participant, run, step, option, incoming, out, reply_text=incoming.text)
        else:  # share or withdraw before the end: the question comes at the end
            out.messages.append(BotMessage(self._help(step, run.role) if command not in ("share", "withdraw") else self.content.message("share_at_end")))
            out.messages += self._ask(run)

    def _pause(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome, message: str) -> None:
        run.status = RUN_PAUSED
        run.paused_at = self.now()
        out.messages.append(BotMessage(self.content.message(message)))
        if incoming.channel != "twilio_sms":  # a phone number already finds its own conversation again
            code = self._new_resume_code(participant)
            out.messages.append(BotMessage(self.content.message("resume_code", code=code, days=RESUME_CODE_DAYS)))

    def _help(self, step: Step, audience: Optional[str]) -> str:
        if step.help:
            return step.help_for(audience)
        if step.factor:
            return self.content.factor(step.factor).explain.get(audience or "", None) or next(iter(self.content.factor(step.factor).explain.values()))
        return self.content.message("help_generic")

    def _faq(self, topic: str, text: str, step: Step, audience: Optional[str]) -> str:
        """The content's answer to a question: a term's or factor's meaning, or the topic's FAQ text."""
        if topic in ("meaning", "purpose") or topic not in self.content.faq:
            asked = term_asked(text, self.content)
            if asked is not None:
                return asked.text_for(audience) if hasattr(asked, "text_for") else (asked.explain.get(audience or "") or next(iter(asked.explain.values())))
            if topic == "meaning" and step.kind == "choice":
                return self.content.answer_faq("meaning", audience)
            if topic == "meaning" or topic not in self.content.faq:
                return self._help(step, audience)
        return self.content.answer_faq(topic, audience)

    # ---- moving between steps -----------------------------------------------------------------
    def _linear(self) -> list[Step]:
        return [s for s in self.content.steps if s.kind != "fix"]

    def _step_of_kind(self, kind: str) -> Step:
        return next(s for s in self.content.steps if s.kind == kind)

    def _advance(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        linear = self._linear()
        index = [s.id for s in linear].index(step.id)
        following = linear[index + 1] if index + 1 < len(linear) else None
        if run.return_step_id and (following is None or following.group != step.group or step.group is None):
            target = self.content.step(run.return_step_id)
            run.return_step_id = None
            self._go(run, target, out)
            return
        if following is not None:
            self._go(run, following, out)

    def _previous(self, run: ActivityRun, step: Step) -> Optional[Step]:
        if step.kind == "fix":
            return self._step_of_kind("review")
        linear = self._linear()
        ids = [s.id for s in linear]
        index = ids.index(step.id)
        role_index = ids.index(self._step_of_kind("role").id)
        if index <= role_index:
            return None
        previous = linear[index - 1]
        if run.return_step_id and previous.group != step.group:
            return self.content.step(run.return_step_id)
        return previous

    def _go(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        run.step_id = step.id
        if run.return_step_id == step.id:  # back at the review by any route: the fix is over
            run.return_step_id = None
        run.updated_at = self.now()
        self.session.flush()
        out.messages += self._ask(run, with_summary=True)

    def _current_step(self, run: ActivityRun) -> Step:
        """The run's step; if an edit of the content removed it, the first question still unanswered."""
        try:
            return self.content.step(run.step_id)
        except KeyError:
            answered = repo.current_answers(session=self.session, run=run)
            linear = self._linear()
            role_index = [s.id for s in linear].index(self._step_of_kind("role").id)
            pending = [s for s in linear[role_index:] if s.id not in answered]
            step = pending[0] if pending else self._step_of_kind("review")
            run.step_id = step.id
            self.session.flush()
            return step

    def _ask(self, run: ActivityRun, with_summary: bool = False) -> list[BotMessage]:
        """The current question (preceded by the summary when it is the review question)."""
        step = self._current_step(run)
        messages: list[BotMessage] = []
        if step.kind == "review" and with_summary:
            messages.append(self._summary_message(self._save_summary(run)))
        prompt = step.prompt_for(run.role)
        if step.factor:
            factor = self.content.factor(step.factor)
            prompt = prompt.format(n=self.content.factor_number(factor.id), factor=factor.name)
        messages.append(BotMessage(prompt, options=step.options))
        return messages

    # ---- saving -------------------------------------------------------------------------------
    def _save(self, run: ActivityRun, step: Step, incoming: Incoming, *, text: str, value: Optional[str], skipped: bool = False) -> None:
        repo.save_answer(
            session=self.session, run=run, question_id=step.id, factor=step.factor, text=text,
            value=value, skipped=skipped, channel=incoming.channel,
        )
        run.updated_at = self.now()

    def _save_summary(self, run: ActivityRun):
        answers = repo.current_answers(session=self.session, run=run)
        body = build_summary(self.content, run.role or "", answers)
        return repo.save_summary(session=self.session, run=run, body=body, text=summary_text(self.content, body))

    def _summary_message(self, summary) -> BotMessage:
        body = summary.body
        custom = {
            "type": SUMMARY_TYPE,
            "title": self.content.message("summary_title"),
            "text": summary.text,
            "sms_text": sms_summary_text(self.content, body),
            "summary": body,
            "labels": {k: self.content.message(f"summary_{k}") for k in ("strengths", "stressors", "both", "priorities", "skipped", "not_answered")},
        }
        return BotMessage(summary.text, custom=custom)

    # ---- resume codes -------------------------------------------------------------------------
    def code_hash(self, letters: str, digits: str) -> str:
        raw = f"{self.settings.secret_key}:{letters.upper()}-{digits}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def _new_resume_code(self, participant: Participant) -> str:
        letters = "".join(secrets.choice(_CODE_LETTERS) for _ in range(4))
        digits = f"{secrets.randbelow(1000):03d}"
        repo.create_resume_code(
            session=self.session, participant=participant, code_hash=self.code_hash(letters, digits),
            expires_at=self.now() + timedelta(days=RESUME_CODE_DAYS),
        )
        return f"{letters}-{digits}"
