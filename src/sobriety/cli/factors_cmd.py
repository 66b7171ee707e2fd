"""``sobriety factors``: list, show and check emission factors; per-model factors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sobriety.cli import context
from sobriety.domain.texts import shown
from sobriety.i18n import _, count_of, fmt_number, ngettext

if TYPE_CHECKING:
    from sobriety.app.carbon import InvalidInput
    from sobriety.app.factors import MatchReport
    from sobriety.domain.carbon.factors import Factor, FactorSet

app = typer.Typer(
    help=_("Emission factors: list, show, check; import the Boavizta dataset; add your own."),
    no_args_is_help=True,
)

#: The option of each figure of ``factors add`` (the use case names them by column).
FIGURE_OPTIONS = {
    "manufacturing_kgco2e": "--manufacturing",
    "distribution_kgco2e": "--distribution",
    "end_of_life_kgco2e": "--end-of-life",
    "total_kgco2e": "--total",
    "yearly_energy_kwh": "--yearly-energy",
    "lifespan_years": "--lifespan",
    "weight_kg": "--weight",
    "uncertainty": "--uncertainty",
}


def _option_error(exc: InvalidInput) -> typer.Exit:
    """An invalid argument of a use case, named as the option the user typed."""
    if exc.field is None:
        return context.fail(str(exc))
    option = FIGURE_OPTIONS.get(exc.field, f"--{exc.field}")
    return context.fail(_("{label}: {value}").format(label=option, value=exc.detail))


def _num(x: float) -> str:
    return fmt_number(x, 2 if abs(x) < 100 else 1)


def _fq(f: Factor | None) -> str:
    if f is None:
        return "-"
    return f"{_num(f.value)} ({_num(f.low)}-{_num(f.high)}) {f.unit}"


@app.command("list", help=_("Every factor of the set with its unit, range and source."))
def list_factors(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table, csv or json."))] = "table",
) -> None:
    from sobriety.app import factors

    if fmt not in ("table", "csv", "json"):
        raise context.fail(
            _("--format: {value!r} is not one of table, csv, json").format(value=fmt)
        )
    listed = factors.listing(context.app(ctx))
    fs = listed.factor_set
    if fmt == "json":
        import json

        typer.echo(json.dumps(listed.as_dict(), ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        import csv
        import sys

        rows = listed.rows()
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return
    typer.echo(
        _("Factor set {version} ({directory})").format(version=fs.version, directory=fs.directory)
    )
    header = _("{cat:<18} {m:>26} {d:>22} {e:>22} {life:>8} {use:>30}").format(
        cat=_("Category"),
        m=_("Manufacturing kgCO2e"),
        d=_("Distribution"),
        e=_("End of life"),
        life=_("Years"),
        use=_("Use (yearly energy or power)"),
    )
    typer.echo(header)
    for cat, cf in fs.categories.items():
        use = cf.yearly_energy or cf.power
        typer.echo(
            f"{_category(fs, cat)[:18]:<18} {_fq(cf.manufacturing).replace(' kgCO2e', ''):>26} "
            f"{_fq(cf.distribution).replace(' kgCO2e', ''):>22} "
            f"{_fq(cf.end_of_life).replace(' kgCO2e', ''):>22} "
            f"{_num(cf.lifespan.value):>8} {_fq(use):>30}"
        )
    typer.echo("")
    typer.echo(_("Grid intensity (gCO2e/kWh):"))
    for sid, grid in fs.grids.items():
        used = _(" (in use)") if sid == fs.grid_series else ""
        typer.echo(f"  {sid}{used}: {grid.label} — {grid.release}")
        for code, zone in grid.zones.items():
            years = "  ".join(
                f"{_year_key(y)}: {fmt_number(f.value * 1000, 1)}"
                for y, f in sorted(zone.intensity.items())
            )
            typer.echo(f"    {code} {zone.label}: {years}")
    typer.echo("")
    typer.echo(_("Sources: {n} (sobriety factors show sources)").format(n=len(fs.sources)))


def _year_key(year: int) -> str:
    """A grid intensity's year as written in grid.toml (``all``: every year)."""
    return str(year) if year else _("all years")


def _category(fs: FactorSet, key: str) -> str:
    """The category's label; the factor set's own label for a category of the user's."""
    from sobriety.domain.labels import label

    text = label("category", key)
    return fs.categories[key].label if text == key and key in fs.categories else text


def _show_factor(fs: FactorSet, name: str, f: Factor) -> None:
    src = fs.source(f.source)
    typer.echo(f"  {name}: {f.text}  [{_num(f.low)}-{_num(f.high)} {f.unit}]")
    typer.echo(
        "      "
        + _("source: {publisher} ({year}), {title}").format(
            publisher=src.publisher, year=src.year, title=shown(src.title)
        )
    )
    typer.echo(f"      {src.url}  [{shown(src.licence)}]")
    if f.range_sources:
        typer.echo("      " + _("range: {sources}").format(sources=", ".join(f.range_sources)))
    if f.note:
        typer.echo(f"      {f.note}")


@app.command(
    "show",
    help=_("One entry of the set in full: values, ranges, sources, notes, reference figures."),
)
def show(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(help=_("A category, a grid zone (FR, EU), 'grid', 'reuse' or 'sources'.")),
    ],
) -> None:
    from sobriety.app import factors

    try:
        found = factors.entry(context.app(ctx), key)
    except factors.InvalidInput as exc:
        raise _option_error(exc) from exc
    fs = found.factor_set
    if found.kind == "category":
        cf = fs.categories[key]
        typer.echo(f"{_category(fs, key)} ({key}) — {fs.directory / 'devices.toml'}")
        for name, f in cf.factors().items():
            _show_factor(fs, name, f)
        if cf.method:
            typer.echo("  " + _("method: {method}").format(method=cf.method))
        typer.echo(
            "  "
            + _("refurbished acquisitions carry: {share}").format(
                share=fs.refurbished_share(key).text
            )
        )
        if cf.references:
            typer.echo("  " + _("Published figures for comparison (not used):"))
            for ref in cf.references:
                src = fs.source(ref.source)
                typer.echo(f"    {ref.name}: {ref.text} — {src.publisher} ({src.year}); {ref.note}")
        return
    if found.kind == "grid":
        typer.echo(
            _("Grid series {id}: {label} — {release}.").format(
                id=fs.grid_series, label=fs.grid.label, release=fs.grid.release
            )
        )
        typer.echo(
            _("Default zone {d}; countries without a series use {f}.").format(
                d=fs.grid.default_zone, f=fs.grid.fallback_zone
            )
        )
        for zone in found.zones:
            typer.echo(f"{zone.code} — {zone.label}")
            for year, f in sorted(zone.intensity.items()):
                _show_factor(fs, _year_key(year), f)
            for ref in zone.references:
                typer.echo(f"    {ref.name}: {ref.text} — {ref.note}")
        return
    if found.kind == "reuse":
        from sobriety.domain.reuse.text import channel_name

        typer.echo(_("Refurbished acquisitions: share of a new device's manufacturing"))
        for cat, f in fs.refurbished.items():
            _show_factor(fs, f"{_category(fs, cat)} ({cat})", f)
        typer.echo(_("Reuse channels: share of a new purchase avoided"))
        for ch, cf in fs.channels.items():
            _show_factor(fs, f"{channel_name(ch)} ({ch})", cf.substitution)
        return
    if found.kind == "sources":
        for sid, src in fs.sources.items():
            typer.echo(f"{sid}: {src.citation()}")
        return
    typer.echo(f"{key}: {fs.sources[key].citation()}")


@app.command(
    "check",
    help=_(
        "Validate a factor folder: units, ranges, sources, categories. Exit code 1 on problems."
    ),
)
def check(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help=_("Folder to check (default: the configured one)."))
    ] = None,
) -> None:
    from sobriety.app import factors

    result = factors.check(context.app(ctx), directory)
    folder, fs = result.folder, result.factor_set
    if fs is None or not result.valid:
        typer.echo(
            ngettext(
                "{n} problem in {folder}:", "{n} problems in {folder}:", len(result.problems)
            ).format(n=len(result.problems), folder=folder),
            err=True,
        )
        for p in result.problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(1)
    typer.echo(
        _(
            "{folder}: valid (version {version}; {n} factors, {s} sources, {c} categories, "
            "{z} grid zones)."
        ).format(
            folder=folder,
            version=fs.version,
            n=result.factor_count,
            s=len(fs.sources),
            c=len(fs.categories),
            z=len({z for g in fs.grids.values() for z in g.zones}),
        )
    )


def _print_match_report(report: MatchReport) -> None:
    from sobriety.domain.labels import inline, label

    total = report.devices_matched + report.devices_unmatched
    typer.echo(
        _("Inventory models: {m} matched ({dm}), {u} unmatched ({du}).").format(
            m=fmt_number(len(report.matched)),
            dm=count_of("{n} device", "{n} devices", report.devices_matched),
            u=fmt_number(len(report.unmatched)),
            du=count_of("{n} device", "{n} devices", report.devices_unmatched),
        )
    )
    if total:
        for method, (models, devices) in sorted(report.by_method().items()):
            typer.echo(
                "  "
                + _("{method}: {models}, {devices}").format(
                    method=label("match_method", method),
                    models=count_of("{n} model", "{n} models", models),
                    devices=count_of("{n} device", "{n} devices", devices),
                )
            )
    if report.matched:
        typer.echo(_("Matched (confidence):"))
        for m in report.matched:
            typer.echo(
                f"  {m.manufacturer} {m.model} ({fmt_number(m.devices)}) -> {m.factor_label}"
                f"  [{inline('match_method', m.method)} {fmt_number(m.confidence, 2)}]"
            )
    if report.unmatched:
        typer.echo(_("Not matched (category defaults apply):"))
        for manufacturer, model, n in report.unmatched:
            typer.echo(f"  {manufacturer} {model} ({fmt_number(n)})")


@app.command(
    "import-efd",
    help=_(
        "Import the Boavizta manufacturer dataset as per-model factors and match the inventory."
    ),
)
def import_efd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("boavizta-data-us.csv or boavizta-data-fr.csv."))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Read and report; change nothing."))
    ] = False,
) -> None:
    from sobriety.app import factors

    try:
        done = factors.import_efd(context.app(ctx), file, dry_run=dry_run)
    except factors.InvalidInput as exc:
        raise _option_error(exc) from exc
    typer.echo(
        _("{file}: {rows} rows ({delim!r} delimiter, {dec!r} decimals) -> {models} models.").format(
            file=done.file.name,
            rows=fmt_number(done.rows),
            delim=done.delimiter,
            dec=done.decimal,
            models=fmt_number(done.models),
        )
    )
    for w in done.warnings:
        typer.echo("  " + _("value left out: {w}").format(w=w))
    if done.dry_run:
        _print_match_report(done.report)
        typer.echo(_("Dry run: nothing written."))
        return
    typer.echo(_("{n} per-model factors stored (origin efd).").format(n=fmt_number(done.models)))
    _print_match_report(done.report)


@app.command(
    "match", help=_("Match the inventory's models again against the stored per-model factors.")
)
def match(ctx: typer.Context) -> None:
    from sobriety.app import factors

    _print_match_report(factors.match(context.app(ctx)))


@app.command(
    "add",
    help=_("Add your own per-model factor, with its source and quality; it beats every default."),
)
def add(
    ctx: typer.Context,
    manufacturer: Annotated[str, typer.Option("--manufacturer", help=_("As in the inventory."))],
    model: Annotated[str, typer.Option("--model", help=_("As in the inventory."))],
    source: Annotated[
        str, typer.Option("--source", help=_("Where the figures come from (document, URL, date)."))
    ],
    quality: Annotated[
        str, typer.Option("--quality", help=_("measured, manufacturer, estimated or literature."))
    ],
    manufacturing: Annotated[
        str | None, typer.Option("--manufacturing", help=_('e.g. "250 kgCO2e".'))
    ] = None,
    distribution: Annotated[str | None, typer.Option("--distribution")] = None,
    end_of_life: Annotated[str | None, typer.Option("--end-of-life")] = None,
    total: Annotated[
        str | None, typer.Option("--total", help=_("Whole-life total, for reference."))
    ] = None,
    yearly_energy: Annotated[
        str | None, typer.Option("--yearly-energy", help=_('e.g. "20 kWh/year".'))
    ] = None,
    lifespan: Annotated[str | None, typer.Option("--lifespan", help=_('e.g. "6 year".'))] = None,
    weight: Annotated[str | None, typer.Option("--weight", help=_('e.g. "1.4 kg".'))] = None,
    uncertainty: Annotated[
        str | None, typer.Option("--uncertainty", help=_('e.g. "20 %".'))
    ] = None,
    category: Annotated[str | None, typer.Option("--category")] = None,
    replace: Annotated[bool, typer.Option("--replace", help=_("Overwrite your factor."))] = False,
) -> None:
    from sobriety.app import factors

    figures = {
        "manufacturing_kgco2e": manufacturing,
        "distribution_kgco2e": distribution,
        "end_of_life_kgco2e": end_of_life,
        "total_kgco2e": total,
        "yearly_energy_kwh": yearly_energy,
        "lifespan_years": lifespan,
        "weight_kg": weight,
        "uncertainty": uncertainty,
    }
    try:
        record = factors.model_record(
            manufacturer=manufacturer,
            model=model,
            source=source,
            quality=quality,
            category=category,
            figures=figures,
        )
        fid = factors.add_model_factor(context.app(ctx), record, replace=replace)
    except factors.NoFigure as exc:
        raise context.fail(
            _("give at least one figure (--manufacturing, --yearly-energy...)")
        ) from exc
    except factors.InvalidInput as exc:
        raise _option_error(exc) from exc
    except factors.FactorExists as exc:
        raise context.fail(str(exc)) from exc
    typer.echo(
        _("Per-model factor {id} stored for {m} {mo} (key {key}).").format(
            id=fid, m=manufacturer, mo=model, key=record.match_key
        )
    )
    note = factors.range_note(context.app(ctx), record)
    if note:
        typer.echo(note)


@app.command("models", help=_("Per-model factors stored in the database."))
def models(
    ctx: typer.Context,
    origin: Annotated[str | None, typer.Option("--origin", help=_("efd or user."))] = None,
) -> None:
    from sobriety.app import factors
    from sobriety.domain.labels import inline

    try:
        stored = factors.per_model(context.app(ctx), origin)
    except factors.InvalidInput as exc:
        raise _option_error(exc) from exc
    counts = stored.counts
    typer.echo(
        _("{efd}, {user}, {m}.").format(
            efd=count_of(
                "{n} from the Boavizta dataset",
                "{n} from the Boavizta dataset",
                counts.get("efd", 0),
            ),
            user=count_of("{n} entered by users", "{n} entered by users", counts.get("user", 0)),
            m=count_of("{n} inventory match", "{n} inventory matches", counts.get("matches", 0)),
        )
    )
    for f in stored.factors:
        manuf = "-" if f.manufacturing_kgco2e is None else _num(f.manufacturing_kgco2e)
        typer.echo(
            "  "
            + _(
                "[{origin}] {manufacturer} {model}: manufacturing {value} kgCO2e ({quality}) "
                "— {source}"
            ).format(
                origin=f.origin,
                manufacturer=f.manufacturer,
                model=f.model,
                value=manuf,
                quality=inline("factor_quality", f.quality) or "-",
                source=f.source[:90],
            )
        )
