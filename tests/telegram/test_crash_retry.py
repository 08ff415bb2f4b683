"""Issue 15 finding 5 on Telegram: an update whose turn died with its Rasa process is processed when Telegram sends it
again; once answered, a repeat is a duplicate. Also: an update still being processed is refused with 503 (retried)."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from sqlalchemy import select

from bot.store.db import session_scope
from bot.store.security_models import InboundClaim
from tests.support.stack import Stack
from tests.support.waiting import wait_until
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import message_update, new_chat_id, post_update

pytestmark = [pytest.mark.e2e]


def claim_status(db_url: str, update_id: int) -> str | None:
    with session_scope(db_url) as session:
        return session.execute(
            select(InboundClaim.status).where(
                InboundClaim.channel == "telegram", InboundClaim.message_key == str(update_id)
            )
        ).scalar_one_or_none()


def wait_for_claim(db_url: str, update_id: int, timeout: float = 20) -> str | None:
    return wait_until(lambda: claim_status(db_url, update_id), timeout=timeout)


def test_an_update_whose_rasa_died_mid_turn_is_processed_when_telegram_retries(
    tg_stack: Stack, fake_api: FakeBotApi
) -> None:
    chat_id = new_chat_id()
    assert post_update(tg_stack.rasa_url, message_update(chat_id, text="hi"))[0] == 200
    update = message_update(chat_id, text="Yes")
    os.kill(tg_stack.procs["actions"].pid, signal.SIGSTOP)  # the turn hangs in Rasa: claimed, nothing committed
    results: list[object] = []
    first = threading.Thread(
        target=lambda: results.append(_try(lambda: post_update(tg_stack.rasa_url, update, timeout=30)))
    )
    first.start()
    try:
        assert wait_for_claim(tg_stack.db_url, update["update_id"]) == "processing"
        # While it is being processed, a second delivery is told to come back later (Telegram retries non-2xx).
        assert post_update(tg_stack.rasa_url, update, timeout=30) == (503, {"error": "in_progress"})
    finally:
        for name in ("rasa", "actions"):
            os.killpg(tg_stack.procs.pop(name).pid, signal.SIGKILL)
    first.join(timeout=60)
    assert not isinstance(results[0], tuple), "the first delivery died with its Rasa process"
    tg_stack.start_actions()
    tg_stack.start_rasa()
    sent_before = len(fake_api.texts(chat_id))
    assert post_update(tg_stack.rasa_url, update) == (200, {"status": "ok"})
    assert len(fake_api.texts(chat_id)) > sent_before, "the retried update was answered"
    assert claim_status(tg_stack.db_url, update["update_id"]) == "done"
    sent = len(fake_api.texts(chat_id))
    assert post_update(tg_stack.rasa_url, update) == (200, {"status": "duplicate"})
    assert len(fake_api.texts(chat_id)) == sent


def _try(call):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the connection dies with Rasa: that is the crash
        return exc
