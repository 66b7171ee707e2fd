"""What the partners' summary of a study package shows (read back from its resources).

Low and high bounds are summed cell by cell (category x condition, then
organisations): the totals' range is wider than that of any single scenario,
which suits a capacity to plan for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Summary:
    """What the partners' summary shows, read back from a (regional) package."""

    title: str
    year: int
    organisations: list[str]
    #: {year: {category: {condition: (devices, low, high, tonnes, tonnes_low, tonnes_high)}}}
    forecast: dict[int, dict[str, dict[str, tuple[float, ...]]]]
    org_rows: list[dict[str, Any]]
    outgoing_devices: int
    outgoing_tonnes: float
    by_channel: dict[str, int] = field(default_factory=dict)
    anonymisation: dict[str, Any] = field(default_factory=dict)
    spread: float = 0.2

    def per_year(self) -> list[tuple[int, float, float, float, float, float, float]]:
        """(year, devices, low, high, tonnes, low, high) summed over categories and conditions."""
        out = []
        for year in sorted(self.forecast):
            sums = [0.0] * 6
            for conds in self.forecast[year].values():
                for values in conds.values():
                    sums = [a + b for a, b in zip(sums, values, strict=True)]
            out.append((year, *sums))
        return out

    def capacity(self) -> dict[str, float]:
        """Capacity a refurbishing sector would need: the busiest forecast year.

        ``working`` and ``degraded`` devices are the refurbishable stream;
        broken ones go to repair or recycling.
        """
        peak = {"devices": 0.0, "devices_high": 0.0, "tonnes": 0.0, "tonnes_high": 0.0}
        reuse = {"devices": 0.0, "tonnes": 0.0}
        for cats in self.forecast.values():
            year = [0.0] * 6
            refurb = [0.0, 0.0]
            for conds in cats.values():
                for cond, v in conds.items():
                    year = [a + b for a, b in zip(year, v, strict=True)]
                    if cond != "broken":
                        refurb = [refurb[0] + v[0], refurb[1] + v[3]]
            peak["devices"] = max(peak["devices"], year[0])
            peak["devices_high"] = max(peak["devices_high"], year[2])
            peak["tonnes"] = max(peak["tonnes"], year[3])
            peak["tonnes_high"] = max(peak["tonnes_high"], year[5])
            reuse["devices"] = max(reuse["devices"], refurb[0])
            reuse["tonnes"] = max(reuse["tonnes"], refurb[1])
        return {
            **peak,
            "refurbishable_devices": reuse["devices"],
            "refurbishable_tonnes": reuse["tonnes"],
        }

    def categories(self) -> list[str]:
        seen: dict[str, float] = {}
        for cats in self.forecast.values():
            for cat, conds in cats.items():
                seen[cat] = seen.get(cat, 0.0) + sum(v[0] for v in conds.values())
        return sorted(seen, key=lambda c: -seen[c])


def share(part: float, total: float) -> float | None:
    return part / total if total else None


def org_shares(s: Summary) -> list[tuple[str, int, float | None, float, float | None]]:
    """(organisation, departures, share, expected over the forecast, share), largest first."""
    total_out = sum(int(r.get("appareils_sortis") or 0) for r in s.org_rows)
    total_fc = sum(float(r.get("appareils_prevus") or 0) for r in s.org_rows)
    rows = []
    for r in s.org_rows:
        out = int(r.get("appareils_sortis") or 0)
        fc = float(r.get("appareils_prevus") or 0)
        rows.append((str(r["organisation"]), out, share(out, total_out), fc, share(fc, total_fc)))
    rows.sort(key=lambda x: (-x[3], x[0]))
    return rows


def by_category_condition(s: Summary) -> dict[str, dict[str, float]]:
    """Expected devices over the whole forecast by category and condition (central)."""
    out: dict[str, dict[str, float]] = {}
    for cats in s.forecast.values():
        for cat, conds in cats.items():
            slot = out.setdefault(cat, {})
            for cond, v in conds.items():
                slot[cond] = slot.get(cond, 0.0) + v[0]
    return out


def summary_lines(s: Summary) -> list[str]:
    """The summary as lines of text, in the active language."""
    from sobriety.domain.labels import label
    from sobriety.i18n import _, fmt_number, fmt_percent

    lines = [s.title, ""]
    lines.append(
        _("Departures in {year}: {n} devices, {t} t; organisations: {orgs}.").format(
            year=s.year,
            n=fmt_number(s.outgoing_devices),
            t=fmt_number(s.outgoing_tonnes, 1),
            orgs=fmt_number(len(s.organisations)),
        )
    )
    lines.append("")
    lines.append(_("Expected departures per year (central [low - high]):"))
    for year, d, dl, dh, t, tl, th in s.per_year():
        lines.append(
            "  "
            + _("{year}: {d} devices [{dl} - {dh}], {t} t [{tl} - {th}]").format(
                year=year,
                d=fmt_number(d),
                dl=fmt_number(dl),
                dh=fmt_number(dh),
                t=fmt_number(t, 1),
                tl=fmt_number(tl, 1),
                th=fmt_number(th, 1),
            )
        )
    years = sorted(s.forecast)
    if years:
        lines.append("")
        lines.append(
            _("Expected departures {first}-{last} by category and condition (devices):").format(
                first=years[0], last=years[-1]
            )
        )
        table = by_category_condition(s)
        conds = ("working", "degraded", "broken")
        head = f"  {'':<24}" + "".join(f"{label('condition', c):>12}" for c in conds)
        lines.append(head)
        for cat in s.categories():
            row = table.get(cat, {})
            lines.append(
                f"  {label('category', cat):<24}"
                + "".join(f"{fmt_number(row.get(c, 0.0)):>12}" for c in conds)
            )
    cap = s.capacity()
    lines.append("")
    lines.append(
        _(
            "Capacity a refurbishing sector would need (busiest year): {d} devices/year "
            "(up to {dh}), {t} t/year (up to {th}); refurbishable (working or degraded): "
            "{r} devices/year, {rt} t/year."
        ).format(**capacity_words(cap))
    )
    lines.append("")
    lines.append(
        _("Each organisation's share (departures {year}; expected over the forecast):").format(
            year=s.year
        )
    )
    for org, out, out_share, fc, fc_share in org_shares(s):
        lines.append(
            f"  {org:<40} {fmt_number(out):>10} {fmt_percent(out_share):>6}"
            f" {fmt_number(fc):>10} {fmt_percent(fc_share):>6}"
        )
    a = s.anonymisation
    if a:
        lines.append("")
        lines.append(
            _(
                "Anonymisation: k = {k}; {g} rows generalised (model first), {x} rows left out."
            ).format(
                k=a.get("k"),
                g=fmt_number(a.get("model_generalised", 0)),
                x=fmt_number(a.get("suppressed", 0)),
            )
        )
    return lines


def capacity_words(cap: dict) -> dict[str, str]:
    """The capacity figures as the summary's sentences write them (text and HTML alike)."""
    from sobriety.i18n import fmt_number

    return {
        "d": fmt_number(cap["devices"]),
        "dh": fmt_number(cap["devices_high"]),
        "t": fmt_number(cap["tonnes"], 1),
        "th": fmt_number(cap["tonnes_high"], 1),
        "r": fmt_number(cap["refurbishable_devices"]),
        "rt": fmt_number(cap["refurbishable_tonnes"], 1),
    }
