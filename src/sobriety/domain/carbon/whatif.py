"""Lifespan what-if: keep devices N years longer, see what it saves.

The baseline is the current renewal pace: each device in service is replaced
when it reaches its lifespan (its category's default, or its model's), then
every lifespan after that; devices already past it are replaced in the first
year of the horizon. The scenario adds ``extra_years`` to the lifespan of the
devices in scope (some categories, some site kinds). Counting replacements
per calendar year of the horizon in both cases gives the purchases avoided,
their embodied emissions (manufacturing, distribution and end of life of a
new device of the category) and their budget (the device's purchase price,
else the median price paid for its category in the fleet).

Use is unchanged: the device kept in service consumes what its replacement
would have (same category figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.vocab import Status


@dataclass(frozen=True)
class WhatIfYear:
    year: int
    baseline_purchases: float
    scenario_purchases: float
    avoided_kgco2e: np.ndarray  # (3,) value, low, high
    avoided_eur: float

    @property
    def avoided_purchases(self) -> float:
        return self.baseline_purchases - self.scenario_purchases


@dataclass(frozen=True)
class WhatIfResult:
    extra_years: float
    categories: tuple[str, ...]
    site_kinds: tuple[str, ...]
    devices_in_scope: int
    years: list[WhatIfYear]
    #: Devices in scope acquired per year over the three years before ``as_of``.
    observed_purchases_per_year: float
    priced_share: float
    unpriced_devices: int

    @property
    def total_kgco2e(self) -> np.ndarray:
        return np.sum([y.avoided_kgco2e for y in self.years], axis=0)

    @property
    def total_eur(self) -> float:
        return float(sum(y.avoided_eur for y in self.years))

    @property
    def per_year_kgco2e(self) -> np.ndarray:
        return self.total_kgco2e / max(len(self.years), 1)

    @property
    def per_year_eur(self) -> float:
        return self.total_eur / max(len(self.years), 1)


def _replacements(first: np.ndarray, period: np.ndarray, t: float) -> np.ndarray:
    """How many of first, first + period, first + 2 period... fall before t."""
    return np.maximum(0.0, np.ceil((t - first) / period))


def lifespan_what_if(
    fleet: carbon.CarbonFleet,
    factor_set: FactorSet,
    *,
    extra_years: float,
    categories: list[str] | None = None,
    site_kinds: list[str] | None = None,
    horizon: int = 5,
    start_year: int | None = None,
    as_of: dt.date | None = None,
) -> WhatIfResult:
    """Purchases, tCO2e and budget avoided per year by keeping devices longer."""
    if extra_years <= 0:
        raise ValueError("extra_years must be above 0")
    if horizon < 1:
        raise ValueError("the horizon must be at least one year")
    as_of = as_of or dt.date.today()
    start_year = start_year or as_of.year + 1
    order = factor_set.category_order
    for c in categories or []:
        if c not in order:
            raise ValueError(f"unknown category {c!r}; expected one of {', '.join(order)}")
    terms = carbon.resolve(fleet, factor_set, as_of=as_of)
    arrays = carbon.category_arrays(factor_set)

    in_service = np.isinf(terms.use_end_open) & (
        fleet.status != carbon.STATUSES.index(Status.GONE.value)
    )
    scope = in_service.copy()
    if categories:
        scope &= np.isin(fleet.category, [order.index(c) for c in categories])
    if site_kinds:
        kinds = np.array([*fleet.sites.kinds, ""], dtype=object)
        site_kind = kinds[np.where(fleet.site >= 0, fleet.site, len(fleet.sites))]
        scope &= np.isin(site_kind, list(site_kinds))
    idx = np.flatnonzero(scope)
    c = fleet.category[idx]
    life = terms.amortisation_days[idx]
    extra = extra_years * DAYS_PER_YEAR
    t0 = carbon.year_start(start_year)
    base_first = np.maximum(terms.start[idx] + life, t0)
    scen_first = np.maximum(terms.start[idx] + life + extra, t0)
    embodied_new = (arrays.manufacturing + arrays.distribution + arrays.end_of_life)[:, c]
    price = _unit_prices(fleet, idx)

    years = []
    for k in range(horizon):
        ys, ye = carbon.year_start(start_year + k), carbon.year_start(start_year + k + 1)
        base = _replacements(base_first, life, ye) - _replacements(base_first, life, ys)
        scen = _replacements(scen_first, life + extra, ye) - _replacements(
            scen_first, life + extra, ys
        )
        avoided = base - scen
        years.append(
            WhatIfYear(
                year=start_year + k,
                baseline_purchases=float(base.sum()),
                scenario_purchases=float(scen.sum()),
                avoided_kgco2e=(embodied_new * avoided).sum(axis=1),
                avoided_eur=float(np.nansum(price * avoided)),
            )
        )
    acquired = fleet.acquired[scope]
    now = carbon.date_to_days(as_of)
    window = (acquired >= now - 3 * DAYS_PER_YEAR) & (acquired < now)
    priced = ~np.isnan(price)
    return WhatIfResult(
        extra_years=extra_years,
        categories=tuple(categories or ()),
        site_kinds=tuple(site_kinds or ()),
        devices_in_scope=len(idx),
        years=years,
        observed_purchases_per_year=float(window.sum()) / 3.0,
        priced_share=float(priced.mean()) if len(idx) else 0.0,
        unpriced_devices=int((~priced).sum()),
    )


def _unit_prices(fleet: carbon.CarbonFleet, idx: np.ndarray) -> np.ndarray:
    """The device's price, else the median price of its category in the fleet (nan if none)."""
    price = fleet.purchase_price_eur[idx].copy()
    cats = fleet.category[idx]
    all_prices = fleet.purchase_price_eur
    for c in np.unique(cats):
        known = all_prices[(fleet.category == c) & ~np.isnan(all_prices)]
        if len(known):
            missing = (cats == c) & np.isnan(price)
            price[missing] = float(np.median(known))
    return price
