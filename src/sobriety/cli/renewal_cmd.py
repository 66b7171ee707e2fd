"""``sobriety renewal``: the devices to renew in a year within the budget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number


def renewal(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help=_("Year of the plan (default: next year)."))
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget", help=_('Budget, e.g. "1 909 000 EUR" (default: the price table\'s).')
        ),
    ] = None,
    strategy: Annotated[
        str,
        typer.Option("--strategy", help=_("refurbished-first (where allowed) or new-only.")),
    ] = "refurbished-first",
    output: Annotated[
        list[Path] | None,
        typer.Option(
            "--output", "-o", help=_("Write the plan to a .csv or .xlsx file (repeatable).")
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
    limit: Annotated[int, typer.Option("--limit", help=_("Lines shown in the table."))] = 20,
) -> None:
    from sobriety.app import renewal as use_case

    if fmt not in ("table", "json"):
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))
    app = context.app(ctx)
    try:
        plan = use_case.renewal_plan(app, year, budget, strategy)
        written = [use_case.write_plan(app, plan, p) for p in output or []]
    except use_case.RenewalInputError as exc:
        raise context.fail(str(exc)) from exc
    s = plan.summary
    if fmt == "json":
        typer.echo(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        p, alt = s["plan"], s["extend_lifespans"]
        typer.echo(
            _("Renewal plan {year}: budget {budget} EUR, {n} candidates").format(
                year=s["year"], budget=fmt_number(s["budget_eur"]), n=fmt_number(s["candidates"])
            )
        )
        typer.echo(
            "  " + _("Plan: {n} devices ({r} refurbished), {cost} EUR, {t} tCO2e").format(
                n=fmt_number(p["devices"]), r=fmt_number(p["refurbished"]),
                cost=fmt_number(p["cost_eur"]), t=fmt_number(p["tco2e"]["value"], 2),
            )
        )  # fmt: skip
        typer.echo(
            "  " + _("Extend lifespans: {n} devices, {cost} EUR, {t} tCO2e").format(
                n=fmt_number(alt["devices"]), cost=fmt_number(alt["cost_eur"]),
                t=fmt_number(alt["tco2e"]["value"], 2),
            )
        )  # fmt: skip
        for row in plan.rows(app, selected_only=True)[:limit]:
            typer.echo(
                f"  {row['rank']:>5} {row['asset_tag']:<14} {row['category']:<18} "
                f"{fmt_number(row['cost_eur']):>8} EUR  {row['reasons']}"
            )
        typer.echo("  " + _("Prices: {source}").format(source=s["price_source"]))
    for path in written:
        typer.echo(str(path), err=fmt == "json")


def register(app: typer.Typer) -> None:
    app.command("renewal", help=_("Devices proposed for renewal in a year, within the budget."))(
        renewal
    )
