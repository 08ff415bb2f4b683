"""Load activity content from YAML, check it (keys, GSM-7, SMS length) and cache it until the file changes."""

from __future__ import annotations

import hashlib
import logging
import string
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from bot.content import gsm7, language_spans, step_rules
from bot.content.model import ANY, Content, Factor, Option, Step, Term
from bot.content.placeholders import PLACEHOLDER_SAMPLES
from bot.content.reloading import ReloadingFiles
from bot.content.render import with_options
from bot.content.required_messages import REQUIRED_MESSAGES

logger = logging.getLogger(__name__)
CONTENT_DIR = Path(__file__).resolve().parent / "data"
STEP_KINDS = {"consent", "role", "scale", "choice", "text", "multi", "review", "fix", "share"}
SINGLE_STEP_KINDS = {"consent", "role", "review", "fix", "share"}
COMMANDS = tuple(
    "help skip back repeat pause restart stop greet delete human language share withdraw change thanks no_reminders wait"
    " research_withdraw matching_withdraw".split()
)  # the command names each content file lists phrases for
# Requests the bot may offer to carry out ("Do you want to pause?"): bot.interpretation.interpret.CONFIRMABLE_REQUESTS.
CONFIRMABLE_REQUESTS = ("help", "skip", "back", "repeat", "pause", "restart", "stop", "delete", "human", "language")
# Questions about the bot it can answer (bot.interpretation maps NLU intents ask_<topic> to these).
FAQ_TOPICS = ("who_sees", "if_no", "delete_how", "is_human", "duration", "next", "purpose", "human", "meaning")
MAX_SEGMENTS = 2


class ContentError(ValueError):
    """The content file breaks a rule; the message says which and where."""


REFERENCE_LANGUAGE = "en"


def content_path(language: str) -> Path:
    return CONTENT_DIR / f"{language}.yml"


def available_languages() -> tuple[str, ...]:
    """The languages with a content file, the reference language first."""
    found = sorted(p.stem for p in CONTENT_DIR.glob("*.yml"))
    return tuple(sorted(found, key=lambda code: code != REFERENCE_LANGUAGE))


def keys_of(content: Content) -> set[str]:
    """Every key a translation must have: steps, their options, factors, messages, FAQ, terms, actions, commands."""
    keys = {f"steps.{s.id}" for s in content.steps} | {f"factors.{f.id}" for f in content.factors}
    keys |= {f"steps.{s.id}.options.{o.value}" for s in content.steps for o in s.options}
    keys |= {f"steps.{s.id}.help" for s in content.steps if s.help}
    keys |= {f"messages.{k}" for k in content.messages} | {f"faq.{k}" for k in content.faq}
    keys |= {f"terms.{t.id}" for t in content.terms} | {f"request_actions.{k}" for k in content.request_actions}
    keys |= {f"commands.{k}" for k, phrases in content.commands.items() if phrases}
    return keys


def check_same_keys(reference: Content, other: Content) -> None:
    """Refuse a language file that lacks any key the reference (English) file has."""
    missing = sorted(keys_of(reference) - keys_of(other))
    if missing:
        shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        raise ContentError(f"{other.language}: missing what {reference.language} has: {shown}")


def load_content(language: str = "en", path: Optional[Path] = None) -> Content:
    """The checked content for ``language``, re-read when its file changes on disk (last good version after a broken edit)."""
    return _content_files.get(path or content_path(language))


def _parse_content_file(path: Path) -> Content:
    content = parse_content(path.read_bytes(), source=str(path))
    if content.language != REFERENCE_LANGUAGE:
        check_same_keys(load_content(REFERENCE_LANGUAGE), content)
    return content


_content_files: ReloadingFiles[Content] = ReloadingFiles(_parse_content_file, (ContentError,))


def _texts(raw: Any, where: str) -> dict[str, str]:
    if isinstance(raw, str):
        return {ANY: raw}
    if not isinstance(raw, Mapping) or not raw:
        raise ContentError(f"{where}: expected text or a mapping of audience to text")
    return {str(k): str(v) for k, v in raw.items()}


def _options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: expected a non-empty list of options")
    result = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or "value" not in item or "label" not in item:
            raise ContentError(f"{where}[{i}]: an option needs value and label")
        if any(not isinstance(s, (str, int)) or isinstance(s, bool) for s in item.get("synonyms") or ()):
            raise ContentError(f'{where}[{i}]: quote synonyms such as "yes" and "no" (YAML reads them as true/false)')
        synonyms = tuple(str(s) for s in item.get("synonyms") or ())
        intents = tuple(str(s) for s in item.get("intents") or ())
        result.append(
            Option(
                value=str(item["value"]),
                label=str(item["label"]),
                synonyms=synonyms,
                intents=intents,
                meaning=str(item.get("meaning") or ""),
            )
        )
    return tuple(result)


def parse_content(data: bytes, source: str = "<content>") -> Content:
    """Build and check Content from YAML bytes; raise ContentError naming the first problem."""
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ContentError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ContentError(f"{source}: expected a mapping at the top")
    for key in ("language", "audiences", "factors", "options", "steps", "commands", "messages"):
        if key not in raw:
            raise ContentError(f"{source}: missing key '{key}'")
    if "uses" not in raw["options"]:
        raise ContentError(f"{source}: options missing 'uses' (the two uses of a shared summary)")
    audiences = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw["audiences"].items()}
    for i, f in enumerate(raw["factors"]):
        if not isinstance(f, Mapping) or not all(k in f for k in ("id", "name", "explain")):
            raise ContentError(
                f"factors[{i}] ({f.get('id') if isinstance(f, Mapping) else f}): a factor needs id, name and explain"
            )
    factors = tuple(
        Factor(
            id=str(f["id"]),
            name=str(f["name"]),
            short_name=str(f.get("short_name") or f["name"]),
            explain=_texts(f["explain"], f"factors.{f['id']}.explain"),
            keywords=tuple(str(k) for k in f.get("keywords") or ()),
        )
        for f in raw["factors"]
    )
    option_sets = {
        name: _options(items, f"options.{name}") for name, items in raw["options"].items() if name != "fix_extra"
    }
    # Factor choices use short names so the SMS "Reply 1 Skills, 2 Capacity ..." line stays short.
    option_sets["factors"] = tuple(
        Option(value=f.id, label=f.short_name, synonyms=(f.name, *f.keywords)) for f in factors
    )
    extra = _options(raw["options"]["fix_extra"], "options.fix_extra") if "fix_extra" in raw["options"] else ()
    option_sets["fix"] = option_sets["factors"] + extra

    steps = []
    for i, s in enumerate(raw["steps"]):
        where = f"steps[{i}]"
        if "id" not in s or "kind" not in s or "prompt" not in s:
            raise ContentError(f"{where}: a step needs id, kind and prompt")
        kind = str(s["kind"])
        if kind not in STEP_KINDS:
            raise ContentError(f"{where} ({s['id']}): unknown kind '{kind}'")
        options: tuple[Option, ...] = ()
        if kind != "text":
            name = s.get("options")
            if name not in option_sets:
                raise ContentError(f"{where} ({s['id']}): options '{name}' is not defined")
            options = option_sets[name]
        factor = s.get("factor")
        if factor is not None and factor not in {f.id for f in factors}:
            raise ContentError(f"{where} ({s['id']}): unknown factor '{factor}'")
        steps.append(
            Step(
                id=str(s["id"]),
                kind=kind,
                prompt=_texts(s["prompt"], f"{where}.prompt"),
                options=options,
                factor=factor,
                group=s.get("group") or factor,
                skippable=bool(s.get("skippable", False)),
                max_choices=int(s.get("max_choices", 1)),
                help=_texts(s["help"], f"{where}.help") if "help" in s else {},
                audience=str(s["audience"]) if s.get("audience") else None,
                rating_from=str(s["rating_from"]) if s.get("rating_from") else None,
                answer_is_name=bool(s.get("answer_is_name", False)),
                invited_requests=frozenset(str(r) for r in s.get("invited_requests") or ()),
            )
        )
    ids = [s.id for s in steps]
    if len(set(ids)) != len(ids):
        raise ContentError(f"{source}: step ids must be unique")
    rating_values = next((tuple(o.value for o in s.options) for s in steps if s.kind == "choice" and s.factor), ())
    try:
        step_rules.check_steps(steps, audiences, source)
        rating_words, rating_fillers, rating_leading, rating_unless, rating_not_after = step_rules.rating_words(
            raw.get("rating_in_words"), rating_values, source
        )
    except step_rules.StepRuleError as exc:
        raise ContentError(str(exc)) from exc
    for kind in SINGLE_STEP_KINDS:
        if sum(1 for s in steps if s.kind == kind) != 1:
            raise ContentError(f"{source}: exactly one step of kind '{kind}' is needed")

    commands = {str(k): tuple(str(p).lower() for p in v) for k, v in raw["commands"].items()}
    missing = [c for c in COMMANDS if not commands.get(c)]
    if missing:
        raise ContentError(f"{source}: commands missing phrases for: {', '.join(missing)}")
    messages = {str(k): str(v) for k, v in raw["messages"].items()}
    missing = [m for m in REQUIRED_MESSAGES if m not in messages]
    if missing:
        raise ContentError(f"{source}: messages missing: {', '.join(missing)}")
    fillers = raw.get("fillers") or {}
    faq = {str(k): _texts(v, f"faq.{k}") for k, v in (raw.get("faq") or {}).items()}
    missing = [t for t in FAQ_TOPICS if t not in faq]
    if missing:
        raise ContentError(f"{source}: faq missing: {', '.join(missing)}")
    actions = {str(k): str(v) for k, v in (raw.get("request_actions") or {}).items()}
    missing = [c for c in CONFIRMABLE_REQUESTS if c not in actions]
    if missing:
        raise ContentError(f"{source}: request_actions missing: {', '.join(missing)}")
    terms = []
    for i, t in enumerate(raw.get("terms") or ()):
        if not isinstance(t, Mapping) or not all(k in t for k in ("id", "keywords", "text")):
            raise ContentError(f"terms[{i}]: a term needs id, keywords and text")
        terms.append(
            Term(
                id=str(t["id"]),
                keywords=tuple(str(k).lower() for k in t["keywords"]),
                text=_texts(t["text"], f"terms.{t['id']}.text"),
            )
        )
    content = Content(
        language=str(raw["language"]),
        version=hashlib.sha256(data).hexdigest()[:12],
        audiences=audiences,
        factors=factors,
        steps=tuple(steps),
        commands=commands,
        leading_fillers=tuple(str(f).lower() for f in fillers.get("leading") or ()),
        trailing_fillers=tuple(str(f).lower() for f in fillers.get("trailing") or ()),
        messages=messages,
        faq=faq,
        terms=tuple(terms),
        request_actions=actions,
        rating_words=rating_words,
        rating_fillers=rating_fillers,
        rating_leading=rating_leading,
        rating_unless=rating_unless,
        rating_not_after=rating_not_after,
        uses_options=option_sets["uses"],
    )
    check_sms_rules(content)
    return content


def _fill(text: str, where: str, **real: str) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
        unknown = [n for n in names if n not in PLACEHOLDER_SAMPLES]
        if unknown:
            raise ContentError(f"{where}: unknown placeholder(s) {unknown}")
        return text.format(**{**PLACEHOLDER_SAMPLES, **real})
    except (ValueError, IndexError) as exc:
        if isinstance(exc, ContentError):
            raise
        raise ContentError(f"{where}: broken {{placeholder}}: {exc}") from exc


def written_texts(content: Content) -> list[tuple[str, str, tuple[Option, ...]]]:
    """Every message the content can produce, as (where, text with placeholders filled and no markup, its options)."""
    texts: list[tuple[str, str, tuple[Option, ...]]] = []

    def add(where: str, text: str, options: tuple[Option, ...] = ()) -> None:
        try:  # a passage in another language, [fr]...[/fr] (bot/content/language_spans.py), is sent without its tags
            language_spans.check_markup(text, own_language=content.language)
        except language_spans.MarkupError as exc:
            raise ContentError(f"{where}: {exc}") from exc
        texts.append((where, language_spans.plain_text(text), options))

    for key, text in content.messages.items():
        options = content.uses_options if key.startswith("uses_offer_") else ()  # sent with its "Reply 1 ..." line
        add(f"messages.{key}", _fill(text, f"messages.{key}"), options)
    for topic, by_audience in content.faq.items():
        for audience, text in by_audience.items():
            add(f"faq.{topic}.{audience}", text)
    for action in content.request_actions.values():
        add(
            "messages.confirm_request",
            _fill(content.messages["confirm_request"], "messages.confirm_request", action=action),
        )
    for term in content.terms:
        for audience, text in term.text.items():
            add(f"terms.{term.id}.{audience}", text)
    for factor in content.factors:
        for audience, text in factor.explain.items():
            add(f"factors.{factor.id}.explain.{audience}", text)
    for step in content.steps:
        real = (
            {"factor": content.factor(step.factor).name, "n": str(content.factor_number(step.factor))}
            if step.factor
            else {}
        )
        for audience, text in step.prompt.items():
            where = f"steps.{step.id}.prompt.{audience}"
            add(where, _fill(text, where, **real), step.options)
        for audience, text in step.help.items():
            where = f"steps.{step.id}.help.{audience}"
            add(where, _fill(text, where), step.options)
    return texts


def outgoing_texts(content: Content) -> list[tuple[str, str]]:
    """Every message the content can produce, as (where, text as sent by SMS: placeholders filled, no language markup)."""
    return [(where, with_options(text, options, content.messages)) for where, text, options in written_texts(content)]


def check_sms_rules(content: Content) -> None:
    """Every outgoing text fits two SMS segments; English is plain GSM-7, other languages may need UCS-2 (reported)."""
    for where, text in outgoing_texts(content):
        if not gsm7.is_gsm7(text) and content.language == "en":
            bad = sorted({ch for ch in text if not gsm7.is_gsm7(ch)})
            raise ContentError(f"{where}: characters outside GSM-7: {bad!r}")
        if gsm7.segments(text) > MAX_SEGMENTS:
            size = f"{gsm7.septets(text)} characters" if gsm7.is_gsm7(text) else f"{len(text)} characters in UCS-2"
            raise ContentError(f"{where}: {size} is more than {MAX_SEGMENTS} SMS segments")
    for option_set in [s.options for s in content.steps] + [content.uses_options]:
        for option in option_set:
            if not gsm7.is_gsm7(option.label) and content.language == "en":
                raise ContentError(f"option '{option.value}': label is not GSM-7")
    # Names, labels and the words the summary and the "Reply 1 ..." line are built from are never split by language.
    unmarked = [(f"factors.{f.id}.name", f.name) for f in content.factors]
    unmarked += [(f"option '{o.value}'", o.label) for s in content.steps for o in s.options]
    unmarked += [(f"messages.{k}", v) for k, v in content.messages.items() if k.startswith(("summary_", "options_"))]
    for where, text in unmarked:
        if language_spans.TAG.search(text):
            raise ContentError(f"{where}: [fr]...[/fr] markup is for message texts only, not here")
