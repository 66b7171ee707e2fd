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

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    from sobriety.domain.carbon.factor_files import read_factor_set

    directory = Path(directory)
    factor_set, problems = read_factor_set(directory)
    if problems or factor_set is None:
        raise FactorSetError(directory, problems)
    return factor_set


def check_factor_set(directory: Path | str) -> list[FactorProblem]:
    """Every problem of the factor set in ``directory`` (empty when it is valid)."""
    from sobriety.domain.carbon.factor_files import read_factor_set

    return read_factor_set(Path(directory))[1]


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
