"""Start Rasa with our speed-ups installed first: `python -m bot.rasa_server run ...` takes exactly `rasa`'s arguments."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Install bot.rasa_speedups explicitly, then hand the command line to Rasa's own entry point."""
    import rasa.core.run  # noqa: F401  (the speed-ups patch it; installing checks that it is loaded)
    from rasa.__main__ import main as rasa_main

    from bot import log_redaction, rasa_speedups

    log_redaction.install()  # before Rasa logs anything: its DEBUG lines hold participants' words and ids
    rasa_speedups.install()
    _count_start()
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


def _count_start() -> None:
    """Append one line to RASA_START_LOG when it is set (`make test` prints how many Rasa servers it started)."""
    log = os.environ.get("RASA_START_LOG", "").strip()
    if log:
        with Path(log).open("a", encoding="utf-8") as handle:
            handle.write(
                f"{time.strftime('%H:%M:%S')} pid {os.getpid()} {os.environ.get('PYTEST_CURRENT_TEST', '').split(' ')[0]}\n"
            )


if __name__ == "__main__":
    main()
