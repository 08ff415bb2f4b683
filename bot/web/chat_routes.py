"""Web chat page routes (filled in by the web chat work, issue 3)."""
routes: list = []
