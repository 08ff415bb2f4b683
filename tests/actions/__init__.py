"""Rasa SDK action tests: trackers built from JSON, the real domain, exact events and dispatched messages."""
