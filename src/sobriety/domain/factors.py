"""Emission factor sets: loading and validating the sourced factor files.

A factor set is a folder of TOML files (``data/emission_factors`` ships the
default one): ``sources.toml`` (the bibliography), ``devices.toml`` (defaults
per device category), ``grid.toml`` (carbon intensity of electricity per zone
and year) and ``reuse.toml`` (refurbished acquisitions, avoided emissions per
reuse channel). Every value is text with its unit (``"170.3 kgCO2e"``), a
low/high range or an uncertainty, and a source id.

:func:`load_factor_set` checks everything and raises :class:`FactorSetError`
listing every problem (file, entry, value, what was expected);
:func:`check_factor_set` returns the problems instead. Values are converted
once, here, to the canonical units of :data:`sobriety.units.CANONICAL`; the
engines then work on plain floats and numpy arrays.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.domain.vocab import Category, Channel
from sobriety.units import Q_, UnitError, kind_of, parse_quantity

SCHEMA = 1
FILES = ("sources.toml", "devices.toml", "grid.toml", "reuse.toml")
PHASES = ("manufacturing", "distribution", "end_of_life")
SOURCE_FIELDS = ("title", "publisher", "year", "url", "licence")
DAYS_PER_YEAR = 365.25
HOURS_PER_YEAR = 8766.0


@dataclass(frozen=True)
class FactorProblem:
    """One problem in a factor file: where, what was found, what was expected."""

    file: str
    entry: str
    value: str
    expected: str

    def __str__(self) -> str:
        found = f" = {self.value}" if self.value else ""
        return f"{self.file}: {self.entry}{found}: {self.expected}"


class FactorSetError(ValueError):
    """A factor set does not load; ``problems`` lists every problem found."""

    def __init__(self, directory: Path, problems: list[FactorProblem]) -> None:
        self.directory = directory
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the factor set {directory}:\n{lines}")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    year: int
    url: str
    licence: str

    def citation(self) -> str:
        return f"{self.publisher} ({self.year}), {self.title}. {self.url} [{self.licence}]"


@dataclass(frozen=True)
class Factor:
    """One sourced value, converted to the canonical unit of its kind."""

    kind: str
    unit: str
    value: float
    low: float
    high: float
    text: str
    source: str
    range_sources: tuple[str, ...] = ()
    note: str = ""
    where: str = ""

    def bound(self, which: str) -> float:
        return {"value": self.value, "low": self.low, "high": self.high}[which]

    @property
    def text_unit(self) -> str:
        """The unit the value is written in (``gCO2e/kWh`` for ``"55.3 gCO2e/kWh"``)."""
        parts = self.text.split(" ", 1)
        return parts[1].strip() if len(parts) == 2 else self.unit

    @property
    def range_text(self) -> str:
        """``"44.2-66.3 kgCO2e"``: the range, in the unit the value is written in."""
        unit = self.text_unit
        try:
            low = Q_(self.low, self.unit).to(unit).magnitude
            high = Q_(self.high, self.unit).to(unit).magnitude
        except Exception:
            unit, low, high = self.unit, self.low, self.high
        return f"{_fmt(low)}-{_fmt(high)} {unit}"


@dataclass(frozen=True)
class Reference:
    """A published figure kept for comparison (not used by the engine)."""

    name: str
    text: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class CategoryFactors:
    category: str
    label: str
    manufacturing: Factor
    distribution: Factor
    end_of_life: Factor
    lifespan: Factor
    hours: Factor
    weight: Factor
    yearly_energy: Factor | None = None
    power: Factor | None = None
    method: str = ""
    references: tuple[Reference, ...] = ()

    @property
    def use_method(self) -> str:
        return "yearly_energy" if self.yearly_energy is not None else "power"

    def energy_kwh(self, which: str = "value") -> float:
        """Default yearly energy (kWh/year) for the bound ``which``."""
        if self.yearly_energy is not None:
            return self.yearly_energy.bound(which)
        assert self.power is not None
        return self.power.bound(which) * self.hours.bound(which) / 1000.0

    def factors(self) -> dict[str, Factor]:
        out = {p: getattr(self, p) for p in (*PHASES, "lifespan")}
        if self.yearly_energy is not None:
            out["use.yearly_energy"] = self.yearly_energy
        if self.power is not None:
            out["use.power"] = self.power
        out["use.hours"] = self.hours
        out["weight"] = self.weight
        return out


@dataclass(frozen=True)
class GridZone:
    code: str
    label: str
    intensity: dict[int, Factor]
    references: tuple[Reference, ...] = ()

    @property
    def years(self) -> list[int]:
        return sorted(self.intensity)

    def for_year(self, year: int) -> tuple[Factor, int]:
        """The intensity for ``year`` and the year it comes from (nearest known)."""
        years = self.years
        used = min(max(year, years[0]), years[-1])
        return self.intensity[used], used


@dataclass(frozen=True)
class Grid:
    zones: dict[str, GridZone]
    default_zone: str
    fallback_zone: str

    def zone_for(self, country: str | None) -> str:
        """The zone used for a site in ``country`` (fallback when it has no series)."""
        code = (country or self.default_zone).upper()
        return code if code in self.zones else self.fallback_zone


@dataclass(frozen=True)
class ChannelFactor:
    channel: str
    label: str
    substitution: Factor


@dataclass(frozen=True)
class FileMeta:
    name: str
    version: str
    title: str


@dataclass(frozen=True)
class FactorSet:
    directory: Path
    files: dict[str, FileMeta]
    sources: dict[str, Source]
    categories: dict[str, CategoryFactors]
    grid: Grid
    refurbished: dict[str, Factor]
    channels: dict[str, ChannelFactor]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> str:
        versions = sorted({m.version for m in self.files.values()})
        return "+".join(versions)

    @property
    def category_order(self) -> list[str]:
        """Categories in :class:`Category` order: index i of the engine's arrays."""
        return list(self.categories)

    def category_index(self, category: str) -> int:
        return self.category_order.index(category)

    def refurbished_share(self, category: str) -> Factor:
        return self.refurbished.get(category, self.refurbished["default"])

    def source(self, source_id: str) -> Source:
        return self.sources[source_id]


# --------------------------------------------------------------------- loading


def load_factor_set(directory: Path | str) -> FactorSet:
    """Load and validate the factor set in ``directory``; raise on any problem."""
    directory = Path(directory)
    factor_set, problems = _load(directory)
    if problems or factor_set is None:
        raise FactorSetError(directory, problems)
    return factor_set


def check_factor_set(directory: Path | str) -> list[FactorProblem]:
    """Every problem of the factor set in ``directory`` (empty when it is valid)."""
    return _load(Path(directory))[1]


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

    def references(self, file: str, entry: str, raw: object) -> tuple[Reference, ...]:
        if raw is None:
            return ()
        table = self.table(file, entry, raw)
        if table is None:
            return ()
        out = []
        for name, ref in table.items():
            ref_t = self.table(file, f"{entry}.{name}", ref)
            if ref_t is None:
                continue
            text = ref_t.get("value")
            if not _has_unit(text):
                self.problem(file, f"{entry}.{name}.value", text, "a quantity with its unit")
                continue
            sid = ref_t.get("source")
            if not isinstance(sid, str):
                self.problem(file, f"{entry}.{name}.source", sid, "the id of a source")
                continue
            self.source_refs.append((file, f"{entry}.{name}.source", sid))
            out.append(Reference(name, str(text), sid, str(ref_t.get("note", ""))))
        return tuple(out)


def _load(directory: Path) -> tuple[FactorSet | None, list[FactorProblem]]:
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
    grid = _grid(reader, raw["grid.toml"])
    refurbished, channels = _reuse(reader, raw["reuse.toml"])
    if raw["sources.toml"] is not None:
        defined = set((raw["sources.toml"] or {}).get("sources") or {})
        for file, entry, sid in reader.source_refs:
            if sid not in defined:
                reader.problem(file, entry, sid, "the id of a source defined in sources.toml")
    if reader.problems or grid is None:
        return None, reader.problems
    return (
        FactorSet(directory, files, sources, categories, grid, refurbished, channels),
        [],
    )


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
        if ok:
            out[sid] = Source(
                sid, src["title"], src["publisher"], src["year"], src["url"], src["licence"]
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


def _grid(reader: _Reader, data: Mapping[str, Any] | None) -> Grid | None:
    if data is None:
        return None
    file = "grid.toml"
    meta = data.get("meta") or {}
    zones_raw = reader.table(file, "zones", data.get("zones")) or {}
    zones: dict[str, GridZone] = {}
    for code, raw in zones_raw.items():
        entry = f"zones.{code}"
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
            if not (str(year_key).isdigit() and 1990 <= int(year_key) <= 2100):
                reader.problem(file, f"{entry}.intensity.{year_key}", None, "a year, e.g. 2023")
                continue
            fac = reader.factor(file, f"{entry}.intensity.{year_key}", fraw, "intensity")
            if fac is not None:
                intensity[int(year_key)] = fac
        if not years_raw:
            reader.problem(file, f"{entry}.intensity", None, "at least one year")
        refs = reader.references(file, f"{entry}.references", zone.get("references"))
        if intensity:
            zones[code] = GridZone(code, str(zone.get("label", code)), intensity, refs)
    default_zone = meta.get("default_zone")
    fallback_zone = meta.get("fallback_zone")
    for key, value in (("default_zone", default_zone), ("fallback_zone", fallback_zone)):
        if value not in zones:
            reader.problem(file, f"meta.{key}", value, f"a zone of this file ({', '.join(zones)})")
    if default_zone not in zones or fallback_zone not in zones:
        return None
    return Grid(zones, default_zone, fallback_zone)


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


def _has_unit(text: object) -> bool:
    if not isinstance(text, str):
        return False
    try:
        return not Q_(text).unitless
    except Exception:
        return False


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def all_factors(factor_set: FactorSet) -> Iterable[tuple[str, Factor]]:
    """Every factor of the set with a readable key, for listings and checks."""
    for cat, cf in factor_set.categories.items():
        for key, fac in cf.factors().items():
            yield f"{cat}.{key}", fac
    for code, zone in factor_set.grid.zones.items():
        for year, fac in sorted(zone.intensity.items()):
            yield f"grid.{code}.{year}", fac
    for cat, fac in factor_set.refurbished.items():
        yield f"refurbished.{cat}", fac
    for ch, cfac in factor_set.channels.items():
        yield f"channel.{ch}", cfac.substitution
