"""What every CLI command shares: settings, the language, the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import typer
from sqlalchemy import Engine

from sobriety.settings import Settings
from sobriety.storage import db


@dataclass
class CliContext:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @cached_property
    def engine(self) -> Engine:
        """The configured database, migrated to the current schema."""
        engine = db.make_engine(self.settings.database_url)
        if not db.is_up_to_date(engine):
            db.upgrade(engine)
        return engine

    def raw_engine(self) -> Engine:
        """The configured database as it is (no automatic migration)."""
        return db.make_engine(self.settings.database_url)


def get(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return an Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)
