"""The arrows docs/architecture.md forbids: a test that fails on the first import that crosses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"

# Room -> packages it must never import (directly or as a submodule).
FORBIDDEN = {
    "bot.content": (
        "bot.activity",
        "bot.interpretation",
        "bot.store",
        "bot.channels",
        "bot.actions",
        "bot.web",
        "bot.staff",
        "bot.devtools",
        "rasa",
        "sanic",
    ),
    "bot.store": (
        "bot.activity",
        "bot.interpretation",
        "bot.channels",
        "bot.actions",
        "bot.web",
        "bot.staff",
        "bot.devtools",
        "rasa",
        "sanic",
    ),
    "bot.interpretation": (
        "bot.activity",
        "bot.store",
        "bot.channels",
        "bot.actions",
        "bot.web",
        "bot.staff",
        "bot.devtools",
        "sanic",
    ),
    "bot.activity": ("bot.channels", "bot.actions", "bot.web", "bot.staff", "bot.devtools", "rasa", "sanic"),
    "bot.staff": ("bot.channels", "bot.actions", "bot.activity.flow", "bot.devtools", "rasa", "sanic"),
    "bot.web": ("bot.channels", "bot.actions", "bot.devtools", "rasa", "sanic"),
    # Alignment reads facts from words: pure functions, no database, no channel, no page.
    "bot.alignment": (
        "bot.activity",
        "bot.store",
        "bot.channels",
        "bot.actions",
        "bot.web",
        "bot.staff",
        "bot.devtools",
        "rasa",
        "sanic",
    ),
    # The worker delivers from the store; it never runs a turn or serves a page.
    "bot.worker": ("bot.activity", "bot.actions", "bot.web", "bot.devtools", "rasa", "sanic"),
    "bot.channels.sms": ("bot.channels.telegram", "bot.channels.webchat", "bot.devtools", "bot.actions"),
    "bot.channels.telegram": ("bot.channels.sms", "bot.channels.webchat", "bot.devtools", "bot.actions"),
    "bot.channels.webchat": ("bot.channels.sms", "bot.channels.telegram", "bot.devtools", "bot.actions"),
    # The action server may call the staff notifier (handoff notices), nothing else of the staff app.
    "bot.actions": (
        "bot.channels",
        "bot.web",
        "bot.staff.app",
        "bot.staff.pages",
        "bot.staff.views_handoff",
        "bot.devtools",
    ),
}
# Production never imports the development tools; only developers' commands do, when they run: `python -m bot sms`
# (the SMS simulator) and `python -m bot demo-data` (fake people for a demo site).
DEVTOOLS_IMPORTERS = {"bot.cli.sms", "bot.cli.demo"}


def module_name(path: Path, root: Path = BOT.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = BOT.parent) -> set[str]:
    """Every module `path` imports, relative imports resolved, at any depth (inside functions too)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


MODULES = sorted(BOT.rglob("*.py"))


def test_every_room_is_checked() -> None:
    rooms = {module_name(p).split(".")[1] for p in MODULES if module_name(p).count(".") >= 1}
    assert {
        "content",
        "store",
        "interpretation",
        "activity",
        "staff",
        "web",
        "channels",
        "actions",
        "devtools",
        "worker",
    } <= rooms


def crossings(name: str, imported: set[str]) -> list[str]:
    """Every arrow module ``name`` draws, through ``imported``, that docs/architecture.md forbids."""
    found = sorted(
        f"{name} imports {module} (forbidden for {room})"
        for room, banned in FORBIDDEN.items()
        if within(name, room)
        for module in imported
        for target in banned
        if within(module, target)
    )
    if not within(name, "bot.devtools") and name not in DEVTOOLS_IMPORTERS:
        found += [
            f"{name} imports {m} (production never imports bot.devtools)"
            for m in sorted(imported)
            if within(m, "bot.devtools")
        ]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT.parent)))
def test_no_forbidden_import(path: Path) -> None:
    assert crossings(module_name(path), imports_of(path)) == []


def test_the_checker_sees_a_crossing(tmp_path: Path) -> None:
    """A forbidden import written the three ways Python allows is reported (so an empty list above means something)."""
    fake = tmp_path / "bot" / "activity" / "probe.py"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "import bot.channels.sms\nfrom bot.channels import telegram\nfrom ..devtools import devstack\n",
        encoding="utf-8",
    )
    reported = crossings("bot.activity.probe", imports_of(fake, root=tmp_path))
    assert "bot.activity.probe imports bot.channels.sms (forbidden for bot.activity)" in reported
    assert "bot.activity.probe imports bot.channels.telegram (forbidden for bot.activity)" in reported
    assert "bot.activity.probe imports bot.devtools.devstack (production never imports bot.devtools)" in reported


def test_no_module_is_over_400_lines() -> None:
    """Small modules with one job each: none under bot/ (migrations aside) grows past 400 lines."""
    long = {
        str(p.relative_to(BOT.parent)): n
        for p in MODULES
        if "migrations" not in p.parts
        for n in [len(p.read_text(encoding="utf-8").splitlines())]
        if n > 400
    }
    assert long == {}


def development_packages() -> set[str]:
    """The import names of what requirements-dev.in adds (pytest, playwright, aiosmtpd, ruff, mypy, ...)."""
    names = {"pytest": "pytest", "pytest-asyncio": "pytest_asyncio", "pytest-timeout": "pytest_timeout"}
    names |= {"pytest-cov": "pytest_cov", "playwright": "playwright", "aiosmtpd": "aiosmtpd", "pypdf": "pypdf"}
    names |= {"ruff": "ruff", "mypy": "mypy", "coverage": "coverage", "pytest-xdist": "xdist"}
    listed = [
        line.split("#")[0].strip()
        for line in (BOT.parent / "requirements-dev.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "-"))
    ]
    unknown = [name for name in listed if name not in names]
    assert unknown == [], f"say which import name these development packages have: {unknown}"
    return {names[name] for name in listed}


def test_the_bot_runs_without_the_development_packages() -> None:
    """`make run` installs only requirements.lock: no module under bot/ may import a test or lint tool."""
    dev = development_packages()
    assert {"pytest", "playwright", "aiosmtpd"} <= dev
    found = sorted(
        f"{module_name(path)} imports {module}"
        for path in MODULES
        for module in imports_of(path)
        if module.split(".")[0] in dev
    )
    assert found == []
