"""Tests of the channels' shared base."""
