"""Explain one device's estimate term by term: factor, unit, source, formula, result.

The numbers come from the same vectorised engine as the fleet estimate (a
one-device fleet), so the explanation always matches the totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, Factor, FactorSet
from sobriety.domain.labels import inline, label
from sobriety.i18n import _, colon, fmt_number, pgettext
from sobriety.units import Q_


@dataclass(frozen=True)
class ExplainInput:
    """One input of a term: what it is, its value with unit, where it comes from."""

    label: str
    value: str
    source: str


@dataclass(frozen=True)
class ExplainTerm:
    phase: str
    formula: str
    inputs: list[ExplainInput]
    lifetime: tuple[float, float, float]
    year: tuple[float, float, float]


@dataclass(frozen=True)
class DeviceExplanation:
    year: int
    mode: str
    terms: list[ExplainTerm]
    weight_kg: float
    zone: str
    notes: list[str]

    @property
    def year_total(self) -> tuple[float, float, float]:
        arr = np.sum([t.year for t in self.terms], axis=0)
        return (float(arr[0]), float(arr[1]), float(arr[2]))

    @property
    def lifetime_total(self) -> tuple[float, float, float]:
        arr = np.sum([t.lifetime for t in self.terms], axis=0)
        return (float(arr[0]), float(arr[1]), float(arr[2]))


def _cite(factor_set: FactorSet, factor: Factor) -> str:
    src = factor_set.source(factor.source)
    return f"{src.publisher} ({src.year}) [{factor.source}]; {factor.where}"


def _fmt(x: float, digits: int = 2) -> str:
    """``12,34`` in French, ``12.34`` in English."""
    return fmt_number(float(x), digits)


def _sig(x: float) -> str:
    """Four significant digits in the locale's format (``170,3``), as factors are written."""
    text = f"{x:.4g}"
    if "e" in text:
        return text
    return fmt_number(float(text), len(text.split(".")[1]) if "." in text else 0)


def _unit(unit: str) -> str:
    """``kWh/an`` for ``kWh/year`` in French: the unit words translated, symbols kept."""
    words = {"year": pgettext("unit", "year"), "hour": pgettext("unit", "hour")}
    return "/".join(words.get(part, part) for part in unit.split("/"))


def _factor_text(factor: Factor) -> str:
    """``170,3 kgCO2e (136,2-281,4 kgCO2e)``: value and range in the unit it is written in."""
    number, _sep, unit = factor.text.partition(" ")
    unit = unit.strip() or factor.unit
    try:
        value = float(number)
        low = Q_(factor.low, factor.unit).to(unit).magnitude
        high = Q_(factor.high, factor.unit).to(unit).magnitude
    except Exception:
        return f"{factor.text} ({factor.range_text})"
    return f"{_sig(value)} {_unit(unit)} ({_sig(low)}-{_sig(high)} {_unit(unit)})"


def _cat_label(cat: str, fallback: str) -> str:
    text = label("category", cat)
    return fallback if text == cat else text


def _series_cite(factor_set: FactorSet) -> str:
    """``"series ademe_base_carbone (Base Carbone V23.6); "``: the grid series used."""
    grid = factor_set.grid
    if not grid.release:
        return ""
    return _("series {id} ({release}); ").format(id=grid.id, release=grid.release)


def explain_device(
    fleet: carbon.CarbonFleet,
    factor_set: FactorSet,
    *,
    year: int,
    mode: str = "amortised",
    as_of: dt.date | None = None,
    grid_zone: str | None = None,
) -> DeviceExplanation:
    """Explain device 0 of ``fleet`` (a one-device fleet built by the caller)."""
    as_of = as_of or dt.date.today()
    terms = carbon.resolve(fleet, factor_set, as_of=as_of, grid_zone=grid_zone)
    life = carbon.lifetime(terms, factor_set)[:, :, 0]
    share = carbon.year_share(terms, factor_set, year, mode)[:, :, 0]
    cat = factor_set.category_order[int(fleet.category[0])]
    cf = factor_set.categories[cat]
    mf = fleet.model_factors
    m = int(fleet.model[0])
    model_src = None
    if m >= 0:
        origins = " + ".join(label("factor_origin", o) for o in mf.origins[m].split("+"))
        quality = inline("factor_quality", mf.qualities[m]) if mf.qualities[m] else "-"
        model_src = f"{colon(mf.labels[m])} {mf.sources[m]} ({origins}, {quality})"

    def from_model(values: np.ndarray) -> bool:
        return m >= 0 and not np.isnan(values[m])

    def factor_inputs(phase: str, factor: Factor) -> list[ExplainInput]:
        """The model's own factor for ``phase`` when it has one, else the category default."""
        values = getattr(mf, phase) if m >= 0 else None
        if values is not None and from_model(values):
            return [ExplainInput(_("per-model factor"), f"{_fmt(values[m])} kgCO2e", model_src)]
        return [
            ExplainInput(
                _("category default ({cat})").format(cat=_cat_label(cat, cf.label)),
                _factor_text(factor),
                _cite(factor_set, factor),
            )
        ]

    acq_type = carbon.ACQUISITION_TYPES[int(fleet.acquisition_type[0])]
    table = carbon.grid_table(factor_set)
    zone = table.zones[int(terms.zone[0])]
    start = float(terms.start[0])
    amort = float(terms.amortisation_days[0])
    ys, ye = carbon.year_start(year), carbon.year_start(year + 1)
    if mode == "amortised":
        cut = float(terms.use_end_open[0])
        upper = start + amort if cut < ye else min(start + amort, ye)
        days_in = 0.0 if cut < ys else max(0.0, upper - max(start, ys))
        share_text = _(
            "x {days} days of {year} within the amortisation period / {period} days"
        ).format(days=_fmt(days_in, 1), year=year, period=_fmt(amort, 1))
    else:
        share_text = _(
            "counted whole in the year of acquisition (manufacturing, distribution) "
            "or of retirement (end of life)"
        )

    out: list[ExplainTerm] = []
    for i, phase in enumerate(("manufacturing", "distribution")):
        inputs = factor_inputs(phase, getattr(cf, phase))
        formula = _("factor") + " " + share_text
        if phase == "manufacturing" and acq_type in {a.value for a in carbon.SECOND_HAND}:
            rs = factor_set.refurbished_share(cat)
            inputs.append(
                ExplainInput(
                    _("refurbished share ({acq})").format(acq=inline("acquisition_type", acq_type)),
                    _factor_text(rs),
                    _cite(factor_set, rs),
                )
            )
            formula = _("factor x refurbished share") + " " + share_text
        out.append(ExplainTerm(phase, formula, inputs, tuple(life[i]), tuple(share[i])))

    # Use phase.
    energy = terms.energy[:, 0]
    if terms.measured[0]:
        inputs = [
            ExplainInput(
                _("measured power"), f"{_fmt(fleet.measured_power_w[0], 1)} W", _("device record")
            ),
            ExplainInput(
                _("hours of use a year"),
                _factor_text(cf.hours),
                _cite(factor_set, cf.hours),
            ),
        ]
        energy_formula = _("measured power x hours a year")
    elif m >= 0 and from_model(mf.yearly_energy):
        inputs = [
            ExplainInput(
                _("yearly energy (per model)"),
                f"{_fmt(mf.yearly_energy[m])} {_unit('kWh/year')}",
                model_src,
            )
        ]
        energy_formula = _("yearly energy")
    elif cf.yearly_energy is not None:
        inputs = [
            ExplainInput(
                _("yearly energy ({cat})").format(cat=_cat_label(cat, cf.label)),
                _factor_text(cf.yearly_energy),
                _cite(factor_set, cf.yearly_energy),
            )
        ]
        energy_formula = _("yearly energy")
    else:
        inputs = [
            ExplainInput(
                _("power ({cat})").format(cat=_cat_label(cat, cf.label)),
                _factor_text(cf.power),
                _cite(factor_set, cf.power),
            ),
            ExplainInput(_("hours a year"), _factor_text(cf.hours), _cite(factor_set, cf.hours)),
        ]
        energy_formula = _("power x hours a year")
    intensity, used_year = factor_set.grid.zones[zone].for_year(year)
    inputs.append(
        ExplainInput(
            _("resulting yearly energy"),
            f"{_fmt(energy[0])} {_unit('kWh/year')} ({_fmt(energy[1])}-{_fmt(energy[2])})",
            energy_formula,
        )
    )
    inputs.append(
        ExplainInput(
            _("grid intensity {zone} {year}").format(zone=zone, year=used_year),
            _factor_text(intensity),
            _series_cite(factor_set) + _cite(factor_set, intensity),
        )
    )
    use_end = min(float(terms.use_end_open[0]), ye)
    days_used = max(0.0, use_end - max(start, ys))
    inputs.append(
        ExplainInput(
            _("days in service in {year}").format(year=year),
            _fmt(days_used, 1),
            _("acquisition and retirement dates"),
        )
    )
    formula = _(
        "yearly energy x grid intensity of each year in service x years in service "
        "({days} / {dpy} in {year})"
    ).format(days=_fmt(days_used, 1), dpy=_fmt(DAYS_PER_YEAR, 2), year=year)
    out.append(ExplainTerm("use", formula, inputs, tuple(life[2]), tuple(share[2])))

    inputs = factor_inputs("end_of_life", cf.end_of_life)
    out.append(
        ExplainTerm(
            "end_of_life", _("factor") + " " + share_text, inputs, tuple(life[3]), tuple(share[3])
        )
    )

    notes = []
    if terms.assumed_start[0]:
        notes.append(_("No acquisition date: assumed half-way through the default lifespan."))
    if terms.fallback_zone[0]:
        notes.append(_("The site's country has no grid series: {zone} used.").format(zone=zone))
    if used_year != year:
        notes.append(
            _("Grid intensity of {year}: the {used} value (nearest known year).").format(
                year=year, used=used_year
            )
        )
    lifespan_years = amort / DAYS_PER_YEAR
    notes.append(
        _(
            "Amortisation period: {years} years, fixed at entry in the inventory ({kind}); "
            "a retirement before its end counts the rest in the retirement year."
        ).format(
            years=_fmt(lifespan_years, 2),
            kind=_("per-model lifespan") if from_model(mf.lifespan_years) else _("planned life"),
        )
    )
    return DeviceExplanation(year, mode, out, float(terms.weight_kg[0]), zone, notes)
