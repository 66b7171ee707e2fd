"""``sobriety export``: write the whole inventory to CSV, JSON or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number


def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("Output file (.csv, .json or .xlsx)."))],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=_("csv, json or xlsx (default: from the file extension).")),
    ] = None,
) -> None:
    from sobriety.app import imports

    try:
        report = imports.export_devices(context.app(ctx), file, fmt)
    except imports.ExportError as exc:
        raise context.fail(str(exc)) from exc
    except OSError as exc:
        raise context.fail(
            _("Cannot write {path}: {error}").format(path=file, error=exc.strerror or exc)
        ) from exc
    typer.echo(
        _("{devices} devices and {sites} sites exported to {path} ({format}).").format(
            devices=fmt_number(report.devices),
            sites=fmt_number(report.sites),
            path=report.path,
            format=report.format.upper(),
        )
    )


def register(app: typer.Typer) -> None:
    app.command("export", help=_("Export every device, with its site code and name, to FILE."))(
        export
    )
