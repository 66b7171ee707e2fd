"""Use cases of the reuse-sector study: export, merge and summary of study packages.

``export`` reads the fleet, anonymises the devices that left during the year
(:mod:`sobriety.domain.study.anonymise`), totals the volumes, forecasts the
next five years (:mod:`sobriety.domain.study.forecast`) and writes a
Frictionless Data Package (:mod:`sobriety.io.study`). ``merge`` consolidates
packages into a regional one; ``summary`` reads a package for the partners'
A4 summary (:mod:`sobriety.reports.study_summary`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sobriety.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from sobriety.app.context import Sobriety
    from sobriety.domain.study.summary import Summary


class StudyError(ValueError):
    """A study export, merge or summary that cannot be done (nothing was written)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    organisation: str
    year: int
    outgoing: int
    exported_rows: int
    anonymisation: dict[str, int]
    forecast_years: tuple[int, ...]
    forecast_devices: float
    forecast_tonnes: float
    undated: int


def default_export_path(org: str, year: int) -> Path:
    from sobriety.io.study.write import slug

    return Path(f"etude-reemploi-{slug(org)}-{year}.zip")


def _year_of(days: np.ndarray) -> np.ndarray:
    import numpy as np

    d = (np.datetime64("1970-01-01", "D") + np.nan_to_num(days).astype(np.int64)).astype(
        "datetime64[Y]"
    )
    return d.astype(np.int64) + 1970


def _policy_max_age_days(app: Sobriety, categories: tuple[str, ...]) -> np.ndarray:
    """The ``keep`` channel's max age (days) of each factor-set category (inf: none)."""
    import numpy as np

    from sobriety.domain.vocab import Channel

    keep = app.policy.channels.get(Channel.KEEP)
    out = np.full(len(categories), np.inf)
    if keep is None or keep.max_age_years is None:
        return out
    for i, cat in enumerate(categories):
        years = keep.max_age_years.for_category(cat)
        if years is not None:
            out[i] = float(years) * 365.25
    return out


def export(
    app: Sobriety,
    *,
    year: int,
    organisation: str,
    output: Path | None = None,
    k: int = 5,
) -> ExportResult:
    """Write the study package of ``organisation`` for ``year``."""
    import numpy as np

    from sobriety.domain.carbon import engine as carbon
    from sobriety.domain.reuse.rules import calendar_years
    from sobriety.domain.study import anonymise, forecast
    from sobriety.domain.study.volumes import volumes
    from sobriety.domain.vocab import Channel, Status
    from sobriety.io.study.write import StudyTables, write_package
    from sobriety.storage.study_fleet import CONDITIONS, read_study_fleet

    organisation = " ".join(organisation.split())
    if not organisation:
        raise StudyError(_("--org: the organisation's name is empty"))
    if k < 1:
        raise StudyError(_("--k: {value} is not a whole number of at least 1").format(value=k))
    if not 1990 <= year <= 2100:
        raise StudyError(
            _("--year: {value} is not a year between 1990 and 2100").format(value=year)
        )
    path = Path(output) if output else default_export_path(organisation, year)
    fs = app.factors
    today = app.today()
    sf = read_study_fleet(app.engine, fs)
    fleet = sf.fleet
    terms = carbon.resolve(fleet, fs, as_of=today, grid_zone=app.grid)
    categories = tuple(fs.category_order)
    cat_names = np.asarray(categories, dtype=object)
    kinds = np.asarray([*fleet.sites.kinds, ""], dtype=object)
    insee = np.asarray([*sf.site_insee, ""], dtype=object)
    known_channels = {c.value for c in Channel}
    conditions = np.asarray(CONDITIONS, dtype=object)

    # Departures: every dated one up to the study year (volumes), those of the year (rows).
    rows, day = sf.gone_rows, sf.gone_day
    dated = ~np.isnan(day)
    gone_year = np.where(dated, _year_of(day), -1)
    upto = dated & (gone_year <= year)
    site = fleet.site[rows]
    site = np.where(site >= 0, site, len(kinds) - 1)
    channel = np.array([c if c in known_channels else "" for c in sf.gone_channel], dtype=object)
    lifecycle = np.zeros(len(rows))
    manufacturing = np.zeros(len(rows))
    if len(rows):
        sub = carbon.DeviceTerms(
            **{
                name: (value[..., rows] if hasattr(value, "ndim") else value)
                for name, value in vars(terms).items()
            }
        )
        life = carbon.lifetime(sub, fs)
        lifecycle = life[:, 0, :].sum(axis=0)
        manufacturing = life[0, 0, :]
    weight = terms.weight_kg[rows]
    vol = volumes(
        gone_year[upto],
        cat_names[fleet.category[rows[upto]]],
        channel[upto],
        kinds[site[upto]],
        weight[upto],
        lifecycle[upto],
    )

    this = np.flatnonzero(dated & (gone_year == year))
    r = rows[this]
    acquired = fleet.acquired[r]
    acq_date = np.where(
        np.isnan(acquired), np.datetime64("NaT"), np.datetime64("1970-01-01", "D")
    ).astype("datetime64[D]")
    ok = ~np.isnan(acquired)
    acq_date[ok] = np.datetime64("1970-01-01", "D") + acquired[ok].astype(np.int64)
    leave_date = np.datetime64("1970-01-01", "D") + day[this].astype(np.int64)
    age = calendar_years(acq_date, leave_date)
    anon = anonymise.generalise(
        {
            "category": cat_names[fleet.category[r]],
            "manufacturer": sf.gone_manufacturer[this],
            "model": sf.gone_model[this],
            "age_band": anonymise.age_bands(age),
            "condition": conditions[sf.condition[r]],
            "channel": channel[this],
            "site_kind": kinds[site[this]],
            "commune": insee[site[this]],
        },
        k=k,
    )
    cols = anon.columns
    # Row order carries no information: sorted by the generalised values.
    order = np.lexsort([cols[name].astype(str) for name in reversed(anonymise.QUASI_IDENTIFIERS)])
    kept = this[anon.kept][order]
    group = anon.group[order]
    commune = cols["commune"][order].astype(str)
    is_commune = np.char.str_len(commune.astype(np.str_)) == 5
    devices = {
        "annee": np.full(len(kept), year),
        "categorie": cols["category"][order],
        "fabricant": cols["manufacturer"][order],
        "modele": cols["model"][order],
        "tranche_age": cols["age_band"][order],
        "etat": cols["condition"][order],
        "filiere": cols["channel"][order],
        "poids_kg": anonymise.group_means(group, weight[kept]),
        "carbone_fabrication_kgco2e": anonymise.group_means(group, manufacturing[kept]),
        "carbone_cycle_vie_kgco2e": anonymise.group_means(group, lifecycle[kept]),
        "type_site": cols["site_kind"][order],
        "code_insee_commune": np.where(is_commune, commune, ""),
        "code_departement": np.where(is_commune, anonymise.departement(commune), commune),
    }

    # Forecast from the devices still held today.
    held_codes = [carbon.STATUSES.index(s.value) for s in Status if s != Status.GONE]
    held = np.isin(fleet.status, held_codes)
    waiting = np.isin(
        fleet.status,
        [
            carbon.STATUSES.index(Status.RETIRED.value),
            carbon.STATUSES.index(Status.IN_REUSE_CHANNEL.value),
        ],
    )
    h = np.flatnonzero(held)
    held_fleet = forecast.HeldFleet(
        categories=categories,
        category=fleet.category[h],
        condition=sf.condition[h],
        acquired=fleet.acquired[h],
        lifespan_days=terms.amortisation_days[h],
        max_age_days=_policy_max_age_days(app, categories)[fleet.category[h]],
        leaving_now=waiting[h],
        weight_kg=terms.weight_kg[h],
    )
    mix = forecast.condition_mix(
        fleet.category[rows[upto]], sf.condition[rows[upto]], len(categories)
    )
    first_year = max(year + 1, today.year)
    fc = forecast.forecast(held_fleet, mix, first_year)
    fc_rows = [
        {
            "annee": row["year"],
            "categorie": row["category"],
            "etat": row["condition"],
            "appareils": round(row["devices"], 3),
            "appareils_bas": round(row["devices_low"], 3),
            "appareils_haut": round(row["devices_high"], 3),
            "tonnes": round(row["tonnes"], 6),
            "tonnes_bas": round(row["tonnes_low"], 6),
            "tonnes_haut": round(row["tonnes_high"], 6),
        }
        for row in fc.rows()
    ]
    vol_rows = [
        {
            "annee": v["year"],
            "categorie": v["category"],
            "filiere": v["channel"],
            "type_site": v["site_kind"],
            "appareils": v["devices"],
            "tonnes": round(v["tonnes"], 6),
            "carbone_cycle_vie_kgco2e": round(v["kgco2e"], 3),
        }
        for v in vol
    ]
    out_tonnes = float(np.nansum(weight[this]) / 1000.0)
    fc_devices, fc_tonnes = float(fc.devices.sum()), float(fc.tonnes.sum())
    tables = StudyTables(
        organisations=[organisation],
        year=year,
        devices=devices,
        volumes=vol_rows,
        forecast=fc_rows,
        organisation_rows=[
            {
                "organisation": organisation,
                "appareils_sortis": len(this),
                "tonnes_sorties": round(out_tonnes, 6),
                "appareils_prevus": round(fc_devices, 3),
                "tonnes_prevues": round(fc_tonnes, 6),
            }
        ],
        meta={
            "anonymisation": anon.summary(),
            "forecast": {
                "first_year": first_year,
                "years": len(fc.years),
                "spread": fc.spread,
                "undated": fc.undated,
                "as_of": today.isoformat(),
            },
            "undated_departures": int((~dated).sum()),
            "factors_version": fs.version,
            "policy": app.policy.name,
        },
        created=app.now(),
    )
    write_package(path, tables)
    return ExportResult(
        path=path,
        organisation=organisation,
        year=year,
        outgoing=len(this),
        exported_rows=len(kept),
        anonymisation=anon.summary(),
        forecast_years=fc.years,
        forecast_devices=fc_devices,
        forecast_tonnes=fc_tonnes,
        undated=fc.undated,
    )


@dataclass(frozen=True)
class MergeResult:
    path: Path
    organisations: list[str]
    year: int
    devices: int


def merge(paths: list[Path], output: Path) -> MergeResult:
    """Consolidate study packages; a package that cannot be used raises :class:`StudyError`."""
    from sobriety.io.study.read import StudyPackageError, merge_packages, open_package

    if not paths:
        raise StudyError(_("give at least one package to merge"))
    try:
        merge_packages(paths, output)
        pkg = open_package(output, verify=False)
    except StudyPackageError as exc:
        raise StudyError(str(exc)) from exc
    try:
        orgs = pkg.organisations
        total = sum(int(r["appareils_sortis"] or 0) for r in pkg.records("organisations"))
        return MergeResult(Path(output), orgs, pkg.year, total)
    finally:
        pkg.close()


def read_summary(path: Path) -> Summary:
    from sobriety.domain.study.summary import Summary
    from sobriety.io.study.read import StudyPackageError, open_package

    try:
        pkg = open_package(path)
    except StudyPackageError as exc:
        raise StudyError(str(exc)) from exc
    try:
        fc: dict[int, dict[str, dict[str, tuple[float, ...]]]] = {}
        for rec in pkg.records("prevision"):
            values = tuple(
                float(rec[f] or 0)
                for f in ("appareils", "appareils_bas", "appareils_haut",
                          "tonnes", "tonnes_bas", "tonnes_haut")
            )  # fmt: skip
            fc.setdefault(int(rec["annee"]), {}).setdefault(rec["categorie"], {})[rec["etat"]] = (
                values
            )
        orgs = pkg.records("organisations")
        by_channel: dict[str, int] = {}
        for rec in pkg.records("volumes"):
            if int(rec["annee"]) == pkg.year:
                key = rec["filiere"] or ""
                by_channel[key] = by_channel.get(key, 0) + int(rec["appareils"] or 0)
        return Summary(
            title=str(pkg.descriptor.get("title", "")),
            year=pkg.year,
            organisations=pkg.organisations,
            forecast=fc,
            org_rows=orgs,
            outgoing_devices=sum(int(r["appareils_sortis"] or 0) for r in orgs),
            outgoing_tonnes=sum(float(r["tonnes_sorties"] or 0) for r in orgs),
            by_channel=by_channel,
            anonymisation=dict(pkg.meta.get("anonymisation") or {}),
            spread=float((pkg.meta.get("forecast") or {}).get("spread", 0.2)),
        )
    finally:
        pkg.close()


def write_summary(
    path: Path, formats: list[str], output: Path | None = None
) -> tuple[Summary, list[Path]]:
    """Read ``path`` and write the summary in each of ``formats`` (pdf, html)."""
    summary = read_summary(path)
    bad = [f for f in formats if f not in ("pdf", "html")]
    if bad:
        raise StudyError(
            _("--format: {value!r} is not one of pdf, html").format(value=",".join(bad))
        )
    stem = Path(output) if output else Path(path).with_suffix("")
    written = []
    if formats:
        from sobriety.reports import study_summary

        for fmt in formats:
            target = stem.with_suffix(f".{fmt}")
            if fmt == "pdf":
                study_summary.write_pdf(summary, target)
            else:
                study_summary.write_html(summary, target)
            written.append(target)
    return summary, written


def summary_lines(summary: Summary) -> list[str]:
    from sobriety.domain.study.summary import summary_lines as lines

    return lines(summary)
