"""The activity as a state machine over the store: one incoming message in, saved answers and replies out."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Optional

from sqlalchemy.orm import Session

from bot.activity import text as textin
from bot.activity.commands import command_from_intent, detect_command
from bot.activity.replies import SUMMARY_TYPE, BotMessage, Outcome
from bot.activity.summary import build_summary, sms_summary_text, summary_text
from bot.content.model import Content, Option, Step
from bot.settings import Settings
from bot.store import repository as repo
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
# Codes use only these consonants, so an answer such as "work 100" can never be taken for a code.
_CODE_PATTERN = re.compile(rf"^\s*(?:code\s*:?\s*)?([{_CODE_LETTERS}]{{4}})\s*-?\s*(\d{{3}})\s*$", re.IGNORECASE)
CHOICE_KINDS = {"consent", "role", "scale", "choice", "review", "fix", "share"}


@dataclass(frozen=True)
class Incoming:
    """One message from a participant, with what NLU made of it."""

    channel: str
    sender_id: str
    text: str
    intent: Optional[str] = None
    confidence: float = 0.0


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

        code = _CODE_PATTERN.match(raw) if not textin.is_blank(raw) else None
        if code:
            return self._redeem_code(identity, code, incoming, out)

        run = repo.latest_run(session=self.session, participant=participant)
        if run is None or run.status == RUN_DECLINED:
            self._start(participant, incoming.channel, out, intro=True)
            return out
        if run.status == RUN_COMPLETED:
            if detect_command(raw, self.content) == "restart":
                self._restart(participant, run, incoming.channel, out)
            else:
                out.messages.append(BotMessage(self.content.message("already_completed")))
            return out
        if run.status in (RUN_PAUSED, RUN_STOPPED):
            if detect_command(raw, self.content) == "restart":
                self._restart(participant, run, incoming.channel, out)
            else:
                self._resume(run, out, "welcome_back")
            return out
        return self._answer(participant, run, incoming, out)

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
        self._resume(run, out, "resume_code_ok")
        return out

    # ---- one answer ---------------------------------------------------------------------------
    def _answer(self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome) -> Outcome:
        step = self._current_step(run)
        raw = incoming.text or ""
        if textin.is_blank(raw):
            out.messages.append(BotMessage(self.content.message("empty_input")))
            out.messages += self._ask(run)
            return out
        if len(raw) > textin.MAX_ANSWER_CHARS:
            out.messages.append(BotMessage(self.content.message("too_long", limit=textin.MAX_ANSWER_CHARS)))
            return out

        command = detect_command(raw, self.content)
        parsed = self._parse(step, raw) if command is None and step.kind != "text" else None
        if command is None and step.kind != "text" and parsed is None:
            command = command_from_intent(incoming.intent, incoming.confidence)
        if command is not None:
            self._command(command, participant, run, step, incoming, out)
            return out
        if not textin.has_words(raw):
            out.messages.append(BotMessage(self.content.message("no_words")))
            out.messages += self._ask(run)
            return out

        if step.kind == "text":
            self._save(run, step, incoming, text=textin.strip_control(raw), value=None)
            self._advance(run, step, out)
            return out
        if parsed is None:
            key = "invalid_multi" if step.kind == "multi" else "invalid_choice"
            out.messages.append(BotMessage(self.content.message(key)))
            out.messages += self._ask(run)
            return out
        return self._choose(participant, run, step, parsed, incoming, out)

    def _parse(self, step: Step, raw: str):
        if step.kind == "multi":
            return textin.parse_multi(raw, step.options, step.max_choices)
        if step.kind in CHOICE_KINDS:
            return textin.parse_choice(raw, step.options)
        return None

    def _choose(self, participant: Participant, run: ActivityRun, step: Step, parsed, incoming: Incoming, out: Outcome) -> Outcome:
        text = textin.strip_control(incoming.text)
        if step.kind == "multi":
            self._save(run, step, incoming, text=text, value=",".join(o.value for o in parsed))
            self._advance(run, step, out)
            return out
        option: Option = parsed
        if step.kind == "consent":
            granted = option.value == "yes"
            repo.record_consent(session=self.session, participant=participant, run=run, kind="participate", granted=granted, wording=step.prompt_for(None), channel=incoming.channel)
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
            label = option.label
            out.messages.append(BotMessage(self.content.message("fix_intro", part=label)))
            self._go(run, first, out)
            return out
        elif step.kind == "share":
            return self._share(participant, run, step, option, incoming, out)
        else:
            self._save(run, step, incoming, text=text, value=option.value)
        self._advance(run, step, out)
        return out

    def _share(self, participant: Participant, run: ActivityRun, step: Step, option: Option, incoming: Incoming, out: Outcome) -> Outcome:
        granted = option.value == "yes"
        self._save(run, step, incoming, text=textin.strip_control(incoming.text), value=option.value)
        repo.record_consent(session=self.session, participant=participant, run=run, kind="share", granted=granted, wording=step.prompt_for(run.role), channel=incoming.channel)
        run.status = RUN_COMPLETED
        run.completed_at = self.now()
        if granted:
            summary = repo.latest_summary(session=self.session, run=run) or self._save_summary(run)
            site = repo.get_or_create_site(session=self.session, code=self.settings.default_site_code, name=self.settings.default_site_name)
            handoff = repo.create_handoff(session=self.session, run=run, summary=summary, default_site=site)
            out.handoff_id = handoff.id
            out.messages.append(BotMessage(self.content.message("completed_shared", practitioner=self.content.practitioner(run.role))))
        else:
            out.messages.append(BotMessage(self.content.message("completed_not_shared")))
        return out

    # ---- requests -----------------------------------------------------------------------------
    def _command(self, command: str, participant: Participant, run: ActivityRun, step: Step, incoming: Incoming, out: Outcome) -> None:
        if command == "help":
            out.messages.append(BotMessage(self._help(step, run.role)))
            out.messages += self._ask(run)
        elif command == "repeat":
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
            run.status = RUN_PAUSED
            run.paused_at = self.now()
            out.messages.append(BotMessage(self.content.message("paused")))
            if incoming.channel != "twilio_sms":  # a phone number already finds its own conversation again
                code = self._new_resume_code(participant)
                out.messages.append(BotMessage(self.content.message("resume_code", code=code, days=RESUME_CODE_DAYS)))
        elif command == "stop":
            run.status = RUN_STOPPED
            run.paused_at = self.now()
            out.messages.append(BotMessage(self.content.message("stopped")))
        elif command == "restart":
            self._restart(participant, run, incoming.channel, out)

    def _help(self, step: Step, audience: Optional[str]) -> str:
        if step.help:
            return step.help_for(audience)
        if step.factor:
            return self.content.factor(step.factor).explain.get(audience or "", None) or next(iter(self.content.factor(step.factor).explain.values()))
        return self.content.message("help_generic")

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
