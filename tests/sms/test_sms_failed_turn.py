"""A turn that fails inside the bot (action server down) still gets an SMS back asking to send again; nothing is lost."""

from __future__ import annotations

import pytest

from bot.content import gsm7, load_content
from tests.sms.helpers import answers, sms_after_consent

pytestmark = [pytest.mark.e2e]


def test_a_failed_turn_asks_to_send_again_and_the_resent_answer_is_saved(sms_stack, new_phone) -> None:
    phone = new_phone()
    phone.text("hi")
    sms_stack.stack.stop("actions")
    try:
        assert phone.text("yes") == [gsm7.to_gsm7(load_content().message("system_error"))]
    finally:
        sms_stack.stack.start_actions()
    assert answers(sms_stack.db_url, phone.number) == []
    assert phone.text("yes") == [sms_after_consent()]
    assert [(a.question_id, a.text) for a in answers(sms_stack.db_url, phone.number)] == [("consent", "yes")]
