"""Channels: one Rasa InputChannel per outside service (web chat, Twilio SMS, Telegram)."""
