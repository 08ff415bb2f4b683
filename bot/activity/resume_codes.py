"""Pausing and resume codes: a code given on pause (where the address does not find the person), redeemed once."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Optional

from bot.activity.after import AfterCompletion
from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.capabilities import capabilities_of
from bot.store import attempts
from bot.store import repository as repo
from bot.store.models import RUN_ACTIVE, RUN_PAUSED, ActivityRun, ChannelIdentity, Participant

RESUME_CODE_DAYS = 7
_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels (no words), no look-alikes of digits
# Codes use only these consonants, so an answer such as "work 100" can never be taken for a code. A code counts
# when it is the whole message, written with its dash, or named as a code ("my code is PSCL-646", "code: pscl 646").
_CODE = rf"([{_CODE_LETTERS}]{{4}})\s*-?\s*(\d{{3}})"
_CODE_WHOLE = re.compile(rf"^\s*(?:code\s*:?\s*)?{_CODE}\s*[.!]?\s*$", re.IGNORECASE)
_CODE_DASHED = re.compile(rf"(?<![\w-])([{_CODE_LETTERS}]{{4}})-(\d{{3}})(?![\w-])", re.IGNORECASE)
_CODE_NAMED = re.compile(rf"\bcode\b\W{{0,3}}(?:is\W+|was\W+)?{_CODE}(?!\w)", re.IGNORECASE)


def find_code(text: str) -> Optional[re.Match[str]]:
    """A resume code in a message, if it holds one."""
    return _CODE_WHOLE.match(text) or _CODE_NAMED.search(text) or _CODE_DASHED.search(text)


class PauseAndResume(AfterCompletion):
    """Pause a run (with a resume code where needed) and redeem a code on any channel."""

    def _redeem_code(
        self, identity: ChannelIdentity, match: re.Match[str], incoming: Incoming, out: Outcome
    ) -> Outcome:
        key = attempts.identity_key(identity.id)
        if not attempts.resume_attempt_allowed(session=self.session, key=key, now=self.now()):
            out.messages.append(BotMessage(self.content.message("resume_code_wait")))
            return out
        target = repo.redeem_resume_code(session=self.session, code_hash=self.code_hash(match.group(1), match.group(2)))
        attempts.record_resume_attempt(session=self.session, key=key, succeeded=target is not None, now=self.now())
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

    def _pause(
        self, participant: Participant, run: ActivityRun, incoming: Incoming, out: Outcome, message: str
    ) -> None:
        run.status = RUN_PAUSED
        run.paused_at = self.now()
        out.messages.append(BotMessage(self.content.message(message)))
        if not capabilities_of(incoming.channel).address_finds_conversation:  # e.g. a phone number needs no code
            code = self._new_resume_code(participant)
            out.messages.append(BotMessage(self.content.message("resume_code", code=code, days=RESUME_CODE_DAYS)))

    # ---- resume codes -------------------------------------------------------------------------
    def code_hash(self, letters: str, digits: str) -> str:
        raw = f"{self.settings.secret_key}:{letters.upper()}-{digits}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def _new_resume_code(self, participant: Participant) -> str:
        letters = "".join(secrets.choice(_CODE_LETTERS) for _ in range(4))
        digits = f"{secrets.randbelow(1000):03d}"
        repo.create_resume_code(
            session=self.session,
            participant=participant,
            code_hash=self.code_hash(letters, digits),
            expires_at=self.now() + timedelta(days=RESUME_CODE_DAYS),
        )
        return f"{letters}-{digits}"
