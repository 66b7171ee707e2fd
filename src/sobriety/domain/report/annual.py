"""The annual numérique-responsable report's figures, as one JSON-ready dictionary.

:func:`annual_figures` computes every figure the report shows for a year from
:class:`ReportInputs` (the carbon engine's fleet, the reuse history, a few
more device columns, the factors, the policy and the purchase targets). The
PDF, the HTML page and the JSON file are all rendered from that one
dictionary, so they show the same numbers.

The figures reuse the existing computations rather than copies of them:
the carbon estimates (:func:`~sobriety.domain.carbon.breakdown.estimate_fleet`,
:func:`~sobriety.domain.carbon.breakdown.breakdown`), the purchase share and
devices per agent (:mod:`sobriety.domain.report.kpis`), the décret 2023-266
rate (:func:`~sobriety.domain.reuse.rate.compute_reuse_rate`), the avoided
emissions (:mod:`sobriety.domain.carbon.avoided`) and the lifespan what-if
(:mod:`sobriety.domain.carbon.whatif`). Section builders are in
:mod:`sobriety.domain.report.sections`.

Figures of the fleet's *state* (counts, stock, failures) describe the
inventory on the day the report is produced; figures of *flows* (retirements,
transfers, purchases, emissions) are those of the calendar year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import FleetEstimate, estimate_fleet
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet
from sobriety.domain.report import kpis
from sobriety.domain.report.objectives import Assessment, Objectives, assess
from sobriety.domain.reuse.policy import Policy
from sobriety.domain.reuse.rate import History, ReuseRate, compute_reuse_rate
from sobriety.domain.vocab import Channel, Status
from sobriety.i18n import N_, _

SCHEMA = "sobriety.annual-report/1"
#: ``progress(text, done, total)``
Progress = Callable[[str, float, float], None]


@dataclass
class FleetExtra:
    """Device columns the carbon fleet does not carry, aligned with its rows (id order)."""

    model: np.ndarray  # object: "Maker Model" ("" when unknown)
    condition: np.ndarray  # object: condition values
    #: days since 1970 each device in stock entered the stock (nan: unknown / not in stock)
    stock_since: np.ndarray
    erasure_day: np.ndarray  # float days of each erasure record
    erasure_method: np.ndarray  # object
    erasure_level: np.ndarray  # object

    @classmethod
    def empty(cls, n: int) -> FleetExtra:
        obj = np.array([""] * n, dtype=object)
        return cls(obj, np.array(["working"] * n, dtype=object), np.full(n, np.nan),
                   np.zeros(0), np.zeros(0, dtype=object), np.zeros(0, dtype=object))  # fmt: skip


@dataclass
class ReportInputs:
    fleet: carbon.CarbonFleet
    factor_set: FactorSet
    targets: kpis.PurchaseTargets
    history: History
    policy: Policy
    extra: FleetExtra
    on: dt.date
    grid_zone: str | None = None
    _estimates: dict[tuple[int, str], FleetEstimate] = field(default_factory=dict, repr=False)
    _rates: dict[int, ReuseRate] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if len(self.history.category) != len(self.fleet):
            raise ValueError("the reuse history and the fleet must hold the same devices")

    def estimate(self, year: int, mode: str = "amortised") -> FleetEstimate:
        key = (year, mode)
        if key not in self._estimates:
            self._estimates[key] = estimate_fleet(
                self.fleet, self.factor_set, year=year, mode=mode, as_of=self.on,
                grid_zone=self.grid_zone,
            )  # fmt: skip
        return self._estimates[key]

    def reuse_rate(self, year: int) -> ReuseRate:
        if year not in self._rates:
            self._rates[year] = compute_reuse_rate(self.history, self.policy, year)
        return self._rates[year]

    @property
    def terms(self) -> carbon.DeviceTerms:
        """Every device's resolved factors (the same for every year of the report)."""
        if not self._estimates:
            self.estimate(self.on.year)
        return next(iter(self._estimates.values())).terms

    def total_kg(self, year: int, mode: str = "amortised") -> np.ndarray:
        """(3,) kgCO2e of ``year``: the estimate's total, without estimating anew."""
        if (year, mode) in self._estimates:
            return self._estimates[(year, mode)].total
        return carbon.year_share(self.terms, self.factor_set, year, mode).sum(axis=(0, 2))

    @property
    def agents(self) -> float:
        return kpis.devices_per_agent(self.fleet).agents


def _jan1(year: int) -> np.datetime64:
    return np.datetime64(dt.date(year, 1, 1), "D")


def has_data(inputs: ReportInputs, year: int) -> bool:
    """Whether the inventory holds anything about ``year``: a device acquired by its end,
    or a retirement or transfer during it. A year after today has none."""
    if year > inputs.on.year:
        return False
    f = inputs.fleet
    if bool((f.acquired < carbon.year_start(year + 1)).any()):
        return True
    ys, ye = carbon.year_start(year), carbon.year_start(year + 1)
    if bool(((f.retired >= ys) & (f.retired < ye)).any()):
        return True
    h = inputs.history
    jan1, next1 = _jan1(year), _jan1(year + 1)
    return bool(((h.event_date >= jan1) & (h.event_date < next1)).any())


# --------------------------------------------------------------------------
# Flows of a year, shared by the indicators and the sections


def transfers_of(inputs: ReportInputs, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, channels) of the devices that left through a channel during ``year``
    (each device once: its last transfer of the year)."""
    h = inputs.history
    sel = (h.transfer_date >= _jan1(year)) & (h.transfer_date < _jan1(year + 1))
    rows, chans, dates = h.transfer_row[sel], h.transfer_channel[sel], h.transfer_date[sel]
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    order = np.lexsort((dates, rows))
    rows, chans = rows[order], chans[order]
    last = np.r_[rows[1:] != rows[:-1], True]
    return rows[last], chans[last]


def weee_tonnes(inputs: ReportInputs, year: int) -> float:
    """Tonnes of devices sent to recycling (WEEE) during ``year``."""
    rows, chans = transfers_of(inputs, year)
    recycled = rows[chans == Channel.RECYCLE.value]
    return float(inputs.terms.weight_kg[recycled].sum()) / 1000.0


def retirements(inputs: ReportInputs, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, age in years) of the devices retired during ``year`` with a known acquisition."""
    f = inputs.fleet
    ys, ye = carbon.year_start(year), carbon.year_start(year + 1)
    sel = (f.retired >= ys) & (f.retired < ye) & ~np.isnan(f.acquired)
    rows = np.flatnonzero(sel)
    return rows, (f.retired[rows] - f.acquired[rows]) / DAYS_PER_YEAR


def stock_rate_pct(inputs: ReportInputs) -> float | None:
    """Devices in stock among the devices in service, in stock or in repair (today)."""
    st = inputs.fleet.status
    active = np.isin(st, [carbon.STATUSES.index(s.value) for s in kpis.ACTIVE_STATUSES])
    stock = st == carbon.STATUSES.index(Status.IN_STOCK.value)
    n = int(active.sum())
    return float(stock.sum()) / n * 100.0 if n else None


def indicator_values(
    inputs: ReportInputs, year: int, *, state: bool | None = None
) -> dict[str, float | None]:
    """Every value an objective can follow, for ``year`` (keys: ``Objective.key``).

    ``state``: whether the fleet's state today stands for that year (the report's
    year, default: this year); the stock rate is None otherwise.
    """
    state = year == inputs.on.year if state is None else state
    out: dict[str, float | None] = {}
    out["reuse_rate_pct"] = inputs.reuse_rate(year).rate_pct
    out["refurbished_purchase_share_pct"] = kpis.purchase_share(
        inputs.fleet, year, inputs.targets
    ).share_pct
    rows, ages = retirements(inputs, year)
    cats = inputs.factor_set.category_order
    for k, cat in enumerate(cats):
        mine = ages[inputs.fleet.category[rows] == k]
        out[f"retirement_age_years:{cat}"] = float(mine.mean()) if len(mine) else None
    out["retirement_age_years"] = float(ages.mean()) if len(ages) else None
    agents = inputs.agents
    total = inputs.total_kg(year)
    out["tco2e_per_agent"] = float(total[0]) / 1000.0 / agents if agents else None
    out["tco2e"] = float(total[0]) / 1000.0
    out["stock_rate_pct"] = stock_rate_pct(inputs) if state else None
    out["weee_tonnes"] = weee_tonnes(inputs, year)
    return out


# --------------------------------------------------------------------------
# Key figures and their change from the previous year

KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("devices", N_("Devices held (in service, in stock, in repair)"), "devices"),
    ("devices_per_agent", N_("Devices in service per agent"), "ratio"),
    ("tco2e", N_("Emissions of the year, amortised (tCO2e)"), "tCO2e"),
    ("tco2e_per_agent", N_("Emissions per agent (tCO2e)"), "tCO2e"),
    ("reuse_rate_pct", N_("Reuse rate (décret 2023-266)"), "%"),
    ("refurbished_purchase_share_pct", N_("Refurbished purchases (AGEC art. 58)"), "%"),
    ("retirement_age_years", N_("Average age at retirement (years)"), "years"),
    ("weee_tonnes", N_("WEEE sent to recycling (t)"), "t"),
)


def key_values(inputs: ReportInputs, year: int, *, state: bool) -> dict[str, float | None]:
    """The key figures of ``year``; fleet-state figures only when ``state`` (see
    :func:`indicator_values`)."""
    values = indicator_values(inputs, year, state=state)
    active = np.isin(
        inputs.fleet.status, [carbon.STATUSES.index(s.value) for s in kpis.ACTIVE_STATUSES]
    )
    values["devices"] = float(active.sum()) if state else None
    values["devices_per_agent"] = kpis.devices_per_agent(inputs.fleet).ratio if state else None
    return {k: values.get(k) for k, _label, _unit in KEY_FIGURES}


def key_figures(
    current: Mapping[str, float | None],
    previous: Mapping[str, float | None] | None,
    previous_origin: str | None,
) -> list[dict[str, Any]]:
    out = []
    for key, text, unit in KEY_FIGURES:
        value = current.get(key)
        before = (previous or {}).get(key)
        change = None if value is None or before is None else value - before
        out.append(
            {
                "id": key,
                "label": _(text),
                "unit": unit,
                "value": value,
                "previous": before,
                "change": change,
                "previous_origin": previous_origin if before is not None else None,
            }
        )
    return out


# --------------------------------------------------------------------------
# Objectives


def assess_objectives(
    inputs: ReportInputs,
    year: int,
    objectives: Objectives,
    snapshots: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[Assessment]:
    """Each objective in ``year`` with its trajectory: a past year's values are those
    published in its snapshot when there is one, else computed on today's data."""
    snapshots = snapshots or {}
    first = min(objectives.first_year or year, year)
    values: dict[int, dict[str, float | None]] = {}
    origins: dict[int, str] = {}
    for y in range(first, year + 1):
        snap = snapshots.get(y) if y != year else None
        if snap is not None and "indicators" in snap:
            values[y], origins[y] = dict(snap["indicators"]), "snapshot"
        elif y == year or has_data(inputs, y):
            values[y] = indicator_values(inputs, y, state=y == year)
            origins[y] = "computed"
    return assess(objectives, year, values, origins)


def clean(value: Any) -> Any:
    """The figures with NaN and infinities as None, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------
# The whole report


def annual_figures(
    inputs: ReportInputs,
    year: int,
    objectives: Objectives,
    *,
    snapshots: Mapping[int, Mapping[str, Any]] | None = None,
    renewal: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of the report of ``year`` (a JSON-ready dictionary).

    ``snapshots[y]`` holds the figures published for year ``y`` (a stored
    report): the change from the previous year and the objectives'
    trajectories take them over today's data, so that the report compares
    with what was published. ``renewal`` is the renewal plan's section.
    """
    from sobriety.domain.report import sections

    snapshots = snapshots or {}
    total_steps = 9.0

    def step(text: str, done: float) -> None:
        if progress is not None:
            progress(text, done, total_steps)

    step(_("Key figures"), 0)
    current = key_values(inputs, year, state=True)
    prev_snapshot = snapshots.get(year - 1)
    if prev_snapshot is not None:
        previous = {k["id"]: k["value"] for k in prev_snapshot.get("key_figures", [])}
        origin = "published"
    elif has_data(inputs, year - 1):
        previous, origin = key_values(inputs, year - 1, state=False), "recomputed"
    else:
        previous, origin = None, None

    step(_("Objectives"), 1)
    assessments = assess_objectives(inputs, year, objectives, snapshots)

    fs = inputs.factor_set
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "year": year,
        "produced_on": inputs.on.isoformat(),
        "factor_set": fs.version,
        "grid": inputs.grid_zone or "per site country",
        "indicators": indicator_values(inputs, year, state=True),
        "key_figures": key_figures(current, previous, origin),
        "objectives": {
            "path": objectives.path,
            "rule": objectives.rule,
            "rule_text": objectives.rule_text,
            "items": [a.as_dict() for a in assessments],
        },
    }
    step(_("Fleet"), 2)
    out["fleet"] = sections.fleet_section(inputs)
    step(_("Lifespans"), 3)
    out["lifespans"] = sections.lifespan_section(inputs, year, objectives)
    step(_("Carbon"), 4)
    out["carbon"] = sections.carbon_section(inputs, year)
    step(_("Purchases"), 5)
    out["purchases"] = sections.purchase_section(inputs, year)
    step(_("Outflows"), 6)
    out["outflows"] = sections.outflow_section(inputs, year)
    step(_("Lifespan what-if"), 7)
    out["what_if"] = sections.what_if_section(inputs, year)
    out["renewal"] = dict(renewal) if renewal is not None else None
    out["methodology"] = sections.methodology_section(inputs, year, objectives)
    step(_("Done"), total_steps)
    return clean(out)
