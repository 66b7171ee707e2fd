"""The annual report's charts: matplotlib ``Figure`` objects (never pyplot).

Each chart draws figures that are in the report's JSON. They read in black
and white and in print: greys and hatches rather than colours, values
written on the bars, dashed lines for what is expected.
"""

from __future__ import annotations

import io
from typing import Any

from sobriety.i18n import _, fmt_number

GREYS = ("0.15", "0.55", "0.8", "0.35", "0.7", "0.95")
HATCHES = ("", "///", "...", "xx", "\\\\", "oo")


def _figure(width: float = 7.0, height: float = 3.0, left: float = 0.1):
    """A figure with fixed margins (a layout engine costs more than the drawing)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left, right=0.97, top=0.88, bottom=0.14)
    return fig


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7)


def _hbar(ax, labels: list[str], values: list[float], unit: str = "") -> None:
    y = list(range(len(labels)))[::-1]
    bars = ax.barh(y, values, color="0.6", edgecolor="0", hatch="//", linewidth=0.6)
    ax.set_yticks(y, labels, fontsize=7)
    for b, v in zip(bars, values, strict=True):
        ax.text(b.get_width(), b.get_y() + b.get_height() / 2, " " + fmt_number(v, 0),
                va="center", fontsize=7)  # fmt: skip
    _style(ax)


def objectives_chart(fig_data: dict[str, Any]):
    items = fig_data["objectives"]["items"]
    n = max(len(items), 1)
    cols = 3
    rows = (n + cols - 1) // cols
    fig = _figure(7.0, 1.9 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=1 - 0.32 / rows, bottom=0.2 / rows,
                        wspace=0.35, hspace=0.55)  # fmt: skip
    for k, ax in enumerate(axes.flat):
        if k >= len(items):
            ax.set_visible(False)
            continue
        o = items[k]
        pts = o["trajectory"]
        years = [p["year"] for p in pts]
        vals = [p["value"] for p in pts]
        exp = [p["expected"] for p in pts]
        ax.plot(years, [float("nan") if v is None else v for v in vals], "-o", color="0",
                markersize=3, linewidth=1.2, label=_("value"))  # fmt: skip
        ax.plot(years, [float("nan") if v is None else v for v in exp], "--", color="0.45",
                linewidth=1, label=_("straight line to the target"))  # fmt: skip
        if o["target"] is not None:
            ax.plot([o["target_year"]], [o["target"]], marker="*", color="0", markersize=7)
        ax.set_title(o["label"], fontsize=7)
        last = max(o["target_year"], years[-1])
        ticks = list(range(years[0], last + 1))
        ax.set_xlim(years[0] - 0.5, last + 0.5)
        ax.set_xticks(ticks, [f"{y % 100:02d}" if len(ticks) > 5 else str(y) for y in ticks],
                      fontsize=6)  # fmt: skip
        _style(ax)
    axes.flat[0].legend(fontsize=6, frameon=False, loc="best")
    return fig


def fleet_chart(fig_data: dict[str, Any]):
    f = fig_data["fleet"]
    fig = _figure(7.0, 2.3, left=0.22)
    ax = fig.subplots()
    cats = f["by_category"]
    _hbar(ax, [c["label"] for c in cats], [c["devices"] for c in cats])
    ax.set_title(_("Devices held by category"), fontsize=8)
    return fig


def age_pyramid_chart(fig_data: dict[str, Any]):
    """Devices held by whole years of age: the five largest categories, then the rest."""
    p = fig_data["fleet"]["age_pyramid"]
    fig = _figure(7.0, 2.5, left=0.1)
    fig.subplots_adjust(right=0.76)
    ax = fig.subplots()
    bands = p["bands"]
    series = sorted(p["series"], key=lambda s: -sum(s["counts"]))
    shown = series[: len(GREYS) - 1]
    rest = [sum(c) for c in zip(*(s["counts"] for s in series[len(shown) :]), strict=True)]
    groups = [(s["label"], s["counts"]) for s in shown]
    if rest:
        groups.append((_("Other categories"), rest))
    left = [0] * len(bands)
    y = list(range(len(bands)))
    for k, (name, counts) in enumerate(groups):
        ax.barh(y, counts, left=left, color=GREYS[k % len(GREYS)], edgecolor="0",
                hatch=HATCHES[k % len(HATCHES)], linewidth=0.5, label=name)  # fmt: skip
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(y, bands, fontsize=7)
    ax.set_ylabel(_("age (years)"), fontsize=7)
    ax.set_title(_("Age pyramid of the devices held"), fontsize=8)
    ax.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _style(ax)
    return fig


def carbon_phases_chart(fig_data: dict[str, Any]):
    modes = fig_data["carbon"]["modes"]
    fig = _figure(7.0, 2.8)
    ax = fig.subplots()
    names = list(modes)
    phases = modes[names[0]]["by_phase"]
    width = 0.8 / len(names)
    for k, m in enumerate(names):
        xs = [i + k * width for i in range(len(phases))]
        vals = [p["value"] for p in modes[m]["by_phase"]]
        low = [p["value"] - p["low"] for p in modes[m]["by_phase"]]
        high = [p["high"] - p["value"] for p in modes[m]["by_phase"]]
        ax.bar(xs, vals, width, yerr=[low, high], capsize=2, color=GREYS[k + 1],
               edgecolor="0", hatch=HATCHES[k], linewidth=0.6,
               label=modes[m]["label"])  # fmt: skip
    ax.set_xticks([i + width * (len(names) - 1) / 2 for i in range(len(phases))],
                  [p["label"] for p in phases], fontsize=7)  # fmt: skip
    ax.set_ylabel("tCO2e", fontsize=7)
    ax.set_title(_("Emissions by phase (low – high bounds)"), fontsize=8)
    ax.legend(fontsize=6, frameon=False)
    _style(ax)
    return fig


def grid_chart(fig_data: dict[str, Any]):
    fig = _figure(7.0, 2.2)
    ax = fig.subplots()
    for k, g in enumerate(fig_data["carbon"]["grid"]):
        years = [p["year"] for p in g["points"]]
        ax.plot(years, [p["g_per_kwh"] for p in g["points"]], ["-o", "--s", ":^"][k % 3],
                color="0", markersize=3, label=g["label"])  # fmt: skip
        ax.set_xticks(years, [str(y) for y in years], fontsize=7)
    ax.set_ylabel("gCO2e/kWh", fontsize=7)
    ax.set_title(_("Grid carbon intensity used"), fontsize=8)
    ax.legend(fontsize=6, frameon=False)
    _style(ax)
    return fig


def purchases_chart(fig_data: dict[str, Any]):
    years = fig_data["purchases"]["years"]
    fig = _figure(7.0, 2.2)
    fig.subplots_adjust(right=0.8)
    ax = fig.subplots()
    xs = list(range(len(years)))
    ax.bar(xs, [y["share_pct"] or 0 for y in years], 0.5, color="0.7", edgecolor="0",
           hatch="//", label=_("refurbished share"))  # fmt: skip
    targets = [(x, y["target_pct"]) for x, y in zip(xs, years, strict=True) if y["target_pct"]]
    if targets:
        ax.hlines([t for _x, t in targets], [x - 0.35 for x, _t in targets],
                  [x + 0.35 for x, _t in targets], colors="0", linestyles="--",
                  linewidth=1.5, label=_("target"))  # fmt: skip
    ax.set_xticks(xs, [str(y["year"]) for y in years], fontsize=7)
    ax.set_ylabel("%", fontsize=7)
    ax.set_title(_("Refurbished purchases against the AGEC target"), fontsize=8)
    ax.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _style(ax)
    return fig


def outflows_chart(fig_data: dict[str, Any]):
    chans = fig_data["outflows"]["by_channel"]
    fig = _figure(7.0, 2.0, left=0.22)
    ax = fig.subplots()
    _hbar(ax, [c["label"] for c in chans] or ["-"], [c["devices"] for c in chans] or [0])
    ax.set_title(_("Devices by outgoing channel"), fontsize=8)
    return fig


CHARTS = {
    "objectives": objectives_chart,
    "fleet": fleet_chart,
    "age_pyramid": age_pyramid_chart,
    "carbon_phases": carbon_phases_chart,
    "grid": grid_chart,
    "purchases": purchases_chart,
    "outflows": outflows_chart,
}


def render(name: str, fig_data: dict[str, Any], fmt: str = "png") -> bytes:
    """Chart ``name`` as PNG (or SVG) bytes."""
    fig = CHARTS[name](fig_data)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=130 if fmt == "png" else 100,
                metadata={"Date": None} if fmt == "svg" else None)  # fmt: skip
    return buf.getvalue()


def render_all(fig_data: dict[str, Any], names) -> dict[str, bytes]:
    """Each chart of ``names`` drawn once as PNG (shared by the PDF and the HTML page)."""
    return {name: render(name, fig_data) for name in dict.fromkeys(names)}
