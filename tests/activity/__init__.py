"""Unit tests of the activity engine: commands, parsing, summaries and the flow against a real SQLite database."""
