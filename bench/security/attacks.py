"""The attacks of issue 15, each tried against a running profile; every try records the refusal expected and what came."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
import uuid
from typing import Callable, Optional

import httpx
from sqlalchemy import func, select

from bench.security.target import LOOPBACK, Target, Try, listening_addresses, port_of, post_declared
from bot.channels.sms.compose import unrecorded_reply
from bot.channels.sms.signing import new_sid
from bot.content import gsm7, load_content
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Answer, ChannelIdentity
from bot.store.security_models import InboundClaim

FAST = 2.0  # seconds: a refusal of a huge body comes before it is read
QUICK_REPLY = 10.0  # seconds: a web chat reply while the huge bodies are refused
TIMEOUT = 60.0


def system_error_sms() -> str:
    """ "Please send that again" after a failed turn, to an English-speaking participant."""
    return gsm7.to_sms(load_content().message("system_error"))


def unrecorded_sms() -> str:
    """ "Please send that again" while the database is down: in every language, the participant's being unknown."""
    return unrecorded_reply()


def chat(target: Target, sender: str, text: str, headers: Optional[dict[str, str]] = None) -> httpx.Response:
    """One web chat message through the public web chat proxy, as the page sends it."""
    return httpx.post(
        f"{target.public_url}/chat/api/message",
        json={"sender": sender, "message": text},
        headers=headers,
        timeout=TIMEOUT,
    )


def raw_post(url: str, body: bytes, headers: Optional[dict[str, str]] = None) -> tuple[int, object]:
    response = httpx.post(
        url, content=body, headers={"Content-Type": "application/json", **(headers or {})}, timeout=TIMEOUT
    )
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text[:80]


def answers_of(target: Target, channel: str, external_id: str) -> list[tuple[str, str]]:
    with session_scope(target.db_url) as session:
        rows = session.execute(
            select(Answer.question_id, Answer.text)
            .join(ActivityRun)
            .join(ChannelIdentity, ChannelIdentity.participant_id == ActivityRun.participant_id)
            .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
            .order_by(Answer.id)
        ).all()
    return [(q, t) for q, t in rows]


def identities_of(target: Target, external_id: str) -> dict[str, int]:
    """channel -> participant id of every identity with this external id."""
    with session_scope(target.db_url) as session:
        rows = session.execute(
            select(ChannelIdentity.channel, ChannelIdentity.participant_id).where(
                ChannelIdentity.external_id == external_id
            )
        ).all()
    return dict(rows)


# ---- 1. acting as another channel's participant over REST ---------------------------------------
def forged_channel(target: Target) -> list[Try]:
    number = target.new_number()
    target.sms(number, "hi")
    before = answers_of(target, "twilio_sms", number)
    tries = []
    if target.rest:
        for text in ("yes", "skip", "skip", "stop"):
            httpx.post(
                f"{target.rasa_urls[0]}/webhooks/rest/webhook",
                json={"sender": number, "message": text, "input_channel": "twilio_sms"},
                timeout=TIMEOUT,
            )
        ids = identities_of(target, number)
        tries.append(
            Try(
                "REST with input_channel=twilio_sms: the SMS participant's answers",
                before,
                answers_of(target, "twilio_sms", number),
            )
        )
        tries.append(
            Try("REST with input_channel=twilio_sms: saved under its own identity", ["rest", "twilio_sms"], sorted(ids))
        )
        tries.append(
            Try("REST with input_channel=twilio_sms: a separate participant", True, len(set(ids.values())) == 2)
        )
    else:
        body = {"sender": number, "message": "yes", "input_channel": "twilio_sms"}
        tries.append(
            Try(
                "REST webhook through the public server",
                404,
                httpx.post(f"{target.public_url}/webhooks/rest/webhook", json=body, timeout=TIMEOUT).status_code,
            )
        )
        for url in target.rasa_urls:
            tries.append(
                Try(
                    f"REST webhook on Rasa {port_of(url)} itself (channel off)",
                    404,
                    httpx.post(f"{url}/webhooks/rest/webhook", json=body, timeout=TIMEOUT).status_code,
                )
            )
        tries.append(Try("the SMS participant's answers", before, answers_of(target, "twilio_sms", number)))
    return tries


# ---- 2. the action server ---------------------------------------------------------------------------
def forged_tracker(sender: str) -> dict:
    return {
        "next_action": "validate_activity_form",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "back", "intent": {"name": "back"}},
            "events": [],
            "latest_input_channel": "twilio_sms",
            "active_loop": {"name": "activity_form"},
        },
    }


def action_server(target: Target) -> list[Try]:
    tries = []
    forged = forged_tracker(target.new_number())
    for url in target.action_urls:
        port = port_of(url)
        tries.append(
            Try(
                f"action server {port}: /webhook without a token",
                401,
                httpx.post(f"{url}/webhook", json=forged, timeout=TIMEOUT).status_code,
            )
        )
        wrong = {"Authorization": "Bearer " + secrets.token_hex(16)}
        tries.append(
            Try(
                f"action server {port}: /webhook with a wrong token",
                401,
                httpx.post(f"{url}/webhook", json=forged, headers=wrong, timeout=TIMEOUT).status_code,
            )
        )
        tries.append(Try(f"action server {port}: listens on", {LOOPBACK}, listening_addresses(port)))
    for url in target.rasa_urls:
        tries.append(Try(f"Rasa {port_of(url)}: listens on", {LOOPBACK}, listening_addresses(port_of(url))))
    return tries


# ---- 3. huge bodies ---------------------------------------------------------------------------------
def huge_bodies(target: Target) -> list[Try]:
    urls = (
        [f"{target.rasa_urls[0]}/webhooks/rest/webhook"]
        if target.rest
        else [f"{target.public_url}/chat/api/message", target.sms_url]
    )
    urls.append(f"{target.webchat_url}/webhooks/webchat/webhook")
    tries = []
    replies: list[tuple[int, float]] = []

    def meanwhile() -> None:
        started = time.monotonic()
        replies.append((chat(target, uuid.uuid4().hex, "hi").status_code, time.monotonic() - started))

    for size in (1_000_000, 10_000_000):
        for url in urls:
            flood = [threading.Thread(target=post_declared, args=(url, size)) for _ in range(3)]
            friend = threading.Thread(target=meanwhile)
            for thread in (*flood, friend):
                thread.start()
            status, seconds = post_declared(url, size)
            for thread in (*flood, friend):
                thread.join(timeout=TIMEOUT)
            where = url.split("//", 1)[1]
            tries.append(
                Try(
                    f"{size // 1_000_000} MB to {where}: status, under {FAST:.0f} s",
                    (413, True),
                    (status, seconds < FAST),
                )
            )
            status, seconds = replies.pop()
            tries.append(
                Try(
                    f"web chat 'hi' meanwhile: status, under {QUICK_REPLY:.0f} s",
                    (200, True),
                    (status, seconds < QUICK_REPLY),
                )
            )
    return tries


# ---- 4. one crash stops everything ----------------------------------------------------------------
def process_kills(target: Target) -> list[Try]:
    tries = []
    for kind in ("actions", "rasa", "web"):
        before = target.ops.pids(kind)
        name = sorted(before)[0]
        target.ops.kill(name)
        target.ops.wait_ready()
        after = target.ops.pids(kind)
        tries.append(
            Try(f"SIGKILL {name}: restarted by the supervisor", True, name in after and after[name] != before[name])
        )
    sender = uuid.uuid4().hex
    tries.append(Try("a conversation after the kills", 200, chat(target, sender, "hi").status_code))
    return tries


# ---- 5. a provider's retry after a crash mid-turn -----------------------------------------------------
def claim_of(target: Target, sid: str) -> Optional[InboundClaim]:
    with session_scope(target.db_url) as session:
        row = session.execute(
            select(InboundClaim).where(InboundClaim.channel == "twilio_sms", InboundClaim.message_key == sid)
        ).scalar_one_or_none()
        session.expunge_all()
        return row


def wait_for(check: Callable[[], object], timeout: float = 20) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return None


def crash_mid_turn(target: Target) -> list[Try]:
    number = target.new_number()
    target.sms(number, "hi")
    sid = new_sid("SM")
    actions = target.ops.pids("actions")
    for pid in actions.values():
        os.kill(pid, signal.SIGSTOP)  # the turn hangs inside Rasa: claimed, nothing committed
    crashed: list[object] = []
    delivery = threading.Thread(
        target=lambda: crashed.append(_swallow(lambda: target.sms(number, "yes", sid=sid, timeout=30)))
    )
    delivery.start()
    claim = wait_for(lambda: claim_of(target, sid))
    holder_pid = int(claim.holder.split(":")[1]) if claim else 0
    rasa = {pid: name for name, pid in target.ops.pids("rasa").items()}
    for name in [rasa.get(holder_pid, "")] + sorted(actions):
        if name:
            target.ops.kill(name)
    delivery.join(timeout=TIMEOUT)
    target.ops.wait_ready()
    sent_before = len(target.texts_to(number))
    saved_before = len(answers_of(target, "twilio_sms", number))
    retry = target.sms(number, "yes", sid=sid)
    replies = target.texts_to(number)[sent_before:]
    sent_after_retry = sent_before + len(replies)
    saved_after_retry = len(answers_of(target, "twilio_sms", number))
    again = target.sms(number, "yes", sid=sid)
    processed = bool(replies) and system_error_sms() not in replies
    return [
        Try("crash with the MessageSid claimed: claim left open", "processing", claim.status if claim else None),
        Try(
            "Twilio's retry of the unfinished message: status, processed (the bot's own replies)",
            (200, True),
            (retry.status, processed),
        ),
        Try("the retried answer: saved once", 1, saved_after_retry - saved_before),
        Try(
            "another retry of the now finished message: status, nothing sent or saved",
            (200, 0, 0),
            (
                again.status,
                len(target.texts_to(number)) - sent_after_retry,
                len(answers_of(target, "twilio_sms", number)) - saved_after_retry,
            ),
        ),
    ]


def _swallow(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the crash is the point
        return exc


# ---- 6. the database locked or unavailable ------------------------------------------------------------
def locked_database(target: Target, hold_lock: Callable[[], Callable[[], None]]) -> list[Try]:
    """``hold_lock`` takes a lock that blocks writes and returns its release."""
    number = target.new_number()
    release = hold_lock()
    try:
        started = time.monotonic()
        reply = target.sms(number, "hi", timeout=30)
        seconds = time.monotonic() - started
    finally:
        release()
    texts = target.texts_to(number)
    later = target.sms(number, "hi")
    return [
        Try(
            "SMS while the database is locked: status, answered within Twilio's 15 s",
            (200, True),
            (reply.status, seconds < 15),
        ),
        Try("SMS while the database is locked: the participant is asked to send again", [unrecorded_sms()], texts),
        Try(
            "the same participant once the lock is gone: answered",
            (200, True),
            (later.status, len(target.texts_to(number)) > len(texts)),
        ),
    ]


# ---- 7. guessing resume codes ------------------------------------------------------------------------
def wrong_code() -> str:
    return "".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(4)) + "-" + f"{secrets.randbelow(1000):03d}"


def resume_guessing(target: Target, free: int) -> list[Try]:
    bad = load_content().message("resume_code_bad")
    tries = []
    sender = uuid.uuid4().hex
    chat(target, sender, "hi")
    for n in range(free):
        reply = chat(target, sender, wrong_code())
        texts = [m.get("text") for m in reply.json()] if reply.status_code == 200 else []
        tries.append(
            Try(
                f"wrong code {n + 1} of {free} allowed: the bot says it did not work",
                (200, True),
                (reply.status_code, bad in texts),
            )
        )
    for what, who, headers in (
        ("the same sender", sender, None),
        ("a new sender id", uuid.uuid4().hex, None),
        ("a new sender id and a forged X-Forwarded-For", uuid.uuid4().hex, {"X-Forwarded-For": "203.0.113.7"}),
    ):
        reply = chat(target, who, wrong_code(), headers=headers)
        body = reply.json() if reply.status_code == 429 else reply.status_code
        tries.append(
            Try(
                f"next code from {what}: refused with a wait",
                (429, {"error": "too_many_codes"}, True),
                (reply.status_code, body, int(reply.headers.get("retry-after", "0")) > 0),
            )
        )
    return tries


# ---- 8. formulas in the research CSV ----------------------------------------------------------------
FORMULAS = ('=HYPERLINK("http://evil.example","pay")', "@SUM(A1:A9)", "+1+1", "-2+3", "\t=1")


def csv_formulas(target: Target, export_csv: Callable[[], str]) -> list[Try]:
    from bot.staff import csv_export
    from bot.store import csv_cells
    from bot.store import repository as repo

    sender = uuid.uuid4().hex
    with session_scope(target.db_url) as session:
        identity = repo.get_or_create_identity(session=session, channel="webchat", external_id=sender)
        run = repo.start_run(
            session=session, participant=identity.participant, channel="webchat", step_id="skills_reflection"
        )
        for text in FORMULAS:
            repo.save_answer(
                session=session, run=run, question_id=f"probe_{FORMULAS.index(text)}", text=text, channel="webchat"
            )
        repo.record_consent(  # the research export holds only runs whose participant agreed to research use
            session=session,
            participant=identity.participant,
            run=run,
            kind="research",
            granted=True,
            wording="May we use your answers to improve this service?",
            channel="webchat",
            reply_text="yes",
        )
        run_id = run.public_id
    import csv as csvmod
    import io

    rows = [r for r in csvmod.DictReader(io.StringIO(export_csv(), newline="")) if r["run_id"] == run_id]
    cells = {r["question_id"]: r["text"] for r in rows}
    tries = [
        Try(f"research CSV cell for {text!r}", "'" + text, cells.get(f"probe_{i}")) for i, text in enumerate(FORMULAS)
    ]
    tries.append(Try("the staff CSV uses the same function", True, csv_export.safe_cell is csv_cells.safe_cell))
    return tries


# ---- 9. 5xx and silent replies -------------------------------------------------------------------------
def bad_bodies(target: Target) -> list[Try]:
    sender = uuid.uuid4().hex
    surrogate = json.dumps({"sender": sender, "message": "\ud800 x"}).encode()
    tries = [
        Try(
            "lone surrogate to the web chat proxy",
            (400, {"error": "bad_text"}),
            raw_post(f"{target.public_url}/chat/api/message", surrogate),
        ),
        Try(
            "lone surrogate to Rasa's web chat channel",
            (400, {"error": "bad_text"}),
            raw_post(f"{target.webchat_url}/webhooks/webchat/webhook", surrogate),
        ),
    ]
    url = (
        f"{target.rasa_urls[0]}/webhooks/rest/webhook"
        if target.rest
        else f"{target.webchat_url}/webhooks/webchat/webhook"
    )
    channel = "REST" if target.rest else "web chat channel"
    for body, code in (
        (b"[1,2,3]", "bad_request"),
        (b"null", "bad_request"),
        (json.dumps({"sender": sender, "message": 5}).encode(), "bad_message"),
    ):
        tries.append(Try(f"{channel} body {body.decode()[:40]}", (400, {"error": code}), raw_post(url, body)))
    for name in sorted(target.ops.pids("actions")):
        target.ops.stop(name)
    try:
        if target.rest:
            tries.append(
                Try(
                    "REST with the action server down",
                    (503, {"error": "unavailable"}),
                    raw_post(url, json.dumps({"sender": "me-" + sender, "message": "hi"}).encode()),
                )
            )
        reply = chat(target, uuid.uuid4().hex, "hi")
        tries.append(
            Try(
                "web chat with the action server down",
                (502, {"error": "unavailable"}),
                (reply.status_code, reply.json()),
            )
        )
        number = target.new_number()
        status = target.sms(number, "hi").status
        tries.append(
            Try(
                "SMS with the action server down: asked to send again",
                (200, [system_error_sms()]),
                (status, target.texts_to(number)),
            )
        )
    finally:
        for name in (
            ("actions",)
            if target.profile == "embedded"
            else [f"actions-{i + 1}" for i in range(len(target.action_urls))]
        ):
            target.ops.start(name)
        target.ops.wait_ready()
    return tries


# ---- 10. Host header, forwarded addresses, headers, sender ids -------------------------------------------------
def web_surface(target: Target, login_limit: int) -> list[Try]:
    tries = []
    redirect = httpx.get(f"{target.public_url}/staff", headers={"Host": "evil.example"}, timeout=TIMEOUT)
    tries.append(
        Try(
            "GET /staff with Host: evil.example: the redirect stays on the site",
            "/staff/",
            redirect.headers.get("location"),
        )
    )
    tries.append(
        Try("login attempts with a new X-Forwarded-For each: still limited", 429, _login_flood(target, login_limit))
    )
    for method, path in (
        ("GET", "/staff/static/staff.css"),
        ("GET", "/static/chat/chat.css"),
        ("GET", "/no-such-page"),
        ("POST", "/healthz"),
        ("GET", "/staff"),
    ):
        response = httpx.request(method, f"{target.public_url}{path}", timeout=TIMEOUT)
        got = (
            response.headers.get("x-content-type-options"),
            "frame-ancestors 'none'" in response.headers.get("content-security-policy", ""),
        )
        tries.append(Try(f"{method} {path} ({response.status_code}): nosniff and CSP", ("nosniff", True), got))
    sender = uuid.uuid4().hex
    reply = chat(target, sender + "\n", "hi")
    tries.append(
        Try(
            "web chat sender id with a trailing newline",
            (400, {"error": "bad_sender"}),
            (reply.status_code, reply.json()),
        )
    )
    status, body = raw_post(
        f"{target.webchat_url}/webhooks/webchat/webhook",
        json.dumps({"sender": sender + "\n", "message": "hi"}).encode(),
    )
    tries.append(
        Try("Rasa web chat channel: sender id with a trailing newline", (400, {"error": "bad_sender"}), (status, body))
    )
    return tries


def _login_flood(target: Target, limit: int) -> int:
    import re

    with httpx.Client(base_url=target.public_url, timeout=TIMEOUT) as client:
        page = client.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        status = 0
        for n in range(limit + 1):
            form = {
                "csrf_token": csrf.group(1) if csrf else "",
                "email": f"nobody{n}-{uuid.uuid4().hex[:6]}@example.org",
                "password": "wrong password",
                "next": "/staff/",
            }
            status = client.post(
                "/staff/login", data=form, headers={"X-Forwarded-For": f"198.51.100.{n % 250 + 1}"}
            ).status_code
        return status


def count_rows(target: Target, model) -> int:
    with session_scope(target.db_url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()
