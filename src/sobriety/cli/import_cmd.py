"""``sobriety import``: load a device inventory from CSV, XLSX or a JSON export,
or hardware inventories written by the GLPI Agent (see :mod:`sobriety.cli.import_agent`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sobriety.cli import context, import_agent
from sobriety.i18n import _, fmt_number

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
        )
    except imports.SynonymFileError as exc:
        raise context.fail(str(exc)) from exc
    except (imports.UnreadableFile, imports.ColumnError) as exc:
        raise context.fail(_("Cannot import {path}: {error}").format(path=file, error=exc)) from exc
    except imports.ImportFailed as exc:
        for problem in exc.report.problems:
            typer.echo(f"{file}: {problem}", err=True)
        raise context.fail(str(exc)) from exc
    _print_summary(report)


def _print_summary(report: ImportReport) -> None:
    from sobriety.domain.labels import label

    head = _("Dry run, nothing written.") if report.dry_run else _("Import done.")
    details = [_("profile {profile}").format(profile=report.profile), report.format.upper()]
    if report.delimiter:
        details.append(_("delimiter {d!r}").format(d=report.delimiter))
    if report.encoding:
        details.append(report.encoding)
    typer.echo(f"{head} {report.path} ({', '.join(details)})")
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
            _("{n} new site(s) created (kind as given, else 'other'):").format(
                n=len(report.sites_created)
            )
        )
        for code, name, kind in report.sites_created:
            typer.echo(f"  {code}  {name}  [{label('site_kind', kind)}]")
    if report.ignored_columns:
        typer.echo(
            _("Columns not imported: {columns}").format(
                columns=", ".join(f'"{c}"' for c in report.ignored_columns)
            )
        )
    if report.problems:
        for problem in report.problems[:SHOWN_WITH_REJECTS]:
            typer.echo(f"  {problem}", err=True)
        more = len(report.problems) - SHOWN_WITH_REJECTS
        if more > 0:
            typer.echo(_("  ... and {n} more problem(s)").format(n=more), err=True)
        if report.rejects_path is not None and not report.dry_run:
            typer.echo(
                _("Rejected rows and their reasons: {path}").format(path=report.rejects_path)
            )


def register(app: typer.Typer) -> None:
    app.command(
        "import", help=_("Import devices from FILE (all-or-nothing unless --skip-invalid).")
    )(import_inventory)
