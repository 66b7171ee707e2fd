"""``sobriety db``: schema management."""

from __future__ import annotations

from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _
from sobriety.storage import db

app = typer.Typer(help=_("Database schema (Alembic migrations)."), no_args_is_help=True)


@app.command(help=_("Create or migrate the schema to REVISION (default: the latest)."))
def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help=_("Target revision."))] = "head",
) -> None:
    engine = context.get(ctx).raw_engine()
    db.upgrade(engine, revision)
    typer.echo(_("Schema at revision {rev}.").format(rev=db.current_revision(engine)))


@app.command(help=_('Migrate the schema back to REVISION ("base" drops every table).'))
def downgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument()]) -> None:
    engine = context.get(ctx).raw_engine()
    db.downgrade(engine, revision)
    typer.echo(_("Schema at revision {rev}.").format(rev=db.current_revision(engine) or "base"))


@app.command(help=_("Show the schema revision and the database URL."))
def current(ctx: typer.Context) -> None:
    cli = context.get(ctx)
    engine = cli.raw_engine()
    rev = db.current_revision(engine)
    typer.echo(f"{engine.url.render_as_string(hide_password=True)}")
    typer.echo(
        _("Revision: {rev} (latest: {head})").format(rev=rev or "-", head=db.head_revision())
    )
