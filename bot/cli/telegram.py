"""`python -m bot telegram set-webhook | delete-webhook | poll`: register the webhook, or long-poll for local use."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, Optional

import httpx

from bot.channels.telegram.client import SECRET_HEADER, SECRET_PATTERN, WEBHOOK_PATH, build_bot, webhook_url
from bot.channels.telegram.updates import ALLOWED_UPDATES
from bot.settings import Settings, get_settings

RETRY_SECONDS = 3.0


def _problem(settings: Settings) -> Optional[str]:
    """Why the Telegram settings cannot be used, or None."""
    if not settings.telegram_bot_token:
        return "TELEGRAM_BOT_TOKEN is not set (the token BotFather gave you)."
    if not SECRET_PATTERN.match(settings.telegram_secret_token):
        return "TELEGRAM_SECRET_TOKEN must be set: 1-256 characters from A-Z, a-z, 0-9, _ and -."
    return None


async def set_webhook(settings: Settings, url: str, drop_pending: bool) -> None:
    """Point Telegram at our webhook, with the secret it must send back on every request."""
    async with build_bot(settings, pool_size=1) as bot:
        await bot.set_webhook(
            url=url,
            secret_token=settings.telegram_secret_token,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=drop_pending,
        )


async def delete_webhook(settings: Settings, drop_pending: bool) -> None:
    async with build_bot(settings, pool_size=1) as bot:
        await bot.delete_webhook(drop_pending_updates=drop_pending)


async def forward(client: httpx.AsyncClient, url: str, secret: str, update: dict[str, Any]) -> int:
    """Post one update to the running bot's webhook as Telegram would; the HTTP status."""
    reply = await client.post(url, json=update, headers={SECRET_HEADER: secret})
    return reply.status_code


async def poll(settings: Settings, rasa_url: str, *, once: bool = False, timeout: int = 30) -> int:
    """Fetch updates by long polling and feed each to the webhook, in order; an update is confirmed once delivered."""
    target = rasa_url.rstrip("/") + WEBHOOK_PATH
    async with build_bot(settings, pool_size=1) as bot, httpx.AsyncClient(timeout=120.0) as client:
        info = await bot.get_webhook_info()
        if info.url:
            print(
                "A webhook is registered, so Telegram does not hand out updates by polling. "
                "Run `python -m bot telegram delete-webhook` first.",
                file=sys.stderr,
            )
            return 1
        print(f"Polling Telegram for @{bot.username} and forwarding to {target} (Ctrl-C to stop).")
        offset: Optional[int] = None
        while True:
            updates = await bot.get_updates(
                offset=offset, timeout=0 if once else timeout, allowed_updates=list(ALLOWED_UPDATES)
            )
            for update in updates:
                while True:
                    try:
                        status = await forward(client, target, settings.telegram_secret_token, update.to_dict())
                    except httpx.TransportError as exc:
                        print(
                            f"Cannot reach the bot at {rasa_url} ({type(exc).__name__}); retrying. Is `make run` running?",
                            file=sys.stderr,
                        )
                        await asyncio.sleep(RETRY_SECONDS)
                        continue
                    break
                if status in (403, 503):
                    reason = "refused the secret token" if status == 403 else "has the Telegram channel off"
                    print(
                        f"The bot at {rasa_url} {reason}: start it with the same TELEGRAM_* settings.", file=sys.stderr
                    )
                    return 1
                if status >= 400:
                    print(f"Update {update.update_id} was answered with HTTP {status}; skipped.", file=sys.stderr)
                offset = update.update_id + 1
            if once:
                if offset is not None:  # confirm the delivered updates, or Telegram sends them again
                    await bot.get_updates(offset=offset, timeout=0)
                return 0


def _run_set_webhook(args: argparse.Namespace) -> int:
    settings = get_settings()
    problem = _problem(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    url = args.url or webhook_url(settings.public_base_url)
    if not url.startswith("https://"):
        print(
            f"Warning: Telegram only delivers to https:// URLs; {url} will be refused by the real Bot API.",
            file=sys.stderr,
        )
    asyncio.run(set_webhook(settings, url, args.drop_pending_updates))
    print(f"Telegram webhook set to {url} (with the secret token from TELEGRAM_SECRET_TOKEN).")
    return 0


def _run_delete_webhook(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set.", file=sys.stderr)
        return 2
    asyncio.run(delete_webhook(settings, args.drop_pending_updates))
    print("Telegram webhook removed; updates can now be fetched with `python -m bot telegram poll`.")
    return 0


def _run_poll(args: argparse.Namespace) -> int:
    settings = get_settings()
    problem = _problem(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        return asyncio.run(poll(settings, args.rasa_url or settings.rasa_url, once=args.once, timeout=args.timeout))
    except KeyboardInterrupt:
        return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    telegram = subparsers.add_parser("telegram", help="Telegram channel: register the webhook, or poll for local use")
    commands = telegram.add_subparsers(dest="telegram_command", required=True)

    hook = commands.add_parser(
        "set-webhook", help="register PUBLIC_BASE_URL/webhooks/telegram/webhook with the secret token"
    )
    hook.add_argument("--url", default="", help="webhook URL (default: PUBLIC_BASE_URL + /webhooks/telegram/webhook)")
    hook.add_argument("--drop-pending-updates", action="store_true", help="discard updates Telegram is still holding")
    hook.set_defaults(func=_run_set_webhook)

    unhook = commands.add_parser("delete-webhook", help="remove the webhook (needed before polling)")
    unhook.add_argument("--drop-pending-updates", action="store_true", help="discard updates Telegram is still holding")
    unhook.set_defaults(func=_run_delete_webhook)

    polling = commands.add_parser(
        "poll", help="long-poll Telegram and feed updates to the running bot (no public URL needed)"
    )
    polling.add_argument("--rasa-url", default="", help="Rasa server URL (default: RASA_URL)")
    polling.add_argument("--timeout", type=int, default=30, help="long-poll timeout in seconds")
    polling.add_argument("--once", action="store_true", help="deliver the updates waiting now, then exit")
    polling.set_defaults(func=_run_poll)
