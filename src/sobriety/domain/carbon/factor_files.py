"""Reading and validating the TOML files of a factor set (loaded by :mod:`.factors`).

Every problem found is collected (file, entry, value, what was expected) so
that one run lists them all.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sobriety.domain.carbon.factor_types import (
    ALL_YEARS,
    FILES,
    HOURS_PER_YEAR,
    PHASES,
    SCHEMA,
    SOURCE_FIELDS,
    CategoryFactors,
    ChannelFactor,
    Factor,
    FactorProblem,
    FactorSet,
    FileMeta,
    Grid,
    GridZone,
    Reference,
    Source,
)
from sobriety.domain.texts import LANGUAGES, text_of
from sobriety.domain.vocab import Category, Channel
from sobriety.units import KINDS, UnitError, kind_of, parse_quantity


class _Reader:
    """Collects problems while reading the files of one factor set."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[FactorProblem] = []
        self.source_refs: list[tuple[str, str, str]] = []  # (file, entry, source id)

    def problem(self, file: str, entry: str, value: object, expected: str) -> None:
        shown = "" if value is None else repr(value) if not isinstance(value, str) else value
        if isinstance(value, str):
            shown = f'"{value}"'
        self.problems.append(FactorProblem(file, entry, shown, expected))

    def read_toml(self, name: str) -> dict[str, Any] | None:
        path = self.directory / name
        if not path.is_file():
            self.problem(name, "(file)", None, f"missing: a factor set holds {', '.join(FILES)}")
            return None
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            self.problem(name, "(file)", None, f"not valid TOML ({exc})")
            return None
        except UnicodeDecodeError as exc:
            self.problem(name, "(file)", None, f"not UTF-8 text ({exc})")
            return None
        return data

    def meta(self, name: str, data: Mapping[str, Any]) -> FileMeta | None:
        meta = data.get("meta")
        if not isinstance(meta, Mapping):
            self.problem(name, "meta", None, "a [meta] table with schema, version and title")
            return None
        if meta.get("schema") != SCHEMA:
            self.problem(name, "meta.schema", meta.get("schema"), f"schema = {SCHEMA}")
        version = meta.get("version")
        if not isinstance(version, str) or not version.strip():
            self.problem(name, "meta.version", version, 'a version string, e.g. "2025.1"')
            version = "?"
        return FileMeta(name, version, str(meta.get("title", "")))

    def table(self, file: str, entry: str, value: object) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problem(file, entry, value if value is not None else None, "a table")
        return None

    def factor(self, file: str, entry: str, raw: object, kind: str) -> Factor | None:
        """Read ``{value, low, high | uncertainty, source, range_sources, note}``."""
        spec = kind_of(kind)
        expected = f"{spec.description}, e.g. {spec.example}"
        table = self.table(file, entry, raw)
        if table is None:
            return None
        known = {"value", "low", "high", "uncertainty", "source", "range_sources", "note"}
        for key in sorted(set(table) - known):
            self.problem(file, f"{entry}.{key}", table[key], f"one of {', '.join(sorted(known))}")
        text = table.get("value")
        value = self._magnitude(file, f"{entry}.value", text, kind, expected)
        ok = value is not None
        low = high = value
        if "uncertainty" in table:
            if "low" in table or "high" in table:
                self.problem(file, entry, None, "either low/high or uncertainty, not both")
                ok = False
            unc = self._magnitude(
                file,
                f"{entry}.uncertainty",
                table["uncertainty"],
                "fraction",
                'a share, e.g. "10 %"',
            )
            if unc is None or not 0 <= unc <= 1:
                if unc is not None:
                    self.problem(
                        file, f"{entry}.uncertainty", table["uncertainty"], "between 0 % and 100 %"
                    )
                ok = False
            elif value is not None:
                low, high = value * (1 - unc), value * (1 + unc)
        elif "low" in table and "high" in table:
            low = self._magnitude(file, f"{entry}.low", table["low"], kind, expected)
            high = self._magnitude(file, f"{entry}.high", table["high"], kind, expected)
            ok = ok and low is not None and high is not None
        else:
            self.problem(file, entry, None, "a range: low and high, or uncertainty")
            ok = False
        if ok and not (low <= value <= high):  # type: ignore[operator]
            self.problem(
                file,
                entry,
                f"low {table.get('low')}, value {text}, high {table.get('high')}",
                "low <= value <= high",
            )
            ok = False
        source = table.get("source")
        if not isinstance(source, str) or not source:
            self.problem(file, f"{entry}.source", source, "the id of a source of sources.toml")
            ok = False
        else:
            self.source_refs.append((file, f"{entry}.source", source))
        range_sources = table.get("range_sources", [])
        if not isinstance(range_sources, list) or not all(
            isinstance(s, str) for s in range_sources
        ):
            self.problem(file, f"{entry}.range_sources", range_sources, "a list of source ids")
            range_sources = []
        for sid in range_sources:
            self.source_refs.append((file, f"{entry}.range_sources", sid))
        if not ok:
            return None
        return Factor(
            kind=spec.name,
            unit=spec.unit,
            value=float(value),  # type: ignore[arg-type]
            low=float(low),  # type: ignore[arg-type]
            high=float(high),  # type: ignore[arg-type]
            text=str(text),
            source=str(source),
            range_sources=tuple(range_sources),
            note=str(table.get("note", "")),
            where=f"{file}: {entry}",
        )

    def _magnitude(
        self, file: str, entry: str, text: object, kind: str, expected: str
    ) -> float | None:
        if not isinstance(text, str):
            self.problem(file, entry, text, f"text with its unit: {expected}")
            return None
        try:
            q = parse_quantity(text, kind)
        except UnitError as exc:
            message = str(exc)
            prefix = f"{text!r} "
            self.problem(file, entry, text, message.removeprefix(prefix))
            return None
        value = float(q.to(kind_of(kind).unit).magnitude)
        if value < 0:
            self.problem(file, entry, text, f"a value >= 0 ({expected})")
            return None
        return value

    def references(
        self, file: str, entry: str, raw: object, default_kind: str | None = None
    ) -> tuple[Reference, ...]:
        """Published figures kept for comparison, each checked like a value.

        A reference's ``kind`` (its dimension: ``emissions``, ``power``...) is
        given by its ``kind`` key, else by its table (``intensity`` for a grid
        zone), else by its name (:func:`reference_kind`): a power written in
        kilograms is refused, with its file and entry.
        """
        if raw is None:
            return ()
        table = self.table(file, entry, raw)
        if table is None:
            return ()
        out = []
        for name, ref in table.items():
            where = f"{entry}.{name}"
            ref_t = self.table(file, where, ref)
            if ref_t is None:
                continue
            known = {"value", "source", "note", "kind"}
            for key in sorted(set(ref_t) - known):
                self.problem(
                    file, f"{where}.{key}", ref_t[key], f"one of {', '.join(sorted(known))}"
                )
            kind = ref_t.get("kind", default_kind or reference_kind(name))
            if not isinstance(kind, str) or kind not in KINDS:
                self.problem(file, f"{where}.kind", kind, f"one of {', '.join(KINDS)}")
                continue
            spec = kind_of(kind)
            text = ref_t.get("value")
            value = self._magnitude(
                file, f"{where}.value", text, kind, f"{spec.description}, e.g. {spec.example}"
            )
            sid = ref_t.get("source")
            if not isinstance(sid, str):
                self.problem(file, f"{where}.source", sid, "the id of a source")
                continue
            self.source_refs.append((file, f"{where}.source", sid))
            if value is None:
                continue
            out.append(Reference(name, str(text), sid, str(ref_t.get("note", "")), kind, value))
        return tuple(out)


#: Words of a reference's name that say its dimension (the first found wins).
_REFERENCE_WORDS = (
    ("power", "power"),
    ("energy", "yearly_energy"),
    ("intensity", "intensity"),
    ("lifespan", "duration"),
    ("lifetime", "duration"),
    ("weight", "mass"),
    ("mass", "mass"),
)


def reference_kind(name: str) -> str:
    """The dimension a reference's name implies: ``boaviztapi_power`` is a power.

    Any other reference is an emission (kgCO2e): embodied, total, use per year.
    """
    lowered = name.lower()
    return next((kind for word, kind in _REFERENCE_WORDS if word in lowered), "emissions")


def read_factor_set(directory: Path) -> tuple[FactorSet | None, list[FactorProblem]]:
    """The factor set in ``directory`` (None on problems) and every problem found."""
    reader = _Reader(directory)
    if not directory.is_dir():
        reader.problem(str(directory), "(folder)", None, "an existing folder of factor files")
        return None, reader.problems
    raw = {name: reader.read_toml(name) for name in FILES}
    files: dict[str, FileMeta] = {}
    for name, data in raw.items():
        if data is not None:
            meta = reader.meta(name, data)
            if meta:
                files[name] = meta
    sources = _sources(reader, raw["sources.toml"])
    categories = _categories(reader, raw["devices.toml"])
    grids = _grid(reader, raw["grid.toml"])
    refurbished, channels = _reuse(reader, raw["reuse.toml"])
    if raw["sources.toml"] is not None:
        defined = set((raw["sources.toml"] or {}).get("sources") or {})
        for file, entry, sid in reader.source_refs:
            if sid not in defined:
                reader.problem(file, entry, sid, "the id of a source defined in sources.toml")
    if reader.problems or not grids:
        return None, reader.problems
    grid = next(iter(grids.values()))
    return (
        FactorSet(directory, files, sources, categories, grid, refurbished, channels, grids),
        [],
    )


#: Source fields that may come with translations (``title_fr``), shown in the user's language.
TRANSLATED_SOURCE_FIELDS = ("title", "licence")


def _sources(reader: _Reader, data: Mapping[str, Any] | None) -> dict[str, Source]:
    if data is None:
        return {}
    file = "sources.toml"
    table = reader.table(file, "sources", data.get("sources"))
    out: dict[str, Source] = {}
    for sid, raw in (table or {}).items():
        entry = f"sources.{sid}"
        src = reader.table(file, entry, raw)
        if src is None:
            continue
        ok = True
        for key in SOURCE_FIELDS:
            value = src.get(key)
            if key == "year":
                if not isinstance(value, int) or not 1900 <= value <= 2100:
                    reader.problem(file, f"{entry}.year", value, "a year, e.g. 2022")
                    ok = False
            elif not isinstance(value, str) or not value.strip():
                reader.problem(file, f"{entry}.{key}", value, f"the source's {key} (text)")
                ok = False
        url = src.get("url")
        if isinstance(url, str) and url.strip():
            is_web = url.startswith(("https://", "http://"))
            if not is_web and not (reader.directory / url).is_file():
                reader.problem(
                    file, f"{entry}.url", url, "a web address or a file of the factor folder"
                )
                ok = False
        for key in TRANSLATED_SOURCE_FIELDS:
            for lang in LANGUAGES:
                value = src.get(f"{key}_{lang}")
                if value is not None and (not isinstance(value, str) or not value.strip()):
                    reader.problem(
                        file, f"{entry}.{key}_{lang}", value, f"the source's {key} in {lang} (text)"
                    )
                    ok = False
        if ok:
            out[sid] = Source(
                sid,
                text_of(src, "title"),
                src["publisher"],
                src["year"],
                src["url"],
                text_of(src, "licence"),
            )
    return out


def _categories(reader: _Reader, data: Mapping[str, Any] | None) -> dict[str, CategoryFactors]:
    if data is None:
        return {}
    file = "devices.toml"
    table = reader.table(file, "categories", data.get("categories")) or {}
    valid = [c.value for c in Category]
    for name in table:
        if name not in valid:
            reader.problem(
                file, f"categories.{name}", None, f"a known category ({', '.join(valid)})"
            )
    out: dict[str, CategoryFactors] = {}
    for cat in valid:
        entry = f"categories.{cat}"
        if cat not in table:
            reader.problem(file, entry, None, "defaults for every inventory category")
            continue
        raw = reader.table(file, entry, table[cat])
        if raw is None:
            continue
        known = {"label", "method", *PHASES, "lifespan", "use", "weight", "references"}
        for key in sorted(set(raw) - known):
            reader.problem(file, f"{entry}.{key}", None, f"one of {', '.join(sorted(known))}")
        got = {p: reader.factor(file, f"{entry}.{p}", raw.get(p), "emissions") for p in PHASES}
        lifespan = reader.factor(file, f"{entry}.lifespan", raw.get("lifespan"), "duration")
        weight = reader.factor(file, f"{entry}.weight", raw.get("weight"), "mass")
        use = reader.table(file, f"{entry}.use", raw.get("use")) or {}
        for key in sorted(set(use) - {"yearly_energy", "power", "hours"}):
            reader.problem(file, f"{entry}.use.{key}", None, "yearly_energy, power or hours")
        energy = power = None
        if "yearly_energy" in use:
            energy = reader.factor(
                file, f"{entry}.use.yearly_energy", use["yearly_energy"], "yearly_energy"
            )
        if "power" in use:
            power = reader.factor(file, f"{entry}.use.power", use["power"], "power")
        if "yearly_energy" not in use and "power" not in use:
            reader.problem(
                file, f"{entry}.use", None, "a use profile: yearly_energy, or power and hours"
            )
        hours = reader.factor(file, f"{entry}.use.hours", use.get("hours"), "hours_per_year")
        if hours is not None and hours.high > HOURS_PER_YEAR * 1.0001:
            reader.problem(file, f"{entry}.use.hours", hours.text, "at most 8766 hour/year")
        if lifespan is not None and lifespan.value <= 0:
            reader.problem(file, f"{entry}.lifespan", lifespan.text, "a lifespan above 0 year")
        refs = reader.references(file, f"{entry}.references", raw.get("references"))
        parts = [*got.values(), lifespan, weight, hours]
        if all(p is not None for p in parts) and (energy is not None or power is not None):
            out[cat] = CategoryFactors(
                category=cat,
                label=str(raw.get("label", cat)),
                manufacturing=got["manufacturing"],  # type: ignore[arg-type]
                distribution=got["distribution"],  # type: ignore[arg-type]
                end_of_life=got["end_of_life"],  # type: ignore[arg-type]
                lifespan=lifespan,  # type: ignore[arg-type]
                hours=hours,  # type: ignore[arg-type]
                weight=weight,  # type: ignore[arg-type]
                yearly_energy=energy,
                power=power,
                method=str(raw.get("method", "")),
                references=refs,
            )
    return out


def _grid(reader: _Reader, data: Mapping[str, Any] | None) -> dict[str, Grid] | None:
    """Every grid series of grid.toml, the default one first (None when none loads).

    The file holds ``[series.ID]`` tables (each a consistent zone set with its
    label, release, source, default and fallback zones) and names the default
    in ``meta.default_series``; a file with ``[zones]`` at its top (one series,
    zones in ``meta``) is read as the single series ``default``.
    """
    if data is None:
        return None
    file = "grid.toml"
    meta = data.get("meta") or {}
    if "series" not in data:
        grid = _grid_series(reader, file, "", "default", data, meta)
        return {"default": grid} if grid else None
    table = reader.table(file, "series", data.get("series")) or {}
    grids: dict[str, Grid] = {}
    for sid, raw in table.items():
        series = reader.table(file, f"series.{sid}", raw)
        if series is None:
            continue
        known = {"label", "release", "source", "note", "default_zone", "fallback_zone", "zones"}
        for key in sorted(set(series) - known):
            reader.problem(file, f"series.{sid}.{key}", None, f"one of {', '.join(sorted(known))}")
        for key in ("label", "release"):
            value = series.get(key)
            if not isinstance(value, str) or not value.strip():
                reader.problem(file, f"series.{sid}.{key}", value, f"the series' {key} (text)")
        source = series.get("source")
        if not isinstance(source, str) or not source:
            reader.problem(file, f"series.{sid}.source", source, "the id of a source")
        else:
            reader.source_refs.append((file, f"series.{sid}.source", source))
        grid = _grid_series(reader, file, f"series.{sid}.", sid, series, series)
        if grid is not None:
            grids[sid] = grid
    default = meta.get("default_series")
    if not isinstance(default, str) or default not in table:
        reader.problem(
            file, "meta.default_series", default, f"a series of this file ({', '.join(table)})"
        )
        return None
    if default not in grids:
        return None
    return {default: grids[default], **{k: v for k, v in grids.items() if k != default}}


def _grid_series(
    reader: _Reader,
    file: str,
    prefix: str,
    sid: str,
    holder: Mapping[str, Any],
    zones_meta: Mapping[str, Any],
) -> Grid | None:
    zones_raw = reader.table(file, f"{prefix}zones", holder.get("zones")) or {}
    zones: dict[str, GridZone] = {}
    for code, raw in zones_raw.items():
        entry = f"{prefix}zones.{code}"
        if not (code.isalpha() and code.isupper() and len(code) == 2):
            reader.problem(
                file, entry, None, 'a zone code: an ISO 3166 country code ("FR") or "EU"'
            )
            continue
        zone = reader.table(file, entry, raw)
        if zone is None:
            continue
        years_raw = reader.table(file, f"{entry}.intensity", zone.get("intensity")) or {}
        intensity: dict[int, Factor] = {}
        for year_key, fraw in years_raw.items():
            where = f"{entry}.intensity.{year_key}"
            if year_key == "all":
                if len(years_raw) > 1:
                    reader.problem(file, where, None, '"all" alone, or one entry per year')
                    continue
                year = ALL_YEARS
            elif str(year_key).isdigit() and 1990 <= int(year_key) <= 2100:
                year = int(year_key)
            else:
                reader.problem(file, where, None, 'a year, e.g. 2023, or "all"')
                continue
            fac = reader.factor(file, where, fraw, "intensity")
            if fac is not None:
                intensity[year] = fac
        if not years_raw:
            reader.problem(file, f"{entry}.intensity", None, "at least one year")
        refs = reader.references(
            file, f"{entry}.references", zone.get("references"), default_kind="intensity"
        )
        if intensity:
            zones[code] = GridZone(code, str(zone.get("label", code)), intensity, refs)
    default_zone = zones_meta.get("default_zone")
    fallback_zone = zones_meta.get("fallback_zone")
    where = prefix or "meta."
    for key, value in (("default_zone", default_zone), ("fallback_zone", fallback_zone)):
        # an invalid zone that is there is reported already
        if not isinstance(value, str) or value not in zones_raw:
            reader.problem(
                file, f"{where}{key}", value, f"a zone of this file ({', '.join(zones)})"
            )
    if not isinstance(default_zone, str) or not isinstance(fallback_zone, str):
        return None
    if default_zone not in zones or fallback_zone not in zones:
        return None
    return Grid(
        zones,
        default_zone,
        fallback_zone,
        id=sid,
        label=str(holder.get("label", "")) if prefix else "",
        release=str(holder.get("release", "")) if prefix else "",
        source=str(holder.get("source", "")) if prefix else "",
        note=str(holder.get("note", "")) if prefix else "",
    )


def _reuse(
    reader: _Reader, data: Mapping[str, Any] | None
) -> tuple[dict[str, Factor], dict[str, ChannelFactor]]:
    if data is None:
        return {}, {}
    file = "reuse.toml"
    valid = [c.value for c in Category]
    refurbished: dict[str, Factor] = {}
    table = reader.table(file, "refurbished", data.get("refurbished")) or {}
    for cat, raw in table.items():
        entry = f"refurbished.{cat}"
        if cat != "default" and cat not in valid:
            reader.problem(file, entry, None, f"a known category or default ({', '.join(valid)})")
            continue
        t = reader.table(file, entry, raw)
        if t is None:
            continue
        fac = reader.factor(file, f"{entry}.share", t.get("share"), "fraction")
        if fac is not None:
            if fac.high > 1:
                reader.problem(file, f"{entry}.share", fac.text, "a share of at most 100 %")
            refurbished[cat] = fac
    if "default" not in table:
        reader.problem(file, "refurbished.default", None, "a default refurbished share")
    channels: dict[str, ChannelFactor] = {}
    valid_channels = [c.value for c in Channel]
    ctable = reader.table(file, "channels", data.get("channels")) or {}
    for ch, raw in ctable.items():
        entry = f"channels.{ch}"
        if ch not in valid_channels:
            reader.problem(file, entry, None, f"a reuse channel ({', '.join(valid_channels)})")
            continue
        t = reader.table(file, entry, raw)
        if t is None:
            continue
        fac = reader.factor(file, f"{entry}.substitution", t.get("substitution"), "fraction")
        if fac is not None:
            if fac.high > 1:
                reader.problem(file, f"{entry}.substitution", fac.text, "at most 100 %")
            channels[ch] = ChannelFactor(ch, str(t.get("label", ch)), fac)
    for ch in valid_channels:
        if ch not in ctable:
            reader.problem(file, f"channels.{ch}", None, "a factor for every reuse channel")
    return refurbished, channels
