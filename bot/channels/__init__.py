"""Channels: one Rasa InputChannel per outside service (web chat, Twilio SMS, Telegram)."""

from bot import rasa_speedups

rasa_speedups.install()
