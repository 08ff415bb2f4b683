"""Helpers shared by the end-to-end tests (not fixtures: those live in conftest.py files)."""
