"""Tests of the Telegram channel, its CLI and its fake Bot API."""
