"""``sobriety estimate``: the fleet's carbon footprint, a device's explanation, what-ifs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Annotated

import numpy as np
import typer

from sobriety.cli import context
from sobriety.cli.factors_cmd import factor_set
from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import (
    BY_CHOICES,
    PHASE_LABELS,
    breakdown,
    by_year,
    estimate_fleet,
    grid_notes,
)
from sobriety.domain.labels import inline, label
from sobriety.i18n import N_, _, fmt_date, fmt_number

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


def _check_choice(option: str, value: str, choices) -> None:
    if value not in choices:
        raise context.fail(
            _("{option}: {value!r} is not one of {choices}").format(
                option=option, value=value, choices=", ".join(choices)
            )
        )


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
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=_("State date YYYY-MM-DD (default: today)."))
    ] = None,
) -> None:
    """Emissions attributed to a year, by category, site, site kind, phase or year."""
    if ctx.invoked_subcommand is not None:
        return
    _check_choice("--mode", mode, carbon.MODES)
    _check_choice("--by", by, BY_CHOICES)
    _check_choice("--format", fmt, FORMATS)
    state = _as_of(as_of)
    year = year or state.year - 1
    fs = factor_set(ctx)
    grid = grid or context.get(ctx).settings.grid
    if grid is not None and grid.upper() not in fs.grid.zones:
        raise context.fail(
            _("--grid: {value!r} is not one of {choices}").format(
                value=grid, choices=", ".join(fs.grid.zones)
            )
        )
    engine = context.get(ctx).engine
    from sobriety.storage.carbon_fleet import read_fleet

    if device is not None:
        _explain(ctx, engine, fs, device, year, mode, state, grid, fmt)
        return
    fleet = read_fleet(engine, fs, prices=False)
    if by == "year":
        first = _first_year(fleet, year)
        years = range(first, year + 1)
        rows = by_year(fleet, fs, years, mode=mode, as_of=state, grid_zone=grid)
        zones = (
            [grid.upper()] if grid else sorted({fs.grid.zone_for(c) for c in fleet.sites.countries})
        )
        notes = [*fleet.notes, *grid_notes(fs, years, zones or [fs.grid.default_zone])]
        _emit_rows(rows, fmt, year, mode, fs.version, grid, notes, None, by)
        return
    est = estimate_fleet(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=grid)
    rows = breakdown(est, fs, by)
    _emit_rows(rows, fmt, year, mode, fs.version, grid, est.notes, est, by)


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise context.fail(
            _("--as-of: {value!r} is not a date YYYY-MM-DD").format(value=text)
        ) from exc


def _first_year(fleet: carbon.CarbonFleet, year: int) -> int:
    acquired = fleet.acquired[~np.isnan(fleet.acquired)]
    if not len(acquired):
        return year
    first = (np.datetime64("1970-01-01") + np.timedelta64(int(acquired.min()), "D")).astype(
        "datetime64[Y]"
    )
    return max(int(str(first)), year - 14)


def _label(row, by: str) -> str:
    """The row's name in the active language (the stable key stays in CSV/JSON)."""
    if by == "phase":
        return _(PHASE_LABELS[row.key])
    if by in ("site", "site-kind") and row.key == "-":
        return _("(no site)")
    if by == "site-kind":
        return label("site_kind", row.key)
    if by == "category":
        text = label("category", row.key)
        return row.label if text == row.key else text  # a category of the user's factor set
    return row.label


def _emit_rows(rows, fmt, year, mode, version, grid, notes, est, by) -> None:
    if fmt == "json":
        payload = {
            "year": year,
            "mode": mode,
            "mode_label": carbon.MODE_LABELS[mode],
            "unit": "kgCO2e",
            "factor_set": version,
            "grid": grid or "per site country",
            "by": by,
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "devices": r.devices,
                    "weee_kg": round(r.weight_kg, 3),
                    "agents": r.agents,
                    **{
                        phase: dict(zip(carbon.BOUNDS, map(float, r.phases[i]), strict=True))
                        for i, phase in enumerate(carbon.PHASES)
                    },
                    "total": dict(zip(carbon.BOUNDS, map(float, r.total), strict=True)),
                    "per_agent": None
                    if r.per_agent is None
                    else dict(zip(carbon.BOUNDS, map(float, r.per_agent), strict=True)),
                }
                for r in rows
            ],
            "notes": notes,
        }
        if est is not None:
            total = est.total
            payload["total"] = dict(zip(carbon.BOUNDS, map(float, total), strict=True))
            payload["lifetime_total"] = dict(
                zip(carbon.BOUNDS, map(float, est.lifetime_total.sum(axis=0)), strict=True)
            )
            payload["agents"] = est.agents
            payload["weee_kg"] = est.weee_kg
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        head = ["key", "label", "devices", "weee_kg"]
        for phase in (*carbon.PHASES, "total"):
            head += [f"{phase}_kgco2e", f"{phase}_low", f"{phase}_high"]
        writer.writerow([*head, "agents", "per_agent_kgco2e"])
        for r in rows:
            line = [r.key, r.label, r.devices, round(r.weight_kg, 3)]
            for arr in (*r.phases, r.total):
                line += [round(float(x), 3) for x in arr]
            pa = r.per_agent
            line += [r.agents if r.agents else "", "" if pa is None else round(float(pa[0]), 3)]
            writer.writerow(line)
        return
    typer.echo(
        _("Carbon estimate {year} — {mode}").format(year=year, mode=_(carbon.MODE_LABELS[mode]))
    )
    typer.echo(
        _("Factor set {version}; grid: {grid}. Figures in tCO2e: value (low-high).").format(
            version=version, grid=grid or _("per site country")
        )
    )
    cols = [_("Manufacturing"), _("Distribution"), _("Use"), _("End of life")]
    devices = _("Devices")
    dw = max(8, len(devices))  # the devices column fits its heading in every language
    by_heading, total_heading, weee_heading = _(BY_HEADINGS[by]), _("Total (low-high)"), _("WEEE t")
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
    if est is not None:
        total = est.total
        phases = est.share.sum(axis=2)
        n_devices = fmt_number(sum(r.devices for r in rows)) if by != "phase" else ""
        total_label = _("Total")
        line = f"{total_label:<28} {n_devices:>{dw}} "
        line += " ".join(f"{_t(phases[i, 0]):>13}" for i in range(4))
        line += f" {_range_t(total):>28}"
        typer.echo(line)
        if est.agents:
            typer.echo(
                _("Per agent: {v} kgCO2e ({n} agents).").format(
                    v=fmt_number(total[0] / est.agents, 1), n=fmt_number(est.agents)
                )
            )
        weee = est.weee_kg
        typer.echo(
            _("WEEE weight held: {held} t, of which retired awaiting a decision: {ret} t.").format(
                held=fmt_number(weee["held"] / 1000, 2),
                ret=fmt_number(weee["retired_awaiting"] / 1000, 2),
            )
        )
        typer.echo(
            _("Whole-life footprint of these devices: {v} tCO2e.").format(
                v=_range_t(est.lifetime_total.sum(axis=0))
            )
        )
    for note in notes:
        typer.echo("  * " + note)


def _explain(ctx, engine, fs, tag, year, mode, state, grid, fmt) -> None:
    from sobriety.domain.carbon.explain import explain_device
    from sobriety.storage.carbon_fleet import device_header, read_fleet

    header = device_header(engine, tag)
    if header is None:
        raise context.fail(_("no device with asset tag {tag!r}").format(tag=tag))
    fleet = read_fleet(engine, fs, asset_tag=tag)
    exp = explain_device(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=grid)
    if fmt == "json":
        typer.echo(
            json.dumps(
                {
                    "asset_tag": tag,
                    "year": year,
                    "mode": mode,
                    "unit": "kgCO2e",
                    "zone": exp.zone,
                    "weight_kg": exp.weight_kg,
                    "terms": [
                        {
                            "phase": t.phase,
                            "formula": t.formula,
                            "inputs": [vars(i) for i in t.inputs],
                            "year": dict(zip(carbon.BOUNDS, t.year, strict=True)),
                            "lifetime": dict(zip(carbon.BOUNDS, t.lifetime, strict=True)),
                        }
                        for t in exp.terms
                    ],
                    "year_total": dict(zip(carbon.BOUNDS, exp.year_total, strict=True)),
                    "lifetime_total": dict(zip(carbon.BOUNDS, exp.lifetime_total, strict=True)),
                    "notes": exp.notes,
                },
                ensure_ascii=False,
                indent=1,
                default=str,
            )
        )
        return
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
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
    as_of: Annotated[str | None, typer.Option("--as-of", help=_("State date YYYY-MM-DD."))] = None,
) -> None:
    from sobriety.domain.carbon.whatif import lifespan_what_if
    from sobriety.domain.vocab import SiteKind
    from sobriety.storage.carbon_fleet import read_fleet

    _check_choice("--format", fmt, ("table", "json"))
    fs = factor_set(ctx)
    for c in category or []:
        _check_choice("--category", c, fs.category_order)
    for k in site_kind or []:
        _check_choice("--site-kind", k, [s.value for s in SiteKind])
    if extend <= 0:
        raise context.fail(_("--extend: a number of years above 0 is expected"))
    if horizon < 1 or horizon > 30:
        raise context.fail(_("--horizon: between 1 and 30 years"))
    fleet = read_fleet(context.get(ctx).engine, fs)
    res = lifespan_what_if(
        fleet,
        fs,
        extra_years=extend,
        categories=category,
        site_kinds=site_kind,
        horizon=horizon,
        start_year=start,
        as_of=_as_of(as_of),
    )
    if fmt == "json":
        typer.echo(
            json.dumps(
                {
                    "extra_years": res.extra_years,
                    "categories": res.categories,
                    "site_kinds": res.site_kinds,
                    "devices_in_scope": res.devices_in_scope,
                    "observed_purchases_per_year": res.observed_purchases_per_year,
                    "unit": "kgCO2e",
                    "years": [
                        {
                            "year": y.year,
                            "baseline_purchases": y.baseline_purchases,
                            "scenario_purchases": y.scenario_purchases,
                            "avoided_purchases": y.avoided_purchases,
                            "avoided": dict(
                                zip(carbon.BOUNDS, map(float, y.avoided_kgco2e), strict=True)
                            ),
                            "avoided_eur": y.avoided_eur,
                        }
                        for y in res.years
                    ],
                    "per_year": dict(
                        zip(carbon.BOUNDS, map(float, res.per_year_kgco2e), strict=True)
                    ),
                    "per_year_eur": res.per_year_eur,
                    "unpriced_devices": res.unpriced_devices,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
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
    heads = (
        _("Year"),
        _("Baseline"),
        _("Scenario"),
        _("Avoided"),
        _("tCO2e avoided (low-high)"),
        _("EUR avoided"),
    )
    typer.echo(
        f"{heads[0]:<6} {heads[1]:>10} {heads[2]:>10} {heads[3]:>9} {heads[4]:>28} {heads[5]:>14}"
    )
    for y in res.years:
        typer.echo(
            f"{y.year:<6} {fmt_number(y.baseline_purchases):>10} "
            f"{fmt_number(y.scenario_purchases):>10} "
            f"{fmt_number(y.avoided_purchases):>9} {_range_t(y.avoided_kgco2e):>28} "
            f"{fmt_number(y.avoided_eur):>14}"
        )
    typer.echo(
        _("Per year over {h} years: {t} tCO2e and {e} EUR avoided.").format(
            h=len(res.years), t=_range_t(res.per_year_kgco2e), e=fmt_number(res.per_year_eur)
        )
    )
    if res.unpriced_devices:
        typer.echo(
            "  * "
            + _(
                "{n} devices without a known price (nor a category median): not in the budget."
            ).format(n=fmt_number(res.unpriced_devices))
        )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="estimate")
