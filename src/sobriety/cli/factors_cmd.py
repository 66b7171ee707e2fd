"""``sobriety factors``: list, show and check emission factors; per-model factors."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.domain.carbon.factors import (
    Factor,
    FactorSet,
    FactorSetError,
    all_factors,
    check_factor_set,
    load_factor_set,
)
from sobriety.domain.carbon.model_match import ModelRecord, match_key, normalise_manufacturer
from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.text import channel_name
from sobriety.domain.vocab import Category
from sobriety.i18n import _, fmt_number
from sobriety.units import UnitError, parse_magnitude

app = typer.Typer(
    help=_("Emission factors: list, show, check; import the Boavizta dataset; add your own."),
    no_args_is_help=True,
)

QUALITIES = ("measured", "manufacturer", "estimated", "literature")


def factor_set(ctx: typer.Context) -> FactorSet:
    """The factor set of ``--factors`` / ``SOBRIETY_FACTORS`` (the shipped one by default)."""
    directory = context.get(ctx).settings.factors_dir
    try:
        return load_factor_set(directory)
    except FactorSetError as exc:
        raise context.fail(str(exc)) from exc


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
    fs = factor_set(ctx)
    rows = [
        {
            "key": key,
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "unit": f.unit,
            "text": f.text,
            "source": f.source,
        }
        for key, f in all_factors(fs)
    ]
    if fmt == "json":
        payload = {"directory": str(fs.directory), "version": fs.version, "factors": rows}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return
    if fmt != "table":
        raise context.fail(
            _("--format: {value!r} is not one of table, csv, json").format(value=fmt)
        )
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
    for code, zone in fs.grid.zones.items():
        years = "  ".join(
            f"{y}: {fmt_number(f.value * 1000, 1)}" for y, f in sorted(zone.intensity.items())
        )
        typer.echo(f"  {code} {zone.label}: {years}")
    typer.echo("")
    typer.echo(_("Sources: {n} (sobriety factors show sources)").format(n=len(fs.sources)))


def _category(fs: FactorSet, key: str) -> str:
    """The category's label; the factor set's own label for a category of the user's."""
    text = label("category", key)
    return fs.categories[key].label if text == key and key in fs.categories else text


def _show_factor(fs: FactorSet, name: str, f: Factor) -> None:
    src = fs.source(f.source)
    typer.echo(f"  {name}: {f.text}  [{_num(f.low)}-{_num(f.high)} {f.unit}]")
    typer.echo(
        "      "
        + _("source: {publisher} ({year}), {title}").format(
            publisher=src.publisher, year=src.year, title=src.title
        )
    )
    typer.echo(f"      {src.url}  [{src.licence}]")
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
    fs = factor_set(ctx)
    if key in fs.categories:
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
    code = key.upper()
    if code in fs.grid.zones or key == "grid":
        zones = [fs.grid.zones[code]] if code in fs.grid.zones else list(fs.grid.zones.values())
        typer.echo(
            _("Default zone {d}; countries without a series use {f}.").format(
                d=fs.grid.default_zone, f=fs.grid.fallback_zone
            )
        )
        for zone in zones:
            typer.echo(f"{zone.code} — {zone.label}")
            for year, f in sorted(zone.intensity.items()):
                _show_factor(fs, str(year), f)
            for ref in zone.references:
                typer.echo(f"    {ref.name}: {ref.text} — {ref.note}")
        return
    if key in ("reuse", "channels", "refurbished"):
        typer.echo(_("Refurbished acquisitions: share of a new device's manufacturing"))
        for cat, f in fs.refurbished.items():
            _show_factor(fs, f"{_category(fs, cat)} ({cat})", f)
        typer.echo(_("Reuse channels: share of a new purchase avoided"))
        for ch, cf in fs.channels.items():
            _show_factor(fs, f"{channel_name(ch)} ({ch})", cf.substitution)
        return
    if key == "sources":
        for sid, src in fs.sources.items():
            typer.echo(f"{sid}: {src.citation()}")
        return
    if key in fs.sources:
        typer.echo(f"{key}: {fs.sources[key].citation()}")
        return
    raise context.fail(
        _(
            "unknown entry {key!r}: expected a category ({cats}), a grid zone ({zones}), "
            "grid, reuse or sources"
        ).format(key=key, cats=", ".join(fs.categories), zones=", ".join(fs.grid.zones))
    )


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
    folder = directory or context.get(ctx).settings.factors_dir
    problems = check_factor_set(folder)
    if problems:
        typer.echo(
            _("{n} problem(s) in {folder}:").format(n=len(problems), folder=folder), err=True
        )
        for p in problems:
            typer.echo(f"  {p}", err=True)
        raise typer.Exit(1)
    fs = load_factor_set(folder)
    typer.echo(
        _(
            "{folder}: valid (version {version}; {n} factors, {s} sources, {c} categories, "
            "{z} grid zones)."
        ).format(
            folder=folder,
            version=fs.version,
            n=len(list(all_factors(fs))),
            s=len(fs.sources),
            c=len(fs.categories),
            z=len(fs.grid.zones),
        )
    )


def _print_match_report(report) -> None:
    from sobriety.storage.model_factors import MatchReport

    assert isinstance(report, MatchReport)
    total = report.devices_matched + report.devices_unmatched
    typer.echo(
        _("Inventory models: {m} matched ({dm} devices), {u} unmatched ({du} devices).").format(
            m=fmt_number(len(report.matched)),
            dm=fmt_number(report.devices_matched),
            u=fmt_number(len(report.unmatched)),
            du=fmt_number(report.devices_unmatched),
        )
    )
    if total:
        for method, (models, devices) in sorted(report.by_method().items()):
            typer.echo(
                "  "
                + _("{method}: {models} models, {devices} devices").format(
                    method=label("match_method", method),
                    models=fmt_number(models),
                    devices=fmt_number(devices),
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
    from sobriety.domain.carbon.model_match import ModelIndex, aggregate_efd
    from sobriety.io.efd import EfdFormatError, read_efd
    from sobriety.storage import model_factors

    if not file.is_file():
        raise context.fail(_("{file}: no such file").format(file=file))
    try:
        efd = read_efd(file)
    except EfdFormatError as exc:
        raise context.fail(str(exc)) from exc
    records = aggregate_efd(efd.rows)
    typer.echo(
        _("{file}: {rows} rows ({delim!r} delimiter, {dec!r} decimals) -> {models} models.").format(
            file=file.name,
            rows=fmt_number(len(efd.rows)),
            delim=efd.delimiter,
            dec=efd.decimal,
            models=fmt_number(len(records)),
        )
    )
    for w in efd.warnings:
        typer.echo("  " + _("value left out: {w}").format(w=w))
    engine = context.get(ctx).engine
    if dry_run:
        index = ModelIndex([r.match_key for r in records])
        report = model_factors.MatchReport(factors=len(records))
        for manufacturer, model, n in model_factors.inventory_models(engine):
            found = index.match(manufacturer, model)
            if found is None:
                report.unmatched.append((manufacturer, model, n))
            else:
                rec = records[found.index]
                report.matched.append(
                    model_factors.MatchedModel(
                        manufacturer,
                        model,
                        n,
                        found.method,
                        found.confidence,
                        f"{rec.manufacturer} {rec.model}",
                    )
                )
        _print_match_report(report)
        typer.echo(_("Dry run: nothing written."))
        return
    report = model_factors.replace_efd_factors(engine, records)
    typer.echo(_("{n} per-model factors stored (origin efd).").format(n=fmt_number(len(records))))
    _print_match_report(report)


@app.command(
    "match", help=_("Match the inventory's models again against the stored per-model factors.")
)
def match(ctx: typer.Context) -> None:
    from sobriety.storage import model_factors

    report = model_factors.rematch(context.get(ctx).engine)
    _print_match_report(report)


def _quantity(option: str, text: str | None, kind: str) -> float | None:
    if text is None:
        return None
    try:
        return parse_magnitude(text, kind)
    except UnitError as exc:
        raise context.fail(f"{option}: {exc}") from exc


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
    from sobriety.storage import model_factors

    if quality not in QUALITIES:
        raise context.fail(
            _("--quality: {value!r} is not one of {choices}").format(
                value=quality, choices=", ".join(QUALITIES)
            )
        )
    if category is not None and category not in {c.value for c in Category}:
        raise context.fail(
            _("--category: {value!r} is not one of {choices}").format(
                value=category, choices=", ".join(c.value for c in Category)
            )
        )
    if not source.strip():
        raise context.fail(_("--source: say where the figures come from"))
    values = {
        "manufacturing_kgco2e": _quantity("--manufacturing", manufacturing, "emissions"),
        "distribution_kgco2e": _quantity("--distribution", distribution, "emissions"),
        "end_of_life_kgco2e": _quantity("--end-of-life", end_of_life, "emissions"),
        "total_kgco2e": _quantity("--total", total, "emissions"),
        "yearly_energy_kwh": _quantity("--yearly-energy", yearly_energy, "yearly_energy"),
        "lifespan_years": _quantity("--lifespan", lifespan, "duration"),
        "weight_kg": _quantity("--weight", weight, "mass"),
        "uncertainty": _quantity("--uncertainty", uncertainty, "fraction"),
    }
    if all(v is None for k, v in values.items() if k not in ("uncertainty", "total_kgco2e")):
        raise context.fail(_("give at least one figure (--manufacturing, --yearly-energy...)"))
    for key, v in values.items():
        if v is not None and v < 0:
            raise context.fail(_("{key}: a value >= 0 is expected").format(key=key))
    if values["lifespan_years"] == 0:
        raise context.fail(_("--lifespan: above 0 year expected"))
    record = ModelRecord(
        manufacturer=manufacturer.strip(),
        model=model.strip(),
        match_key=match_key(manufacturer, model),
        category=category,
        origin="user",
        source=source.strip(),
        quality=quality,
        **values,
    )
    if not normalise_manufacturer(manufacturer) or record.match_key.endswith("|"):
        raise context.fail(_("--manufacturer and --model must not be empty"))
    try:
        fid = model_factors.add_user_factor(context.get(ctx).engine, record, replace=replace)
    except model_factors.ModelFactorExists as exc:
        raise context.fail(str(exc)) from exc
    typer.echo(
        _("Per-model factor {id} stored for {m} {mo} (key {key}).").format(
            id=fid, m=manufacturer, mo=model, key=record.match_key
        )
    )


@app.command("models", help=_("Per-model factors stored in the database."))
def models(
    ctx: typer.Context,
    origin: Annotated[str | None, typer.Option("--origin", help=_("efd or user."))] = None,
) -> None:
    from sobriety.storage import model_factors

    engine = context.get(ctx).engine
    counts = model_factors.counts(engine)
    typer.echo(
        _(
            "{efd} from the Boavizta dataset, {user} entered by users, {m} inventory matches."
        ).format(efd=counts.get("efd", 0), user=counts.get("user", 0), m=counts.get("matches", 0))
    )
    for f in model_factors.list_factors(engine, origin):
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
