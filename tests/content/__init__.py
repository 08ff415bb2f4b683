"""Checks of the activity content: SMS rules, structure, loader errors, reloading, GSM-7 and rendering."""
