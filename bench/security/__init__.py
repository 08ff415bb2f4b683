"""Attacks on a running profile (issue 15): shared by tests/security and `make security-check`."""
