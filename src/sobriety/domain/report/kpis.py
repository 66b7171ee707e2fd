"""Fleet indicators for the dashboard and the reports: pure functions on a fleet.

Every figure here is computed from a :class:`~sobriety.domain.carbon.engine.CarbonFleet`
(the arrays the carbon engine reads) and, for end-of-life dates, the terms the
carbon engine resolves (so a per-model lifespan beats the category default,
exactly as in the carbon estimate):

- :func:`count_matrix`: devices by category and status;
- :func:`average_age`: mean age of the devices in use, in stock or in repair;
- :func:`devices_per_agent`: devices in service for each agent of the sites;
- :func:`purchase_share` (from :mod:`.agec`): share of a year's spend on
  "matériel informatique et téléphonie" from reuse, donations (at the flat
  values of the arrêté of 29 February 2024) or recycled content, against
  the loi AGEC art. 58 target of that year (sourced data files);
- :func:`end_of_life_soon`: devices in use whose lifespan ends in the next 12
  months (and those already past it);
- :func:`acquisitions_by_year`: devices acquired each year (a small chart);
- :func:`dashboard`: all of them plus this year's carbon footprint in both
  accounting modes, in one call.

The décret 2023-266 reuse rate comes from the recorded history
(:mod:`sobriety.domain.reuse.rate`), not from the fleet's current state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import estimate_fleet
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.report.agec import (  # noqa: F401 - re-exported: the AGEC share
    DonationGrid,
    PurchaseShare,
    PurchaseTargets,
    PurchaseTargetsError,
    RecycledPurchase,
    default_purchase_targets_path,
    load_donation_grid,
    load_purchase_targets,
    purchase_share,
)
from sobriety.domain.vocab import Status
from sobriety.i18n import _

#: Devices the organisation uses or can use (not retired, not gone).
ACTIVE_STATUSES = (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR)


def _codes(names, table: list[str]) -> np.ndarray:
    return np.array([table.index(str(n)) for n in names], dtype=np.int64)


def _active(fleet: carbon.CarbonFleet) -> np.ndarray:
    return np.isin(fleet.status, _codes(ACTIVE_STATUSES, carbon.STATUSES))


# --------------------------------------------------------------------------
# Indicators


def count_matrix(fleet: carbon.CarbonFleet, n_categories: int) -> np.ndarray:
    """``(categories, statuses)`` device counts (statuses in :data:`carbon.STATUSES` order)."""
    n_status = len(carbon.STATUSES)
    flat = fleet.category * n_status + fleet.status
    return np.bincount(flat, minlength=n_categories * n_status).reshape(n_categories, n_status)


@dataclass(frozen=True)
class AverageAge:
    years: float | None  # None when no active device has an acquisition date
    devices: int  # active devices with a known acquisition date
    unknown: int  # active devices without one


def average_age(fleet: carbon.CarbonFleet, on: dt.date) -> AverageAge:
    """Mean age (years) of the devices in service, in stock or in repair on ``on``."""
    active = _active(fleet)
    known = active & ~np.isnan(fleet.acquired)
    ages = (carbon.date_to_days(on) - fleet.acquired[known]) / DAYS_PER_YEAR
    return AverageAge(
        years=float(ages.mean()) if len(ages) else None,
        devices=int(known.sum()),
        unknown=int((active & np.isnan(fleet.acquired)).sum()),
    )


@dataclass(frozen=True)
class PerAgent:
    devices: int  # devices in service
    agents: float  # agents of every site (0: unknown)

    @property
    def ratio(self) -> float | None:
        return self.devices / self.agents if self.agents else None


def devices_per_agent(fleet: carbon.CarbonFleet) -> PerAgent:
    """Devices in service for each agent counted on the sites."""
    in_service = int((fleet.status == carbon.STATUSES.index(Status.IN_SERVICE.value)).sum())
    agents = fleet.sites.agents
    return PerAgent(in_service, float(np.nansum(agents)) if len(agents) else 0.0)


@dataclass(frozen=True)
class EndOfLife:
    """Devices in use whose lifespan ends within ``days`` of ``on`` (or already ended)."""

    on: dt.date
    days: int
    due: int
    overdue: int
    unknown: int  # active devices without an acquisition date
    due_by_category: np.ndarray  # (categories,)


def end_of_life_soon(
    fleet: carbon.CarbonFleet,
    terms: carbon.DeviceTerms,
    on: dt.date,
    days: int = 365,
    *,
    n_categories: int | None = None,
) -> EndOfLife:
    """Active devices reaching the end of their lifespan in the next ``days`` days.

    The end is the acquisition date plus the lifespan the carbon engine uses
    for the device (per-model lifespan, else the category default).
    """
    active = _active(fleet)
    known = active & ~terms.assumed_start
    end = terms.start + terms.amortisation_days
    now = carbon.date_to_days(on)
    due = known & (end >= now) & (end < now + days)
    n_cat = n_categories or (int(fleet.category.max()) + 1 if len(fleet) else 0)
    return EndOfLife(
        on=on,
        days=days,
        due=int(due.sum()),
        overdue=int((known & (end < now)).sum()),
        unknown=int((active & terms.assumed_start).sum()),
        due_by_category=np.bincount(fleet.category[due], minlength=n_cat),
    )


def acquisitions_by_year(fleet: carbon.CarbonFleet, first: int, last: int) -> np.ndarray:
    """Devices acquired in each year ``first .. last`` (unknown dates left out)."""
    edges = np.array([carbon.year_start(y) for y in range(first, last + 2)])
    acquired = fleet.acquired[~np.isnan(fleet.acquired)]
    counts, _edges = np.histogram(acquired, bins=edges)
    return counts


# --------------------------------------------------------------------------
# Everything the dashboard shows


@dataclass(frozen=True)
class Footprint:
    """A year's emissions under one accounting mode (kgCO2e: value, low, high)."""

    mode: str
    total_kg: np.ndarray
    agents: float

    @property
    def mode_label(self) -> str:
        return carbon.MODE_LABELS[self.mode]

    @property
    def per_agent_kg(self) -> np.ndarray | None:
        return self.total_kg / self.agents if self.agents else None


@dataclass(frozen=True)
class Dashboard:
    on: dt.date
    year: int
    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    counts: np.ndarray  # (categories, statuses)
    age: AverageAge
    per_agent: PerAgent
    purchases: PurchaseShare
    end_of_life: EndOfLife
    acquisitions_first_year: int
    acquisitions: np.ndarray
    footprints: dict[str, Footprint] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def devices(self) -> int:
        return int(self.counts.sum())

    def by_category(self) -> dict[str, int]:
        """Devices held (not gone) per category, largest first, empty ones left out."""
        held = self.counts[:, [i for i, s in enumerate(self.statuses) if s != Status.GONE]]
        sums = held.sum(axis=1)
        order = np.argsort(-sums, kind="stable")
        return {self.categories[i]: int(sums[i]) for i in order if sums[i]}

    def by_status(self) -> dict[str, int]:
        sums = self.counts.sum(axis=0)
        return {s: int(sums[i]) for i, s in enumerate(self.statuses) if sums[i]}


def dashboard(
    fleet: carbon.CarbonFleet,
    factor_set: FactorSet,
    targets: PurchaseTargets,
    *,
    on: dt.date,
    year: int | None = None,
    history_years: int = 10,
    grid_zone: str | None = None,
    progress=None,
    donations: DonationGrid | None = None,
    recycled: tuple[RecycledPurchase, ...] = (),
) -> Dashboard:
    """Every dashboard figure for ``year`` (default: the year of ``on``).

    ``grid_zone`` is one zone for every site's use phase (each site's country
    when None), as ``sobriety estimate --grid``. ``progress(text, done, total)``,
    when given, is called between the steps.
    """
    year = year or on.year
    steps = 2 + len(carbon.MODES)

    def step(text: str, done: int) -> None:
        if progress is not None:
            progress(text, done, steps)

    cats = tuple(factor_set.category_order)
    step(_("Counting the fleet"), 0)
    counts = count_matrix(fleet, len(cats))
    first = year - history_years + 1
    footprints: dict[str, Footprint] = {}
    notes: list[str] = []
    terms = None
    for k, mode in enumerate(carbon.MODES):
        step(
            _("Estimating {year}: {mode}").format(year=year, mode=_(carbon.MODE_LABELS[mode])),
            1 + k,
        )
        est = estimate_fleet(fleet, factor_set, year=year, mode=mode, as_of=on, grid_zone=grid_zone)
        footprints[mode] = Footprint(mode, est.total, est.agents)
        terms = est.terms
        if not notes:
            notes = list(est.notes)
    if terms is None:  # pragma: no cover - MODES is never empty
        terms = carbon.resolve(fleet, factor_set, as_of=on)
    step(_("Lifespans and purchases"), 1 + len(carbon.MODES))
    out = Dashboard(
        on=on,
        year=year,
        categories=cats,
        statuses=tuple(carbon.STATUSES),
        counts=counts,
        age=average_age(fleet, on),
        per_agent=devices_per_agent(fleet),
        purchases=purchase_share(
            fleet,
            year,
            targets,
            donations=donations,
            recycled=recycled,
            category_order=factor_set.category_order,
        ),
        end_of_life=end_of_life_soon(fleet, terms, on, n_categories=len(cats)),
        acquisitions_first_year=first,
        acquisitions=acquisitions_by_year(fleet, first, year),
        footprints=footprints,
        notes=notes,
    )
    step(_("Done"), steps)
    return out
