"""The Telegram channel end to end: real Rasa and action servers, python-telegram-bot sending to the fake Bot API."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Optional

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.wording import wording
from bot.cli.telegram import poll
from bot.content import load_content
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.models import (
    ActivityRun,
    Answer,
    ChannelIdentity,
    Handoff,
    InviteCode,
    Participant,
    Site,
    Summary,
)
from bot.store.security_models import InboundClaim
from tests.support.activity import CONTACT, closing_texts, contact_texts
from tests.support.stack import Stack
from tests.support.stored import stored
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import (
    DOCUMENT,
    PHOTO,
    SECRET,
    STICKER,
    TOKEN,
    VOICE,
    TelegramUser,
    member_update,
    message_update,
    new_chat_id,
    post_update,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONTENT = load_content()
RATINGS = ("Strength", "Stressor", "Both", "Not sure")
RATING_VALUES = dict(zip(RATINGS, ("strength", "stressor", "both", "unsure"), strict=True))
FACTOR_IDS = [factor.id for factor in CONTENT.factors]
REMOVE_KEYBOARD = {"remove_keyboard": True}
ROLE_OF = {"Looking for work": "work_seeker", "Hiring": "employer"}
# Each factor's rating: stated in its words (the words open with it: the rating question is not asked) or tapped on
# the rating question's keyboard after words that state none.
STATED = {"skills": ("Strength", "strength"), "pay": ("A bit of both", "both"), "values": ("Not sure", "unsure")}
TAPPED = {"capacity": "Stressor", "arrangements": "Strength", "culture": "Both"}
# The answers outside the six factors, as typed.
ABOUT = {
    "work_seeker": {
        "work_sought": "Welding or warehouse work",
        "barriers": "No car yet, I take the bus",
        "closing_reflection": "Clearer now on the job I want",
    },
    "employer": {
        "business_name": "Harbour Diner & Grill",
        "hiring_role": "Line cook, part time",
        "closing_reflection": "Clearer on what we offer new hires",
    },
}


def rest_texts(stack: Stack, text: str) -> list[str]:
    """What the same engine says to a new participant through the REST channel (the reference wording)."""
    return [m.get("text") or m["custom"]["text"] for m in stack.send(f"reference-{new_chat_id()}", text)]


def intro_texts(stack: Stack) -> list[str]:
    texts = rest_texts(stack, "start")
    assert texts[-1] == CONTENT.question_text("consent", None)
    return texts


def identity_row(db_url: str, chat_id: str) -> Optional[ChannelIdentity]:
    with session_scope(db_url) as session:
        return session.execute(
            select(ChannelIdentity).where(ChannelIdentity.channel == "telegram", ChannelIdentity.external_id == chat_id)
        ).scalar_one_or_none()


def all_answers(db_url: str, chat_id: str) -> list[Answer]:
    """Every answer (superseded ones too) of the chat's latest run, oldest first."""
    return stored(db_url, "telegram", chat_id).answers


def current_answers(db_url: str, chat_id: str) -> dict[str, Answer]:
    return {answer.question_id: answer for answer in all_answers(db_url, chat_id) if answer.superseded_at is None}


def count(db_url: str, model: Any) -> int:
    with session_scope(db_url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def start_and_consent(stack: Stack, user: TelegramUser, role_label: str) -> None:
    """/start, Yes, the role, clarity 2 and the questions about the person (a work seeker's confidence 3 and the work
    sought; an employer's business and the job): the participant is at the first factor's question, its words."""
    assert [m["text"] for m in user.say("/start")] == intro_texts(stack)
    assert user.keyboard() == ["Yes", "No"]
    user.tap("Yes")
    user.tap(role_label)
    user.tap("2")
    role = ROLE_OF[role_label]
    if role == "work_seeker":
        user.tap("3")
        user.say(ABOUT[role]["work_sought"])
    else:
        user.say(ABOUT[role]["business_name"])
        user.say(ABOUT[role]["hiring_role"])
    last = user.fake.delivered(user.chat_id)[-1]
    assert (last["text"], last["reply_markup"]) == (CONTENT.question_text("skills_reflection", role), REMOVE_KEYBOARD)


def texts_of(replies: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in replies]


def finish(user: TelegramUser, role: str, reflections: list[str]) -> list[dict[str, Any]]:
    """Every factor's words (and its rating where they state none), priorities, the questions after them, review and
    share; each reply checked. The review turn's replies."""
    for index, (factor, reflection) in enumerate(zip(FACTOR_IDS, reflections, strict=True)):
        following = f"{FACTOR_IDS[index + 1]}_reflection" if index + 1 < len(FACTOR_IDS) else "priorities"
        replies = user.say(reflection)
        if factor in STATED:
            # The rating the words state is noted (BACK changes it), and the next factor's question comes.
            assert texts_of(replies) == [
                CONTENT.message(f"rating_noted_{STATED[factor][1]}"),
                CONTENT.question_text(following, role),
            ]
        else:
            assert texts_of(replies) == [
                CONTENT.acknowledgement(f"{factor}_reflection"),
                CONTENT.question_text(f"{factor}_rating", role),
            ]
            assert user.keyboard() == list(RATINGS)
            assert texts_of(user.tap(TAPPED[factor])) == [CONTENT.question_text(following, role)]
        if following != "priorities":
            last = user.fake.delivered(user.chat_id)[-1]
            assert last["reply_markup"] == REMOVE_KEYBOARD  # the words are free text: no keyboard
    about = ABOUT[role]
    if role == "work_seeker":
        assert texts_of(user.say("3 4")) == [CONTENT.question_text("barriers", role)]
        assert texts_of(user.say(about["barriers"]))[-1] == CONTENT.question_text("clarity_after", role)
        assert texts_of(user.tap("4")) == [CONTENT.question_text("confidence_after", role)]
    else:
        assert texts_of(user.say("3 4")) == [CONTENT.question_text("clarity_after", role)]
    assert texts_of(user.tap("4")) == [CONTENT.question_text("closing_reflection", role)]
    review = user.say(about["closing_reflection"])
    assert user.keyboard() == ["Looks right", "Change something"]
    user.tap("Looks right")
    assert user.keyboard() == ["Yes", "No"]
    return review


def reflections_for(role: str, long: bool) -> list[str]:
    """Reflections with characters HTML or Markdown would mangle; long ones make the summary exceed 4096 characters.
    Those of the factors in STATED open with their rating."""
    base = [
        f'{role}: Forklift & <b>people</b> skills, "quoted" *stars* _under_ - {factor} ünïcode ✓ #{n}'
        for n, factor in enumerate(FACTOR_IDS)
    ]
    if long:
        base = [text + " " + ("I like steady work with a kind team and clear tasks. " * 17).strip() for text in base]
    return [f"{STATED[f][0]}: {text}" if f in STATED else text for f, text in zip(FACTOR_IDS, base, strict=True)]


ROLES = [
    pytest.param("Looking for work", "work_seeker", "case_manager", False, id="work_seeker"),
    pytest.param("Hiring", "employer", "ees", True, id="employer-long-summary"),
]


@pytest.mark.parametrize(("role_label", "role", "audience", "long"), ROLES)
def test_whole_activity_saves_every_answer_verbatim(
    tg_stack: Stack, fake_api: FakeBotApi, role_label: str, role: str, audience: str, long: bool
) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    reflections = reflections_for(role, long)
    start_and_consent(tg_stack, user, role_label)
    review = finish(user, role, reflections)
    # Shared: the thanks, then how the practitioner can reach them (not a phone number here: in their own words);
    # their words are passed on, then the uses question (matching and research, each on its own), declined.
    assert texts_of(user.tap("Yes")) == closing_texts(CONTENT, role)
    assert user.keyboard() == []
    assert texts_of(user.say(CONTACT)) == contact_texts(CONTENT, role)
    assert user.keyboard() == ["Yes, both", "Only matches", "Only research", "No"]
    assert texts_of(user.tap("No")) == [CONTENT.message("uses_none")]

    answers = current_answers(tg_stack.db_url, user.chat_id)
    expected = {
        "consent": ("Yes", "yes"),
        "role": (role_label, role),
        "clarity_before": ("2", "2"),
        "priorities": ("3 4", "pay,arrangements"),
        "clarity_after": ("4", "4"),
        "review": ("Looks right", "yes"),
        "share": ("Yes", "yes"),
        "contact": (CONTACT, "given"),
        **{key: (text, None) for key, text in ABOUT[role].items()},
    }
    if role == "work_seeker":
        expected |= {"confidence_before": ("3", "3"), "confidence_after": ("4", "4")}
    for factor, reflection in zip(FACTOR_IDS, reflections, strict=True):
        expected[f"{factor}_reflection"] = (reflection, None)
        if factor in STATED:
            expected[f"{factor}_rating"] = (reflection, STATED[factor][1])  # saved from the words
        else:
            expected[f"{factor}_rating"] = (TAPPED[factor], RATING_VALUES[TAPPED[factor]])
    assert {qid: (a.text, a.value) for qid, a in answers.items()} == expected
    assert {a.channel for a in answers.values()} == {"telegram"}

    with session_scope(tg_stack.db_url) as session:
        run = session.get(ActivityRun, next(iter(answers.values())).run_id)
        assert (run.status, run.role, run.channel) == ("completed", role, "telegram")
        handoff = session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one()
        assert handoff.audience == audience
        summary_text = (
            session.execute(select(Summary.text).where(Summary.run_id == run.id).order_by(Summary.id.desc()))
            .scalars()
            .first()
        )
    # The review turn: thanks for the closing words, the full summary as plain text (no parse mode, so nothing to
    # escape), then the question.
    assert review[0]["text"] == CONTENT.acknowledgement("closing_reflection")
    pieces = [m["text"] for m in review[1:-1]]
    assert review[-1]["text"] == CONTENT.question_text("review", None)
    assert all("parse_mode" not in m for m in review)
    assert all(words in summary_text for words in [*reflections, *ABOUT[role].values()])
    # The sent summary ends with the participant's own link to keep it (the token is random: read from what was sent).
    link = re.search(r"https?://\S+/summary/[A-Za-z0-9_-]+$", pieces[-1])
    assert link is not None
    summary_text = f"{summary_text}\n\n" + CONTENT.message("keep_link", link=link.group(0))
    if long:
        # Over Telegram's limit: cut at a line break into ordered pieces, nothing lost.
        assert len(summary_text) > 4096
        assert len(pieces) == 2 and all(len(piece) <= 4096 for piece in pieces)
        assert "\n".join(pieces) == summary_text
    else:
        assert pieces == [summary_text]
    # The participant's words never reach the logs.
    assert reflections[0] not in tg_stack.log_text("rasa") + tg_stack.log_text("actions")


def test_keyboard_is_one_time_and_one_tap_sends_the_label(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    user.say("/start")
    markup = fake_api.delivered(user.chat_id)[-1]["reply_markup"]
    assert markup == {
        "keyboard": [[{"text": "Yes"}, {"text": "No"}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    intros = fake_api.delivered(user.chat_id)[:-1]
    assert intros and [m["reply_markup"] for m in intros] == [REMOVE_KEYBOARD] * len(intros)


def test_start_link_links_the_invite_codes_site(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    with session_scope(tg_stack.db_url) as session:
        site = Site(code="halifax", name="Halifax Works")
        session.add(site)
        session.flush()
        session.add(InviteCode(code="HFX-2024_a", site_id=site.id))
        site_id = site.id
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    assert [m["text"] for m in user.say("/start HFX-2024_a")] == intro_texts(tg_stack)
    with session_scope(tg_stack.db_url) as session:
        identity = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.external_id == user.chat_id)
        ).scalar_one()
        assert session.get(Participant, identity.participant_id).site_id == site_id
    # The activity carries on from the link: the answer is saved on the linked participant's run.
    user.tap("Yes")
    assert current_answers(tg_stack.db_url, user.chat_id)["consent"].text == "Yes"


def test_unknown_start_code_starts_the_activity_and_reveals_nothing(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    assert [m["text"] for m in user.say("/start NOSUCHCODE")] == intro_texts(tg_stack)
    with session_scope(tg_stack.db_url) as session:
        identity = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.external_id == user.chat_id)
        ).scalar_one()
        assert session.get(Participant, identity.participant_id).site_id is None


@pytest.mark.parametrize(
    "secret", [None, "", "wrong-secret", "test-secret_012345678"], ids=["missing", "empty", "wrong", "prefix"]
)
def test_requests_without_the_secret_token_are_refused(
    tg_stack: Stack, fake_api: FakeBotApi, secret: Optional[str]
) -> None:
    chat_id = new_chat_id()
    update = message_update(chat_id, text="hi")
    inbound_before, sent_before = count(tg_stack.db_url, InboundClaim), len(fake_api.calls_to("sendMessage"))
    assert post_update(tg_stack.rasa_url, update, secret=secret) == (403, {"error": "forbidden"})
    assert count(tg_stack.db_url, InboundClaim) == inbound_before
    assert identity_row(tg_stack.db_url, chat_id) is None
    assert len(fake_api.calls_to("sendMessage")) == sent_before
    # Nothing was claimed: the same update from Telegram itself is processed.
    assert post_update(tg_stack.rasa_url, update) == (200, {"status": "ok"})
    assert fake_api.texts(chat_id) == intro_texts(tg_stack)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"update_id": "7"}', b'{"message": {}}'],
    ids=["invalid", "list", "id-text", "no-id"],
)
def test_malformed_updates_are_refused_and_store_nothing(tg_stack: Stack, body: bytes) -> None:
    import urllib.error
    import urllib.request

    inbound_before = count(tg_stack.db_url, InboundClaim)
    request = urllib.request.Request(
        tg_stack.rasa_url + "/webhooks/telegram/webhook",
        data=body,
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert count(tg_stack.db_url, InboundClaim) == inbound_before


def test_a_duplicated_update_is_processed_once(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    user.say("/start")
    update = message_update(user.chat_id, text="Yes")
    sent_before = len(fake_api.delivered(user.chat_id))
    assert post_update(tg_stack.rasa_url, update) == (200, {"status": "ok"})
    replies = fake_api.delivered(user.chat_id)[sent_before:]
    assert post_update(tg_stack.rasa_url, update) == (200, {"status": "duplicate"})
    assert fake_api.delivered(user.chat_id)[sent_before:] == replies
    assert [m["text"] for m in replies] == [CONTENT.message("consent_given"), CONTENT.question_text("role", None)]
    assert [(a.question_id, a.text) for a in all_answers(tg_stack.db_url, user.chat_id)] == [("consent", "Yes")]


@pytest.mark.parametrize("content", [STICKER, PHOTO, VOICE, DOCUMENT], ids=["sticker", "photo", "voice", "document"])
def test_non_text_gets_a_friendly_note_and_the_question_again(
    tg_stack: Stack, fake_api: FakeBotApi, content: dict
) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    start_and_consent(tg_stack, user, "Looking for work")
    user.say("Welding and first aid")  # words that state no rating: the rating question, with its keyboard
    assert user.keyboard() == list(RATINGS)
    question = fake_api.delivered(user.chat_id)[-1]
    answers_before = [(a.question_id, a.text) for a in all_answers(tg_stack.db_url, user.chat_id)]
    replies = user.send_update(message_update(user.chat_id, **content))
    assert [m["text"] for m in replies] == [wording()["non_text"], question["text"]]
    assert replies[-1]["reply_markup"] == question["reply_markup"]
    assert [(a.question_id, a.text) for a in all_answers(tg_stack.db_url, user.chat_id)] == answers_before


def test_an_edited_message_changes_nothing_and_says_how_to_change_an_answer(
    tg_stack: Stack, fake_api: FakeBotApi
) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    start_and_consent(tg_stack, user, "Looking for work")
    sent = message_update(user.chat_id, text="Welding and first aid")
    user.send_update(sent)
    answers_before = [(a.question_id, a.text, a.superseded_at) for a in all_answers(tg_stack.db_url, user.chat_id)]
    assert answers_before[-1][:2] == ("skills_reflection", "Welding and first aid")
    edit = message_update(user.chat_id, text="Welding, first aid and driving", edited=True)
    edit["edited_message"]["message_id"] = sent["message"]["message_id"]
    replies = user.send_update(edit)
    assert [m["text"] for m in replies] == [wording()["edited"]]
    assert "reply_markup" not in replies[0]  # the current question's keyboard stays
    assert [
        (a.question_id, a.text, a.superseded_at) for a in all_answers(tg_stack.db_url, user.chat_id)
    ] == answers_before


def test_a_5000_character_message_is_refused_politely_and_saves_nothing(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    start_and_consent(tg_stack, user, "Looking for work")
    long_text = ("I have worked in many warehouses and kitchens over the years. " * 90)[:5000]
    assert len(long_text) == 5000
    replies = user.say(long_text)
    assert [m["text"] for m in replies] == [CONTENT.message("too_long", limit=4000)]
    assert "skills_reflection" not in current_answers(tg_stack.db_url, user.chat_id)


def test_a_blocked_bot_marks_the_chat_blocked_until_the_user_writes_again(
    tg_stack: Stack, fake_api: FakeBotApi
) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    user.say("/start")
    attempts_before = len(fake_api.calls_to("sendMessage", user.chat_id))
    fake_api.block(user.chat_id)
    try:
        assert user.tap("Yes") == []
        # One refused attempt, then nothing more is tried for that turn.
        attempts = fake_api.calls_to("sendMessage", user.chat_id)[attempts_before:]
        assert [c.status for c in attempts] == [403]
        assert identity_row(tg_stack.db_url, user.chat_id).blocked_at is not None
        # The answer itself was saved before the reply failed.
        assert current_answers(tg_stack.db_url, user.chat_id)["consent"].text == "Yes"
    finally:
        fake_api.clear_failures()
    user.send_update(member_update(user.chat_id, "member"))
    assert identity_row(tg_stack.db_url, user.chat_id).blocked_at is None
    user.send_update(member_update(user.chat_id, "kicked"))
    assert identity_row(tg_stack.db_url, user.chat_id).blocked_at is not None
    assert [m["text"] for m in user.say("repeat")] == [CONTENT.question_text("role", None)]
    assert identity_row(tg_stack.db_url, user.chat_id).blocked_at is None


def test_rate_limited_replies_are_retried_after_the_wait_without_loss_or_reordering(
    tg_stack: Stack, fake_api: FakeBotApi
) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    fake_api.rate_limit(1, times=2, chat_id=user.chat_id, after=1)  # the 2nd message is refused twice
    try:
        replies = user.say("/start")
    finally:
        fake_api.clear_failures()
    expected = intro_texts(tg_stack)
    assert len(expected) >= 3
    assert [m["text"] for m in replies] == expected
    attempts = fake_api.calls_to("sendMessage", user.chat_id)
    assert [c.status for c in attempts] == [200, 429, 429] + [200] * (len(expected) - 1)
    assert [c.params["text"] for c in attempts[1:4]] == [expected[1]] * 3
    assert attempts[2].at - attempts[1].at >= 0.95 and attempts[3].at - attempts[2].at >= 0.95


def test_slash_commands_reach_the_activity_without_the_slash(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    start_and_consent(tg_stack, user, "Looking for work")
    replies = user.say("/help")
    factor = CONTENT.factor("skills")
    assert replies[0]["text"] == factor.explain["work_seeker"]
    assert "help" not in current_answers(tg_stack.db_url, user.chat_id)


def test_poll_bridge_feeds_updates_to_the_webhook_in_order(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    chat_id = new_chat_id()
    first, second = message_update(chat_id, text="/start"), message_update(chat_id, text="Yes")
    fake_api.queue_update(first)
    fake_api.queue_update(second)
    settings = Settings(telegram_bot_token=TOKEN, telegram_secret_token=SECRET, telegram_api_base=fake_api.base_url)
    assert asyncio.run(poll(settings, tg_stack.rasa_url, once=True)) == 0
    assert fake_api.texts(chat_id) == intro_texts(tg_stack) + [
        CONTENT.message("consent_given"),
        CONTENT.question_text("role", None),
    ]
    # The delivered updates were confirmed (offset past the last), so Telegram will not send them again.
    offsets = [call.params.get("offset") for call in fake_api.calls_to("getUpdates")][-2:]
    assert offsets[-1] == second["update_id"] + 1
    assert fake_api.updates == []


def test_a_failed_turn_asks_to_send_again_and_the_resent_answer_is_saved(tg_stack: Stack, fake_api: FakeBotApi) -> None:
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    user.say("/start")
    tg_stack.stop("actions")
    try:
        replies = user.say("Yes")
    finally:
        tg_stack.start_actions()
    assert [m["text"] for m in replies] == [load_content().message("system_error")]
    assert all_answers(tg_stack.db_url, user.chat_id) == []
    user.say("Yes")
    assert [(a.question_id, a.text) for a in all_answers(tg_stack.db_url, user.chat_id)] == [("consent", "Yes")]


def test_a_french_participant_gets_the_channel_notes_and_keyboards_in_french(
    tg_stack: Stack, fake_api: FakeBotApi
) -> None:
    fr = load_content("fr")
    user = TelegramUser(tg_stack.rasa_url, fake_api)
    assert [m["text"] for m in user.say("Bonjour")][-1] == fr.question_text("consent", None)
    assert user.keyboard() == ["Oui", "Non"]
    user.tap("Oui")
    work_seeker = next(o.label for o in fr.step("role").options if o.value == "work_seeker")
    user.tap(work_seeker)
    user.tap("2")
    user.tap("3")
    user.say("Cariste ou livreur")
    assert fake_api.delivered(user.chat_id)[-1]["text"] == fr.question_text("skills_reflection", "work_seeker")
    sent = message_update(user.chat_id, text="Soudure et premiers soins, pis je suis fiable")
    user.send_update(sent)  # no rating in the words: the rating question, its keyboard in French
    question = fake_api.delivered(user.chat_id)[-1]
    assert question["text"] == fr.question_text("skills_rating", "work_seeker")
    assert user.keyboard() == [o.label for o in fr.step("skills_rating").options]
    replies = user.send_update(message_update(user.chat_id, **STICKER))
    assert [m["text"] for m in replies] == [wording("fr")["non_text"], question["text"]]
    edit = message_update(user.chat_id, text="Soudure, premiers soins et conduite", edited=True)
    edit["edited_message"]["message_id"] = sent["message"]["message_id"]
    assert [m["text"] for m in user.send_update(edit)] == [wording("fr")["edited"]]
    assert [(a.question_id, a.text) for a in all_answers(tg_stack.db_url, user.chat_id)][-1] == (
        "skills_reflection",
        "Soudure et premiers soins, pis je suis fiable",
    )
    user.say(fr.step("skills_rating").options[0].label)  # a tap on the keyboard still shown above the note
    assert current_answers(tg_stack.db_url, user.chat_id)["skills_rating"].value == "strength"
