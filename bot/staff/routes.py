"""Staff page routes (filled in by the practitioner review work, issue 6)."""
routes: list = []
