"""The sections of the annual report (see :mod:`sobriety.domain.report.annual`).

Each builder returns plain, JSON-ready data: numbers in their unit (tonnes
of CO2e, EUR, years, percent), the labels in the report's language, and for
each chart the series it draws (so the JSON holds every charted figure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.avoided import avoided_emissions_bounds
from sobriety.domain.carbon.breakdown import PHASE_LABELS, breakdown
from sobriety.domain.carbon.factors import DAYS_PER_YEAR
from sobriety.domain.carbon.whatif import lifespan_what_if
from sobriety.domain.labels import label
from sobriety.domain.report import kpis
from sobriety.domain.texts import shown
from sobriety.domain.vocab import Channel, Condition, ErasureLevel, ErasureMethod, SiteKind, Status
from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.domain.report.annual import ReportInputs
    from sobriety.domain.report.objectives import Objectives

NO_SITE = "-"
AGE_BANDS = 10  # 0-1 ... 9-10, then 10+
TOP_MODELS = 10
WHAT_IF_CATEGORIES = ("laptop", "smartphone")
WHAT_IF_YEARS = (1, 2)
WHAT_IF_HORIZON = 5


def _bounds_t(kg: np.ndarray) -> dict[str, float]:
    return {b: float(kg[i]) / 1000.0 for i, b in enumerate(carbon.BOUNDS)}


def _active(inputs: ReportInputs) -> np.ndarray:
    return np.isin(
        inputs.fleet.status, [carbon.STATUSES.index(s.value) for s in kpis.ACTIVE_STATUSES]
    )


def _site_kind_index(inputs: ReportInputs) -> tuple[list[str], np.ndarray]:
    """Site kinds (vocabulary order, then 'no site') and each device's index into them."""
    kinds = [k.value for k in SiteKind] + [NO_SITE]
    sites = inputs.fleet.sites
    per_site = np.array([kinds.index(k) if k in kinds else kinds.index("other")
                         for k in sites.kinds] + [len(kinds) - 1], dtype=np.int64)  # fmt: skip
    f = inputs.fleet
    return kinds, per_site[np.where(f.site >= 0, f.site, len(sites))]


def _kind_label(kind: str) -> str:
    return _("(no site)") if kind == NO_SITE else label("site_kind", kind)


# --------------------------------------------------------------------------
# Fleet


def fleet_section(inputs: ReportInputs) -> dict[str, Any]:
    f, fs = inputs.fleet, inputs.factor_set
    cats = fs.category_order
    active = _active(inputs)
    kinds, kind_of = _site_kind_index(inputs)
    matrix = np.zeros((len(cats), len(kinds)), dtype=np.int64)
    np.add.at(matrix, (f.category[active], kind_of[active]), 1)
    keep_c = [i for i in range(len(cats)) if matrix[i].any()]
    keep_k = [j for j in range(len(kinds)) if matrix[:, j].any()]
    st = {s: f.status == carbon.STATUSES.index(s.value) for s in kpis.ACTIVE_STATUSES}
    by_category = [
        {
            "key": cats[i],
            "label": label("category", cats[i]),
            "devices": int(matrix[i].sum()),
            "in_service": int((st[Status.IN_SERVICE] & (f.category == i)).sum()),
            "in_stock": int((st[Status.IN_STOCK] & (f.category == i)).sum()),
            "in_repair": int((st[Status.IN_REPAIR] & (f.category == i)).sum()),
        }
        for i in keep_c
    ]
    agents_by_kind = dict.fromkeys(kinds, 0.0)
    for kind, agents in zip(f.sites.kinds, f.sites.agents, strict=True):
        if not np.isnan(agents):
            agents_by_kind[kind if kind in agents_by_kind else "other"] += float(agents)
    by_site_kind = [
        {
            "key": kinds[j],
            "label": _kind_label(kinds[j]),
            "devices": int(matrix[:, j].sum()),
            "agents": agents_by_kind[kinds[j]] or None,
        }
        for j in keep_k
    ]
    # Age pyramid: active devices with a known acquisition date, by whole years of age.
    now = carbon.date_to_days(inputs.on)
    known = active & ~np.isnan(f.acquired)
    age = (now - f.acquired[known]) / DAYS_PER_YEAR
    band = np.clip(np.floor(age), 0, AGE_BANDS).astype(np.int64)
    pyramid = np.zeros((len(cats), AGE_BANDS + 1), dtype=np.int64)
    np.add.at(pyramid, (f.category[known], band), 1)
    bands = [f"{b}-{b + 1}" for b in range(AGE_BANDS)] + [f"{AGE_BANDS}+"]
    per_agent = kpis.devices_per_agent(f)
    # Stock: rate and time in storage (since the device entered the stock).
    stock = st[Status.IN_STOCK]
    since = inputs.extra.stock_since[stock]
    days_in = now - since[~np.isnan(since)]
    return {
        "categories": [{"key": cats[i], "label": label("category", cats[i])} for i in keep_c],
        "site_kinds": [{"key": kinds[j], "label": _kind_label(kinds[j])} for j in keep_k],
        "matrix": [[int(matrix[i, j]) for j in keep_k] for i in keep_c],
        "by_category": by_category,
        "by_site_kind": by_site_kind,
        "devices": int(active.sum()),
        "age_pyramid": {
            "bands": bands,
            "series": [
                {
                    "key": cats[i],
                    "label": label("category", cats[i]),
                    "counts": [int(x) for x in pyramid[i]],
                }
                for i in range(len(cats))
                if pyramid[i].any()
            ],
            "unknown_age": int((active & np.isnan(f.acquired)).sum()),
        },
        "per_agent": {
            "devices_in_service": per_agent.devices,
            "agents": per_agent.agents,
            "ratio": per_agent.ratio,
        },
        "stock": {
            "in_stock": int(stock.sum()),
            "active": int(active.sum()),
            "rate_pct": float(stock.sum()) / int(active.sum()) * 100.0 if active.any() else None,
            "time_known": len(days_in),
            "mean_days": float(days_in.mean()) if len(days_in) else None,
            "median_days": float(np.median(days_in)) if len(days_in) else None,
            "over_one_year": int((days_in > DAYS_PER_YEAR).sum()),
        },
        "failures": failures_by_model(inputs, active),
    }


def failures_by_model(inputs: ReportInputs, active: np.ndarray) -> dict[str, Any]:
    """Active devices of each model broken or in repair on the report's day."""
    f, ex = inputs.fleet, inputs.extra
    failing = active & (
        (ex.condition == Condition.BROKEN.value)
        | (f.status == carbon.STATUSES.index(Status.IN_REPAIR.value))
    )
    named = active & (ex.model != "")
    models, inverse = np.unique(ex.model[named].astype(str), return_inverse=True)
    devices = np.bincount(inverse, minlength=len(models))
    fails = np.bincount(inverse, weights=failing[named].astype(float), minlength=len(models))
    order = sorted(range(len(models)), key=lambda i: (-fails[i], -devices[i], models[i]))
    rows = [
        {
            "model": str(models[i]),
            "devices": int(devices[i]),
            "failing": int(fails[i]),
            "rate_pct": float(fails[i]) / int(devices[i]) * 100.0,
        }
        for i in order[:TOP_MODELS]
        if fails[i] > 0
    ]
    return {"models": rows, "failing": int(failing.sum()), "devices": int(active.sum())}


# --------------------------------------------------------------------------
# Lifespans


def lifespan_section(inputs: ReportInputs, year: int, objectives: Objectives) -> dict[str, Any]:
    from sobriety.domain.report.annual import retirements

    f, cats = inputs.fleet, inputs.factor_set.category_order
    rows, ages = retirements(inputs, year)
    targets = {
        o.category: o.target for o in objectives.items if o.indicator == "retirement_age_years"
    }
    by_category = []
    for k, cat in enumerate(cats):
        mine = ages[f.category[rows] == k]
        if not len(mine) and cat not in targets:
            continue
        mean = float(mine.mean()) if len(mine) else None
        target = targets.get(cat)
        by_category.append(
            {
                "key": cat,
                "label": label("category", cat),
                "retired": len(mine),
                "mean_age_years": mean,
                "target_years": target,
                "meets": None if mean is None or target is None else mean >= target,
            }
        )
    models = inputs.extra.model[rows].astype(str)
    names, inverse = np.unique(models, return_inverse=True)
    count = np.bincount(inverse, minlength=len(names))
    total = np.bincount(inverse, weights=ages, minlength=len(names))
    order = sorted(range(len(names)), key=lambda i: (-count[i], names[i]))
    by_model = [
        {"model": str(names[i]), "retired": int(count[i]), "mean_age_years": total[i] / count[i]}
        for i in order
        if names[i]
    ][:TOP_MODELS]
    return {
        "year": year,
        "retired": len(rows),
        "mean_age_years": float(ages.mean()) if len(ages) else None,
        "by_category": by_category,
        "by_model": by_model,
    }


# --------------------------------------------------------------------------
# Carbon


def _rows_t(rows, name) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "label": name(r.key),
            "devices": r.devices,
            **_bounds_t(r.total),
        }
        for r in rows
    ]


def carbon_section(inputs: ReportInputs, year: int) -> dict[str, Any]:
    fs, f = inputs.factor_set, inputs.fleet
    agents = inputs.agents
    modes = {}
    notes: list[str] = []
    for mode in carbon.MODES:
        est = inputs.estimate(year, mode)
        phases = est.share.sum(axis=2)
        by_cat = breakdown(est, fs, "category")
        by_kind = breakdown(est, fs, "site-kind")
        modes[mode] = {
            "label": _(carbon.MODE_LABELS[mode]),
            "total": _bounds_t(est.total),
            "per_agent": _bounds_t(est.total / agents) if agents else None,
            "by_phase": [
                {"key": p, "label": _(PHASE_LABELS[p]), **_bounds_t(phases[i])}
                for i, p in enumerate(carbon.PHASES)
            ],
            "by_category": _rows_t(by_cat, lambda k: label("category", k)),
            "by_site_kind": _rows_t(by_kind, _kind_label),
        }
        for n in est.notes:
            if n not in notes:
                notes.append(n)
    # Avoided emissions of the devices that went on to a second life this year (apart).
    from sobriety.domain.report.annual import transfers_of

    rows, chans = transfers_of(inputs, year)
    known = np.isin(chans, [c.value for c in Channel])
    rows, chans = rows[known], chans[known]
    by_channel = []
    total = np.zeros(3)
    if len(rows):
        cats = [fs.category_order[c] for c in f.category[rows]]
        kg = avoided_emissions_bounds(cats, list(chans), fs)
        total = kg.sum(axis=1)
        for ch in Channel:
            sel = chans == ch.value
            if sel.any() and kg[0, sel].sum() > 0:  # recycling avoids no manufacturing
                by_channel.append(
                    {"key": ch.value, "label": label("reuse_channel", ch.value),
                     "devices": int(sel.sum()), **_bounds_t(kg[:, sel].sum(axis=1))}
                )  # fmt: skip
    # Grid series used.
    grid = fs.grid
    if inputs.grid_zone:
        zones = [inputs.grid_zone]
    else:
        zones = sorted({grid.zone_for(c) for c in f.sites.countries}) or [grid.default_zone]
        if (f.site < 0).any() and grid.default_zone not in zones:
            zones.append(grid.default_zone)
    series = []
    for code in zones:
        zone = grid.zones[code]
        points = []
        for y in range(year - 4, year + 1):
            factor, used = zone.for_year(y)
            points.append(
                {"year": y, "from_year": used, "g_per_kwh": factor.value * 1000.0,
                 "low": factor.low * 1000.0, "high": factor.high * 1000.0,
                 "source": factor.source}
            )  # fmt: skip
        series.append({"zone": code, "label": zone.label, "points": points})
    return {
        "year": year,
        "unit": "tCO2e",
        "agents": agents,
        "modes": modes,
        "avoided": {"total": _bounds_t(total), "by_channel": by_channel},
        "grid": series,
        "caveat": _(
            "Climate only: these figures count greenhouse gases (kgCO2e) and nothing else. "
            "Digital equipment also depletes abiotic resources (metals), uses water and "
            "produces waste, which this report does not measure."
        ),
        "notes": notes,
    }


# --------------------------------------------------------------------------
# Purchases


def purchase_section(inputs: ReportInputs, year: int) -> dict[str, Any]:
    t = inputs.targets
    years = []
    for y in range(year - 2, year + 1):
        p = kpis.purchase_share(inputs.fleet, y, t)
        years.append(
            {
                "year": y,
                "devices": p.devices,
                "second_hand_devices": p.second_hand_devices,
                "spend_eur": p.spend_eur,
                "second_hand_eur": p.second_hand_eur,
                "unpriced": p.unpriced,
                "share_pct": p.share_pct,
                "target_pct": p.target_pct,
                "met": p.met,
            }
        )
    return {
        "years": years,
        "targets": [{"year": y, "target_pct": v} for y, v in t.targets_pct.items()],
        "source": shown(t.source),
    }


# --------------------------------------------------------------------------
# Outflows


def outflow_section(inputs: ReportInputs, year: int) -> dict[str, Any]:
    from sobriety.domain.report.annual import transfers_of, weee_tonnes

    rows, chans = transfers_of(inputs, year)
    by_channel = [
        {"key": ch.value, "label": label("reuse_channel", ch.value),
         "devices": int((chans == ch.value).sum())}
        for ch in Channel if (chans == ch.value).any()
    ]  # fmt: skip
    rate = inputs.reuse_rate(year)
    ex = inputs.extra
    ys, ye = carbon.year_start(year), carbon.year_start(year + 1)
    sel = (ex.erasure_day >= ys) & (ex.erasure_day < ye)
    methods = [m.value for m in ErasureMethod]
    levels = [lv.value for lv in ErasureLevel]
    erasures = [
        {
            "method": m,
            "label": label("erasure_method", m),
            "levels": {
                lv: int((sel & (ex.erasure_method == m) & (ex.erasure_level == lv)).sum())
                for lv in levels
            },
        }
        for m in methods
        if (sel & (ex.erasure_method == m)).any()
    ]
    weee_held = carbon.weee_weight_kg(inputs.terms, inputs.fleet)
    return {
        "year": year,
        "devices": len(rows),
        "by_channel": by_channel,
        "reuse_rate": {
            "a": rate.a,
            "b": rate.b,
            "rate_pct": rate.rate_pct,
            "target_pct": rate.target_pct,
            "met": rate.met,
            "a_by_channel": [
                {"key": k, "label": label("reuse_channel", k), "devices": v}
                for k, v in rate.a_by_channel.items()
            ],
            "excluded": dict(rate.excluded),
            "pending_proof": rate.pending_proof,
            "undated_retired": rate.undated_retired,
            "source": shown(rate.source),
        },
        "weee_tonnes": weee_tonnes(inputs, year),
        "retired_awaiting_tonnes": weee_held["retired_awaiting"] / 1000.0,
        "erasures": {
            "levels": [{"key": lv, "label": label("erasure_level", lv)} for lv in levels],
            "by_method": erasures,
            "total": int(sel.sum()),
        },
    }


# --------------------------------------------------------------------------
# Lifespan what-if


def what_if_section(inputs: ReportInputs, year: int) -> dict[str, Any]:
    order = inputs.factor_set.category_order
    cats = [c for c in WHAT_IF_CATEGORIES if c in order]
    scenarios = []
    for extra in WHAT_IF_YEARS:
        res = lifespan_what_if(
            inputs.fleet, inputs.factor_set, extra_years=extra, categories=cats,
            horizon=WHAT_IF_HORIZON, start_year=year + 1, as_of=inputs.on,
        )  # fmt: skip
        scenarios.append(
            {
                "extra_years": extra,
                "devices_in_scope": res.devices_in_scope,
                "per_year": _bounds_t(res.per_year_kgco2e),
                "per_year_eur": res.per_year_eur,
                "total": _bounds_t(res.total_kgco2e),
                "total_eur": res.total_eur,
                "unpriced_devices": res.unpriced_devices,
            }
        )
    return {
        "categories": [{"key": c, "label": label("category", c)} for c in cats],
        "first_year": year + 1,
        "horizon": WHAT_IF_HORIZON,
        "scenarios": scenarios,
    }


# --------------------------------------------------------------------------
# Methodology and sources


def methodology_section(inputs: ReportInputs, year: int, objectives: Objectives) -> dict[str, Any]:
    fs = inputs.factor_set
    return {
        "factor_set": fs.version,
        "modes": [{"key": m, "label": _(carbon.MODE_LABELS[m])} for m in carbon.MODES],
        "on_track_rule": objectives.rule_text,
        "objectives_file": objectives.path,
        "policy": inputs.policy.name,
        "definitions": [
            _(
                "Fleet figures (counts, stock, failures) describe the inventory on the day the "
                "report was produced; retirements, transfers, purchases and emissions are those "
                "of the calendar year."
            ),
            _(
                "Devices held: in service, in stock or in repair. Stock rate: devices in stock "
                "among them. Time in storage: since the device entered the stock (its history), "
                "else since its acquisition."
            ),
            _("Failures: devices held that are broken or in repair, by model."),
            _(
                "Age at retirement: retirement date minus acquisition date, devices retired "
                "in the year."
            ),
            _(
                "Reuse rate (décret 2023-266 art. 3): A / B x 100, A the in-scope devices sent "
                "to reuse during the year, B the in-scope retired devices held on 1 January."
            ),
            _(
                "WEEE: weight of the devices sent to recycling during the year (recorded "
                "weight, else the category's default)."
            ),
            _(
                "Avoided emissions: manufacturing of a new device avoided by a second life, "
                "shown apart and never subtracted from the footprint."
            ),
            _(
                "Lifespan what-if: laptops and smartphones in service kept 1 or 2 years longer; "
                "purchases avoided at the category's embodied emissions and the device's price "
                "(else the median price of its category)."
            ),
        ],
        "sources": [
            {
                "id": s.id,
                "title": shown(s.title),
                "publisher": s.publisher,
                "year": s.year,
                "url": s.url,
                "licence": shown(s.licence),
            }
            for s in fs.sources.values()
        ],
        "legal": [
            shown(inputs.policy.reuse_rate.source),
            shown(inputs.targets.source),
        ],
    }
