"""The engine's shared ground: the current step, moving between steps, asking, saving, help and FAQ answers."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from sqlalchemy.orm import Session

from bot.activity.incoming import Incoming
from bot.activity.replies import SUMMARY_TYPE, BotMessage, Outcome
from bot.activity.summary import build_summary, confidence_line, sms_summary_text, summary_text
from bot.capabilities import capabilities_of
from bot.content.loader import available_languages
from bot.content.model import Content, Option, Step
from bot.interpretation import text as textin
from bot.interpretation.rating_words import rating_in_words
from bot.interpretation.topics import term_asked
from bot.settings import Settings
from bot.store import repository as repo
from bot.store import summary_links
from bot.store.models import RUN_ACTIVE, RUN_COMPLETED, RUN_RESTARTED, ActivityRun, Participant, Summary, utcnow

# The summary's headings the web chat draws it with (messages summary_<key>).
SUMMARY_LABELS = (
    "strengths",
    "stressors",
    "both",
    "unsure",
    "priorities",
    "skipped",
    "not_answered",
    "work_sought",
    "business",
    "hiring_role",
    "barriers",
    "closing",
)


class FlowBase:
    """What every part of the engine stands on; holds no state but the session, content, settings and clock."""

    def __init__(
        self,
        *,
        session: Session,
        content: Content,
        settings: Settings,
        now: Callable[[], datetime] = utcnow,
        content_for: Optional[Callable[[str], Content]] = None,
    ):
        self.session = session
        self.content = content
        self.settings = settings
        self.now = now
        self._content_for = content_for or (lambda language: self.content)

    # ---- languages ----------------------------------------------------------------------------
    def languages(self) -> dict[str, Content]:
        """The content of every language the bot speaks, the reference language first."""
        found = {code: self._content_for(code) for code in available_languages()}
        return {code: c for code, c in found.items() if c.language == code} or {self.content.language: self.content}

    def _speak(self, participant: Participant) -> None:
        """Use the participant's language from here on (the default content if there is no file for it)."""
        chosen = self._content_for(participant.language or self.content.language)
        if chosen.language == participant.language:
            self.content = chosen

    def _switch_language(self, participant: Participant, target: Optional[str], out: Outcome) -> bool:
        """Change the participant's language (the other one when none is named); False when it is not spoken."""
        spoken = self.languages()
        if target is None:
            target = next((code for code in spoken if code != participant.language), None)
        if target not in spoken:
            out.messages.append(BotMessage(self.content.message("language_unavailable")))
            return False
        participant.language = target
        participant.language_chosen_at = self.now()
        self.content = spoken[target]
        out.messages.append(BotMessage(self.content.message("language_set")))
        return True

    # ---- starting and resuming ----------------------------------------------------------------
    def _start(self, participant: Participant, channel: str, out: Outcome, *, intro: bool) -> None:
        first = self.content.steps[0]
        run = repo.start_run(
            session=self.session,
            participant=participant,
            channel=channel,
            step_id=first.id,
            content_version=self.content.version,
        )
        if intro:
            out.messages += [BotMessage(self.content.message(k)) for k in ("intro_1", "intro_2")]
        out.messages += self._ask(run)

    def _restart(self, participant: Participant, run: ActivityRun, channel: str, out: Outcome) -> None:
        if run.status != RUN_COMPLETED:
            run.status = RUN_RESTARTED
        role_step = self._step_of_kind("role")
        new_run = repo.start_run(
            session=self.session,
            participant=participant,
            channel=channel,
            step_id=role_step.id,
            content_version=self.content.version,
        )
        out.messages.append(BotMessage(self.content.message("restarted")))
        out.messages += self._ask(new_run)

    def _resume(self, run: ActivityRun, out: Outcome, greeting: str) -> None:
        run.status = RUN_ACTIVE
        run.paused_at = None
        out.messages.append(BotMessage(self.content.message(greeting)))
        out.messages += self._ask(run, with_summary=True)

    # ---- help and questions ------------------------------------------------------------------
    def _help(self, step: Step, audience: Optional[str]) -> str:
        help_text = step.help_for(audience)
        if help_text:
            return help_text
        if step.factor:
            return self.content.factor(step.factor).text_for(audience)
        return self.content.message("help_generic")

    def _faq(self, topic: str, text: str, step: Step, audience: Optional[str]) -> str:
        """The content's answer to a question: a term's or factor's meaning, or the topic's FAQ text."""
        if topic in ("meaning", "purpose") or topic not in self.content.faq:
            asked = term_asked(text, self.content)
            if asked is not None:
                return asked.text_for(audience)
            if topic == "meaning" and step.kind == "choice":
                return self.content.answer_faq("meaning", audience)
            if topic == "meaning" or topic not in self.content.faq:
                return self._help(step, audience)
        return self.content.answer_faq(topic, audience)

    # ---- checks -------------------------------------------------------------------------------
    def _yes_no(self) -> tuple[Option, ...]:
        return self._step_of_kind("consent").options

    @staticmethod
    def _hold(run: ActivityRun, kind: str, text: Optional[str], value: Optional[str]) -> None:
        run.pending_kind, run.pending_text, run.pending_value = kind, textin.strip_control(text or ""), value

    @staticmethod
    def _clear_pending(run: ActivityRun) -> None:
        run.pending_kind = run.pending_text = run.pending_value = None

    # ---- moving between steps -----------------------------------------------------------------
    def _linear(self) -> list[Step]:
        return [s for s in self.content.steps if s.kind != "fix"]

    def _step_of_kind(self, kind: str) -> Step:
        return next(s for s in self.content.steps if s.kind == kind)

    def _advance(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        """On to the next question asked of this role; a rating the words already stated is saved, not asked."""
        linear = self._linear()
        index = [s.id for s in linear].index(step.id)
        current = step
        for following in [*linear[index + 1 :], None]:
            if following is not None and not following.applies_to(run.role):
                continue
            if run.return_step_id and (following is None or following.group != current.group or current.group is None):
                target = self.content.step(run.return_step_id)
                run.return_step_id = None
                self._go(run, target, out)
                return
            if following is None:
                return
            if self._rating_given_in_words(run, following):
                current = following
                continue
            self._go(run, following, out)
            return

    def _rating_given_in_words(self, run: ActivityRun, step: Step) -> bool:
        """A rating asked only when unclear: saved from the factor's words when they state it (or skipped with
        them). Returns whether it was, so that the question is not asked."""
        if step.rating_from is None:
            return False
        words = repo.current_answers(session=self.session, run=run).get(step.rating_from)
        if words is None:
            return False
        value = None if words.skipped else rating_in_words(words.text or "", self.content)
        if not words.skipped and (value is None or value not in {o.value for o in step.options}):
            return False
        repo.save_answer(  # the rating, with the words that stated it (or skipped with them)
            session=self.session,
            run=run,
            question_id=step.id,
            factor=step.factor,
            text=words.text or "",
            value=value,
            skipped=bool(words.skipped),
            channel=words.channel,
        )
        return True

    def _previous(self, run: ActivityRun, step: Step) -> Optional[Step]:
        """The question before this one for this role; a rating asked only when unclear leads back to its words."""
        if step.kind == "fix":
            return self._step_of_kind("review")
        linear = [s for s in self._linear() if s.applies_to(run.role) or s.id == step.id]
        ids = [s.id for s in linear]
        index = ids.index(step.id)
        role_index = ids.index(self._step_of_kind("role").id)
        if index <= role_index:
            return None
        previous = linear[index - 1]
        if previous.rating_from is not None and previous.rating_from != step.id:
            previous = self.content.step(previous.rating_from)
        if run.return_step_id and previous.group != step.group:
            return self.content.step(run.return_step_id)
        return previous

    def _go(self, run: ActivityRun, step: Step, out: Outcome) -> None:
        run.step_id = step.id
        run.misunderstandings = 0
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
            pending = [s for s in linear[role_index:] if s.id not in answered and s.applies_to(run.role)]
            step = pending[0] if pending else self._step_of_kind("review")
            run.step_id = step.id
            self.session.flush()
            return step

    def _ask(self, run: ActivityRun, with_summary: bool = False) -> list[BotMessage]:
        """The current question (preceded by the summary when it is the review question)."""
        step = self._current_step(run)
        messages: list[BotMessage] = []
        if step.kind == "review" and with_summary:
            messages.append(self._summary_message(run, self._save_summary(run)))
        messages.append(
            BotMessage(
                self.content.question_text(step.id, run.role), options=step.options, choose_up_to=step.max_choices
            )
        )
        return messages

    # ---- saving -------------------------------------------------------------------------------
    def _save(
        self,
        run: ActivityRun,
        step: Step,
        incoming: Incoming,
        *,
        text: str,
        value: Optional[str],
        skipped: bool = False,
    ) -> None:
        repo.save_answer(
            session=self.session,
            run=run,
            question_id=step.id,
            factor=step.factor,
            text=text,
            value=value,
            skipped=skipped,
            channel=incoming.channel,
        )
        run.updated_at = self.now()

    def _reflection_saved(self, run: ActivityRun, step: Step, incoming: Incoming, text: str, out: Outcome) -> None:
        """Saves a reflection exactly as typed, thanks the person briefly (never quoting them; not by SMS), moves on.

        When the words state the factor's rating ("Strength: ..."), the thanks says which rating was noted."""
        self._save(run, step, incoming, text=text, value=None)
        if not capabilities_of(incoming.channel).paid_by_segment:  # by SMS the next question is thanks enough
            rated = self._rating_step_for(step)
            stated = rating_in_words(text, self.content) if rated is not None else None
            if stated is not None and rated is not None and stated in {o.value for o in rated.options}:
                out.messages.append(BotMessage(self.content.message(f"rating_noted_{stated}")))
            else:
                out.messages.append(BotMessage(self.content.acknowledgement(step.id)))
        self._advance(run, step, out)

    def _rating_step_for(self, step: Step) -> Optional[Step]:
        """The rating asked only when the words at ``step`` do not state it."""
        return next((s for s in self.content.steps if s.rating_from == step.id), None)

    def _save_summary(self, run: ActivityRun) -> Summary:
        answers = repo.current_answers(session=self.session, run=run)
        body = build_summary(self.content, run.role or "", answers)
        return repo.save_summary(session=self.session, run=run, body=body, text=summary_text(self.content, body))

    def _summary_message(self, run: ActivityRun, summary: Summary) -> BotMessage:
        """The summary, with the participant's own link to keep it (the same link each time it is shown)."""
        body = summary.body
        token = summary_links.link_token(
            session=self.session, run=run, secret_key=self.settings.secret_key, days=self.settings.summary_link_days
        )
        path = f"{summary_links.PATH}/{token}"
        url = self.settings.public_base_url + path
        keep = self.content.message("keep_link", link=url)
        text = f"{summary.text}\n\n{keep}"
        custom = {
            "type": SUMMARY_TYPE,
            "title": self.content.message("summary_title"),
            "text": text,
            "sms_text": sms_summary_text(self.content, body, link=url),
            "keep": {"path": path, "text": self.content.message("keep_button")},
            "summary": body,
            "labels": {k: self.content.message(f"summary_{k}") for k in SUMMARY_LABELS},
            "confidence_line": confidence_line(self.content, body),
        }
        return BotMessage(text, custom=custom)
