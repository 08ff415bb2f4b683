"""Tests of the alignment facts: unit tests, the labelled set and its precision/recall report."""
