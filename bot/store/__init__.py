"""The store: SQLAlchemy models, migrations and repository functions (the only place that writes SQL)."""
