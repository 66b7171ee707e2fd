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

The types (:class:`FactorSet`, :class:`Factor`...) live in :mod:`.factor_types`
and are re-exported here; :mod:`.factor_files` reads the files into them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sobriety.domain.carbon.factor_files import read_factor_set
from sobriety.domain.carbon.factor_types import (
    DAYS_PER_YEAR,
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
    FactorSetError,
    FileMeta,
    Grid,
    GridZone,
    Reference,
    Source,
)

__all__ = [
    "DAYS_PER_YEAR",
    "FILES",
    "HOURS_PER_YEAR",
    "PHASES",
    "SCHEMA",
    "SOURCE_FIELDS",
    "CategoryFactors",
    "ChannelFactor",
    "Factor",
    "FactorProblem",
    "FactorSet",
    "FactorSetError",
    "FileMeta",
    "Grid",
    "GridZone",
    "Reference",
    "Source",
    "all_factors",
    "check_factor_set",
    "load_factor_set",
]


def load_factor_set(directory: Path | str) -> FactorSet:
    """Load and validate the factor set in ``directory``; raise on any problem."""
    directory = Path(directory)
    factor_set, problems = read_factor_set(directory)
    if problems or factor_set is None:
        raise FactorSetError(directory, problems)
    return factor_set


def check_factor_set(directory: Path | str) -> list[FactorProblem]:
    """Every problem of the factor set in ``directory`` (empty when it is valid)."""
    return read_factor_set(Path(directory))[1]


def all_factors(factor_set: FactorSet) -> Iterable[tuple[str, Factor]]:
    """Every factor of the set with a readable key, for listings and checks."""
    for cat, cf in factor_set.categories.items():
        for key, fac in cf.factors().items():
            yield f"{cat}.{key}", fac
    for sid, grid in factor_set.grids.items():
        for code, zone in grid.zones.items():
            for year, fac in sorted(zone.intensity.items()):
                yield f"grid.{sid}.{code}.{year or 'all'}", fac
    for cat, fac in factor_set.refurbished.items():
        yield f"refurbished.{cat}", fac
    for ch, cfac in factor_set.channels.items():
        yield f"channel.{ch}", cfac.substitution
