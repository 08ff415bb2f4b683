"""CLI tests: the `python -m bot` commands run as subprocesses."""
