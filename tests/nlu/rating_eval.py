"""Ratings read from the words of a factor's answer, scored on labelled replies the code was not written from.

Run: .venv/bin/python -m tests.nlu.rating_eval   (also printed by make eval-nlu)
The dev split's misses may be read while building (--details); the test split's never are."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from bot.content import load_content
from bot.content.model import Content
from bot.interpretation.rating_words import rating_in_words
from tests.nlu.evaluate import heldout_split

HERE = Path(__file__).resolve().parent
FILES = {"en": HERE / "rating_words.yml", "fr": HERE / "rating_words_fr.yml"}
NONE = "none"
# Reading a rating that was not plainly stated (or the wrong one) is the costly mistake; asking is a small cost.
TARGETS = {"precision": 0.97, "recall": 0.80}


@dataclass
class RatingScores:
    replies: int = 0
    stated: int = 0  # replies that plainly state one rating
    read: int = 0  # replies the bot read a rating from
    read_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Of the ratings read, the share that are the one plainly stated (1.0 when none was read)."""
        return self.read_right / self.read if self.read else 1.0

    @property
    def recall(self) -> float:
        """Of the replies that plainly state a rating, the share read without asking."""
        return self.read_right / self.stated if self.stated else 1.0


def items(language: str, split: Optional[str] = None) -> list[dict[str, str]]:
    found = yaml.safe_load(FILES[language].read_text()) or []
    return [i for i in found if split is None or heldout_split(str(i["text"])) == split]


def score(replies: list[dict[str, str]], content: Content) -> RatingScores:
    s = RatingScores()
    for item in replies:
        expected = None if item["expect"] == NONE else item["expect"]
        got = rating_in_words(str(item["text"]), content)
        s.replies += 1
        s.stated += expected is not None
        s.read += got is not None
        s.read_right += got is not None and got == expected
        if got != expected:
            s.misses.append(f"{item['text']!r}: expected {expected}, read {got}")
    return s


def main(argv: Optional[list[str]] = None) -> int:
    args_parser = argparse.ArgumentParser(description=__doc__)
    args_parser.add_argument("--details", action="store_true", help="list the dev split's misses (never the test's)")
    args = args_parser.parse_args(argv)
    columns = {
        f"{language} {split}": score(items(language, split), load_content(language))
        for language in FILES
        for split in ("dev", "test")
    }
    print("\nratings read from the words (one question per factor)")
    print(f"{'':38}" + "".join(f"{name:>12}" for name in columns) + "   target (test)")
    rows = [
        ("replies", lambda s: str(s.replies), ""),
        ("  plainly stating one rating", lambda s: str(s.stated), ""),
        ("ratings read right, of those read", lambda s: f"{s.precision:.1%}", f">= {TARGETS['precision']:.0%}"),
        ("stated ratings read without asking", lambda s: f"{s.recall:.1%}", f">= {TARGETS['recall']:.0%}"),
        ("wrong ratings read", lambda s: str(s.read - s.read_right), ""),
    ]
    for label, cell, target in rows:
        print(f"{label:38}" + "".join(f"{cell(s):>12}" for s in columns.values()) + f"   {target}")
    if args.details:
        for name, s in columns.items():
            if name.endswith("dev"):
                print(f"\nmisses ({name}):", *s.misses, sep="\n  ")
    failed = [
        f"{metric} ({name})"
        for name, s in columns.items()
        if name.endswith("test")
        for metric, target in TARGETS.items()
        if getattr(s, metric) < target
    ]
    print("targets on the test splits: " + ("all met" if not failed else "NOT met: " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
