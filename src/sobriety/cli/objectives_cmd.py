"""``sobriety objectives``: each objective's value, trajectory and whether it is on track."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = {"%": 1, "years": 1, "tCO2e": 3, "t": 3}.get(unit, 1)
    text = fmt_number(value, digits)
    if unit == "%":
        return f"{text} %"
    shown = _("years") if unit == "years" else unit
    return f"{text} {shown}"


def objectives(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help=_("Year (default: this year)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
) -> None:
    from sobriety.app import objectives as use_case
    from sobriety.app.report import NoDataError

    if fmt not in ("table", "json"):
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))
    app = context.app(ctx)
    try:
        items = use_case.objectives_status(app, year)
    except NoDataError as exc:
        raise context.fail(str(exc)) from exc
    if fmt == "json":
        typer.echo(json.dumps([a.as_dict() for a in items], ensure_ascii=False, indent=1))
        return
    path = use_case.objectives_path(app)
    typer.echo(_("Objectives ({path})").format(path=path))
    for a in items:
        o = a.objective
        state = {True: _("on track"), False: _("off track"), None: _("not assessed")}[a.on_track]
        typer.echo(
            "- "
            + _("{objective}: {value} (expected {expected}, target {target} in {year}): {state}")
            .format(
                objective=o.label, value=_value(a.value, o.unit),
                expected=_value(a.expected, o.unit), target=_value(a.target, o.unit),
                year=o.target_year, state=state,
            )
        )  # fmt: skip
        points = ", ".join(
            f"{p.year} {_value(p.value, o.unit)}" + ("*" if p.origin == "snapshot" else "")
            for p in a.trajectory
        )
        typer.echo("    " + _("trajectory: {points}").format(points=points))
    typer.echo(_("* published in a report snapshot"))


def register(app: typer.Typer) -> None:
    app.command(
        "objectives",
        help=_("The plan's objectives: value, trajectory since the baseline year, on track."),
    )(objectives)
