"""The ``sobriety`` command line: a root app joining one sub-app per verb family.

Help texts are translated when the command modules are imported: the console
script (:func:`sobriety.cli.entry.run`) sets the language first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety import __version__
from sobriety.cli import (
    backup_cmd,
    context,
    db_cmd,
    demo_cmd,
    device_cmd,
    doctor_cmd,
    erasure_cmd,
    estimate_cmd,
    export_cmd,
    factors_cmd,
    flag_cmd,
    import_cmd,
    inventory_cmd,
    lot_cmd,
    objectives_cmd,
    purchases_cmd,
    renewal_cmd,
    report_cmd,
    reuse_rate_cmd,
    study_cmd,
)
from sobriety.i18n import _, set_language

app = typer.Typer(
    name="sobriety",
    help=_("Inventory, lifecycle carbon and reuse channels for a public IT fleet."),
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    cls=context.RootGroup,
)
app.add_typer(db_cmd.app, name="db")
inventory_cmd.register(app)
device_cmd.register(app)
demo_cmd.register(app)
app.add_typer(flag_cmd.app, name="flag")
app.add_typer(lot_cmd.app, name="lot")
app.add_typer(erasure_cmd.app, name="erasure")
app.add_typer(factors_cmd.app, name="factors")
estimate_cmd.register(app)
reuse_rate_cmd.register(app)
import_cmd.register(app)
export_cmd.register(app)
study_cmd.register(app)
objectives_cmd.register(app)
report_cmd.register(app)
renewal_cmd.register(app)
doctor_cmd.register(app)
backup_cmd.register(app)
purchases_cmd.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sobriety {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option("--db", help=_("Database URL (default: SOBRIETY_DATABASE_URL or config).")),
    ] = None,
    factors: Annotated[
        Path | None,
        typer.Option("--factors", help=_("Emission factor folder (default: SOBRIETY_FACTORS).")),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help=_("Interface language: fr or en."))
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
) -> None:
    from sobriety.app.context import SettingError, load_settings
    from sobriety.i18n import SUPPORTED

    if lang is not None and lang.strip().lower() not in SUPPORTED:
        raise context.fail(
            _("--lang: {value!r} is not a supported language; choose one of {choices}").format(
                value=lang, choices=", ".join(SUPPORTED)
            ),
            code=2,
        )
    overrides = {"database_url": database_url, "factors": factors, "lang": lang}
    try:
        settings = load_settings(**overrides)
    except SettingError:
        if ctx.invoked_subcommand != "doctor":
            raise
        settings = None  # the doctor reports it
    if settings is not None:
        set_language(settings.lang)
    ctx.obj = context.CliContext(settings=settings, overrides=overrides)  # type: ignore[arg-type]
    if ctx.invoked_subcommand is None:
        inventory_cmd.default_action(ctx)
