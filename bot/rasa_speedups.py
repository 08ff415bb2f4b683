"""Speed-ups for the Rasa server process, installed at start-up by bot.rasa_server (never by an import side effect).

Each one replaces a Rasa 3.6 step that redoes constant work on every message; the results are the same.
Measured with py-spy on the Rasa process during single conversations (bench/hops.py gives the per-hop figures).
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import sys
from typing import Any, Callable, Dict, Optional, cast

# Under the action server's Sanic keep-alive timeout (5 s): an idle connection is dropped by this side first,
# so a call never goes out on a connection the server is closing.
KEEPALIVE_S = 2.0
# Conversations whose tracker object the in-memory tracker store keeps besides its text (most recently saved first).
# Kept small: every object they hold is scanned by each full garbage collection.
LIVE_TRACKERS = 64


def _json_writer(*, ensure_ascii: bool) -> Callable[[Any], str]:
    """json.dumps's result (same JSON) written by ujson, 2-3x faster; json.dumps itself for what ujson refuses."""
    try:
        import ujson
    except ImportError:  # pragma: no cover - Sanic depends on it
        return json.dumps

    def dumps(value: Any) -> str:
        try:
            return ujson.dumps(value, ensure_ascii=ensure_ascii, escape_forward_slashes=False)
        except (TypeError, ValueError, OverflowError):
            return json.dumps(value, ensure_ascii=ensure_ascii)

    return dumps


def install() -> None:
    """Install every speed-up, once, and only inside `rasa run` (never in the action server or the web app)."""
    if "rasa.core.run" not in sys.modules:
        return
    _validate_action_results_with_one_validator()
    _validate_action_events_by_their_type()
    _resolve_event_types_once()
    _reuse_action_server_connections()
    _reuse_states_of_an_unchanged_tracker()
    _keep_live_trackers_in_the_memory_store()
    _write_memory_trackers_with_ujson()
    _freeze_the_loaded_model_for_the_garbage_collector()


def _validate_action_results_with_one_validator() -> None:
    """Validate action-server replies with a validator built once.

    Rasa 3.6 calls jsonschema.validate on every action-server reply, which re-checks the constant schema each time
    (about 19 ms with jsonschema 4.17: 38% of the Rasa process's CPU under load). An invalid reply still goes through
    Rasa's own method and raises Rasa's own error.
    """
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, "_validator_cached", False):
        return
    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)(spec)
    rasa_validate = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        if validator.is_valid(result):
            return True
        return cast(bool, rasa_validate(self, result))

    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._validator_cached = True


def _resolve_event_types_once() -> None:
    """Look up an event's class by its name in a table, not by walking every subclass of Event for each event.

    Rasa rebuilds each conversation from its stored events on every message (the in-memory tracker store keeps
    them serialised), and for every event it lists all subclasses of Event and checks each for abstractness: 8% of
    the Rasa process's CPU in a 20-message conversation, growing with the conversation. A name not in the table
    goes through Rasa's own lookup (so classes imported later, unknown names and defaults behave as before).
    """
    from rasa.shared.core.events import Event

    if getattr(Event, "_types_cached", False):
        return
    rasa_resolve = Event.resolve_by_type
    found: Dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
        cls = found.get(type_name)
        if cls is not None:
            return cls
        cls = cast(Optional[type], rasa_resolve(type_name, default))
        if cls is not None and cls is not default and getattr(cls, "type_name", None) == type_name:
            found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)
    Event._types_cached = True


def _reuse_action_server_connections() -> None:
    """Send calls to an endpoint (the action server) over kept-alive connections of one client session.

    Rasa 3.6 opens a new aiohttp ClientSession, hence a new TCP connection, for every call and closes it after:
    6% of the Rasa process's CPU and a connection set-up in every message's latency. The request and its
    response are handled as Rasa's EndpointConfig.request does; sessions are closed when the server stops.
    The request body (the whole tracker) is written by ujson: json.dumps of it was 5% of the Rasa process's CPU.
    """
    import aiohttp
    import rasa.core.run
    from aiohttp import ContentTypeError
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    if getattr(EndpointConfig, "_sessions_reused", False):
        return
    rasa_request = EndpointConfig.request
    sessions: Dict[int, tuple[EndpointConfig, asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}
    body_json = _json_writer(ensure_ascii=False)  # a body is encoded to UTF-8 bytes right after

    def session_for(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        known = sessions.get(id(endpoint))
        if known is not None and known[0] is endpoint and known[1] is loop and not known[2].closed:
            return known[2]
        basic = endpoint.basic_auth
        fresh = aiohttp.ClientSession(  # as EndpointConfig.session() builds it, with a connector that keeps connections
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_S),  # limit=0: no limit, as before
            json_serialize=body_json,  # the whole conversation goes out with every call: 70 kB after 20 messages
        )
        sessions[id(endpoint)] = (endpoint, loop, fresh)
        return fresh

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: Optional[str] = None,
        content_type: Optional[str] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        if self.cafile:  # a custom CA: Rasa's own request (it builds the SSL context)
            return await rasa_request(self, method, subpath, content_type, compress, **kwargs)
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        params = self.combine_parameters(kwargs)
        async with session_for(self).request(
            method, concat_url(self.url, subpath), headers=headers, params=params, compress=compress, **kwargs
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    rasa_close_resources = rasa.core.run.close_resources

    async def close_resources(app: Any, loop: asyncio.AbstractEventLoop) -> None:
        await rasa_close_resources(app, loop)
        for _, _, session in list(sessions.values()):
            await session.close()
        sessions.clear()

    EndpointConfig.request = request
    # serve_application registers close_resources by name after the channels (and so this module) are imported.
    rasa.core.run.close_resources = close_resources
    EndpointConfig._sessions_reused = True


def _reuse_states_of_an_unchanged_tracker() -> None:
    """Compute a tracker's past states once while its events stay the same, not for every lookup of the rule policy.

    The rule policy turns the whole conversation into states (replaying every event) up to three times a message,
    twice for the same unchanged tracker within one prediction: 13% of the Rasa process's CPU at the end of a
    20-message conversation. States depend only on the events, the domain and the arguments; the last result is
    kept (with the objects it was computed from, so their identity is meaningful) and handed out as a copy, since
    the featurizer edits the states it gets in place.
    """
    from rasa.shared.core.trackers import DialogueStateTracker

    if getattr(DialogueStateTracker, "_states_reused", False):
        return
    rasa_past_states = DialogueStateTracker.past_states
    last: Dict[str, Any] = {}

    def copied(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{key: dict(sub) if isinstance(sub, dict) else sub for key, sub in state.items()} for state in states]

    def past_states(
        self: DialogueStateTracker,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[str, Any]] = None,
    ) -> list[dict[str, Any]]:
        events = self.events
        key = (len(events), omit_unset_slots, ignore_rule_only_turns)
        if (
            last
            and last["tracker"] is self
            and last["domain"] is domain
            and last["key"] == key
            and (not events or last["event"] is events[-1])
            and last["rule_only_data"] == rule_only_data
        ):
            return copied(last["states"])
        states: list[dict[str, Any]] = rasa_past_states(
            self,
            domain,
            omit_unset_slots=omit_unset_slots,
            ignore_rule_only_turns=ignore_rule_only_turns,
            rule_only_data=rule_only_data,
        )
        last.clear()
        last.update(
            tracker=self,
            domain=domain,
            key=key,
            event=events[-1] if events else None,
            rule_only_data=copy.deepcopy(rule_only_data),
            states=copied(states),
        )
        return states

    DialogueStateTracker.past_states = past_states
    DialogueStateTracker._states_reused = True


def _keep_live_trackers_in_the_memory_store() -> None:
    """Hand back the tracker object saved last instead of rebuilding it from its JSON text (in-memory store only).

    Rasa's in-memory tracker store keeps each conversation as JSON and rebuilds the tracker from it on every message
    (parse, then replay every event): 5% of the Rasa process's CPU, growing with the conversation. The store still
    writes the JSON at every save (Rasa's own save, unchanged); it also keeps the saved object, for the next
    message only: a retrieve takes it out, so a message that fails before its save (or a read that never saves)
    leaves the store with the last saved JSON, exactly as before. An object is used only if nothing was added to it
    since it was saved and it holds a single conversation session (Rasa then returns the whole tracker anyway).
    """
    from collections import OrderedDict

    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.constants import ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted

    if getattr(InMemoryTrackerStore, "_live_trackers", False):
        return
    rasa_save = InMemoryTrackerStore.save
    rasa_retrieve = InMemoryTrackerStore.retrieve

    def live_of(store: InMemoryTrackerStore) -> OrderedDict[str, tuple[Any, int, Any]]:
        return cast("OrderedDict[str, tuple[Any, int, Any]]", store.__dict__.setdefault("_mf_live", OrderedDict()))

    async def save(self: InMemoryTrackerStore, tracker: Any) -> None:
        await rasa_save(self, tracker)
        live = live_of(self)
        live.pop(tracker.sender_id, None)
        events = tracker.events
        sessions = sum(
            1 for e in events if isinstance(e, ActionExecuted) and e.action_name == ACTION_SESSION_START_NAME
        )
        if sessions <= 1:
            live[tracker.sender_id] = (tracker, len(events), events[-1] if events else None)
            while len(live) > LIVE_TRACKERS:
                live.popitem(last=False)

    async def retrieve(self: InMemoryTrackerStore, sender_id: str) -> Any:
        entry = live_of(self).pop(sender_id, None)
        if entry is not None and sender_id in self.store:
            tracker, count, last_event = entry
            events = tracker.events
            if len(events) == count and (events[-1] if events else None) is last_event:
                return tracker
        return await rasa_retrieve(self, sender_id)

    InMemoryTrackerStore.save = save
    InMemoryTrackerStore.retrieve = retrieve
    InMemoryTrackerStore._live_trackers = True


def _freeze_the_loaded_model_for_the_garbage_collector() -> None:
    """Once the model is loaded, move every object then alive out of the garbage collector's reach (gc.freeze).

    The loaded model (TensorFlow, scikit-learn, Rasa's graph) is millions of objects that live as long as the
    process; each full collection walked all of them: 0.4-0.7 s during which no message moved, a few times a minute
    under load. Objects made later are collected as before.
    """
    import rasa.core.run

    if getattr(rasa.core.run, "_model_frozen", False):
        return
    rasa_load_agent_on_start = rasa.core.run.load_agent_on_start

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await rasa_load_agent_on_start(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    # serve_application registers load_agent_on_start by name after the channels (and so this module) are imported.
    rasa.core.run.load_agent_on_start = load_agent_on_start
    rasa.core.run._model_frozen = True


def _validate_action_events_by_their_type() -> None:
    """Check each event of an action-server reply against the schema of its own type, not against all 23 in turn.

    Rasa's reply schema says each event matches exactly one of 23 event schemas (oneOf), and each of those fixes
    the event's name ("event": {"const": ...}), all different: so an event is valid exactly when it is valid
    against the schema its name selects. jsonschema tried all of them for every event: 6% of the Rasa process's
    CPU at 20 conversations. A reply that fails here still goes through the full check (Rasa's error, unchanged);
    if Rasa's schema ever stops having that shape, nothing is replaced.
    """
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, "_events_by_type", False):
        return
    spec = RemoteAction.action_response_format_spec()
    try:
        event_schema = spec["properties"]["events"]["items"]
        assert spec["properties"]["events"]["type"] == "array" and set(spec) == {"type", "properties"}
        assert set(spec["properties"]) == {"events", "responses"} and set(event_schema) == {
            "type",
            "properties",
            "required",
            "oneOf",
        }
        names = [sub["properties"]["event"]["const"] for sub in event_schema["oneOf"]]
        assert len(set(names)) == len(names)
    except (AssertionError, KeyError, TypeError):
        return
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    common_valid = validator_for(common)(common).is_valid
    by_name = {name: validator_for(sub)(sub).is_valid for name, sub in zip(names, event_schema["oneOf"], strict=True)}
    responses_schema = spec["properties"]["responses"]
    responses_valid = validator_for(responses_schema)(responses_schema).is_valid
    full_check = RemoteAction._validate_action_result

    def valid(result: Any) -> bool:
        if not isinstance(result, dict):
            return False
        if "responses" in result and not responses_valid(result["responses"]):
            return False
        events = result.get("events", [])
        if "events" in result and not isinstance(events, list):
            return False
        for event in events:
            name = event.get("event") if isinstance(event, dict) else None
            check = by_name.get(name) if isinstance(name, str) else None
            if check is None or not common_valid(event) or not check(event):
                return False
        return True

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        return True if valid(result) else full_check(self, result)

    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._events_by_type = True


def _write_memory_trackers_with_ujson() -> None:
    """Write the in-memory tracker store's JSON with ujson (the same JSON, read back by Rasa's json.loads).

    json.dumps of the whole conversation at every save was 5% of the Rasa process's CPU at 20 conversations.
    """
    from rasa.core.tracker_store import InMemoryTrackerStore

    if getattr(InMemoryTrackerStore, "_ujson_writer", False):
        return
    dumps = _json_writer(ensure_ascii=True)  # ASCII text: stored for the whole conversation, one byte per character

    def serialise_tracker(tracker: Any) -> str:
        return dumps(tracker.as_dialogue().as_dict())

    InMemoryTrackerStore.serialise_tracker = staticmethod(serialise_tracker)
    InMemoryTrackerStore._ujson_writer = True
