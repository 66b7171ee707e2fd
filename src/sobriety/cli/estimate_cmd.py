"""``sobriety estimate``: the fleet's carbon footprint, a device's explanation, what-ifs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import N_, _, fmt_number

if TYPE_CHECKING:
    from sobriety.app.carbon import DeviceCarbon, Estimate, InvalidInput, WhatIf

app = typer.Typer(
    help=_("Carbon estimates of the fleet (tCO2e) from the sourced emission factors."),
    invoke_without_command=True,
)

FORMATS = ("table", "csv", "json")
#: Heading of the first column of the table, per ``--by``.
BY_HEADINGS = {
    "category": N_("Category"),
    "site": N_("Site"),
    "site-kind": N_("Site kind"),
    "phase": N_("Phase"),
    "year": N_("Year"),
}


def _t(kg: float) -> str:
    return fmt_number(kg / 1000.0, 2)


def _range_t(arr) -> str:
    return f"{_t(arr[0])} ({_t(arr[1])}-{_t(arr[2])})"


def _check_format(value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise context.fail(
            _("{option}: {value!r} is not one of {choices}").format(
                option="--format", value=value, choices=", ".join(choices)
            )
        )


def _option_error(exc: InvalidInput) -> typer.Exit:
    """An invalid argument of a use case, named as the option the user typed."""
    if exc.field is None:
        return context.fail(str(exc))
    return context.fail(_("{label}: {value}").format(label=f"--{exc.field}", value=exc.detail))


@app.callback()
def estimate(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help=_("Reporting year (default: last year)."))
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", "-m", help=_("amortised (Bilan Carbone) or acquisition (GHG Protocol).")
        ),
    ] = "amortised",
    by: Annotated[
        str, typer.Option("--by", help=_("category, site, site-kind, phase or year."))
    ] = "category",
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table, csv or json."))] = "table",
    device: Annotated[
        str | None, typer.Option("--device", "-d", help=_("Explain one device (asset tag)."))
    ] = None,
    grid: Annotated[
        str | None,
        typer.Option("--grid", help=_("One grid zone for every site, e.g. EU (or SOBRIETY_GRID).")),
    ] = None,
    grid_series: Annotated[
        str | None,
        typer.Option(
            "--grid-series",
            help=_(
                "Grid intensity series: ademe_base_carbone (default, for a French BEGES) or "
                "ember_owid (or SOBRIETY_GRID_SERIES)."
            ),
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=_("State date YYYY-MM-DD (default: today)."))
    ] = None,
) -> None:
    """Emissions attributed to a year, by category, site, site kind, phase or year."""
    if ctx.invoked_subcommand is not None:
        return
    from sobriety.app import carbon

    _check_format(fmt, FORMATS)
    state = _as_of(as_of)
    sobriety = context.app(ctx)
    try:
        if device is not None:
            result = carbon.explain_device(
                sobriety,
                device,
                year=year,
                mode=mode,
                as_of=state,
                grid=grid,
                grid_series=grid_series,
            )
            _explain(result, fmt)
            return
        result = carbon.estimate(
            sobriety, year=year, mode=mode, by=by, as_of=state, grid=grid, grid_series=grid_series
        )
        _emit(result, fmt)
    except carbon.InvalidInput as exc:
        raise _option_error(exc) from exc
    except LookupError as exc:  # an unknown asset tag
        raise context.fail(str(exc)) from exc


def _as_of(text: str | None) -> dt.date | None:
    """The ``--as-of`` date (None: the application's today)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise context.fail(
            _("--as-of: {value!r} is not a date YYYY-MM-DD").format(value=text)
        ) from exc


def _label(row, by: str) -> str:
    """The row's name in the active language (the stable key stays in CSV/JSON)."""
    from sobriety.app.carbon import row_label

    return row_label(row, by)


def _echo_json(payload: dict) -> None:
    import json

    typer.echo(json.dumps(payload, ensure_ascii=False, indent=1, default=str))


def _emit(result: Estimate, fmt: str) -> None:
    if fmt == "json":
        _echo_json(result.as_dict())
        return
    if fmt == "csv":
        import csv
        import sys

        csv.writer(sys.stdout).writerows(result.csv_rows())
        return
    rows, by = result.rows, result.by
    typer.echo(
        _("Carbon estimate {year} — {mode}").format(
            year=result.title_years, mode=_(result.mode_label)
        )
    )
    typer.echo(
        _("Factor set {version}; grid: {grid}. Figures in tCO2e: value (low-high).").format(
            version=result.factor_version, grid=result.grid or _("per site country")
        )
    )
    if result.grid_series:
        series = result.grid_series
        typer.echo(
            _("Grid intensity series: {label} ({release}).").format(
                label=series["label"], release=series["release"]
            )
        )
    cols = [_("Manufacturing"), _("Distribution"), _("Use"), _("End of life")]
    acquisition = result.mode == "acquisition"
    devices = _("Acquired") if acquisition else _("Devices")
    dw = max(8, len(devices))  # the devices column fits its heading in every language
    by_heading, total_heading, weee_heading = (
        _(BY_HEADINGS[by]),
        (_("Cradle to gate (low-high)") if acquisition else _("Total (low-high)")),
        _("WEEE t"),
    )
    head = f"{by_heading:<28} {devices:>{dw}} " + " ".join(f"{c:>13}" for c in cols)
    head += f" {total_heading:>28}"
    show_weee = by in ("category", "site", "site-kind")
    if show_weee:
        head += f" {weee_heading:>8}"
    typer.echo(head)
    for r in rows:
        line = f"{_label(r, by)[:28]:<28} {fmt_number(r.devices):>{dw}} " + " ".join(
            f"{_t(r.phases[i, 0]):>13}" for i in range(4)
        )
        line += f" {_range_t(r.total):>28}"
        if show_weee:
            line += f" {fmt_number(r.weight_kg / 1000, 2):>8}"
        typer.echo(line)
    totals = result.totals
    if totals is not None:
        total = totals.total
        n_devices = fmt_number(sum(r.devices for r in rows)) if by != "phase" else ""
        total_label = _("Total")
        line = f"{total_label:<28} {n_devices:>{dw}} "
        line += " ".join(f"{_t(totals.phases[i, 0]):>13}" for i in range(4))
        line += f" {_range_t(total):>28}"
        typer.echo(line)
        if totals.agents:
            typer.echo(
                _("Per agent: {v} kgCO2e ({n} agents).").format(
                    v=fmt_number(total[0] / totals.agents, 1), n=fmt_number(totals.agents)
                )
            )
        weee = totals.weee_kg
        typer.echo(
            _("WEEE weight held: {held} t, of which retired awaiting a decision: {ret} t.").format(
                held=fmt_number(weee["held"] / 1000, 2),
                ret=fmt_number(weee["retired_awaiting"] / 1000, 2),
            )
        )
        typer.echo(
            _("Whole-life footprint of these devices: {v} tCO2e.").format(
                v=_range_t(totals.lifetime)
            )
        )
        if result.separate_phases:
            from sobriety.domain.carbon import engine as carbon
            from sobriety.domain.carbon.breakdown import PHASE_LABELS

            typer.echo(_("Reported separately (not in the cradle-to-gate total):"))
            for phase in result.separate_phases:
                typer.echo(
                    "  "
                    + _("{phase}: {v} tCO2e — GHG Protocol {category}").format(
                        phase=_(PHASE_LABELS[phase]),
                        v=_range_t(totals.phases[carbon.PHASES.index(phase)]),
                        category=_(carbon.PHASE_GHG[phase]),
                    )
                )
    for note in result.notes:
        typer.echo("  * " + note)


def _explain(result: DeviceCarbon, fmt: str) -> None:
    from sobriety.domain.carbon import engine as carbon
    from sobriety.domain.carbon.breakdown import PHASE_LABELS
    from sobriety.domain.labels import inline, label
    from sobriety.i18n import fmt_date

    if fmt == "json":
        _echo_json(result.as_dict())
        return
    header, exp, year, mode = result.header, result.explanation, result.year, result.mode
    site = header.site or _("no site")
    typer.echo(
        f"{header.asset_tag} — {label('category', header.category)}, "
        f"{header.manufacturer or '-'} {header.model or ''}"
        f" — {site} — {label('status', header.status)}"
    )
    typer.echo(
        _("Acquired {acq} ({atype}); retired {ret}; grid zone {zone}; WEEE weight {w} kg.").format(
            acq=fmt_date(header.acquisition_date),
            atype=inline("acquisition_type", header.acquisition_type),
            ret=fmt_date(header.retirement_date),
            zone=exp.zone,
            w=fmt_number(exp.weight_kg, 2),
        )
    )
    typer.echo(
        _("Year {year}, {mode}. kgCO2e: value (low-high).").format(
            year=year, mode=_(carbon.MODE_LABELS[mode])
        )
    )
    for t in exp.terms:
        typer.echo("")
        typer.echo(
            _("{phase}: {v} ({lo}-{hi}) kgCO2e in {year}; whole life {life}").format(
                phase=_(PHASE_LABELS[t.phase]),
                v=fmt_number(t.year[0], 2),
                lo=fmt_number(t.year[1], 2),
                hi=fmt_number(t.year[2], 2),
                year=year,
                life=fmt_number(t.lifetime[0], 2),
            )
        )
        typer.echo("  " + _("formula: {formula}").format(formula=t.formula))
        for i in t.inputs:
            typer.echo("  - " + _("{label}: {value}").format(label=i.label, value=i.value))
            typer.echo(f"      {i.source}")
    typer.echo("")
    yt, lt = exp.year_total, exp.lifetime_total
    typer.echo(
        _("Total {year}: {v} ({lo}-{hi}) kgCO2e; whole life: {lv} ({llo}-{lhi}) kgCO2e.").format(
            year=year,
            v=fmt_number(yt[0], 2),
            lo=fmt_number(yt[1], 2),
            hi=fmt_number(yt[2], 2),
            lv=fmt_number(lt[0], 2),
            llo=fmt_number(lt[1], 2),
            lhi=fmt_number(lt[2], 2),
        )
    )
    for note in exp.notes:
        typer.echo("  * " + note)


@app.command(
    "what-if", help=_("Keep devices N years longer: purchases, tCO2e and budget avoided per year.")
)
def what_if(
    ctx: typer.Context,
    extend: Annotated[float, typer.Option("--extend", help=_("Years added to the lifespan."))],
    category: Annotated[
        list[str] | None,
        typer.Option("--category", "-c", help=_("Category in scope (repeatable).")),
    ] = None,
    site_kind: Annotated[
        list[str] | None,
        typer.Option("--site-kind", "-k", help=_("Site kind in scope (repeatable).")),
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", help=_("Years simulated."))] = 5,
    start: Annotated[
        int | None,
        typer.Option("--from", help=_("First year of the horizon (default: next year).")),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table, csv or json."))] = "table",
    as_of: Annotated[str | None, typer.Option("--as-of", help=_("State date YYYY-MM-DD."))] = None,
) -> None:
    from sobriety.app import carbon

    _check_format(fmt, FORMATS)
    state = _as_of(as_of)
    try:
        result = carbon.what_if(
            context.app(ctx),
            extend=extend,
            categories=[
                context.vocab_value("category", c, "--category", strict=False)
                for c in category or []
            ],
            site_kinds=[
                context.vocab_value("site_kind", k, "--site-kind") for k in site_kind or []
            ],
            horizon=horizon,
            start=start,
            as_of=state,
        )
    except carbon.InvalidInput as exc:
        raise _option_error(exc) from exc
    if fmt == "json":
        _echo_json(result.as_dict())
        return
    if fmt == "csv":
        import csv
        import sys

        csv.writer(sys.stdout).writerows(result.csv_rows())
        return
    _what_if_table(result)


def _signed_range_t(arr) -> str:
    """``value (low-high)`` in tCO2e; ``value (low to high)`` when a bound is negative."""
    if min(arr) >= 0:
        return _range_t(arr)
    return _("{value} ({low} to {high})").format(value=_t(arr[0]), low=_t(arr[1]), high=_t(arr[2]))


def _what_if_table(result: WhatIf) -> None:
    from sobriety.domain.labels import inline

    res, extend = result.result, result.result.extra_years
    scope = ", ".join(inline("category", c) for c in res.categories) or _("all categories")
    if res.site_kinds:
        scope += " / " + ", ".join(inline("site_kind", k) for k in res.site_kinds)
    typer.echo(
        _("Keep devices {n} years longer ({scope}): {d} devices in service in scope.").format(
            n=fmt_number(extend, 1), scope=scope, d=fmt_number(res.devices_in_scope)
        )
    )
    typer.echo(
        _("Current renewal pace: {obs} purchases a year over the last three years.").format(
            obs=fmt_number(res.observed_purchases_per_year, 1)
        )
    )
    prices = ", ".join(
        f"{inline('category', c)} {'-' if p is None else fmt_number(p, 2)}"
        for c, p in res.unit_prices_eur.items()
    )
    typer.echo(
        _("Unit price of a new device (EUR, median of the fleet's new purchases): {p}.").format(
            p=prices or "-"
        )
    )
    heads = (
        _("Year"),
        _("Baseline"),
        _("Scenario"),
        _("Avoided"),
        _("tCO2e avoided (low-high)"),
        _("EUR avoided"),
    )
    typer.echo(
        f"{heads[0]:<6} {heads[1]:>10} {heads[2]:>10} {heads[3]:>9} {heads[4]:>30} {heads[5]:>14}"
    )
    for y in res.years:
        typer.echo(
            f"{y.year:<6} {fmt_number(y.baseline_purchases):>10} "
            f"{fmt_number(y.scenario_purchases):>10} "
            f"{fmt_number(y.avoided_purchases):>9} {_signed_range_t(y.avoided_kgco2e):>30} "
            f"{fmt_number(y.avoided_eur, 2):>14}"
        )
    typer.echo(
        _("Per year over {h} years: {t} tCO2e and {e} EUR avoided.").format(
            h=len(res.years), t=_signed_range_t(result.per_year), e=fmt_number(res.per_year_eur, 2)
        )
    )
    if res.unpriced_devices:
        typer.echo(
            "  * "
            + _("{n} devices of a category without any known price: not in the budget.").format(
                n=fmt_number(res.unpriced_devices)
            )
        )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="estimate")
