"""``sobriety import``: load a device inventory from CSV, XLSX or a JSON export,
or hardware inventories written by the GLPI Agent (see :mod:`sobriety.cli.import_agent`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sobriety.cli import context, import_agent
from sobriety.i18n import _, colon, fmt_number, ngettext

if TYPE_CHECKING:
    from sobriety.app.imports import ImportReport

#: Problems printed in full before "... and N more" (the rejects file has them all).
SHOWN_WITH_REJECTS = 20


def import_inventory(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help=_(
                "CSV, XLSX or JSON (sobriety export) file; or GLPI Agent inventories: "
                "a JSON or XML file, a folder of them or a .zip."
            )
        ),
    ],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help=_(
                "Column mapping: auto, generic, glpi or snipeit; glpi-agent for GLPI Agent "
                "inventories (default: auto, which recognises them)."
            ),
        ),
    ] = "auto",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check and count, write nothing."))
    ] = False,
    skip_invalid: Annotated[
        Path | None,
        typer.Option(
            "--skip-invalid",
            metavar="REJECTS.csv",
            help=_(
                "Import the valid rows (or inventory files); write the invalid ones, "
                "with reasons, to this CSV."
            ),
        ),
    ] = None,
    synonyms: Annotated[
        Path | None,
        typer.Option(
            "--synonyms",
            help=_(
                "Your synonym table (TOML), added to the shipped one "
                "(default: SOBRIETY_SYNONYMS or the config file)."
            ),
        ),
    ] = None,
    mappings: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar=_("COLUMN:LABEL=VALUE"),
            help=_(
                "Map a label of a column onto a value for this run, e.g. "
                '--map "Statut:Actif=in_service" (repeatable).'
            ),
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            metavar="dmy|mdy",
            help=_(
                "Day/month order of dates such as 4/3/21, for every date column "
                "(default: decided from the values, else the profile's default)."
            ),
        ),
    ] = None,
    site_level: Annotated[
        int | None,
        typer.Option(
            "--site-level",
            metavar="N",
            help=_(
                'Take the site from level N of the location path (GLPI "Lieu"), '
                "not from the entity; the levels below stay the location."
            ),
        ),
    ] = None,
) -> None:
    from sobriety.app import imports

    try:
        imports.check_profile(profile)
    except imports.ColumnError as exc:
        raise context.fail(str(exc)) from exc
    if imports.uses_agent_profile(file, profile):
        import_agent.run(context.app(ctx), file, dry_run=dry_run, skip_invalid=skip_invalid)
        return
    try:
        report = imports.import_devices(
            context.app(ctx),
            file,
            profile=profile,
            synonyms=synonyms,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            mappings=mappings or (),
            date_order=date_order,
            site_level=site_level,
        )
    except imports.SynonymFileError as exc:
        raise context.fail(str(exc)) from exc
    except (imports.UnreadableFile, imports.ColumnError) as exc:
        raise context.fail(_("Cannot import {path}: {error}").format(path=file, error=exc)) from exc
    except imports.ImportFailed as exc:
        _print_reading(exc.report, err=True)
        for problem in exc.report.problems:
            typer.echo(f"{colon(str(file))} {problem}", err=True)
        _print_labels(exc.report)
        raise context.fail(str(exc)) from exc
    _print_summary(report)


def _print_reading(report: ImportReport, *, err: bool = False) -> None:
    """How the file was read: dates, two-digit years, site, placeholders, mapped labels."""
    for order in report.date_orders:
        typer.echo(_("Dates, {order}").format(order=order), err=err)
    if report.year_window is not None:
        first, last = report.year_window
        typer.echo(
            _("Two-digit years are read as {first} to {last}.").format(first=first, last=last),
            err=err,
        )
    if report.site_from:
        typer.echo(_('Site from column "{column}".').format(column=report.site_from), err=err)
    for column, count in report.placeholders.items():
        typer.echo(
            ngettext(
                'Column "{column}": {n} firmware placeholder read as empty.',
                'Column "{column}": {n} firmware placeholders read as empty.',
                count,
            ).format(column=column, n=fmt_number(count)),
            err=err,
        )
    for column, label, value in report.mapped:
        typer.echo(
            _('Column "{column}": "{label}" read as {value} (--map).').format(
                column=column, label=label, value=value
            ),
            err=err,
        )


def _print_labels(report: ImportReport) -> None:
    """Each unknown label once, with exactly how to map it."""
    for unknown in report.unknown_labels:
        typer.echo(f"{colon(str(report.path))} {unknown}", err=True)
        for hint in unknown.how_to_map(report.synonyms_path):
            typer.echo(f"    {hint}", err=True)


def _print_summary(report: ImportReport) -> None:
    from sobriety.domain.labels import label

    head = _("Dry run, nothing written.") if report.dry_run else _("Import done.")
    details = [_("profile {profile}").format(profile=report.profile), report.format.upper()]
    if report.delimiter:
        details.append(_("delimiter {d!r}").format(d=report.delimiter))
    if report.encoding:
        details.append(report.encoding)
    typer.echo(f"{head} {report.path} ({', '.join(details)})")
    _print_reading(report)
    typer.echo(
        _(
            "{rows} rows: {created} created, {updated} updated, {unchanged} unchanged, "
            "{rejected} rejected"
        ).format(
            rows=fmt_number(report.rows),
            created=fmt_number(report.created),
            updated=fmt_number(report.updated),
            unchanged=fmt_number(report.unchanged),
            rejected=fmt_number(report.rejected),
        )
    )
    if report.sites_created:
        typer.echo(
            ngettext(
                "{n} new site created (kind as given, else 'other'):",
                "{n} new sites created (kind as given, else 'other'):",
                len(report.sites_created),
            ).format(n=len(report.sites_created))
        )
        for code, name, kind in report.sites_created:
            typer.echo(f"  {code}  {name}  [{label('site_kind', kind)}]")
    if report.ignored_columns:
        typer.echo(
            _("Columns not imported: {columns}").format(
                columns=", ".join(f'"{c}"' for c in report.ignored_columns)
            )
        )
    if report.problems or report.unknown_labels:
        for problem in report.problems[:SHOWN_WITH_REJECTS]:
            typer.echo(f"  {problem}", err=True)
        more = len(report.problems) - SHOWN_WITH_REJECTS
        if more > 0:
            typer.echo(import_agent.more_problems(more), err=True)
        _print_labels(report)
        if report.rejects_path is not None and not report.dry_run:
            typer.echo(
                _("Rejected rows and their reasons: {path}").format(path=report.rejects_path)
            )


def register(app: typer.Typer) -> None:
    app.command(
        "import", help=_("Import devices from FILE (all-or-nothing unless --skip-invalid).")
    )(import_inventory)
