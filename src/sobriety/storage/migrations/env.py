"""Alembic environment: the engine is handed in by :mod:`sobriety.storage.db`."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from sobriety.storage import models  # noqa: F401 - registers the tables

target_metadata = SQLModel.metadata


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # A connection handed in (a restore) is migrated inside its caller's transaction.
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        _migrate(connection)


run_migrations_online()
