"""Precision and recall of extract_facts on the labelled reflections, dev and test side by side (test as counts only)."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Hashable, Iterable, Optional

import yaml

from bot.alignment.facts import Facts, Pay, extract_facts

LABELLED = Path(__file__).with_name("facts_labelled.yml")
KINDS = ("pay", "schedule", "schedule_not", "place", "place_not")
SPLITS = ("dev", "test")


@dataclass
class Counts:
    """True positives, false positives and false negatives of one fact kind on one split."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass(frozen=True)
class Item:
    """One labelled reflection and the facts a reader pulls out of it."""

    text: str
    language: str
    role: str
    split: str
    expected: Facts


def load(path: Path = LABELLED) -> list[Item]:
    """The labelled reflections, checked for the fields and values every item must have."""
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    items = []
    for entry in raw:
        assert entry["split"] in SPLITS and entry["role"] in ("work_seeker", "employer"), entry
        assert entry["language"] in ("en", "fr"), entry
        pay = tuple(Pay(float(p["amount"]), p["unit"], p["bound"], _float(p.get("upper"))) for p in entry["pay"])
        expected = Facts(pay, *(frozenset(entry[k]) for k in ("schedule", "place", "schedule_not", "place_not")))
        items.append(Item(entry["text"], entry["language"], entry["role"], entry["split"], expected))
    return items


def _float(value: Optional[float]) -> Optional[float]:
    return None if value is None else float(value)


def _keys(facts: Facts, kind: str) -> Counter[Hashable]:
    """The facts of one kind as a multiset; a pay figure is its amount, unit, bound and range top together."""
    values: Iterable[Hashable] = getattr(facts, kind)
    return Counter(values)


def compare(expected: Facts, got: Facts) -> dict[str, Counts]:
    """Per kind, the facts found that were labelled (tp), found but not labelled (fp), labelled but missed (fn)."""
    result = {}
    for kind in KINDS:
        want, have = _keys(expected, kind), _keys(got, kind)
        result[kind] = Counts(sum((want & have).values()), sum((have - want).values()), sum((want - have).values()))
    return result


def figures(items: Optional[list[Item]] = None) -> dict[str, dict[str, Counts]]:
    """Split -> kind (and "overall") -> counts, for every labelled item."""
    table = {split: {kind: Counts() for kind in (*KINDS, "overall")} for split in SPLITS}
    for item in items if items is not None else load():
        for kind, counts in compare(item.expected, extract_facts(item.text, item.language)).items():
            table[item.split][kind].add(counts)
            table[item.split]["overall"].add(counts)
    return table


def report(table: dict[str, dict[str, Counts]]) -> str:
    """The figures as a text table, dev and test side by side."""
    head = f"{'':13}" + " | ".join(
        f"{split + ':':6}{'tp':>4}{'fp':>4}{'fn':>4}{'prec':>7}{'rec':>7}" for split in SPLITS
    )
    lines = [head, "-" * len(head)]
    for kind in (*KINDS, "overall"):
        cells = [table[split][kind] for split in SPLITS]
        lines.append(
            f"{kind:13}" + " | ".join(f"{'':6}{c.tp:4}{c.fp:4}{c.fn:4}{c.precision:7.2f}{c.recall:7.2f}" for c in cells)
        )
    return "\n".join(lines)


def dev_misses(items: list[Item]) -> list[str]:
    """What the extractor got wrong on the dev split (never the test split), one item per entry."""
    lines = []
    for item in items:
        if item.split != "dev":
            continue
        got = extract_facts(item.text, item.language)
        wrong = [
            f"    {kind}: missed {sorted(map(str, (want - have).elements()))} extra {sorted(map(str, (have - want).elements()))}"
            for kind in KINDS
            for want, have in [(_keys(item.expected, kind), _keys(got, kind))]
            if want != have
        ]
        if wrong:
            lines.append(f"[{item.language}] {item.text}\n" + "\n".join(wrong))
    return lines


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--details", action="store_true", help="list the dev-split misses (the test split stays counts only)"
    )
    args = parser.parse_args(argv)
    items = load()
    sizes = Counter(item.split for item in items)
    print(f"{len(items)} labelled reflections: " + ", ".join(f"{split} {sizes[split]}" for split in SPLITS))
    print(report(figures(items)))
    if args.details:
        print("\n".join(["", "dev-split misses:", *dev_misses(items)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
