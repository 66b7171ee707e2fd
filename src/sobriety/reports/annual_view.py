"""What the annual report shows, page by page, from its figures (the JSON's dictionary).

:func:`build_view` turns the figures into sections of paragraphs, tables of
formatted strings and charts. The HTML page and the PDF both render this
one view, so they show the same numbers, formatted in the report's language
(``12 345,6`` in French, ``12,345.6`` in English).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sobriety.i18n import N_, _, clauses, fmt_date, fmt_number, ngettext

#: Decimals shown for each unit.
DIGITS = {"tCO2e": 2, "%": 1, "years": 1, "t": 3, "ratio": 2, "devices": 0, "EUR": 0}


def num(value: float | int | None, unit: str = "", digits: int | None = None) -> str:
    """A figure as shown in the report (``-`` when unknown)."""
    if value is None:
        return "-"
    d = DIGITS.get(unit, 1) if digits is None else digits
    text = fmt_number(round(float(value), d) + 0.0, d)
    return f"{text} %" if unit == "%" else text


def signed(value: float | None, unit: str) -> str:
    """A change with its sign; one that rounds to zero at the shown precision has none."""
    if value is None:
        return "-"
    text = num(abs(value), unit)
    if round(value, DIGITS.get(unit, 1)) == 0:
        return text
    return ("+" if value > 0 else "−") + text


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    title: str = ""
    #: Relative column widths (None: the first column wider, the others equal).
    weights: list[float] | None = None
    #: How many leading columns hold text (aligned left); the others hold numbers.
    text_columns: int = 1


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # chart names (reports.annual_charts)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "-"
    return _("yes") if value else _("no")


def _track(value: bool | None) -> str:
    if value is None:
        return "-"
    return _("on track") if value else _("off track")


def build_view(fig: dict[str, Any]) -> list[Section]:
    """The report's sections; a table without rows shows "none", a chart without data is left
    out."""
    out = _build(fig)
    for s in out:
        for t in s.tables:
            if t.headers and not t.rows:
                t.rows = [[_("(none)")] + [""] * (len(t.headers) - 1)]
    if not fig["outflows"]["by_channel"]:
        for s in out:
            s.charts = [c for c in s.charts if c != "outflows"]
    if not fig["fleet"]["by_category"]:
        for s in out:
            s.charts = [c for c in s.charts if c not in ("fleet", "age_pyramid")]
    return out


def _build(fig: dict[str, Any]) -> list[Section]:
    year = fig["year"]
    out: list[Section] = []
    # Cover and key figures.
    kf = Section("key", _("Key figures {year}").format(year=year))
    kf.paragraphs.append(
        _("Report produced on {date} with the factor set {factors}.").format(
            date=fmt_date(dt.date.fromisoformat(fig["produced_on"])), factors=fig["factor_set"]
        )
    )
    kf.tables.append(
        Table(
            [_("Indicator"), str(year), str(year - 1), _("Change"), _("Previous year from")],
            [
                [
                    k["label"],
                    num(k["value"], k["unit"]),
                    num(k["previous"], k["unit"]),
                    signed(k["change"], k["unit"]),
                    {"published": _("published report"), "recomputed": _("today's data")}.get(
                        k["previous_origin"] or "", "-"
                    ),
                ]
                for k in fig["key_figures"]
            ],
        )
    )
    out.append(kf)
    # Objectives.
    ob = Section("objectives", _("Objectives and trajectories"), charts=["objectives"])
    ob.paragraphs.append(fig["objectives"]["rule_text"])
    ob.tables.append(
        Table(
            [_("Objective"), _("Baseline"), _("Target"), str(year), _("Expected"), _("Status")],
            [
                [
                    f"{o['label']} ({o['baseline_year']} → {o['target_year']})",
                    num(o["baseline"], o["unit"]),
                    num(o["target"], o["unit"]),
                    num(o["value"], o["unit"]),
                    num(o["expected"], o["unit"]),
                    _track(o["on_track"]),
                ]
                for o in fig["objectives"]["items"]
            ],
        )
    )
    out.append(ob)
    # Fleet.
    f = fig["fleet"]
    fl = Section("fleet", _("Fleet"), charts=["fleet", "age_pyramid"])
    pa, st = f["per_agent"], f["stock"]
    fl.paragraphs.append(
        _("{devices} devices held; {ratio} devices in service per agent ({agents} agents). "
          "Stock rate {stock}; median time in storage {days} days.").format(
            devices=num(f["devices"], "devices"), ratio=num(pa["ratio"], "ratio"),
            agents=num(pa["agents"], "devices"), stock=num(st["rate_pct"], "%"),
            days=num(st["median_days"], "devices"),
        )
    )  # fmt: skip
    fl.tables.append(
        Table(
            [_("Category"), *[k["label"] for k in f["site_kinds"]], _("Total")],
            [
                [c["label"], *[num(v, "devices") for v in row], num(sum(row), "devices")]
                for c, row in zip(f["categories"], f["matrix"], strict=True)
            ],
            _("Devices by category and site kind"),
        )
    )
    fl.tables.append(
        Table(
            [_("Model"), _("Devices"), _("Broken or in repair"), _("Failure rate")],
            [
                [
                    m["model"],
                    num(m["devices"], "devices"),
                    num(m["failing"], "devices"),
                    num(m["rate_pct"], "%"),
                ]
                for m in f["failures"]["models"]
            ],
            _("Failures per model"),
        )
    )
    out.append(fl)
    # Lifespans.
    lf = fig["lifespans"]
    li = Section("lifespans", _("Lifespans"))
    li.paragraphs.append(
        _("{n} devices retired in {year}, at {age} years on average.").format(
            n=num(lf["retired"], "devices"), year=year, age=num(lf["mean_age_years"], "years")
        )
    )
    li.tables.append(
        Table(
            [_("Category"), _("Retired"), _("Average age (years)"), _("Objective"), _("Met")],
            [
                [
                    r["label"],
                    num(r["retired"], "devices"),
                    num(r["mean_age_years"], "years"),
                    num(r["target_years"], "years"),
                    _yes_no(r["meets"]),
                ]
                for r in lf["by_category"]
            ],
        )
    )
    li.tables.append(
        Table(
            [_("Model"), _("Retired"), _("Average age (years)")],
            [
                [m["model"], num(m["retired"], "devices"), num(m["mean_age_years"], "years")]
                for m in lf["by_model"]
            ],
            _("By model"),
        )
    )
    out.append(li)
    out.append(_carbon(fig))
    # Purchases.
    pu = Section("purchases", _("Purchases (loi AGEC art. 58)"), charts=["purchases"])
    pu.paragraphs.append(fig["purchases"]["source"])
    pu.tables.append(
        Table(
            [_("Year"), _("Devices bought"), _("Refurbished or donated"), _("Spend (EUR)"),
             _("Refurbished (EUR)"), _("Share"), _("Target"), _("Met")],
            [
                [str(p["year"]), num(p["devices"], "devices"),
                 num(p["second_hand_devices"], "devices"), num(p["spend_eur"], "EUR"),
                 num(p["second_hand_eur"], "EUR"), num(p["share_pct"], "%"),
                 num(p["target_pct"], "%"), _yes_no(p["met"])]
                for p in fig["purchases"]["years"]
            ],
            # "Reconditionnés ou donnés", "Reconditionné (EUR)": room for the French words.
            weights=[0.7, 1.1, 1.5, 1.1, 1.5, 0.8, 0.8, 0.8],
        )
    )  # fmt: skip
    out.append(pu)
    out.append(_outflows(fig))
    # What-if.
    w = fig["what_if"]
    wi = Section("what_if", _("Lifespan what-if"))
    wi.paragraphs.append(
        _("{categories} kept longer, {first} to {last}: emissions and purchases avoided "
          "per year.").format(
            categories=", ".join(c["label"] for c in w["categories"]), first=w["first_year"],
            last=w["first_year"] + w["horizon"] - 1,
        )
    )  # fmt: skip
    wi.tables.append(
        Table(
            [_("Scenario"), _("Devices"), _("tCO2e avoided per year"), _("Range"),
             _("EUR avoided per year")],
            [
                [_plus_years(s["extra_years"]), num(s["devices_in_scope"], "devices"),
                 num(s["per_year"]["value"], "tCO2e"),
                 f"{num(s['per_year']['low'], 'tCO2e')} – {num(s['per_year']['high'], 'tCO2e')}",
                 num(s["per_year_eur"], "EUR")]
                for s in w["scenarios"]
            ],
        )
    )  # fmt: skip
    out.append(wi)
    if fig.get("renewal"):
        out.append(_renewal(fig["renewal"]))
    out.append(_methodology(fig))
    return out


PLUS_YEARS = {1: N_("+1 year"), 2: N_("+2 years")}


def _plus_years(n: int) -> str:
    return _(PLUS_YEARS[n]) if n in PLUS_YEARS else _("+{n} years").format(n=n)


def _bounds_text(b: dict[str, float]) -> str:
    low, high = num(b["low"], "tCO2e"), num(b["high"], "tCO2e")
    return f"{num(b['value'], 'tCO2e')} ({low} – {high})"


def _carbon(fig: dict[str, Any]) -> Section:
    c = fig["carbon"]
    ca = Section("carbon", _("Carbon footprint {year}").format(year=fig["year"]),
                 charts=["carbon_phases", "grid"])  # fmt: skip
    ca.paragraphs.append(c["caveat"])
    modes = c["modes"]
    names = list(modes)
    ca.tables.append(
        Table(
            [_("tCO2e"), *[modes[m]["label"] for m in names]],
            [
                [_("Total (low – high)")]
                + [_bounds_text(modes[m]["total"]) for m in names],
                [_("Per agent")]
                + [num((modes[m]["per_agent"] or {}).get("value"), "tCO2e", 3) for m in names],
                *[
                    [ph["label"]] + [num(modes[m]["by_phase"][i]["value"], "tCO2e") for m in names]
                    for i, ph in enumerate(modes[names[0]]["by_phase"])
                ],
            ],
            _("By phase, both accounting modes side by side"),
        )
    )  # fmt: skip
    for key, title in (("by_category", _("By category")), ("by_site_kind", _("By site kind"))):
        labels: dict[str, str] = {}
        for m in names:
            for r in modes[m][key]:
                labels.setdefault(r["key"], r["label"])
        rows = []
        for k, text in labels.items():
            rows.append([text] + [
                num(next((r["value"] for r in modes[m][key] if r["key"] == k), None), "tCO2e")
                for m in names
            ])  # fmt: skip
        ca.tables.append(Table([title, *[modes[m]["label"] for m in names]], rows))
    av = c["avoided"]
    ca.paragraphs.append(
        _("Avoided emissions, shown apart and never subtracted: {value} tCO2e ({low} – {high}) "
          "by the devices that went on to a second life in {year}.").format(
            value=num(av["total"]["value"], "tCO2e"), low=num(av["total"]["low"], "tCO2e"),
            high=num(av["total"]["high"], "tCO2e"), year=fig["year"],
        )
    )  # fmt: skip
    ca.tables.append(
        Table(
            [_("Grid"), *[str(p["year"]) for p in c["grid"][0]["points"]]] if c["grid"] else [],
            [
                [g["label"] + " (gCO2e/kWh)", *[num(p["g_per_kwh"], "", 1) for p in g["points"]]]
                for g in c["grid"]
            ],
            _("Grid series used"),
        )
    )
    for n in c["notes"]:
        ca.paragraphs.append(n)
    return ca


def _outflows(fig: dict[str, Any]) -> Section:
    o = fig["outflows"]
    rr = o["reuse_rate"]
    ou = Section("outflows", _("Outflows"), charts=["outflows"])
    ou.paragraphs.append(
        _("Reuse rate {year} (décret 2023-266): A = {a}, B = {b}, rate {rate} against a target "
          "of {target}. WEEE sent to recycling: {weee} t.").format(
            year=fig["year"], a=num(rr["a"], "devices"), b=num(rr["b"], "devices"),
            rate=num(rr["rate_pct"], "%"), target=num(rr["target_pct"], "%"),
            weee=num(o["weee_tonnes"], "t"),
        )
    )  # fmt: skip
    ou.tables.append(
        Table(
            [_("Channel"), _("Devices"), _("Counted in A")],
            [
                [c["label"], num(c["devices"], "devices"),
                 num(next((a["devices"] for a in rr["a_by_channel"] if a["key"] == c["key"]), 0),
                     "devices")]
                for c in o["by_channel"]
            ],
            _("Devices by channel"),
        )
    )  # fmt: skip
    reasons = {
        "category": _("category out of scope"), "sensitive": _("sensitive data"),
        "age_unknown": _("age unknown"), "too_old": _("10 years or older"),
    }  # fmt: skip
    ou.tables.append(
        Table(
            [_("Left out of B"), _("Devices")],
            [[reasons.get(k, k), num(v, "devices")] for k, v in rr["excluded"].items()],
        )
    )
    er = o["erasures"]
    ou.tables.append(
        Table(
            [_("Erasure method"), *[lv["label"] for lv in er["levels"]]],
            [
                [m["label"], *[num(m["levels"][lv["key"]], "devices") for lv in er["levels"]]]
                for m in er["by_method"]
            ],
            _("Erasures by method and level"),
        )
    )
    return ou


def _renewal(r: dict[str, Any]) -> Section:
    re_ = Section("renewal", _("Renewal plan {year}").format(year=r["year"]))
    p, alt = r["plan"], r["extend_lifespans"]
    re_.paragraphs.append(
        _("Budget {budget} EUR: {n} of {candidates} candidates renewed for {cost} EUR "
          "({t} tCO2e embodied). Extending lifespans (renewing only the devices that must go): "
          "{n2} devices, {cost2} EUR, {t2} tCO2e.").format(
            budget=num(r["budget_eur"], "EUR"), n=num(p["devices"], "devices"),
            candidates=num(r["candidates"], "devices"), cost=num(p["cost_eur"], "EUR"),
            t=num(p["tco2e"]["value"], "tCO2e"), n2=num(alt["devices"], "devices"),
            cost2=num(alt["cost_eur"], "EUR"), t2=num(alt["tco2e"]["value"], "tCO2e"),
        )
    )  # fmt: skip
    re_.paragraphs.append(r.get("price_source") or "")
    if r.get("prices"):
        re_.tables.append(_price_table(r["prices"]))
    re_.tables.append(
        Table(
            [_("Rank"), _("Asset tag"), _("Category"), _("Reasons"), _("Replacement"),
             _("Cost (EUR)")],
            [[str(x["rank"]), x["asset_tag"], x["category"], x["reasons"], x["replacement"],
              num(x["cost_eur"], "EUR")] for x in r.get("top", [])],
            _("First devices of the plan"),
            weights=[0.8, 1.3, 1.3, 2.6, 1.2, 0.9],
            text_columns=5,
        )
    )  # fmt: skip
    return re_


def _price_origin(row: dict[str, Any]) -> str:
    if row.get("from") == "inventory":
        return ngettext(
            "median of {n} purchase recorded", "median of {n} purchases recorded", row["devices"]
        ).format(n=num(row["devices"], "devices"))
    return _("price table (too few purchases recorded: {n})").format(
        n=num(row.get("devices", 0), "devices")
    )


def _price_table(rows: list[dict[str, Any]]) -> Table:
    from sobriety.domain.labels import label

    kinds = {"new": _("new"), "refurbished": _("refurbished")}
    lines = [[label("category", x["category"]), kinds.get(x["kind"], x["kind"]), _price_origin(x),
              num(x["price_eur"], "EUR")] for x in rows]  # fmt: skip
    lines.sort(key=lambda r: (r[0].casefold(), r[1] != kinds["new"]))
    return Table(
        [_("Category"), _("Bought"), _("Where the price comes from"), _("Price (EUR excl. VAT)")],
        lines,
        _("Replacement prices used"),
        weights=[1.4, 1.0, 3.0, 1.5],
        text_columns=3,
    )


def _methodology(fig: dict[str, Any]) -> Section:
    m = fig["methodology"]
    me = Section("methodology", _("Appendix: methodology and sources"))
    me.paragraphs.extend(m["definitions"])
    me.paragraphs.append(
        _("Accounting modes: {modes}.").format(modes=clauses(x["label"] for x in m["modes"]))
    )
    me.paragraphs.extend(x for x in m["legal"] if x)
    r = fig.get("renewal")
    if r and r.get("prices") is not None:
        me.paragraphs.append(
            _("Renewal prices: for each category, the median recorded purchase price "
              "(EUR excl. VAT) of the devices bought new, and of those bought refurbished, "
              "acquired in the {years} years before the plan's year; where fewer than {least} "
              "such purchases are recorded, the price of the editable table {path} is used "
              "instead ({source}).").format(
                years=r.get("derive_years", 3), least=r.get("derive_min_devices", 3),
                path="renewal_prices.toml", source=r.get("price_source") or "",
            )
        )  # fmt: skip
    me.tables.append(
        Table(
            [_("Source"), _("Publisher"), _("Year"), _("Licence")],
            [[s["title"], s["publisher"], str(s["year"]), s["licence"]] for s in m["sources"]],
            _("Emission factor sources"),
            weights=[3.0, 1.5, 0.6, 2.2],
            text_columns=4,
        )
    )
    return me
