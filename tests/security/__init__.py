"""Issue 15: every attack tried against the real servers, and the refusal asserted."""
