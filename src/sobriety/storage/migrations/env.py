"""Alembic environment: the engine is handed in by :mod:`sobriety.storage.db`."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from sobriety.storage import models  # noqa: F401 - registers the tables

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
