"""The real Rasa + action server stack for end-to-end tests (see bot/devstack.py)."""
from bot.devstack import MODEL, REPO, VENV_BIN, Stack, free_port, start_stack, wait_http

__all__ = ["MODEL", "REPO", "VENV_BIN", "Stack", "free_port", "start_stack", "wait_http"]
