"""Fleet indicators for the dashboard and the reports: pure functions on a fleet.

Every figure here is computed from a :class:`~sobriety.domain.carbon.engine.CarbonFleet`
(the arrays the carbon engine reads) and, for end-of-life dates, the terms the
carbon engine resolves (so a per-model lifespan beats the category default,
exactly as in the carbon estimate):

- :func:`count_matrix`: devices by category and status;
- :func:`average_age`: mean age of the devices in use, in stock or in repair;
- :func:`devices_per_agent`: devices in service for each agent of the sites;
- :func:`purchase_share`: share of a year's IT purchases (spend excl. VAT)
  bought refurbished (or received as donations), against the loi AGEC art. 58
  target of that year (:func:`load_purchase_targets`, a sourced data file);
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
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import estimate_fleet
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.vocab import AcquisitionType, Status
from sobriety.i18n import _

#: Devices the organisation uses or can use (not retired, not gone).
ACTIVE_STATUSES = (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR)
#: Acquisitions that count toward the AGEC purchase target (reuse, refurbishment).
SECOND_HAND = (AcquisitionType.REFURBISHED, AcquisitionType.DONATED)
#: Leases are not purchases: left out of the AGEC share.
NOT_PURCHASED = (AcquisitionType.LEASED,)


def _codes(names, table: list[str]) -> np.ndarray:
    return np.array([table.index(str(n)) for n in names], dtype=np.int64)


def _active(fleet: carbon.CarbonFleet) -> np.ndarray:
    return np.isin(fleet.status, _codes(ACTIVE_STATUSES, carbon.STATUSES))


# --------------------------------------------------------------------------
# AGEC purchase targets (data file)


class PurchaseTargetsError(ValueError):
    """The purchase-targets file is invalid: file, key, value and what was expected."""

    def __init__(self, path: str, key: str, value: Any, expected: str) -> None:
        self.path, self.key, self.value, self.expected = path, key, value, expected
        super().__init__(
            _("{path}: {key} = {value!r}: expected {expected}").format(
                path=path, key=key, value=value, expected=expected
            )
        )


@dataclass(frozen=True)
class PurchaseTargets:
    """Minimum share (%) of a year's purchases from reuse or refurbishment, by year."""

    targets_pct: Mapping[int, float]
    source: str
    scope: str = ""
    basis: str = "spend_excl_vat"
    note: str = ""
    date: str = ""

    def target_for(self, year: int) -> float | None:
        """The target in force in ``year`` (the latest one set at or before it)."""
        years = [y for y in self.targets_pct if y <= year]
        return self.targets_pct[max(years)] if years else None


def default_purchase_targets_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "agec_purchase_targets.toml"


def load_purchase_targets(path: Path | str | None = None) -> PurchaseTargets:
    """Read and check the purchase-targets file (the shipped one by default)."""
    path = Path(path) if path else default_purchase_targets_path()
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PurchaseTargetsError(
            where, "(file)", where, _("a readable file ({reason})").format(reason=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PurchaseTargetsError(where, "(syntax)", str(exc), _("valid TOML")) from exc
    table = data.get("purchases")
    if not isinstance(table, dict):
        raise PurchaseTargetsError(where, "[purchases]", table, _("a table"))
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise PurchaseTargetsError(where, "purchases.source", source, _("the legal source (text)"))
    basis = table.get("basis", "spend_excl_vat")
    if basis != "spend_excl_vat":
        raise PurchaseTargetsError(where, "purchases.basis", basis, '"spend_excl_vat"')
    raw = table.get("targets_pct")
    if not isinstance(raw, dict) or not raw:
        raise PurchaseTargetsError(
            where, "purchases.targets_pct", raw, _("a table of year = percent")
        )
    targets: dict[int, float] = {}
    for key, value in raw.items():
        if not str(key).isdigit() or not 2000 <= int(key) <= 2100:
            raise PurchaseTargetsError(where, f"purchases.targets_pct.{key}", value, _("a year"))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise PurchaseTargetsError(
                where, f"purchases.targets_pct.{key}", value, _("a percentage from 0 to 100")
            )
        targets[int(key)] = float(value)
    return PurchaseTargets(
        targets_pct=dict(sorted(targets.items())),
        source=source.strip(),
        scope=str(table.get("scope", "")),
        basis=basis,
        note=str(table.get("note", "")),
        date=str(table.get("date", "")),
    )


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
class PurchaseShare:
    """Loi AGEC art. 58: share of a year's purchases from reuse or refurbishment."""

    year: int
    devices: int  # devices acquired in the year (purchases, donations; leases left out)
    second_hand_devices: int
    spend_eur: float  # recorded purchase value of those with a price
    second_hand_eur: float
    unpriced: int  # acquired in the year without a recorded price (not in the spend)
    target_pct: float | None
    source: str

    @property
    def share_pct(self) -> float | None:
        return self.second_hand_eur / self.spend_eur * 100.0 if self.spend_eur > 0 else None

    @property
    def count_share_pct(self) -> float | None:
        return self.second_hand_devices / self.devices * 100.0 if self.devices else None

    @property
    def met(self) -> bool | None:
        if self.share_pct is None or self.target_pct is None:
            return None
        return self.share_pct >= self.target_pct


def purchase_share(fleet: carbon.CarbonFleet, year: int, targets: PurchaseTargets) -> PurchaseShare:
    """The share (by spend excl. VAT) of ``year``'s acquisitions bought refurbished or donated."""
    in_year = (fleet.acquired >= carbon.year_start(year)) & (
        fleet.acquired < carbon.year_start(year + 1)
    )
    bought = in_year & ~np.isin(
        fleet.acquisition_type, _codes(NOT_PURCHASED, carbon.ACQUISITION_TYPES)
    )
    second = bought & np.isin(fleet.acquisition_type, _codes(SECOND_HAND, carbon.ACQUISITION_TYPES))
    price = fleet.purchase_price_eur
    priced = ~np.isnan(price)
    return PurchaseShare(
        year=year,
        devices=int(bought.sum()),
        second_hand_devices=int(second.sum()),
        spend_eur=float(price[bought & priced].sum()),
        second_hand_eur=float(price[second & priced].sum()),
        unpriced=int((bought & ~priced).sum()),
        target_pct=targets.target_for(year),
        source=targets.source,
    )


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
        est = estimate_fleet(
            fleet, factor_set, year=year, mode=mode, as_of=on, grid_zone=grid_zone
        )
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
        purchases=purchase_share(fleet, year, targets),
        end_of_life=end_of_life_soon(fleet, terms, on, n_categories=len(cats)),
        acquisitions_first_year=first,
        acquisitions=acquisitions_by_year(fleet, first, year),
        footprints=footprints,
        notes=notes,
    )
    step(_("Done"), steps)
    return out
