"""``sobriety report``: the annual numérique-responsable report (PDF, HTML, JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _


def report(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help=_("Year of the report."))],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("Formats, comma-separated: pdf,html,json."))
    ] = "pdf,html,json",
    lang: Annotated[
        str | None, typer.Option("--lang", help=_("Language of the report: fr or en."))
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=_("Folder to write the files into."))
    ] = Path("."),
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget", help=_("Renewal budget of the next year (default: the price table's).")
        ),
    ] = None,
) -> None:
    from sobriety.app import renewal
    from sobriety.app import report as use_case

    app = context.app(ctx)
    try:
        result = use_case.write_report(
            app, year, output, formats=fmt.split(","), lang=lang, budget_eur=budget
        )
    except (use_case.NoDataError, use_case.ReportInputError, renewal.RenewalInputError) as exc:
        raise context.fail(str(exc)) from exc
    for path in result.paths:
        typer.echo(str(path))
    typer.echo(_("Snapshot of the figures stored (#{id}).").format(id=result.snapshot_id))


def register(app: typer.Typer) -> None:
    app.command("report", help=_("Write the annual numérique-responsable report of a year."))(
        report
    )
