"""`python -m bot export`: placeholder replaced by the store helper."""
