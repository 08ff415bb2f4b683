"""Checks of the trained Rasa model's NLU and of the Rasa training data."""
