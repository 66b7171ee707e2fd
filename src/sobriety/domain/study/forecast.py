"""The five-year outflow forecast: devices and tonnes expected to leave service.

For each device still held on 1 January of the first forecast year:

- its expected lifespan ``L``: the per-model lifespan when a model factor
  gives one, else the category's reference lifespan from the factor set
  (ADEME-Arcep 2022: laptop 5 years, smartphone 2.5, monitor 6...), capped by
  the policy: a device is not kept past the ``keep`` channel's
  ``max_age_years`` of its category;
- its expected departure: acquisition date + ``L``; a device already past it,
  retired and awaiting a decision (``retired``, ``in_reuse_channel``) or broken
  is expected in the first year;
- its expected condition at departure: a broken or degraded device keeps its
  condition; a working one leaves in the mix of conditions the organisation's
  past departures of the same category had (working when there are none).
  Counts are therefore expected values (fractions of a device);
- low and high bounds: the same count with every lifespan shortened and
  lengthened by ``spread`` (20 % by default, the order of the spread of real
  lifespans around the reference ones); for each year the lowest and highest
  of the three scenarios.

Devices with no acquisition date cannot be placed in time: they are left out
and counted (:attr:`Forecast.undated`). Mass: the device's weight, else the
model's, else the category default (kg), summed in tonnes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sobriety.domain.vocab import Condition

CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)
HORIZON_YEARS = 5
DEFAULT_SPREAD = 0.2
DAYS_PER_YEAR = 365.25
_EPOCH = np.datetime64("1970-01-01", "D")


def _day(year: int) -> float:
    return float((np.datetime64(dt.date(year, 1, 1), "D") - _EPOCH).astype(np.int64))


@dataclass(frozen=True)
class HeldFleet:
    """The devices still held, as aligned arrays (time in days since 1970).

    ``category``: codes into ``categories``; ``condition``: codes into
    :data:`CONDITIONS`; ``acquired``: days (nan unknown); ``lifespan_days``:
    expected lifespan; ``max_age_days``: the policy's cap (inf: none);
    ``leaving_now``: retired and awaiting a decision; ``weight_kg``.
    """

    categories: tuple[str, ...]
    category: np.ndarray
    condition: np.ndarray
    acquired: np.ndarray
    lifespan_days: np.ndarray
    max_age_days: np.ndarray
    leaving_now: np.ndarray
    weight_kg: np.ndarray

    def __len__(self) -> int:
        return len(self.category)


@dataclass(frozen=True)
class Forecast:
    """Expected departures, arrays shaped (years, categories, conditions)."""

    years: tuple[int, ...]
    categories: tuple[str, ...]
    conditions: tuple[str, ...]
    devices: np.ndarray
    devices_low: np.ndarray
    devices_high: np.ndarray
    tonnes: np.ndarray
    tonnes_low: np.ndarray
    tonnes_high: np.ndarray
    spread: float
    undated: int

    def rows(self) -> list[dict[str, object]]:
        """One row per (year, category, condition) with something expected."""
        out = []
        for yi, year in enumerate(self.years):
            for ci, cat in enumerate(self.categories):
                for ki, cond in enumerate(self.conditions):
                    if self.devices_high[yi, ci, ki] <= 0 and self.devices[yi, ci, ki] <= 0:
                        continue
                    out.append(
                        {
                            "year": year,
                            "category": cat,
                            "condition": cond,
                            "devices": float(self.devices[yi, ci, ki]),
                            "devices_low": float(self.devices_low[yi, ci, ki]),
                            "devices_high": float(self.devices_high[yi, ci, ki]),
                            "tonnes": float(self.tonnes[yi, ci, ki]),
                            "tonnes_low": float(self.tonnes_low[yi, ci, ki]),
                            "tonnes_high": float(self.tonnes_high[yi, ci, ki]),
                        }
                    )
        return out


def condition_mix(category: np.ndarray, condition: np.ndarray, n_categories: int) -> np.ndarray:
    """(categories, conditions) shares of the conditions of past departures.

    A category with no departure gets "all working".
    """
    counts = np.zeros((n_categories, len(CONDITIONS)))
    if len(category):
        np.add.at(counts, (category, condition), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    mix = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    mix[totals[:, 0] == 0, CONDITIONS.index(Condition.WORKING)] = 1.0
    return mix


def _scenario(held: HeldFleet, first_year: int, factor: float, years: int) -> np.ndarray:
    """Forecast year index (0..years-1) of each device, ``years`` when later, -1 undated."""
    life = np.minimum(held.lifespan_days * factor, held.max_age_days)
    leave = held.acquired + life
    edges = np.array([_day(first_year + i) for i in range(1, years + 1)])
    idx = np.searchsorted(edges, leave, side="right")  # 0 when before the 2nd year's start
    idx = np.where(held.leaving_now, 0, idx)
    return np.where(np.isnan(held.acquired) & ~held.leaving_now, -1, idx)


def forecast(
    held: HeldFleet,
    mix: np.ndarray,
    first_year: int,
    *,
    years: int = HORIZON_YEARS,
    spread: float = DEFAULT_SPREAD,
) -> Forecast:
    """Expected departures in ``first_year`` .. ``first_year + years - 1``."""
    n_cat, n_cond = len(held.categories), len(CONDITIONS)
    working = CONDITIONS.index(Condition.WORKING)
    broken = CONDITIONS.index(Condition.BROKEN)
    # Expected condition shares per device: its own when not working, else the mix.
    shares = np.zeros((len(held), n_cond))
    is_working = held.condition == working
    shares[is_working] = mix[held.category[is_working]]
    other = np.flatnonzero(~is_working)
    shares[other, held.condition[other]] = 1.0
    leaving_now = held.leaving_now | (held.condition == broken)
    held_now = HeldFleet(
        held.categories,
        held.category,
        held.condition,
        held.acquired,
        held.lifespan_days,
        held.max_age_days,
        leaving_now,
        held.weight_kg,
    )
    results = []
    for factor in (1.0, 1.0 - spread, 1.0 + spread):
        idx = _scenario(held_now, first_year, factor, years)
        inside = (idx >= 0) & (idx < years)
        rows = np.flatnonzero(inside)
        key = idx[rows] * n_cat + held.category[rows]
        size = years * n_cat
        dev = np.zeros((years, n_cat, n_cond))
        mass = np.zeros((years, n_cat, n_cond))
        tonnes = held.weight_kg[rows] / 1000.0
        for k in range(n_cond):
            w = shares[rows, k]
            dev[:, :, k] = np.bincount(key, weights=w, minlength=size).reshape(years, n_cat)
            mass[:, :, k] = np.bincount(key, weights=w * tonnes, minlength=size).reshape(
                years, n_cat
            )
        results.append((dev, mass))
    devs = np.stack([r[0] for r in results])
    masses = np.stack([r[1] for r in results])
    undated = int((np.isnan(held.acquired) & ~leaving_now).sum())
    return Forecast(
        years=tuple(first_year + i for i in range(years)),
        categories=held.categories,
        conditions=CONDITIONS,
        devices=devs[0],
        devices_low=devs.min(axis=0),
        devices_high=devs.max(axis=0),
        tonnes=masses[0],
        tonnes_low=masses.min(axis=0),
        tonnes_high=masses.max(axis=0),
        spread=spread,
        undated=undated,
    )
