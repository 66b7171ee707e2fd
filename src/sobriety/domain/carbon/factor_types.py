"""The types of an emission factor set (what :mod:`.factor_files` reads and the engines use).

Kept apart from the loading (:mod:`.factors`) and the file reading
(:mod:`.factor_files`) so that both import them and neither imports the other
(:mod:`.factors` imports :mod:`.factor_files`, never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sobriety.domain.texts import shown
from sobriety.i18n import ngettext
from sobriety.units import Q_

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
        n = len(problems)
        head = ngettext(
            "{n} problem in the factor set {directory}:",
            "{n} problems in the factor set {directory}:",
            n,
        ).format(n=n, directory=directory)
        super().__init__(f"{head}\n{lines}")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    year: int
    url: str
    licence: str

    def citation(self) -> str:
        """The citation, its title and licence in the user's language when the file has it."""
        title, licence = shown(self.title), shown(self.licence)
        return f"{self.publisher} ({self.year}), {title}. {self.url} [{licence}]"


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
    #: Its dimension (a kind of :data:`sobriety.units.KINDS`), checked when read.
    kind: str = "emissions"
    #: The value in the kind's canonical unit.
    value: float = float("nan")


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


#: Key of a grid intensity that holds for every year (a series publishing one current value).
ALL_YEARS = 0


@dataclass(frozen=True)
class GridZone:
    code: str
    label: str
    #: Intensity per calendar year; the key :data:`ALL_YEARS` alone: one value for every year.
    intensity: dict[int, Factor]
    references: tuple[Reference, ...] = ()

    @property
    def constant(self) -> bool:
        """One value for every year (``all = {...}`` in the file)."""
        return ALL_YEARS in self.intensity

    @property
    def years(self) -> list[int]:
        return sorted(self.intensity)

    def for_year(self, year: int) -> tuple[Factor, int]:
        """The intensity for ``year`` and the year it comes from (nearest known)."""
        if self.constant:
            return self.intensity[ALL_YEARS], year
        years = self.years
        used = min(max(year, years[0]), years[-1])
        return self.intensity[used], used


@dataclass(frozen=True)
class Grid:
    """One consistent series of grid intensities: its zones and where it comes from."""

    zones: dict[str, GridZone]
    default_zone: str
    fallback_zone: str
    #: The series' id in grid.toml (``series.ID``).
    id: str = "default"
    label: str = ""
    #: The release of the dataset the series was read from (e.g. "Base Carbone V23.6").
    release: str = ""
    #: The id of its source in sources.toml.
    source: str = ""
    note: str = ""

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
    #: The grid series in use (the file's ``default_series`` unless chosen otherwise).
    grid: Grid
    refurbished: dict[str, Factor]
    channels: dict[str, ChannelFactor]
    #: Every grid series of grid.toml, by id (the first is the default).
    grids: dict[str, Grid] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def grid_series(self) -> str:
        return self.grid.id

    def with_grid_series(self, series: str) -> FactorSet:
        """This factor set with the grid series ``series`` (a ``KeyError`` when unknown)."""
        if series == self.grid.id:
            return self
        grid = self.grids[series]
        key = ("grid_series", series)
        cached = self._cache.get(key)
        if cached is None:
            cached = replace(self, grid=grid, _cache={})
            self._cache[key] = cached
        return cached

    def series_for_zone(self, zone: str) -> str | None:
        """The series in use if it holds ``zone``, else the first one that does (None: none)."""
        code = zone.upper()
        if code in self.grid.zones:
            return self.grid.id
        return next((sid for sid, g in self.grids.items() if code in g.zones), None)

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


def _fmt(x: float) -> str:
    return f"{x:.4g}"
