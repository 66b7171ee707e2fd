"""``sobriety backup FILE`` and ``sobriety restore FILE``: the whole database in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("Archive to write (a .zip file)."))],
    replace: Annotated[
        bool, typer.Option("--replace", help=_("Overwrite FILE if it exists."))
    ] = False,
) -> None:
    from sobriety.app import backup as backup_case

    try:
        done = backup_case.backup(context.app(ctx), file, replace=replace)
    except backup_case.BackupError as exc:
        raise context.fail(str(exc)) from exc
    typer.echo(
        _(
            "Backup written to {path}: {rows} rows in {tables} tables, schema revision {rev}."
        ).format(
            path=done.path, rows=fmt_number(done.rows), tables=done.tables, rev=done.schema_revision
        )
    )


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("Archive written by sobriety backup."))],
    replace: Annotated[
        bool,
        typer.Option("--replace", help=_("Replace the content of a database that is not empty.")),
    ] = False,
) -> None:
    from sobriety.app import backup as backup_case

    try:
        done = backup_case.restore(context.app(ctx), file, replace=replace)
    except backup_case.BackupError as exc:
        raise context.fail(str(exc)) from exc
    typer.echo(
        _(
            "Restored {path}: {rows} rows in {tables} tables, schema revision {old} "
            "migrated to {new}."
        ).format(
            path=done.path,
            rows=fmt_number(done.rows),
            tables=done.tables,
            old=done.from_revision,
            new=done.to_revision,
        )
    )


def register(app: typer.Typer) -> None:
    app.command(
        "backup",
        help=_(
            "Write the whole database to an archive FILE (readable by its owner only), "
            "portable between SQLite and PostgreSQL."
        ),
    )(backup)
    app.command(
        "restore",
        help=_(
            "Replace the database with the archive FILE (created if missing; an archive "
            "from an older schema is upgraded). A database that is not empty needs --replace."
        ),
    )(restore)
