"""The staff pages' own wording, from wording.yml (English) or a translation wording.<language>.yml with the same keys.

Templates call ``t("queue.heading_all")`` (escaped text, placeholders filled with escaped values) and the label filters
(``|status``, ``|channel``, ``|role``, ``|audience``, ``|language``); Python code calls :func:`text` and :func:`label`.
Participants' summaries are not worded here: they come from the activity content (bot.content).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml
from markupsafe import Markup, escape

HERE = Path(__file__).resolve().parent
REFERENCE_LANGUAGE = "en"
PAGE_LANGUAGE = "en"  # the language the staff pages are shown in


class WordingError(ValueError):
    """A wording file is missing, malformed or lacks a key the English one has."""


@dataclass(frozen=True)
class Wording:
    """Every staff page string of one language, by dotted key ("handoff.claim")."""

    language: str
    texts: Mapping[str, str]

    def text(self, key: str, **values: Any) -> str:
        """The plain text of ``key`` with its {placeholders} filled (escape it before putting it in HTML)."""
        return self.texts[key].format(**values) if values else self.texts[key]

    def markup(self, key: str, **values: Any) -> Markup:
        """``key`` as HTML: its text escaped, each value escaped too unless it is already Markup."""
        template = Markup(escape(self.texts[key]))
        return template.format(**values) if values else template

    def label(self, group: str, code: str | None) -> str:
        """The label of a stored code ("in_review" -> "In review"); the code itself when it has none."""
        return self.texts.get(f"labels.{group}.{code}", code or "")

    def labels(self, group: str) -> dict[str, str]:
        prefix = f"labels.{group}."
        return {k[len(prefix) :]: v for k, v in self.texts.items() if k.startswith(prefix)}


def wording_path(language: str) -> Path:
    return HERE / ("wording.yml" if language == REFERENCE_LANGUAGE else f"wording.{language}.yml")


def _flatten(raw: Mapping[str, Any], prefix: str, out: dict[str, str], source: str) -> None:
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, dotted + ".", out, source)
        elif isinstance(value, str):
            out[dotted] = value
        else:
            raise WordingError(f"{source}: {dotted} must be text (quote it)")


def parse(data: str, source: str = "<wording>") -> Wording:
    """A Wording from YAML text; raise WordingError naming the problem."""
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise WordingError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("language"), str):
        raise WordingError(f"{source}: expected a mapping with a 'language'")
    texts: dict[str, str] = {}
    _flatten({k: v for k, v in raw.items() if k != "language"}, "", texts, source)
    return Wording(language=raw["language"], texts=texts)


_lock = threading.Lock()
_cache: dict[str, Wording] = {}


def load(language: str = PAGE_LANGUAGE) -> Wording:
    """The checked wording of ``language`` (read once); a translation must have every key the English file has."""
    with _lock:
        cached = _cache.get(language)
        if cached is not None:
            return cached
        path = wording_path(language)
        try:
            wording = parse(path.read_text(encoding="utf-8"), source=str(path))
        except OSError as exc:
            raise WordingError(f"no staff wording for '{language}': {path} cannot be read") from exc
        if language != REFERENCE_LANGUAGE:
            reference = _cache.get(REFERENCE_LANGUAGE) or parse(
                wording_path(REFERENCE_LANGUAGE).read_text(encoding="utf-8")
            )
            missing = sorted(set(reference.texts) - set(wording.texts))
            if missing:
                raise WordingError(f"{path}: missing what {REFERENCE_LANGUAGE} has: {', '.join(missing)}")
        _cache[language] = wording
        return wording


def text(key: str, **values: Any) -> str:
    """A staff page string in the pages' language (plain text)."""
    return load().text(key, **values)


def label(group: str, code: str | None) -> str:
    """The pages' label of a stored code: status, channel, role, audience or language."""
    return load().label(group, code)
