"""`make eval-nlu`: the interpretation step scored on the NLU training data (train) and on held-out replies (dev, test)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.content import load_content
from bot.content.loader import available_languages
from bot.content.model import Content, Step
from bot.interpretation import decision as meant
from bot.interpretation.commands import forms
from bot.interpretation.intents import ASIDE_INTENTS, QUESTION_INTENTS, REQUEST_INTENTS
from bot.interpretation.interpret import interpret
from bot.interpretation.nlu import NluResult
from bot.interpretation.text import normalise

REPO = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).resolve().parent / "heldout.yml"
HELDOUT_FR = Path(__file__).resolve().parent / "heldout_fr.yml"
# Replies to the questions added with the pilot's measures (work sought, business, hiring for, barriers, closing):
# held out the same way, and scored with the rest of their language's split.
HELDOUT_NEW = Path(__file__).resolve().parent / "heldout_new_questions.yml"
HELDOUT_NEW_FR = Path(__file__).resolve().parent / "heldout_new_questions_fr.yml"
NLU_DATA = REPO / "bot" / "data" / "nlu"
MODEL = REPO / "models" / "mfbot.tar.gz"
KINDS = ("answer", "request", "question", "aside", "thanks", "unclear")
PREDICTED = ("answer", "confirm", "request", "question", "aside", "thanks", "unclear")
CHOICE_STEPS = {"consent", "role", "clarity", "rating", "priorities", "review", "fix", "share"}
# Targets the issue sets for the test split; CI enforces the first two.
TARGETS = {"false_consents": 0, "answers_kept": 1.0, "choices_mapped": 0.95, "asides_questions_not_stored": 0.90}


@dataclass(frozen=True)
class Item:
    """One labelled reply: where it was sent, what it is and (for answers, requests, questions, asides) its value."""

    text: str
    step: str
    expect: str
    value: Optional[str] = None
    factor: str = "skills"
    role: str = "work_seeker"
    language: str = "en"
    question: Optional[str] = None  # a free-text question other than a factor's (work_sought, closing, ...)


# How the NLU training data's intents are scored: (step, expected kind, value) per example.
def _train_labels(intent: str) -> list[tuple[str, str, Optional[str]]]:
    if intent == "inform":
        return [("reflection", "answer", None)]
    if intent in ("affirm", "deny"):
        value = "yes" if intent == "affirm" else "no"
        return [("consent", "answer", value), ("share", "answer", value)]
    ratings = {
        "choose_strength": "strength",
        "choose_stressor": "stressor",
        "choose_both": "both",
        "choose_unsure": "unsure",
    }
    if intent in ratings:
        return [("rating", "answer", ratings[intent])]
    if intent in ("role_work_seeker", "role_employer"):
        return [("role", "answer", intent[len("role_") :])]
    if intent == "thanks":
        return [("completed", "thanks", None)]
    for group, kind in ((REQUEST_INTENTS, "request"), (QUESTION_INTENTS, "question"), (ASIDE_INTENTS, "aside")):
        if intent in group:
            return [("reflection", kind, group[intent]), ("rating", kind, group[intent])]
    return []


def training_items(language: Optional[str] = None) -> list[Item]:
    """The NLU training examples (of one language, or all), each labelled at the steps where its intent has a clear meaning."""
    items = []
    for path in sorted(NLU_DATA.glob("*.yml")):
        path_language = "fr" if path.stem == "fr" or path.stem.startswith("fr_") else "en"
        if language is not None and path_language != language:
            continue
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or ():
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                for step, expect, value in _train_labels(block["intent"]) if text else ():
                    items.append(Item(text=text, step=step, expect=expect, value=value, language=path_language))
    return items


def heldout_split(text: str) -> str:
    """Half the held-out replies are a dev split (its misses may be read while building), half a test split (never read)."""
    return "dev" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % 2 == 0 else "test"


def _trained_texts() -> set[str]:
    return {i.text.strip().lower() for i in training_items()}


def heldout_items(path: Path = HELDOUT, split: Optional[str] = None) -> list[Item]:
    """The held-out replies of a split; a reply that is also an NLU training example is not held out and is left out."""
    if not path.exists():
        return []
    trained = _trained_texts()
    language = "fr" if path in (HELDOUT_FR, HELDOUT_NEW_FR) else "en"
    raw = [
        i
        for i in yaml.safe_load(path.read_text()) or []
        if (split is None or heldout_split(str(i["text"])) == split) and str(i["text"]).strip().lower() not in trained
    ]
    return [
        Item(
            text=str(i["text"]),
            step=i["step"],
            expect=i["expect"],
            value=None if i.get("value") is None else str(i["value"]),
            factor=i.get("factor") or "skills",
            role=i.get("role") or "work_seeker",
            language=language,
            question=i.get("question"),
        )
        for i in raw
    ]


def step_for(item: Item, content: Content) -> Step:
    """The content step an item was sent at (completed replies are read as the engine reads them, at the review)."""
    ids = {
        "clarity": "clarity_before",
        "rating": f"{item.factor}_rating",
        "reflection": f"{item.factor}_reflection",
        "completed": "review",
    }
    if item.step == "reflection" and item.question:
        return content.step("closing_reflection" if item.question == "closing" else item.question)
    return content.step(ids.get(item.step, item.step))


class Parser:
    """The trained Rasa model, loaded once, parsing texts in this process."""

    def __init__(self, model: Path = MODEL):
        import logging

        import structlog
        from rasa.core.agent import Agent

        if not model.exists():
            raise SystemExit(f"{model} is missing: run `make train` first")
        # Rasa logs each parsed text at debug level: keep the run's output to the figures.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
        logging.getLogger().setLevel(logging.WARNING)
        self.agent = Agent.load(str(model))
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> NluResult:
        return NluResult.from_parse_data(self.loop.run_until_complete(self.agent.parse_message(text)))


@dataclass
class Scores:
    """Counts for one split."""

    total: int = 0
    kind_pairs: Counter = field(default_factory=Counter)  # (expected kind, predicted kind)
    false_consents: list[str] = field(default_factory=list)
    reflections: int = 0
    reflections_kept: int = 0
    reflections_at_once: int = 0
    eaten: list[str] = field(default_factory=list)
    choices: int = 0
    choices_at_once: int = 0
    choices_with_check: int = 0
    missed_choices: list[str] = field(default_factory=list)
    others: int = 0
    others_not_stored: int = 0
    others_right: int = 0
    stored_others: list[str] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0


def _predicted(decision: meant.Decision) -> tuple[str, Optional[str]]:
    values = ",".join(sorted(o.value for o in decision.options)) if decision.options else decision.value
    if decision.kind in (meant.CONFIRM_OPTION, meant.CONFIRM_ANSWER, meant.CONFIRM_REQUEST):
        return "confirm", values
    return decision.kind, values


def score(items: Iterable[Item], parser: Parser, contents: dict[str, Content]) -> Scores:
    s = Scores()
    for item in items:
        content = contents[item.language]
        decision = interpret(item.text, step_for(item, content), parser.parse(item.text), content)
        kind, value = _predicted(decision)
        expected_value = ",".join(sorted(item.value.split(","))) if item.value else None
        accepted = {expected_value}
        if item.step == "rating" and expected_value == "both":
            # The held-out files were labelled when one option meant "both or not sure": either is right for them.
            accepted.add("unsure")
        s.total += 1
        s.kind_pairs[(item.expect, kind)] += 1
        label = f"[{item.step}] {item.text!r} -> {kind} {value or ''} ({decision.reason})"
        if (
            item.step in ("consent", "share")
            and kind == "answer"
            and value == "yes"
            and not (item.expect == "answer" and item.value == "yes")
        ):
            s.false_consents.append(label)
        if item.expect == "answer" and item.step == "reflection":
            s.reflections += 1
            s.reflections_kept += kind in ("answer", "confirm")
            s.reflections_at_once += kind == "answer"
            if kind not in ("answer", "confirm"):
                s.eaten.append(label)
        elif item.expect == "answer" and item.step in CHOICE_STEPS:
            s.choices += 1
            s.choices_at_once += kind == "answer" and value in accepted
            right = kind in ("answer", "confirm") and value in accepted
            s.choices_with_check += right
            if not right:
                s.missed_choices.append(label + f" expected {expected_value}")
        elif item.expect in ("aside", "question"):
            s.others += 1
            s.others_not_stored += kind != "answer"
            s.others_right += kind == item.expect and value == item.value
            if kind == "answer":
                s.stored_others.append(label)
    return s


def _pr(s: Scores, kind: str) -> tuple[float, float, int]:
    true_positive = s.kind_pairs[(kind, kind)]
    predicted = sum(n for (_, p), n in s.kind_pairs.items() if p == kind)
    actual = sum(n for (e, _), n in s.kind_pairs.items() if e == kind)
    return s.rate(true_positive, predicted), s.rate(true_positive, actual), actual


def figures(s: Scores) -> dict[str, Any]:
    return {
        "false_consents": len(s.false_consents),
        "answers_kept": s.rate(s.reflections_kept, s.reflections),
        "answers_at_once": s.rate(s.reflections_at_once, s.reflections),
        "choices_mapped": s.rate(s.choices_with_check, s.choices),
        "choices_at_once": s.rate(s.choices_at_once, s.choices),
        "asides_questions_not_stored": s.rate(s.others_not_stored, s.others),
        "asides_questions_right": s.rate(s.others_right, s.others),
    }


def report(splits: dict[str, Scores], out=sys.stdout, details: bool = False) -> None:
    names = list(splits)
    w = 13
    print(f"{'':34}" + "".join(f"{n:>{w}}" for n in names), file=out)
    print(f"{'replies':34}" + "".join(f"{splits[n].total:>{w}}" for n in names), file=out)
    rows = [
        ("false consents or shares", "false_consents", "{:d}", "0"),
        ("real answers kept (saved or asked)", "answers_kept", "{:.1%}", "100%"),
        ("  saved at once", "answers_at_once", "{:.1%}", ""),
        ("choices mapped (incl. 'Did you mean')", "choices_mapped", "{:.1%}", ">= 95%"),
        ("  mapped at once", "choices_at_once", "{:.1%}", ""),
        ("asides+questions not stored", "asides_questions_not_stored", "{:.1%}", ">= 90%"),
        ("  right kind and value", "asides_questions_right", "{:.1%}", ""),
    ]
    table = {n: figures(splits[n]) for n in names}
    print(f"{'':34}" + "".join(f"{'':>{w}}" for _ in names) + "   target (test)", file=out)
    for title, key, fmt, target in rows:
        print(f"{title:34}" + "".join(f"{fmt.format(table[n][key]):>{w}}" for n in names) + f"   {target}", file=out)
    print(file=out)
    print("precision / recall per kind (n = labelled replies of that kind)", file=out)
    for kind in KINDS:
        cells = []
        for n in names:
            p, r, actual = _pr(splits[n], kind)
            cells.append(f"{p:.2f}/{r:.2f} n={actual}" if actual else "-")
        print(f"  {kind:32}" + "".join(f"{c:>{w + 6}}" for c in cells), file=out)
    for n in names:
        s = splits[n]
        print(f"\nconfusion ({n}): expected (rows) x decided (columns)", file=out)
        print(f"  {'':10}" + "".join(f"{p:>9}" for p in PREDICTED), file=out)
        for kind in KINDS:
            row = [s.kind_pairs[(kind, p)] for p in PREDICTED]
            if sum(row):
                print(f"  {kind:10}" + "".join(f"{c:>9}" for c in row), file=out)
    if details:
        for n in ("train", "dev", "fr train", "fr dev"):
            if n not in splits:
                continue
            s = splits[n]
            for title, rows_ in (
                ("false consents", s.false_consents),
                ("answers eaten", s.eaten),
                ("choices missed", s.missed_choices),
                ("asides/questions stored", s.stored_others),
            ):
                if rows_:
                    print(f"\n{n}: {title}", file=out)
                    for r in rows_:
                        print(f"  {r}", file=out)


def languages() -> dict[str, Content]:
    """Every language's content, English first."""
    return {code: load_content(code) for code in available_languages()}


def found_in_content(item: Item, content: Content) -> bool:
    """True when the reply is, word for word, a synonym or command phrase of the content (no understanding needed)."""
    norm = normalise(item.text)
    phrases = {p for ps in content.commands.values() for p in ps}
    names = {normalise(x) for s in content.steps for o in s.options for x in (o.label, o.value, *o.synonyms)}
    return bool(forms(norm, content) & (phrases | names))


def main(argv: Optional[list[str]] = None) -> int:
    parser_ = argparse.ArgumentParser(description=__doc__)
    parser_.add_argument(
        "--details", action="store_true", help="list every miss of the train and dev splits (never of test)"
    )
    parser_.add_argument("--model", type=Path, default=MODEL, help="a trained model other than models/mfbot.tar.gz")
    args = parser_.parse_args(argv)
    contents = languages()
    content = contents["en"]
    parser = Parser(args.model)
    dev = heldout_items(split="dev") + heldout_items(HELDOUT_NEW, split="dev")
    test = heldout_items(split="test") + heldout_items(HELDOUT_NEW, split="test")
    unseen = [i for i in test if not found_in_content(i, content)]
    splits = {
        "train": score(training_items("en"), parser, contents),
        "dev": score(dev, parser, contents),
        "test": score(test, parser, contents),
        "test, unseen": score(unseen, parser, contents),
    }
    if "fr" in contents:
        splits["fr train"] = score(training_items("fr"), parser, contents)
        fr_dev = heldout_items(HELDOUT_FR, split="dev") + heldout_items(HELDOUT_NEW_FR, split="dev")
        fr_test = heldout_items(HELDOUT_FR, split="test") + heldout_items(HELDOUT_NEW_FR, split="test")
        splits["fr dev"] = score(fr_dev, parser, contents)
        splits["fr test"] = score(fr_test, parser, contents)
    report(splits, details=args.details)
    failed = [
        f"{k} ({name})"
        for name in ("test", "fr test")
        if name in splits
        for k, target in TARGETS.items()
        for f in [figures(splits[name])]
        if (f[k] > target if k == "false_consents" else f[k] < target)
    ]
    total = len(yaml.safe_load(HELDOUT.read_text()))
    print(
        f"\nheld out: {len(dev) + len(test)} of {total} labelled replies ({total - len(dev) - len(test)} are also training examples, left out)."
    )
    print("'test, unseen' leaves out held-out replies found word for word in the content's synonyms or commands.")
    print("targets on the test splits: " + ("all met" if not failed else "NOT met: " + ", ".join(failed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
