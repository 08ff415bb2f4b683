"""`python -m bot export` (being written)."""
import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    return None
