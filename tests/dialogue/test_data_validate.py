"""`rasa data validate --fail-on-warnings` passes on the domain, config and training data."""

from __future__ import annotations

import subprocess

from bot.settings import REPO_ROOT


def test_rasa_data_validate_passes_with_no_warnings() -> None:
    rasa = REPO_ROOT / ".venv" / "bin" / "rasa"
    assert rasa.is_file(), f"{rasa} is missing: run `make setup`"
    result = subprocess.run(
        [
            str(rasa),
            "data",
            "validate",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "bot/data",
            "--fail-on-warnings",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
