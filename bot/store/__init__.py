"""The store: SQLAlchemy models, migrations and repository functions (the only place that writes SQL)."""

# The security and staff-session tables share models.Base; importing them here puts them in Base.metadata for Alembic and create paths.
from bot.store import (  # noqa: F401
    corrections,
    follow_up_models,
    invitation_models,
    match_models,
    outbox_models,
    provider_models,
    security_models,
    staff_models,
    summary_links,
)
