"""Timing hooks for bench/hops.py, loaded by the bots it starts (PYTHONPATH) when HOP_TIMING_DIR is set.

Wraps the functions named in HOPS as their modules are imported and appends one JSON line per call
([name, start (monotonic s), duration ms, sender id]) to HOP_TIMING_DIR/t-<pid>.jsonl. The sender id is taken where a
message enters a process (ENTRY) and follows it through awaits and asyncio.to_thread (a context variable), so replies
running at the same time are told apart. Nothing else changes.
"""

from __future__ import annotations

import contextvars
import functools
import importlib.abc
import importlib.util
import inspect
import json
import os
import sys
import threading
import time

OUT = os.environ.get("HOP_TIMING_DIR")
HOPS = {
    # The Rasa server
    "rasa.core.agent": [("Agent", "handle_message")],
    "rasa.core.processor": [
        ("MessageProcessor", name)
        for name in ("fetch_tracker_and_update_session", "parse_message", "_predict_next_with_tracker", "save_tracker")
    ],
    "rasa.core.actions.action": [("RemoteAction", "run")],
    # The action server
    "rasa_sdk.executor": [("ActionExecutor", "run")],
    "bot.actions.activity_form": [("ValidateActivityForm", "run")],
    "bot.actions.turn": [(None, "handle_turn")],
    "bot.activity.flow": [("ActivityFlow", "handle"), (None, "interpret")],
    "sqlalchemy.orm.session": [("Session", "commit")],
}
# Where a message enters a process: how to read its sender id from the call's arguments.
ENTRY = {
    "Agent.handle_message": lambda args, kwargs: getattr(
        args[1] if len(args) > 1 else kwargs.get("message"), "sender_id", None
    ),
    "ActionExecutor.run": lambda args, kwargs: (args[1] if len(args) > 1 else kwargs.get("action_call") or {}).get(
        "sender_id"
    ),
}
_sender: contextvars.ContextVar = contextvars.ContextVar("hop_sender", default=None)
_lock = threading.Lock()
_out = None


def _emit(name: str, start: float, seconds: float, sender) -> None:
    global _out
    with _lock:
        if _out is None:
            _out = open(os.path.join(OUT, f"t-{os.getpid()}.jsonl"), "a", buffering=1)  # noqa: SIM115
        _out.write(json.dumps([name, round(start, 6), round(seconds * 1000, 3), sender]) + "\n")


def _timed(name: str, fn):
    entry = ENTRY.get(name)

    def enter(args, kwargs):
        if entry is None:
            return None
        try:
            return _sender.set(entry(args, kwargs))
        except Exception:  # noqa: BLE001 - timing must never break a call
            return None

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def timed_async(*args, **kwargs):
            token = enter(args, kwargs)
            started = time.monotonic()
            try:
                return await fn(*args, **kwargs)
            finally:
                _emit(name, started, time.monotonic() - started, _sender.get())
                if token is not None:
                    _sender.reset(token)

        return timed_async

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        token = enter(args, kwargs)
        started = time.monotonic()
        try:
            return fn(*args, **kwargs)
        finally:
            _emit(name, started, time.monotonic() - started, _sender.get())
            if token is not None:
                _sender.reset(token)

    return timed


def _wrap_module(module) -> None:
    for owner_name, attr in HOPS.get(module.__name__, ()):
        owner = getattr(module, owner_name) if owner_name else module
        fn = getattr(owner, attr, None)
        if fn is None or isinstance(inspect.getattr_static(owner, attr), (staticmethod, classmethod)):
            continue
        label = f"{owner_name}.{attr}" if owner_name else f"{module.__name__.rsplit('.', 1)[-1]}.{attr}"
        setattr(owner, attr, _timed(label, fn))


class _Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):  # get_source, get_filename, is_package ...: the real loader's
        return getattr(self.inner, name)

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        self.inner.exec_module(module)
        _wrap_module(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in HOPS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


if OUT:
    sys.meta_path.insert(0, _Finder())
