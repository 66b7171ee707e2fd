"""``sobriety study``: the reuse-sector study (anonymised export, regional merge, summary)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number

app = typer.Typer(
    help=_("Reuse-sector study: anonymised exports, regional consolidation, outflow forecast."),
    no_args_is_help=True,
)


def _fail_on_study_errors(exc: Exception) -> typer.Exit:
    return context.fail(str(exc))


@app.command("export", help=_("Write the anonymised study package of one organisation."))
def export(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help=_("Year of the departures."))],
    org: Annotated[str, typer.Option("--org", help=_("Name of the organisation."))],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Package file (.zip) to write."))
    ] = None,
    k: Annotated[
        int,
        typer.Option("--k", help=_("Smallest group of identical rows (k-anonymity).")),
    ] = 5,
) -> None:
    from sobriety.app import study

    try:
        result = study.export(context.app(ctx), year=year, organisation=org, output=output, k=k)
    except study.StudyError as exc:
        raise _fail_on_study_errors(exc) from exc
    except OSError as exc:
        raise context.fail(
            _("Cannot write {path}: {error}").format(path=output, error=exc.strerror or exc)
        ) from exc
    a = result.anonymisation
    typer.echo(
        _("{path}: {n} devices left {org} in {year}, {rows} rows exported.").format(
            path=result.path,
            n=fmt_number(result.outgoing),
            org=result.organisation,
            year=result.year,
            rows=fmt_number(result.exported_rows),
        )
    )
    typer.echo(
        "  "
        + _("k = {k}: {generalised} rows generalised, {suppressed} rows left out.").format(
            k=a["k"],
            generalised=fmt_number(a["model_generalised"]),
            suppressed=fmt_number(a["suppressed"]),
        )
    )
    first, last = result.forecast_years[0], result.forecast_years[-1]
    typer.echo(
        "  "
        + _("Forecast {first}-{last}: {devices} devices, {tonnes} t expected to leave.").format(
            first=first,
            last=last,
            devices=fmt_number(result.forecast_devices),
            tonnes=fmt_number(result.forecast_tonnes, 1),
        )
    )
    if result.undated:
        typer.echo(
            "  "
            + _("{n} held devices have no acquisition date: left out of the forecast.").format(
                n=fmt_number(result.undated)
            )
        )


@app.command("merge", help=_("Consolidate study packages into a regional package."))
def merge(
    packages: Annotated[list[Path], typer.Argument(help=_("Study packages (.zip) to merge."))],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=_("Regional package (.zip) to write."))
    ],
) -> None:
    from sobriety.app import study

    try:
        result = study.merge(packages, output)
    except study.StudyError as exc:
        raise _fail_on_study_errors(exc) from exc
    except OSError as exc:
        raise context.fail(
            _("Cannot write {path}: {error}").format(path=output, error=exc.strerror or exc)
        ) from exc
    typer.echo(
        _("{path}: {orgs} organisations, {n} devices left in {year}.").format(
            path=result.path,
            orgs=fmt_number(len(result.organisations)),
            n=fmt_number(result.devices),
            year=result.year,
        )
    )


@app.command("summary", help=_("Print the partners' summary of a (regional) study package."))
def summary(
    package: Annotated[Path, typer.Argument(help=_("Study package (.zip)."))],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("Also write it as pdf, html or pdf,html."))
    ] = "",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("File name without extension for pdf/html.")),
    ] = None,
) -> None:
    from sobriety.app import study

    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    try:
        s, written = study.write_summary(package, formats, output)
    except study.StudyError as exc:
        raise _fail_on_study_errors(exc) from exc
    except OSError as exc:
        raise context.fail(
            _("Cannot write {path}: {error}").format(
                path=output or package, error=exc.strerror or exc
            )
        ) from exc
    from sobriety.app.study import summary_lines

    for line in summary_lines(s):
        typer.echo(line)
    for path in written:
        typer.echo(_("Written: {path}").format(path=path))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="study")
