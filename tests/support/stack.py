"""The real Rasa + action server stack for end-to-end tests (see bot/devtools/devstack.py)."""

from bot.devtools.devstack import MODEL, REPO, VENV_BIN, Stack, free_port, start_stack, wait_http

__all__ = ["MODEL", "REPO", "VENV_BIN", "Stack", "free_port", "start_stack", "wait_http"]
