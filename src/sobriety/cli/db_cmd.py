"""``sobriety db``: schema management."""

from __future__ import annotations

from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _

app = typer.Typer(help=_("Database schema (Alembic migrations)."), no_args_is_help=True)


@app.command(help=_("Create or migrate the schema to REVISION (default: the latest)."))
def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help=_("Target revision."))] = "head",
) -> None:
    from sobriety.app import database

    state = database.upgrade(context.app(ctx), revision)
    typer.echo(_("Schema at revision {rev}.").format(rev=state.revision))


@app.command(help=_('Migrate the schema back to REVISION ("base" drops every table).'))
def downgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument()]) -> None:
    from sobriety.app import database

    state = database.downgrade(context.app(ctx), revision)
    typer.echo(_("Schema at revision {rev}.").format(rev=state.revision or "base"))


@app.command(help=_("Show the schema revision and the database URL."))
def current(ctx: typer.Context) -> None:
    from sobriety.app import database

    state = database.state(context.app(ctx))
    typer.echo(state.url)
    typer.echo(
        _("Revision: {rev} (latest: {head})").format(rev=state.revision or "-", head=state.head)
    )
