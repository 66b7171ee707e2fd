"""``sobriety export``: write the inventory (or part of it) to CSV, JSON or XLSX."""

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
    site: Annotated[
        str | None, typer.Option("--site", help=_("Only the devices of this site (code)."))
    ] = None,
    category: Annotated[
        str | None,
        typer.Option("--category", help=_('Only this category (key or label: "PC portable").')),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help=_('Only this status (key or label: "Réformé").')),
    ] = None,
    excel_fr: Annotated[
        bool,
        typer.Option(
            "--excel-fr",
            help=_("CSV for a French Excel: fields separated by ';', decimal commas."),
        ),
    ] = False,
) -> None:
    from sobriety.app import imports, inventory

    sobriety = context.app(ctx)
    if excel_fr:
        if (fmt or file.suffix.lstrip(".") or "csv").lower() != "csv":
            raise context.fail(_("--excel-fr writes a CSV file, not {format}").format(
                format=(fmt or file.suffix.lstrip(".")).upper()))  # fmt: skip
        fmt = "csv"
    where = inventory.DeviceFilter(
        category=None if category is None else context.vocab_value("category", category,
                                                                   "--category"),
        status=None if status is None else context.vocab_value("status", status, "--status"),
    )  # fmt: skip
    if site is not None:
        try:
            where = inventory.DeviceFilter(
                category=where.category, status=where.status,
                site_id=inventory.site_by_code(sobriety, site).id,
            )  # fmt: skip
        except inventory.NotFoundError as exc:
            raise context.fail(str(exc)) from exc
    try:
        report = imports.export_devices(
            sobriety, file, fmt, where=None if where.is_empty else where, excel_fr=excel_fr
        )
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
    app.command(
        "export",
        help=_(
            "Export the devices, with their site code and name, to FILE: every device, "
            "or those of --site, --category and --status."
        ),
    )(export)
