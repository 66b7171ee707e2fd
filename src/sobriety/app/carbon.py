"""Use cases of the carbon footprint: the fleet's estimate, one device's explanation, what-ifs.

Each function takes the application object and plain arguments, checks the
choices it is given (:class:`InvalidInput`, a ``ValueError`` naming the
parameter), reads the fleet and returns a plain result that carries its output
shape (:meth:`as_dict` for JSON, :meth:`csv_rows` where a table makes sense):
the CLI, the TUI and the reports render the same figures. The checks of the
choices and the rounding live in :mod:`sobriety.app.carbon_common`, the what-if
in :mod:`sobriety.app.carbon_whatif` (both re-exported here).

The grid zone is :meth:`Sobriety.grid_zone`: the ``grid`` argument, else the
``SOBRIETY_GRID`` setting, else each site's country. The state date
(``as_of``) defaults to the application's today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.app.carbon_common import (
    EUR_DECIMALS,
    KG_DECIMALS,
    GridChoice,
    InvalidInput,
    _bounds,
    _count,
    _round,
    check_choice,
    grid_choice,
    grid_zone,
)
from sobriety.app.carbon_whatif import MAX_HORIZON, WhatIf, what_if
from sobriety.domain.carbon.breakdown import BY_CHOICES
from sobriety.domain.carbon.engine import MODES
from sobriety.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.breakdown import EstimateRow
    from sobriety.domain.carbon.engine import CarbonFleet
    from sobriety.domain.carbon.explain import DeviceExplanation
    from sobriety.storage.carbon_fleet import DeviceHeader

__all__ = [
    "BY_CHOICES",
    "EUR_DECIMALS",
    "KG_DECIMALS",
    "MAX_HORIZON",
    "MODES",
    "DeviceCarbon",
    "Estimate",
    "GridChoice",
    "InvalidInput",
    "WhatIf",
    "check_choice",
    "estimate",
    "explain_device",
    "grid_choice",
    "grid_zone",
    "what_if",
]

#: Years of history at most in an estimate ``by="year"``.
MAX_HISTORY_YEARS = 14


def row_label(row: EstimateRow, by: str) -> str:
    """The row's name in the active language (its stable key stays in ``key``)."""
    from sobriety.domain.carbon.breakdown import PHASE_LABELS
    from sobriety.domain.labels import label

    if by == "phase":
        return _(PHASE_LABELS[row.key])
    if by in ("site", "site-kind") and row.key == "-":
        return _("(no site)")
    if by == "site-kind":
        return label("site_kind", row.key)
    if by == "category":
        text = label("category", row.key)
        return row.label if text == row.key else text  # a category of the user's factor set
    return row.label


def _row_dict(r: EstimateRow, by: str) -> dict[str, Any]:
    from sobriety.domain.carbon import engine as carbon

    return {
        "key": r.key,
        "label": row_label(r, by),
        "devices": r.devices,
        "weee_kg": round(r.weight_kg, 3),
        "agents": _count(r.agents),
        **{phase: _bounds(r.phases[i]) for i, phase in enumerate(carbon.PHASES)},
        "total": _bounds(r.total),
        "per_agent": None if r.per_agent is None else _bounds(r.per_agent),
    }


# ---------------------------------------------------------------- the fleet


@dataclass(frozen=True)
class FleetTotals:
    """The whole fleet's figures of an estimate (kgCO2e: value, low, high)."""

    #: (4 phases, 3 bounds) attributed to the year.
    phases: np.ndarray
    #: (3,) attributed to the year.
    total: np.ndarray
    #: (3,) over the whole life of the devices.
    lifetime: np.ndarray
    agents: float
    #: ``{"held": kg, "retired_awaiting": kg}``
    weee_kg: dict[str, float]

    @property
    def per_agent(self) -> np.ndarray | None:
        return self.total / self.agents if self.agents else None


@dataclass(frozen=True)
class Estimate:
    """The fleet's emissions of ``year`` grouped ``by`` one key (kgCO2e)."""

    year: int
    mode: str
    by: str
    as_of: dt.date
    factor_version: str
    #: The one zone of every site (None: each site's country).
    grid: str | None
    rows: list[EstimateRow]
    notes: list[str]
    #: The fleet's totals (None for ``by="year"``: the rows are years).
    totals: FleetTotals | None = None
    #: The grid series used: id, label, release, source and its citation.
    grid_series: dict[str, Any] | None = None
    #: The first year of the rows (``by="year"``), else ``year``.
    first_year: int | None = None

    @property
    def mode_label(self) -> str:
        """English source of the mode's name (translate with ``_()``)."""
        from sobriety.domain.carbon import engine as carbon

        return carbon.MODE_LABELS[self.mode]

    @property
    def title_years(self) -> str:
        """The years the figures cover: ``2024`` or ``2012-2024`` (``by="year"``)."""
        first = self.first_year if self.first_year is not None else self.year
        return str(self.year) if first == self.year else f"{first}-{self.year}"

    @property
    def separate_phases(self) -> tuple[str, ...]:
        """Phases outside the total, reported apart (acquisition mode: use, end of life)."""
        from sobriety.domain.carbon import engine as carbon

        if self.mode != "acquisition":
            return ()
        return tuple(p for i, p in enumerate(carbon.PHASES) if i not in carbon.CRADLE_TO_GATE)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety estimate --format json`` (kgCO2e to the gram)."""
        from sobriety.domain.carbon import engine as carbon

        out: dict[str, Any] = {
            "year": self.year,
            "years": self.title_years,
            "mode": self.mode,
            "mode_label": self.mode_label,
            "unit": "kgCO2e",
            "precision": f"{KG_DECIMALS} decimals",
            "factor_set": self.factor_version,
            "grid": self.grid or "per site country",
            "grid_series": self.grid_series,
            "by": self.by,
            "ghg_categories": dict(carbon.PHASE_GHG),
            "total_phases": [carbon.PHASES[i] for i in _total_phases(self.mode)],
            "rows": [_row_dict(r, self.by) for r in self.rows],
            "notes": list(self.notes),
        }
        if self.totals is not None:
            out["total"] = _bounds(self.totals.total)
            out["lifetime_total"] = _bounds(self.totals.lifetime)
            out["agents"] = _count(self.totals.agents)
            out["weee_kg"] = {k: round(v, 3) for k, v in self.totals.weee_kg.items()}
            if self.separate_phases:
                out["reported_separately"] = {
                    p: {
                        **_bounds(self.totals.phases[carbon.PHASES.index(p)]),
                        "ghg_category": carbon.PHASE_GHG[p],
                    }
                    for p in self.separate_phases
                }
        return out

    def csv_rows(self) -> list[list[Any]]:
        """The header and one line per row (``sobriety estimate --format csv``).

        ``label`` is the row's name in the active language, next to its key.
        """
        from sobriety.domain.carbon import engine as carbon

        head = ["key", "label", "devices", "weee_kg"]
        for phase in (*carbon.PHASES, "total"):
            head += [f"{phase}_kgco2e", f"{phase}_low", f"{phase}_high"]
        lines: list[list[Any]] = [[*head, "agents", "per_agent_kgco2e"]]
        from sobriety.domain.formula_guard import neutralise  # site names are typed by users

        for r in self.rows:
            line: list[Any] = [neutralise(r.key), neutralise(row_label(r, self.by)), r.devices]
            line.append(round(r.weight_kg, 3))
            for arr in (*r.phases, r.total):
                line += [_round(float(x), KG_DECIMALS) for x in arr]
            pa = r.per_agent
            line += [
                _count(r.agents) if r.agents else "",
                "" if pa is None else _round(float(pa[0]), KG_DECIMALS),
            ]
            lines.append(line)
        return lines


def _total_phases(mode: str) -> tuple[int, ...]:
    from sobriety.domain.carbon.breakdown import total_phases

    return total_phases(mode)


def _first_year(fleet: CarbonFleet, year: int) -> int:
    """The first year of a history ending in ``year``: the oldest acquisition (14 years at most)."""
    import numpy as np

    acquired = fleet.acquired[~np.isnan(fleet.acquired)]
    if not len(acquired):
        return year
    first = (np.datetime64("1970-01-01") + np.timedelta64(int(acquired.min()), "D")).astype(
        "datetime64[Y]"
    )
    return max(int(str(first)), year - MAX_HISTORY_YEARS)


def estimate(
    app: Sobriety,
    *,
    year: int | None = None,
    mode: str = "amortised",
    by: str = "category",
    as_of: dt.date | None = None,
    grid: str | None = None,
    grid_series: str | None = None,
) -> Estimate:
    """The fleet's emissions of ``year`` (default: the year before ``as_of``) grouped ``by``.

    ``by`` is one of :data:`BY_CHOICES`; ``"year"`` gives one row per year
    from the oldest acquisition (14 years at most) to ``year``. The grid
    series is :func:`grid_choice` (``grid_series``, else the setting, else the
    factor set's default); the result names it.
    """
    from sobriety.domain.carbon.breakdown import breakdown, by_year, estimate_fleet, grid_notes
    from sobriety.storage.carbon_fleet import read_fleet

    check_choice("mode", mode, MODES)
    check_choice("by", by, BY_CHOICES)
    choice = grid_choice(app, grid, grid_series)
    fs, zone = choice.factor_set, choice.zone
    state = as_of or app.today()
    year = year or state.year - 1
    fleet = read_fleet(app.engine, fs, prices=False)
    if by == "year":
        years = range(_first_year(fleet, year), year + 1)
        rows = by_year(fleet, fs, years, mode=mode, as_of=state, grid_zone=zone)
        zones = [zone] if zone else sorted({fs.grid.zone_for(c) for c in fleet.sites.countries})
        notes = [
            *choice.notes,
            *fleet.notes,
            *grid_notes(fs, years, zones or [fs.grid.default_zone]),
        ]
        return Estimate(
            year,
            mode,
            by,
            state,
            fs.version,
            zone,
            rows,
            notes,
            None,
            choice.as_dict(),
            first_year=years[0],
        )
    est = estimate_fleet(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=zone)
    totals = FleetTotals(
        phases=est.share.sum(axis=2),
        total=est.total,
        lifetime=est.lifetime_total.sum(axis=0),
        agents=est.agents,
        weee_kg=est.weee_kg,
    )
    rows = breakdown(est, fs, by)
    notes = [*choice.notes, *est.notes]
    return Estimate(
        year,
        mode,
        by,
        state,
        fs.version,
        zone,
        rows,
        notes,
        totals,
        choice.as_dict(),
        first_year=year,
    )


# ---------------------------------------------------------------- one device


@dataclass(frozen=True)
class DeviceCarbon:
    """One device's footprint of ``year``, term by term with every input and its source."""

    header: DeviceHeader
    year: int
    mode: str
    as_of: dt.date
    explanation: DeviceExplanation

    @property
    def zone(self) -> str:
        return self.explanation.zone

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety estimate --device TAG --format json``."""
        exp = self.explanation
        return {
            "asset_tag": self.header.asset_tag,
            "year": self.year,
            "mode": self.mode,
            "unit": "kgCO2e",
            "zone": exp.zone,
            "weight_kg": exp.weight_kg,
            "terms": [
                {
                    "phase": t.phase,
                    "formula": t.formula,
                    "inputs": [vars(i) for i in t.inputs],
                    "year": _bounds(t.year),
                    "lifetime": _bounds(t.lifetime),
                }
                for t in exp.terms
            ],
            "year_total": _bounds(exp.year_total),
            "lifetime_total": _bounds(exp.lifetime_total),
            "notes": list(exp.notes),
        }


def explain_device(
    app: Sobriety,
    asset_tag: str,
    *,
    year: int | None = None,
    mode: str = "amortised",
    as_of: dt.date | None = None,
    grid: str | None = None,
    grid_series: str | None = None,
) -> DeviceCarbon:
    """How ``asset_tag``'s emissions of ``year`` (default: the year before ``as_of``) add up.

    Raises :class:`~sobriety.storage.devices.NotFoundError` (a ``LookupError``)
    for an unknown asset tag.
    """
    from sobriety.domain.carbon.explain import explain_device as explain
    from sobriety.storage.carbon_fleet import device_header, read_fleet
    from sobriety.storage.devices import NotFoundError

    check_choice("mode", mode, MODES)
    choice = grid_choice(app, grid, grid_series)
    fs, zone = choice.factor_set, choice.zone
    state = as_of or app.today()
    year = year or state.year - 1
    header = device_header(app.engine, asset_tag)
    if header is None:
        raise NotFoundError(_("no device with asset tag {tag!r}").format(tag=asset_tag))
    fleet = read_fleet(app.engine, fs, asset_tag=asset_tag)
    exp = explain(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=zone)
    return DeviceCarbon(header, year, mode, state, exp)
