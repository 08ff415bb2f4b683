"""Store tests: repository, migrations and the research export on a real database."""
