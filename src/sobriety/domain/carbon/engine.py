"""Vectorised lifecycle carbon engine: numpy inside, quantities at the edges.

Every device contributes four phases: manufacturing, distribution, use and
end of life, each with a value and low/high bounds (kgCO2e). Factors come from
a :class:`~sobriety.domain.carbon.factors.FactorSet` (category defaults), overridden
per model (:class:`ModelFactorTable`) and per device (measured power, weight).

Time is counted in days since 1970-01-01 (float64); energy in kWh; emissions
in kgCO2e; masses in kg. The use phase integrates the grid intensity of each
calendar year in service through a cumulative function per zone, so a device
in service across several years gets each year's intensity.

Two accounting modes give the share of a reporting year:

- ``amortised`` (Bilan Carbone style): manufacturing, distribution and end of
  life are spread evenly over the amortisation period, fixed when the device
  enters the inventory: its per-model lifespan, else its category's (the
  planned life). A retirement before the end of that period counts what is
  left of it in the retirement year, like an accounting write-off: a year
  already reported never changes when a device is retired later (only a
  retirement *dated* in a reported year would change that year);
- ``acquisition`` (GHG Protocol): the embodied footprint (manufacturing and
  distribution, cradle to gate: scope 3, category 2 "capital goods") counts in
  the year of purchase; end of life counts in the year of retirement (scope
  3, category 5 "waste generated in operations").

Use (the electricity the devices draw: scope 2) is counted in the year it
happens in both modes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.vocab import AcquisitionType, Status
from sobriety.i18n import N_

PHASES = ("manufacturing", "distribution", "use", "end_of_life")
BOUNDS = ("value", "low", "high")
MODES = ("amortised", "acquisition")
MODE_LABELS = {
    "amortised": N_("amortised over the lifespan (Bilan Carbone style)"),
    "acquisition": N_(
        "acquisitions of the year, cradle to gate (GHG Protocol scope 3, category 2)"
    ),
}
#: The GHG Protocol category of each phase (corporate standard and scope 3 standard).
PHASE_GHG = {
    "manufacturing": N_("scope 3, category 2: capital goods"),
    "distribution": N_("scope 3, category 2: capital goods (cradle to gate)"),
    "use": N_("scope 2: purchased electricity"),
    "end_of_life": N_("scope 3, category 5: waste generated in operations"),
}
#: Phases of the acquisition mode's total (cradle to gate); the others are reported apart.
CRADLE_TO_GATE = (0, 1)
ACQUISITION_TYPES = [a.value for a in AcquisitionType]
STATUSES = [s.value for s in Status]
#: Statuses of devices that left service (their end may have no date).
ENDED_STATUSES = frozenset({Status.RETIRED, Status.IN_REUSE_CHANNEL, Status.GONE})
#: Acquisitions that carry the refurbished share of manufacturing.
SECOND_HAND = frozenset({AcquisitionType.REFURBISHED, AcquisitionType.DONATED})
EPOCH = np.datetime64("1970-01-01", "D")
_FIRST_YEAR, _LAST_YEAR = 1970, 2101


def date_to_days(value: dt.date | np.datetime64 | None) -> float:
    if value is None:
        return float("nan")
    d = np.datetime64(value, "D")
    if np.isnat(d):
        return float("nan")
    return float((d - EPOCH).astype(np.int64))


def year_start(year: int) -> float:
    return date_to_days(dt.date(year, 1, 1))


def dates_to_days(values: np.ndarray) -> np.ndarray:
    """``datetime64[D]`` array (NaT allowed) -> float days since 1970 (nan)."""
    arr = np.asarray(values, dtype="datetime64[D]")
    out = (arr - EPOCH).astype(np.int64).astype(np.float64)
    out[np.isnat(arr)] = np.nan
    return out


@dataclass(frozen=True)
class SiteTable:
    """Sites in index order: index i is ``CarbonFleet.site == i``."""

    codes: list[str]
    names: list[str]
    kinds: list[str]
    countries: list[str]
    agents: np.ndarray  # float, nan when unknown

    @classmethod
    def empty(cls) -> SiteTable:
        return cls([], [], [], [], np.zeros(0))

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class ModelFactorTable:
    """Per-model factors in index order (nan where the model gives nothing)."""

    keys: list[str]
    labels: list[str]
    origins: list[str]
    sources: list[str]
    qualities: list[str | None]
    manufacturing: np.ndarray
    distribution: np.ndarray
    end_of_life: np.ndarray
    yearly_energy: np.ndarray
    lifespan_years: np.ndarray
    weight_kg: np.ndarray
    uncertainty: np.ndarray

    @classmethod
    def empty(cls) -> ModelFactorTable:
        z = np.zeros(0)
        return cls([], [], [], [], [], z, z, z, z, z, z, z)

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class CarbonFleet:
    """Devices as aligned arrays in canonical units (time: days since 1970)."""

    category: np.ndarray  # int, index into FactorSet.category_order
    acquired: np.ndarray  # float days, nan when unknown
    retired: np.ndarray  # float days, nan when none
    acquisition_type: np.ndarray  # int, index into ACQUISITION_TYPES
    status: np.ndarray  # int, index into STATUSES
    site: np.ndarray  # int, index into sites, -1 when none
    measured_power_w: np.ndarray
    weight_kg: np.ndarray
    purchase_price_eur: np.ndarray
    model: np.ndarray  # int, index into model_factors, -1 when none
    sites: SiteTable = field(default_factory=SiteTable.empty)
    model_factors: ModelFactorTable = field(default_factory=ModelFactorTable.empty)
    #: Remarks from reading the fleet (e.g. unknown categories counted as "other").
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.category)

    @classmethod
    def from_values(
        cls,
        factor_set: FactorSet,
        *,
        category: list[str] | np.ndarray,
        acquired: list | np.ndarray | None = None,
        retired: list | np.ndarray | None = None,
        acquisition_type: list[str] | np.ndarray | None = None,
        status: list[str] | np.ndarray | None = None,
        site: list[int] | np.ndarray | None = None,
        measured_power_w: list | np.ndarray | None = None,
        weight_kg: list | np.ndarray | None = None,
        purchase_price_eur: list | np.ndarray | None = None,
        model: list[int] | np.ndarray | None = None,
        sites: SiteTable | None = None,
        model_factors: ModelFactorTable | None = None,
    ) -> CarbonFleet:
        """Build a fleet from readable values (strings, dates), for tests and glue."""
        n = len(category)
        order = {c: i for i, c in enumerate(factor_set.category_order)}

        def codes(values, table: list[str], default: str) -> np.ndarray:
            lut = {v: i for i, v in enumerate(table)}
            src = values if values is not None else [default] * n
            return np.fromiter((lut[str(v)] for v in src), dtype=np.int64, count=n)

        def floats(values) -> np.ndarray:
            if values is None:
                return np.full(n, np.nan)
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        def days(values) -> np.ndarray:
            if values is None:
                return np.full(n, np.nan)
            return np.array([date_to_days(v) for v in values], dtype=np.float64)

        return cls(
            category=np.fromiter((order[str(c)] for c in category), dtype=np.int64, count=n),
            acquired=days(acquired),
            retired=days(retired),
            acquisition_type=codes(acquisition_type, ACQUISITION_TYPES, "new"),
            status=codes(status, STATUSES, "in_service"),
            site=np.asarray(site if site is not None else [-1] * n, dtype=np.int64),
            measured_power_w=floats(measured_power_w),
            weight_kg=floats(weight_kg),
            purchase_price_eur=floats(purchase_price_eur),
            model=np.asarray(model if model is not None else [-1] * n, dtype=np.int64),
            sites=sites or SiteTable.empty(),
            model_factors=model_factors or ModelFactorTable.empty(),
        )


@dataclass
class CategoryArrays:
    """Category defaults as arrays indexed by category (rows: value, low, high)."""

    manufacturing: np.ndarray  # (3, C)
    distribution: np.ndarray
    end_of_life: np.ndarray
    energy: np.ndarray  # kWh/year
    hours: np.ndarray  # hour/year
    lifespan_days: np.ndarray  # (C,)
    weight: np.ndarray  # (C,)
    refurbished: np.ndarray  # (3, C) share of manufacturing


def category_arrays(factor_set: FactorSet) -> CategoryArrays:
    cached = factor_set._cache.get("category_arrays")
    if cached is not None:
        return cached
    cats = list(factor_set.categories.values())

    def rows(get) -> np.ndarray:
        return np.array([[get(c).bound(b) for c in cats] for b in BOUNDS], dtype=np.float64)

    arrays = CategoryArrays(
        manufacturing=rows(lambda c: c.manufacturing),
        distribution=rows(lambda c: c.distribution),
        end_of_life=rows(lambda c: c.end_of_life),
        energy=np.array([[c.energy_kwh(b) for c in cats] for b in BOUNDS]),
        hours=rows(lambda c: c.hours),
        lifespan_days=np.array([c.lifespan.value * DAYS_PER_YEAR for c in cats]),
        weight=np.array([c.weight.value for c in cats]),
        refurbished=np.array(
            [[factor_set.refurbished_share(c.category).bound(b) for c in cats] for b in BOUNDS]
        ),
    )
    factor_set._cache["category_arrays"] = arrays
    return arrays


@dataclass
class GridTable:
    """Cumulative grid intensity per zone, for the use-phase integral.

    The intensity is constant within a calendar year, so its integral is
    piecewise linear: ``cumulative + rate x (t - knot)`` from the year's knot.
    """

    zones: list[str]
    knots: np.ndarray  # (K,) days of 1 January of each year, knots[0] = 0 (1970)
    cumulative: np.ndarray  # (3, Z * K): kgCO2e.day/kWh from 1970 to each knot
    rate: np.ndarray  # (3, Z * K): intensity (kgCO2e/kWh) of the year starting at the knot
    known_years: dict[str, tuple[int, int]]

    def _year_index(self, t: np.ndarray) -> np.ndarray:
        """Index of the year holding each day ``t`` (clamped to the table)."""
        last = len(self.knots) - 2
        idx = np.floor_divide(t, 365.2425).astype(np.int64)
        np.clip(idx, 0, last, out=idx)
        idx -= t < self.knots[idx]
        np.clip(idx, 0, last, out=idx)
        idx += t >= self.knots[idx + 1]
        np.clip(idx, 0, last, out=idx)
        return idx

    def integral(self, zone: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """(3, N): integral of the intensity over [start, end] (kgCO2e.day/kWh)."""
        k = len(self.knots)
        i_s, i_e = self._year_index(start), self._year_index(end)
        d_s, d_e = start - self.knots[i_s], end - self.knots[i_e]
        base = zone * k
        i_s += base
        i_e += base
        out = np.empty((3, len(zone)))
        for b in range(3):
            cum, rate = self.cumulative[b], self.rate[b]
            np.subtract(cum[i_e], cum[i_s], out=out[b])
            out[b] += rate[i_e] * d_e
            out[b] -= rate[i_s] * d_s
        return out


def grid_table(factor_set: FactorSet) -> GridTable:
    cached = factor_set._cache.get("grid_table")
    if cached is not None:
        return cached
    years = np.arange(_FIRST_YEAR, _LAST_YEAR + 1)
    knots = np.array([year_start(int(y)) for y in years])
    zones = list(factor_set.grid.zones)
    k = len(knots)
    cumulative = np.zeros((3, len(zones) * k))
    rate = np.zeros((3, len(zones) * k))
    known: dict[str, tuple[int, int]] = {}
    for zi, code in enumerate(zones):
        zone = factor_set.grid.zones[code]
        known[code] = (
            (_FIRST_YEAR, _LAST_YEAR) if zone.constant else (zone.years[0], zone.years[-1])
        )
        for b, bound in enumerate(BOUNDS):
            per_year = np.array([zone.for_year(int(y))[0].bound(bound) for y in years])
            rate[b, zi * k : (zi + 1) * k] = per_year
            cum = np.zeros(k)
            cum[1:] = np.cumsum(per_year[:-1] * np.diff(knots))
            cumulative[b, zi * k : (zi + 1) * k] = cum
    table = GridTable(zones, knots, cumulative, rate, known)
    factor_set._cache["grid_table"] = table
    return table


@dataclass
class DeviceTerms:
    """Per-device factors resolved from model, category and device data."""

    manufacturing: np.ndarray  # (3, N) after the refurbished share
    distribution: np.ndarray  # (3, N)
    end_of_life: np.ndarray  # (3, N)
    energy: np.ndarray  # (3, N) kWh/year
    start: np.ndarray  # (N,) days: acquisition (or assumed)
    amortisation_days: np.ndarray  # (N,) planned life, fixed at entry (model, else category)
    use_end_lifetime: np.ndarray  # (N,) days
    use_end_open: np.ndarray  # (N,) days, inf for devices still held
    eol_day: np.ndarray  # (N,) day of retirement, nan when unknown
    zone: np.ndarray  # (N,) int, index into GridTable.zones
    weight_kg: np.ndarray  # (N,)
    assumed_start: np.ndarray  # (N,) bool
    from_model: np.ndarray  # (N,) bool: a per-model factor applied
    measured: np.ndarray  # (N,) bool: measured power used
    fallback_zone: np.ndarray  # (N,) bool: the site's country had no grid series

    def __len__(self) -> int:
        return len(self.start)


def _site_zones(fleet: CarbonFleet, factor_set: FactorSet, table: GridTable, grid_zone: str | None):
    """(zone per site, fallback flag per site) with -1 meaning 'no site'."""
    grid = factor_set.grid
    if grid_zone is not None:
        code = grid_zone.upper()
        if code not in grid.zones:
            raise ValueError(
                f"unknown grid zone {grid_zone!r}; expected one of {', '.join(grid.zones)}"
            )
    zones, fallback = [], []
    for country in fleet.sites.countries:
        code = grid_zone.upper() if grid_zone else grid.zone_for(country)
        zones.append(table.zones.index(code))
        fallback.append(grid_zone is None and (country or "").upper() not in grid.zones)
    default = table.zones.index(grid_zone.upper() if grid_zone else grid.default_zone)
    return np.array([*zones, default], dtype=np.int64), np.array([*fallback, False])


def _lookup(codes: list[int], size: int) -> np.ndarray:
    lut = np.zeros(size, dtype=bool)
    lut[codes] = True
    return lut


def resolve(
    fleet: CarbonFleet,
    factor_set: FactorSet,
    *,
    as_of: dt.date,
    grid_zone: str | None = None,
) -> DeviceTerms:
    """Resolve every device's factors: device data > per-model factor > category default."""
    cat = category_arrays(factor_set)
    table = grid_table(factor_set)
    c = fleet.category
    n = len(fleet)
    manufacturing = np.take(cat.manufacturing, c, axis=1)
    distribution = np.take(cat.distribution, c, axis=1)
    end_of_life = np.take(cat.end_of_life, c, axis=1)
    energy = np.take(cat.energy, c, axis=1)
    life = np.take(cat.lifespan_days, c)
    weight = fleet.weight_kg.copy()

    # Per-model factors, phase by phase, on the devices that have one.
    mf = fleet.model_factors
    has_model = fleet.model >= 0
    with_model = np.flatnonzero(has_model) if len(mf) else np.zeros(0, dtype=np.int64)
    if len(with_model):
        m = fleet.model[with_model]
        unc = mf.uncertainty[m]
        for arr, values in (
            (manufacturing, mf.manufacturing),
            (distribution, mf.distribution),
            (end_of_life, mf.end_of_life),
            (energy, mf.yearly_energy),
        ):
            mv = values[m]
            ok = ~np.isnan(mv)
            sel, v, u = with_model[ok], mv[ok], unc[ok]
            base = arr[:, sel]
            rel_low = np.divide(base[1], base[0], out=np.ones(len(sel)), where=base[0] > 0)
            rel_high = np.divide(base[2], base[0], out=np.ones(len(sel)), where=base[0] > 0)
            arr[0, sel] = v
            arr[1, sel] = np.where(np.isnan(u), v * rel_low, v * (1 - np.minimum(u, 1)))
            arr[2, sel] = np.where(np.isnan(u), v * rel_high, v * (1 + u))
        m_life = mf.lifespan_years[m]
        ok = ~np.isnan(m_life)
        life[with_model[ok]] = m_life[ok] * DAYS_PER_YEAR
        m_weight = mf.weight_kg[m]
        fill = np.isnan(weight[with_model]) & ~np.isnan(m_weight)
        weight[with_model[fill]] = m_weight[fill]
    no_weight = np.isnan(weight)
    weight[no_weight] = cat.weight[c[no_weight]]

    # Second-hand acquisitions carry the refurbished share of manufacturing.
    second_hand = _lookup(
        [ACQUISITION_TYPES.index(a.value) for a in SECOND_HAND], len(ACQUISITION_TYPES)
    )[fleet.acquisition_type]
    sel = np.flatnonzero(second_hand)
    if len(sel):
        manufacturing[:, sel] *= cat.refurbished[:, c[sel]]
    measured = ~np.isnan(fleet.measured_power_w)
    sel = np.flatnonzero(measured)
    if len(sel):
        energy[:, sel] = fleet.measured_power_w[sel] * cat.hours[:, c[sel]] / 1000.0

    # Dates: start, end of use, amortisation period.
    now = date_to_days(as_of)
    start = fleet.acquired.copy()
    assumed = np.isnan(start)
    start[assumed] = now - life[assumed] / 2.0
    retired = fleet.retired
    retired_known = ~np.isnan(retired)
    ended = _lookup([STATUSES.index(s.value) for s in ENDED_STATUSES], len(STATUSES))
    ended_no_date = ended[fleet.status] & ~retired_known
    end = np.full(n, np.inf)
    rk = np.flatnonzero(retired_known)
    end[rk] = np.maximum(retired[rk], start[rk])
    nd = np.flatnonzero(ended_no_date)
    end[nd] = np.maximum(np.minimum(start[nd] + life[nd], now), start[nd])
    # Fixed when the device enters the inventory: a retirement does not change it.
    amortisation = np.maximum(life, 1.0)
    use_end_lifetime = end.copy()
    still = np.flatnonzero(np.isinf(end))
    use_end_lifetime[still] = start[still] + np.maximum(life[still], now - start[still])
    eol_day = np.full(n, np.nan)
    eol_day[rk] = end[rk]

    site_zone, site_fallback = _site_zones(fleet, factor_set, table, grid_zone)
    site = np.where(fleet.site >= 0, fleet.site, len(site_zone) - 1)
    return DeviceTerms(
        manufacturing=manufacturing,
        distribution=distribution,
        end_of_life=end_of_life,
        energy=energy,
        start=start,
        amortisation_days=amortisation,
        use_end_lifetime=use_end_lifetime,
        use_end_open=end,
        eol_day=eol_day,
        zone=site_zone[site],
        weight_kg=weight,
        assumed_start=assumed,
        from_model=has_model,
        measured=measured,
        fallback_zone=site_fallback[site],
    )


def lifetime(terms: DeviceTerms, factor_set: FactorSet) -> np.ndarray:
    """(4 phases, 3 bounds, N) kgCO2e over each device's whole life."""
    table = grid_table(factor_set)
    out = np.empty((4, 3, len(terms)))
    out[0], out[1], out[3] = terms.manufacturing, terms.distribution, terms.end_of_life
    integral = table.integral(terms.zone, terms.start, terms.use_end_lifetime)
    np.multiply(terms.energy, integral, out=out[2])
    out[2] /= DAYS_PER_YEAR
    return out


def lifetime_totals(terms: DeviceTerms, factor_set: FactorSet) -> np.ndarray:
    """(4 phases, 3 bounds) kgCO2e: :func:`lifetime` summed over the devices."""
    table = grid_table(factor_set)
    integral = table.integral(terms.zone, terms.start, terms.use_end_lifetime)
    use = np.einsum("bn,bn->b", terms.energy, integral) / DAYS_PER_YEAR
    return np.stack(
        [
            terms.manufacturing.sum(axis=1),
            terms.distribution.sum(axis=1),
            use,
            terms.end_of_life.sum(axis=1),
        ]
    )


def year_share(
    terms: DeviceTerms, factor_set: FactorSet, year: int, mode: str = "amortised"
) -> np.ndarray:
    """(4 phases, 3 bounds, N) kgCO2e attributed to calendar ``year`` under ``mode``."""
    if mode not in MODES:
        raise ValueError(f"unknown accounting mode {mode!r}; expected one of {', '.join(MODES)}")
    ys, ye = year_start(year), year_start(year + 1)
    table = grid_table(factor_set)
    out = np.empty((4, 3, len(terms)))
    use_start = np.maximum(terms.start, ys)
    use_end = np.minimum(terms.use_end_open, ye)
    np.maximum(use_end, use_start, out=use_end)
    np.multiply(terms.energy, table.integral(terms.zone, use_start, use_end), out=out[2])
    out[2] /= DAYS_PER_YEAR
    if mode == "amortised":
        amortised_end = terms.start + terms.amortisation_days
        cut = terms.use_end_open  # retirement (inf while held)
        # The retirement year takes what is left of the period; later years nothing.
        overlap = np.where(cut < ye, amortised_end, np.minimum(amortised_end, ye))
        overlap -= use_start  # max(start, ys)
        overlap[cut < ys] = 0.0
        np.clip(overlap, 0.0, None, out=overlap)
        overlap /= terms.amortisation_days
        np.multiply(terms.manufacturing, overlap, out=out[0])
        np.multiply(terms.distribution, overlap, out=out[1])
        np.multiply(terms.end_of_life, overlap, out=out[3])
        return out
    bought = acquired_in(terms, year)
    ended = (terms.eol_day >= ys) & (terms.eol_day < ye)
    np.multiply(terms.manufacturing, bought, out=out[0])
    np.multiply(terms.distribution, bought, out=out[1])
    np.multiply(terms.end_of_life, ended, out=out[3])
    return out


def acquired_in(terms: DeviceTerms, year: int) -> np.ndarray:
    """(N,) bool: devices acquired in calendar ``year`` (an assumed date never counts)."""
    ys, ye = year_start(year), year_start(year + 1)
    return (terms.start >= ys) & (terms.start < ye) & ~terms.assumed_start


def group_sum(values: np.ndarray, keys: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum (4, 3, N) per group: returns (n_groups, 4, 3). Keys < 0 are dropped."""
    keep = keys >= 0
    k = keys[keep]
    flat = values.reshape(values.shape[0] * values.shape[1], values.shape[-1])[:, keep]
    out = np.stack([np.bincount(k, weights=row, minlength=n_groups) for row in flat])
    return out.T.reshape(n_groups, *values.shape[:-1])


def count_by(keys: np.ndarray, n_groups: int, mask: np.ndarray | None = None) -> np.ndarray:
    k = keys if mask is None else keys[mask]
    k = k[k >= 0]
    return np.bincount(k, minlength=n_groups)


def held_mask(fleet: CarbonFleet) -> np.ndarray:
    """Devices the organisation still holds (everything but 'gone')."""
    return fleet.status != STATUSES.index(Status.GONE.value)


def weee_weight_kg(terms: DeviceTerms, fleet: CarbonFleet) -> dict[str, float]:
    """WEEE weight (kg): devices held, and those retired awaiting a decision."""
    held = held_mask(fleet)
    retired = fleet.status == STATUSES.index(Status.RETIRED.value)
    return {
        "held": float(terms.weight_kg[held].sum()),
        "retired_awaiting": float(terms.weight_kg[retired].sum()),
    }
