"""Use cases of the database itself: create or migrate the schema, say where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety


@dataclass(frozen=True)
class SchemaState:
    url: str  # password hidden
    revision: str | None
    head: str | None


def upgrade(app: Sobriety, revision: str = "head") -> SchemaState:
    """Create the schema (the database too, for SQLite) or migrate it to ``revision``."""
    return state(app, app.create_database(revision))


def downgrade(app: Sobriety, revision: str) -> SchemaState:
    """Migrate the schema back to ``revision`` ("base" drops every table)."""
    from sobriety.storage import db

    engine = app.raw_engine()
    db.downgrade(engine, revision)
    return state(app, engine)


def state(app: Sobriety, engine=None) -> SchemaState:  # type: ignore[no-untyped-def]
    """The schema revision of the configured database and the latest one."""
    from sobriety.storage import db

    engine = engine or app.raw_engine()
    url = db.safe_url(app.database_url)
    return SchemaState(url, db.current_revision(engine), db.head_revision())
