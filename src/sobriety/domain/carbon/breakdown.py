"""Fleet carbon estimates for a reporting year, broken down for reports and screens.

:func:`estimate_fleet` runs the engine of :mod:`sobriety.domain.carbon.engine` once
and keeps the per-device year shares; :func:`breakdown` then groups them by
category, site, site kind, phase or year, with counts, WEEE weight and the
emissions per agent. Everything is in kgCO2e; presenting in tCO2e is the
caller's choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import FactorSet
from sobriety.i18n import N_

BY_CHOICES = ("category", "site", "site-kind", "phase", "year")


@dataclass(frozen=True)
class EstimateRow:
    key: str
    label: str
    devices: int
    weight_kg: float
    #: (4 phases, 3 bounds) kgCO2e, phases in :data:`carbon.PHASES` order.
    phases: np.ndarray
    agents: float | None = None
    #: Indices of the phases the total adds up (acquisition mode: cradle to gate only).
    total_phases: tuple[int, ...] = (0, 1, 2, 3)

    @property
    def total(self) -> np.ndarray:
        """(3,) value, low, high in kgCO2e of the phases in :attr:`total_phases`."""
        return self.phases[list(self.total_phases)].sum(axis=0)

    @property
    def per_agent(self) -> np.ndarray | None:
        if not self.agents:
            return None
        return self.total / self.agents


@dataclass
class FleetEstimate:
    year: int
    mode: str
    as_of: dt.date
    grid_zone: str | None
    factor_version: str
    fleet: carbon.CarbonFleet
    terms: carbon.DeviceTerms
    #: (4, 3, N) kgCO2e attributed to ``year``.
    share: np.ndarray
    #: (4, 3) kgCO2e over the whole life of the devices.
    lifetime_total: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def mode_label(self) -> str:
        return carbon.MODE_LABELS[self.mode]

    @property
    def total_phases(self) -> tuple[int, ...]:
        return total_phases(self.mode)

    @property
    def total(self) -> np.ndarray:
        """(3,) kgCO2e: every phase (amortised), cradle to gate only (acquisition)."""
        return self.share[list(self.total_phases)].sum(axis=(0, 2))

    def counted(self) -> np.ndarray:
        """(N,) bool: the devices an estimate row counts.

        Amortised: those with a share of the year. Acquisition: the year's
        acquisitions (the devices whose cradle-to-gate footprint it holds).
        """
        if self.mode == "acquisition":
            return carbon.acquired_in(self.terms, self.year)
        return self.share[:, 0, :].sum(axis=0) > 0

    @property
    def agents(self) -> float:
        agents = self.fleet.sites.agents
        return float(np.nansum(agents)) if len(agents) else 0.0

    @property
    def weee_kg(self) -> dict[str, float]:
        return carbon.weee_weight_kg(self.terms, self.fleet)


def total_phases(mode: str) -> tuple[int, ...]:
    """The phases a total adds up under ``mode`` (acquisition: cradle to gate)."""
    return carbon.CRADLE_TO_GATE if mode == "acquisition" else (0, 1, 2, 3)


def estimate_fleet(
    fleet: carbon.CarbonFleet,
    factor_set: FactorSet,
    *,
    year: int,
    mode: str = "amortised",
    as_of: dt.date | None = None,
    grid_zone: str | None = None,
) -> FleetEstimate:
    """Estimate the fleet's emissions attributed to ``year`` under ``mode``."""
    if mode not in carbon.MODES:
        raise ValueError(
            f"unknown accounting mode {mode!r}; expected one of amortised, acquisition"
        )
    as_of = as_of or dt.date.today()
    terms = carbon.resolve(fleet, factor_set, as_of=as_of, grid_zone=grid_zone)
    share = carbon.year_share(terms, factor_set, year, mode)
    life = carbon.lifetime_totals(terms, factor_set)
    est = FleetEstimate(
        year=year,
        mode=mode,
        as_of=as_of,
        grid_zone=grid_zone,
        factor_version=factor_set.version,
        fleet=fleet,
        terms=terms,
        share=share,
        lifetime_total=life,
    )
    est.notes = _notes(est, factor_set)
    return est


def _notes(est: FleetEstimate, factor_set: FactorSet) -> list[str]:
    """Assumptions the reader must know about, in plain words (English source strings)."""
    from sobriety.i18n import _

    notes = list(est.fleet.notes)
    t = est.terms
    n_assumed = int(t.assumed_start.sum())
    if n_assumed:
        notes.append(
            _(
                "{n} devices have no acquisition date: assumed half-way through their lifespan."
            ).format(n=n_assumed)
        )
    n_fallback = int(t.fallback_zone.sum())
    if n_fallback:
        notes.append(
            _("{n} devices are on sites whose country has no grid series: {zone} used.").format(
                n=n_fallback, zone=factor_set.grid.fallback_zone
            )
        )
    table = carbon.grid_table(factor_set)
    zones_used = sorted({table.zones[z] for z in np.unique(t.zone)}) if len(t) else []
    for code in zones_used:
        first, last = table.known_years[code]
        if est.year > last:
            notes.append(
                _("Grid intensity of {zone} for {year}: the {last} value (latest known).").format(
                    zone=code, year=est.year, last=last
                )
            )
        elif est.year < first:
            notes.append(
                _(
                    "Grid intensity of {zone} for {year}: the {first} value (earliest known)."
                ).format(zone=code, year=est.year, first=first)
            )
    n_model = int(t.from_model.sum())
    if n_model:
        notes.append(_("{n} devices use per-model factors.").format(n=n_model))
    n_measured = int(t.measured.sum())
    if n_measured:
        notes.append(_("{n} devices use their measured power.").format(n=n_measured))
    ended = np.isinf(t.use_end_open) == False  # noqa: E712
    no_date = ended & np.isnan(t.eol_day)
    if no_date.any():
        notes.append(
            _(
                "{n} devices left service without a retirement date: end assumed at the end of "
                "their default lifespan."
            ).format(n=int(no_date.sum()))
        )
    return notes


def _row(est: FleetEstimate, key: str, label: str, mask: np.ndarray, agents) -> EstimateRow:
    contributing = mask & est.counted()
    held = mask & carbon.held_mask(est.fleet)
    return EstimateRow(
        key=key,
        label=label,
        devices=int(contributing.sum()),
        weight_kg=float(est.terms.weight_kg[held].sum()),
        phases=est.share[:, :, mask].sum(axis=2),
        agents=agents,
        total_phases=est.total_phases,
    )


def breakdown(est: FleetEstimate, factor_set: FactorSet, by: str = "category") -> list[EstimateRow]:
    """Rows of the estimate grouped ``by`` category, site, site-kind, phase or year."""
    fleet = est.fleet
    share = est.share
    contributing = est.counted()
    tp = est.total_phases
    held = carbon.held_mask(fleet)
    weights = est.terms.weight_kg
    fleet_agents = est.agents or None
    if by == "phase":
        return [
            EstimateRow(
                key=phase,
                label=PHASE_LABELS[phase],
                devices=int((share[i, 0, :] > 0).sum()),
                weight_kg=0.0,
                phases=_only_phase(share, i),
                agents=fleet_agents,
                total_phases=(i,),
            )
            for i, phase in enumerate(carbon.PHASES)
        ]
    if by == "category":
        keys, labels = (
            fleet.category,
            [factor_set.categories[c].label for c in factor_set.category_order],
        )
        codes = factor_set.category_order
        agents = [fleet_agents] * len(codes)
    elif by == "site":
        sites = fleet.sites
        keys = np.where(fleet.site >= 0, fleet.site, len(sites))
        codes = [*sites.codes, "-"]
        labels = [*sites.names, "(no site)"]
        agents = [*(None if np.isnan(a) else float(a) for a in sites.agents), None]
    elif by == "site-kind":
        sites = fleet.sites
        kinds = sorted(set(sites.kinds))
        kind_idx = np.array([kinds.index(k) for k in sites.kinds] + [len(kinds)], dtype=np.int64)
        keys = kind_idx[np.where(fleet.site >= 0, fleet.site, len(sites))]
        codes = [*kinds, "-"]
        labels = [*kinds, "(no site)"]
        agents = []
        for k in kinds:
            mask = np.array([s == k for s in sites.kinds])
            total = float(np.nansum(sites.agents[mask])) if mask.any() else 0.0
            agents.append(total or None)
        agents.append(None)
    else:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(BY_CHOICES)}")
    n = len(codes)
    sums = carbon.group_sum(share, keys, n)
    counts = carbon.count_by(keys, n, contributing)
    wsum = np.bincount(keys[held], weights=weights[held], minlength=n)
    rows = [
        EstimateRow(codes[i], labels[i], int(counts[i]), float(wsum[i]), sums[i], agents[i], tp)
        for i in range(n)
    ]
    return [r for r in rows if r.devices or r.weight_kg or r.phases.any()]


def _only_phase(share: np.ndarray, i: int) -> np.ndarray:
    out = np.zeros(share.shape[:2])
    out[i] = share[i].sum(axis=1)
    return out


def grid_notes(factor_set: FactorSet, years: range, zones: list[str] | None = None) -> list[str]:
    """Say which years of ``years`` take the nearest known grid intensity."""
    from sobriety.i18n import _

    notes = []
    table = carbon.grid_table(factor_set)
    for code in zones or list(table.zones):
        first, last = table.known_years[code]
        before = [y for y in years if y < first]
        after = [y for y in years if y > last]
        if before:
            notes.append(
                _("Grid intensity of {zone} before {first}: the {first} value.").format(
                    zone=code, first=first
                )
            )
        if after:
            notes.append(
                _("Grid intensity of {zone} after {last}: the {last} value.").format(
                    zone=code, last=last
                )
            )
    return notes


def by_year(
    fleet: carbon.CarbonFleet,
    factor_set: FactorSet,
    years: range,
    *,
    mode: str = "amortised",
    as_of: dt.date | None = None,
    grid_zone: str | None = None,
) -> list[EstimateRow]:
    """One row per calendar year: the fleet's emissions attributed to that year."""
    as_of = as_of or dt.date.today()
    terms = carbon.resolve(fleet, factor_set, as_of=as_of, grid_zone=grid_zone)
    agents = float(np.nansum(fleet.sites.agents)) if len(fleet.sites) else None
    rows = []
    tp = total_phases(mode)
    for year in years:
        share = carbon.year_share(terms, factor_set, year, mode)
        if mode == "acquisition":
            contributing = int(carbon.acquired_in(terms, year).sum())
        else:
            contributing = int((share[:, 0, :].sum(axis=0) > 0).sum())
        rows.append(
            EstimateRow(
                str(year), str(year), contributing, 0.0, share.sum(axis=2), agents or None, tp
            )
        )
    return rows


PHASE_LABELS = {
    "manufacturing": N_("Manufacturing"),
    "distribution": N_("Distribution"),
    "use": N_("Use"),
    "end_of_life": N_("End of life"),
}
