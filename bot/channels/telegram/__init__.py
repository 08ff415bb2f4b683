"""Telegram: the webhook channel, the Bot API client, output, update parsing, records and wording."""
