"""Lifespan what-if: keep devices N years longer, see what it saves.

The baseline is the current renewal pace: each device in service is replaced
when it reaches its lifespan (its category's default, or its model's), then
every lifespan after that; devices already past it are replaced in the first
year of the horizon. The scenario adds ``extra_years`` to the lifespan of the
devices in scope (some categories, some site kinds). Counting replacements
per calendar year of the horizon in both cases gives the purchases avoided,
their embodied emissions (manufacturing, distribution and end of life of a
new device of the category) and their budget: purchases avoided x the unit
price of a new device of the category (the median price of the category's new
purchases in the fleet, else of all its priced devices), category by
category, so that the figures add up year by year. A year where the scenario
buys more than the baseline (devices kept longer all reach their end later)
shows a negative saving, its low/high bounds in order.

Use is unchanged: the device kept in service consumes what its replacement
would have (same category figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.vocab import Status


@dataclass(frozen=True)
class WhatIfCategoryYear:
    """One category's purchases and savings in one year of the horizon."""

    category: str
    baseline_purchases: int
    scenario_purchases: int
    #: Price of a new device of the category (EUR; None when none is known).
    unit_price_eur: float | None
    avoided_kgco2e: np.ndarray  # (3,) value, low, high (low <= value <= high)
    #: (3,) embodied kgCO2e of one new device of the category (value, low, high).
    unit_kgco2e: np.ndarray = field(default_factory=lambda: np.zeros(3))

    @property
    def avoided_purchases(self) -> int:
        return self.baseline_purchases - self.scenario_purchases

    @property
    def avoided_eur(self) -> float:
        """Purchases avoided x unit price (0 when the price is unknown)."""
        return self.avoided_purchases * (self.unit_price_eur or 0.0)


@dataclass(frozen=True)
class WhatIfYear:
    year: int
    baseline_purchases: int
    scenario_purchases: int
    avoided_kgco2e: np.ndarray  # (3,) value, low, high (low <= value <= high)
    avoided_eur: float
    by_category: tuple[WhatIfCategoryYear, ...] = ()

    @property
    def avoided_purchases(self) -> int:
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
    #: Price of a new device per category in scope (EUR; None when none is known).
    unit_prices_eur: dict[str, float | None] = field(default_factory=dict)

    @property
    def total_kgco2e(self) -> np.ndarray:
        """(3,) over the horizon: net purchases avoided x one new device, per category
        (the low and high factors apply to every year alike: fully correlated)."""
        total = np.zeros(3)
        firsts = self.years[0].by_category if self.years else ()
        for i, cat in enumerate(firsts):
            net = sum(y.by_category[i].avoided_purchases for y in self.years)
            total += _ordered(cat.unit_kgco2e * net)
        return total

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
    embodied_new = arrays.manufacturing + arrays.distribution + arrays.end_of_life  # (3, C)
    cats = sorted({int(x) for x in c})
    unit_price = _new_unit_prices(fleet, cats)

    years = []
    for k in range(horizon):
        ys, ye = carbon.year_start(start_year + k), carbon.year_start(start_year + k + 1)
        base = _replacements(base_first, life, ye) - _replacements(base_first, life, ys)
        scen = _replacements(scen_first, life + extra, ye) - _replacements(
            scen_first, life + extra, ys
        )
        per_cat = []
        for ci in cats:
            sel = c == ci
            b, sc = round(float(base[sel].sum())), round(float(scen[sel].sum()))
            avoided = embodied_new[:, ci] * (b - sc)
            per_cat.append(
                WhatIfCategoryYear(
                    category=order[ci],
                    baseline_purchases=b,
                    scenario_purchases=sc,
                    unit_price_eur=unit_price[ci],
                    avoided_kgco2e=_ordered(avoided),
                    unit_kgco2e=embodied_new[:, ci].copy(),
                )
            )
        total = np.sum([p.avoided_kgco2e for p in per_cat], axis=0) if per_cat else np.zeros(3)
        years.append(
            WhatIfYear(
                year=start_year + k,
                baseline_purchases=sum(p.baseline_purchases for p in per_cat),
                scenario_purchases=sum(p.scenario_purchases for p in per_cat),
                avoided_kgco2e=_ordered(total),
                avoided_eur=float(sum(p.avoided_eur for p in per_cat)),
                by_category=tuple(per_cat),
            )
        )
    acquired = fleet.acquired[scope]
    now = carbon.date_to_days(as_of)
    window = (acquired >= now - 3 * DAYS_PER_YEAR) & (acquired < now)
    priced = np.array([unit_price[int(x)] is not None for x in c], dtype=bool)
    return WhatIfResult(
        extra_years=extra_years,
        categories=tuple(categories or ()),
        site_kinds=tuple(site_kinds or ()),
        devices_in_scope=len(idx),
        years=years,
        observed_purchases_per_year=float(window.sum()) / 3.0,
        priced_share=float(priced.mean()) if len(idx) else 0.0,
        unpriced_devices=int((~priced).sum()),
        unit_prices_eur={order[ci]: unit_price[ci] for ci in cats},
    )


def _ordered(bounds: np.ndarray) -> np.ndarray:
    """(value, low, high) with low <= value <= high, also for a negative saving."""
    return np.array([bounds[0], bounds.min(), bounds.max()])


def _new_unit_prices(fleet: carbon.CarbonFleet, cats: list[int]) -> dict[int, float | None]:
    """Price of a new device per category: the median of the category's new purchases,
    else of all its priced devices (None when the fleet has no price for it)."""
    prices = fleet.purchase_price_eur
    new = fleet.acquisition_type == carbon.ACQUISITION_TYPES.index("new")
    out: dict[int, float | None] = {}
    for ci in cats:
        known = (fleet.category == ci) & ~np.isnan(prices)
        pick = known & new if (known & new).any() else known
        # a price to the cent, so that purchases x unit price is the amount shown
        out[ci] = round(float(np.median(prices[pick])), 2) if pick.any() else None
    return out
