"""Interpretation: what a participant meant by one message at the current step (request, question, aside or answer)."""
