"""Run a `python -m` entry point with the root logger at DEBUG on stderr (the log-privacy test's own processes)."""

from __future__ import annotations

import atexit
import logging
import runpy
import sys


def main() -> None:
    """``python -m tests.support.debug_logging bot actions ...``: our commands' basicConfig(INFO) then changes nothing."""
    logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.captureWarnings(True)
    # Read by the test: the command's own logging set-up (basicConfig at INFO) left the level at DEBUG to the end.
    atexit.register(lambda: logging.getLogger(__name__).debug("%s still logging at DEBUG", module))
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
