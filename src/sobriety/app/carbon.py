"""Use cases of the carbon footprint: the fleet's estimate, one device's explanation, what-ifs.

Each function takes the application object and plain arguments, checks the
choices it is given (:class:`InvalidInput`, a ``ValueError`` naming the
parameter), reads the fleet and returns a plain result that carries its output
shape (:meth:`as_dict` for JSON, :meth:`csv_rows` where a table makes sense):
the CLI, the TUI and the reports render the same figures.

The grid zone is :meth:`Sobriety.grid_zone`: the ``grid`` argument, else the
``SOBRIETY_GRID`` setting, else each site's country. The state date
(``as_of``) defaults to the application's today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.domain.carbon.breakdown import BY_CHOICES
from sobriety.domain.carbon.engine import MODES
from sobriety.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.breakdown import EstimateRow
    from sobriety.domain.carbon.engine import CarbonFleet
    from sobriety.domain.carbon.explain import DeviceExplanation
    from sobriety.domain.carbon.whatif import WhatIfResult
    from sobriety.storage.carbon_fleet import DeviceHeader

__all__ = [
    "BY_CHOICES",
    "MODES",
    "DeviceCarbon",
    "Estimate",
    "InvalidInput",
    "WhatIf",
    "check_choice",
    "estimate",
    "explain_device",
    "grid_zone",
    "what_if",
]

#: Longest what-if horizon, in years.
MAX_HORIZON = 30
#: Years of history at most in an estimate ``by="year"``.
MAX_HISTORY_YEARS = 14


class InvalidInput(ValueError):
    """An argument of a use case is not acceptable; ``field`` names it (None: the whole).

    ``field`` is the parameter as the user knows it (``mode``, ``site-kind``,
    ``manufacturing_kgco2e``...); ``detail`` says what was expected.
    """

    def __init__(self, field: str | None, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(
            _("{label}: {value}").format(label=field, value=detail) if field else detail
        )


def check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    """Raise :class:`InvalidInput` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise InvalidInput(
            name,
            _("{value!r} is not one of {choices}").format(value=value, choices=", ".join(choices)),
        )


def grid_zone(app: Sobriety, grid: str | None) -> str | None:
    """The zone of every site's use phase: ``grid``, else the setting (None: each site's)."""
    zones = list(app.factors.grid.zones)
    if grid is not None and grid.upper() not in zones:
        raise InvalidInput(
            "grid",
            _("{value!r} is not one of {choices}").format(value=grid, choices=", ".join(zones)),
        )
    return app.grid_zone(grid)


def _bounds(values: Any) -> dict[str, float]:
    """``{"value": .., "low": .., "high": ..}`` of a (3,) array or tuple."""
    return dict(zip(("value", "low", "high"), map(float, values), strict=True))


def _row_dict(r: EstimateRow) -> dict[str, Any]:
    from sobriety.domain.carbon import engine as carbon

    return {
        "key": r.key,
        "label": r.label,
        "devices": r.devices,
        "weee_kg": round(r.weight_kg, 3),
        "agents": r.agents,
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

    @property
    def mode_label(self) -> str:
        """English source of the mode's name (translate with ``_()``)."""
        from sobriety.domain.carbon import engine as carbon

        return carbon.MODE_LABELS[self.mode]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety estimate --format json``."""
        out: dict[str, Any] = {
            "year": self.year,
            "mode": self.mode,
            "mode_label": self.mode_label,
            "unit": "kgCO2e",
            "factor_set": self.factor_version,
            "grid": self.grid or "per site country",
            "by": self.by,
            "rows": [_row_dict(r) for r in self.rows],
            "notes": list(self.notes),
        }
        if self.totals is not None:
            out["total"] = _bounds(self.totals.total)
            out["lifetime_total"] = _bounds(self.totals.lifetime)
            out["agents"] = self.totals.agents
            out["weee_kg"] = self.totals.weee_kg
        return out

    def csv_rows(self) -> list[list[Any]]:
        """The header and one line per row (``sobriety estimate --format csv``)."""
        from sobriety.domain.carbon import engine as carbon

        head = ["key", "label", "devices", "weee_kg"]
        for phase in (*carbon.PHASES, "total"):
            head += [f"{phase}_kgco2e", f"{phase}_low", f"{phase}_high"]
        lines: list[list[Any]] = [[*head, "agents", "per_agent_kgco2e"]]
        from sobriety.domain.formula_guard import neutralise  # site names are typed by users

        for r in self.rows:
            line: list[Any] = [neutralise(r.key), neutralise(r.label), r.devices]
            line.append(round(r.weight_kg, 3))
            for arr in (*r.phases, r.total):
                line += [round(float(x), 3) for x in arr]
            pa = r.per_agent
            line += [r.agents if r.agents else "", "" if pa is None else round(float(pa[0]), 3)]
            lines.append(line)
        return lines


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
) -> Estimate:
    """The fleet's emissions of ``year`` (default: the year before ``as_of``) grouped ``by``.

    ``by`` is one of :data:`BY_CHOICES`; ``"year"`` gives one row per year
    from the oldest acquisition (14 years at most) to ``year``.
    """
    from sobriety.domain.carbon.breakdown import breakdown, by_year, estimate_fleet, grid_notes
    from sobriety.storage.carbon_fleet import read_fleet

    check_choice("mode", mode, MODES)
    check_choice("by", by, BY_CHOICES)
    fs = app.factors
    zone = grid_zone(app, grid)
    state = as_of or app.today()
    year = year or state.year - 1
    fleet = read_fleet(app.engine, fs, prices=False)
    if by == "year":
        years = range(_first_year(fleet, year), year + 1)
        rows = by_year(fleet, fs, years, mode=mode, as_of=state, grid_zone=zone)
        zones = [zone] if zone else sorted({fs.grid.zone_for(c) for c in fleet.sites.countries})
        notes = [*fleet.notes, *grid_notes(fs, years, zones or [fs.grid.default_zone])]
        return Estimate(year, mode, by, state, fs.version, zone, rows, notes)
    est = estimate_fleet(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=zone)
    totals = FleetTotals(
        phases=est.share.sum(axis=2),
        total=est.total,
        lifetime=est.lifetime_total.sum(axis=0),
        agents=est.agents,
        weee_kg=est.weee_kg,
    )
    rows = breakdown(est, fs, by)
    return Estimate(year, mode, by, state, fs.version, zone, rows, list(est.notes), totals)


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
) -> DeviceCarbon:
    """How ``asset_tag``'s emissions of ``year`` (default: the year before ``as_of``) add up.

    Raises :class:`~sobriety.storage.devices.NotFoundError` (a ``LookupError``)
    for an unknown asset tag.
    """
    from sobriety.domain.carbon.explain import explain_device as explain
    from sobriety.storage.carbon_fleet import device_header, read_fleet
    from sobriety.storage.devices import NotFoundError

    check_choice("mode", mode, MODES)
    fs = app.factors
    zone = grid_zone(app, grid)
    state = as_of or app.today()
    year = year or state.year - 1
    header = device_header(app.engine, asset_tag)
    if header is None:
        raise NotFoundError(_("no device with asset tag {tag!r}").format(tag=asset_tag))
    fleet = read_fleet(app.engine, fs, asset_tag=asset_tag)
    exp = explain(fleet, fs, year=year, mode=mode, as_of=state, grid_zone=zone)
    return DeviceCarbon(header, year, mode, state, exp)


# ---------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIf:
    """Devices kept longer: purchases, kgCO2e and euros avoided per year."""

    result: WhatIfResult
    as_of: dt.date

    @property
    def per_year(self) -> np.ndarray:
        """(3,) kgCO2e avoided per year on average."""
        return self.result.per_year_kgco2e

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety estimate what-if --format json``."""
        res = self.result
        return {
            "extra_years": res.extra_years,
            "categories": res.categories,
            "site_kinds": res.site_kinds,
            "devices_in_scope": res.devices_in_scope,
            "observed_purchases_per_year": res.observed_purchases_per_year,
            "unit": "kgCO2e",
            "years": [
                {
                    "year": y.year,
                    "baseline_purchases": y.baseline_purchases,
                    "scenario_purchases": y.scenario_purchases,
                    "avoided_purchases": y.avoided_purchases,
                    "avoided": _bounds(y.avoided_kgco2e),
                    "avoided_eur": y.avoided_eur,
                }
                for y in res.years
            ],
            "per_year": _bounds(self.per_year),
            "per_year_eur": res.per_year_eur,
            "unpriced_devices": res.unpriced_devices,
        }


def what_if(
    app: Sobriety,
    *,
    extend: float,
    categories: Sequence[str] | None = None,
    site_kinds: Sequence[str] | None = None,
    horizon: int = 5,
    start: int | None = None,
    as_of: dt.date | None = None,
) -> WhatIf:
    """Keep the devices in scope ``extend`` years longer over ``horizon`` years from ``start``."""
    from sobriety.domain.carbon.whatif import lifespan_what_if
    from sobriety.domain.vocab import SiteKind
    from sobriety.storage.carbon_fleet import read_fleet

    fs = app.factors
    for c in categories or []:
        check_choice("category", c, fs.category_order)
    for k in site_kinds or []:
        check_choice("site-kind", k, [s.value for s in SiteKind])
    if extend <= 0:
        raise InvalidInput("extend", _("a number of years above 0 is expected"))
    if horizon < 1 or horizon > MAX_HORIZON:
        raise InvalidInput("horizon", _("between 1 and 30 years"))
    state = as_of or app.today()
    fleet = read_fleet(app.engine, fs)
    res = lifespan_what_if(
        fleet,
        fs,
        extra_years=extend,
        categories=list(categories) if categories else None,
        site_kinds=list(site_kinds) if site_kinds else None,
        horizon=horizon,
        start_year=start,
        as_of=state,
    )
    return WhatIf(res, state)
