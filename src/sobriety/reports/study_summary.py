"""The partners' A4 summary of a (regional) study package: PDF and HTML.

Built with matplotlib's object API (``Figure``, never ``pyplot``): one A4
portrait page with the key figures, the expected departures per year by
category and by condition (hatched bars, readable in black and white, with
the low/high bounds), the capacity a refurbishing sector would need and
each organisation's share. The HTML version holds the same figures as
tables and the chart as inline SVG.
"""

from __future__ import annotations

import html
import io
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from sobriety.domain.labels import label
from sobriety.domain.study.summary import (
    Summary,
    by_category_condition,
    capacity_words,
    org_shares,
)
from sobriety.i18n import _, fmt_number, fmt_percent, language

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_INCHES = (8.27, 11.69)
CONDITIONS = ("working", "degraded", "broken")
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
GREYS = ("#f0f0f0", "#c8c8c8", "#a0a0a0", "#787878", "#505050", "#dddddd", "#b4b4b4", "#8c8c8c")
#: Categories drawn on their own; the others are summed.
TOP_CATEGORIES = 6
TOP_ORGANISATIONS = 12


def _series(s: Summary) -> tuple[list[int], list[str], dict[str, list[float]]]:
    years = sorted(s.forecast)
    cats = s.categories()
    top = cats[:TOP_CATEGORIES]
    series: dict[str, list[float]] = {c: [] for c in top}
    if len(cats) > TOP_CATEGORIES:
        series["__other__"] = []
    for y in years:
        per = s.forecast[y]
        for c in top:
            series[c].append(sum(v[0] for v in per.get(c, {}).values()))
        if "__other__" in series:
            series["__other__"].append(
                sum(v[0] for c, conds in per.items() if c not in top for v in conds.values())
            )
    return years, list(series), series


def _cat_label(c: str) -> str:
    return _("Other categories") if c == "__other__" else label("category", c)


def _bars(ax, years, keys, series, names, bounds=None) -> None:  # type: ignore[no-untyped-def]
    bottom = [0.0] * len(years)
    for i, key in enumerate(keys):
        values = series[key]
        ax.bar(
            years,
            values,
            bottom=bottom,
            color=GREYS[i % len(GREYS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.5,
            label=names(key),
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if bounds is not None:
        low, high = bounds
        ax.errorbar(
            years,
            bottom,
            yerr=[[max(b - lo, 0) for b, lo in zip(bottom, low, strict=True)],
                  [max(hi - b, 0) for b, hi in zip(bottom, high, strict=True)]],
            fmt="none",
            ecolor="black",
            capsize=3,
            linewidth=0.8,
        )  # fmt: skip
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.set_major_formatter(_number_formatter())
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _number_formatter():  # type: ignore[no-untyped-def]
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_number(x))


def figure(s: Summary) -> Figure:
    """The summary page as a matplotlib Figure (A4 portrait)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=A4_INCHES)
    fig.text(0.06, 0.965, _("Reuse-sector study: summary for the partners"), fontsize=14,
             weight="bold")  # fmt: skip
    fig.text(0.06, 0.945, s.title, fontsize=8, color="#333333")
    cap = s.capacity()
    per_year = s.per_year()
    years = [p[0] for p in per_year]
    key_lines = [
        _("Departures in {year}: {n} devices, {t} t; organisations: {orgs}.").format(
            year=s.year,
            n=fmt_number(s.outgoing_devices),
            t=fmt_number(s.outgoing_tonnes, 1),
            orgs=fmt_number(len(s.organisations)),
        ),
        _("Expected over {first}-{last}: {n} devices [{low} - {high}], {t} t.").format(
            first=years[0] if years else "-",
            last=years[-1] if years else "-",
            n=fmt_number(sum(p[1] for p in per_year)),
            low=fmt_number(sum(p[2] for p in per_year)),
            high=fmt_number(sum(p[3] for p in per_year)),
            t=fmt_number(sum(p[4] for p in per_year), 1),
        ),
        _(
            "Capacity needed (busiest year): {d} devices/year (up to {dh}), {t} t/year "
            "(up to {th}); refurbishable (working or degraded): {r} devices/year."
        ).format(
            d=fmt_number(cap["devices"]),
            dh=fmt_number(cap["devices_high"]),
            t=fmt_number(cap["tonnes"], 1),
            th=fmt_number(cap["tonnes_high"], 1),
            r=fmt_number(cap["refurbishable_devices"]),
        ),
    ]
    y = 0.915
    for line in key_lines:
        for part in textwrap.wrap(line, 110):
            fig.text(0.06, y, part, fontsize=8.5)
            y -= 0.016

    yrs, keys, series = _series(s)
    lows = [p[2] for p in per_year]
    highs = [p[3] for p in per_year]
    ax1 = fig.add_axes((0.09, 0.61, 0.62, 0.2))
    _bars(ax1, yrs, keys, series, _cat_label, (lows, highs))
    ax1.set_title(
        _("Expected departures per year by category (devices; bars: low - high)"),
        fontsize=8.5, loc="left",
    )  # fmt: skip

    cond_series = {
        c: [sum(v.get(c, (0.0,))[0] for v in s.forecast[y].values()) for y in yrs]
        for c in CONDITIONS
    }
    ax2 = fig.add_axes((0.09, 0.375, 0.62, 0.17))
    _bars(ax2, yrs, list(CONDITIONS), cond_series, lambda c: label("condition", c))
    ax2.set_title(_("Expected departures per year by condition (devices)"), fontsize=8.5,
                  loc="left")  # fmt: skip

    # Category x condition over the whole forecast.
    table = by_category_condition(s)
    cats = s.categories()[:10]
    ax3 = fig.add_axes((0.06, 0.05, 0.42, 0.26))
    ax3.axis("off")
    ax3.set_title(_("Expected over the forecast (devices)"), fontsize=8.5, loc="left")
    cells = [
        [label("category", c)] + [fmt_number(table.get(c, {}).get(k, 0.0)) for k in CONDITIONS]
        for c in cats
    ]
    if cells:
        _table(
            ax3,
            [_("Category")] + [label("condition", k) for k in CONDITIONS],
            cells,
            [0.4, 0.2, 0.2, 0.2],
        )

    shares = org_shares(s)
    ax4 = fig.add_axes((0.52, 0.05, 0.44, 0.26))
    ax4.axis("off")
    ax4.set_title(_("Each organisation's share"), fontsize=8.5, loc="left")
    rows = [
        [_short(org), fmt_number(out), fmt_percent(sh), fmt_number(fc), fmt_percent(fsh)]
        for org, out, sh, fc, fsh in shares[:TOP_ORGANISATIONS]
    ]
    if len(shares) > TOP_ORGANISATIONS:
        rest = shares[TOP_ORGANISATIONS:]
        total_out = sum(r[1] for r in shares) or 1
        total_fc = sum(r[3] for r in shares) or 1
        rows.append([
            _("{n} others").format(n=len(rest)),
            fmt_number(sum(r[1] for r in rest)),
            fmt_percent(sum(r[1] for r in rest) / total_out),
            fmt_number(sum(r[3] for r in rest)),
            fmt_percent(sum(r[3] for r in rest) / total_fc),
        ])  # fmt: skip
    if rows:
        _table(
            ax4,
            [_("Organisation"), str(s.year), _("share"), _("forecast"), _("share")],
            rows,
            [0.44, 0.14, 0.11, 0.16, 0.11],
        )
    a = s.anonymisation
    note = _(
        "Forecast: reference lifespans (per model when known, ADEME-Arcep 2022) capped by the "
        "reuse policy; bounds with lifespans {spread} shorter or longer. "
        "Anonymised rows: k = {k}, {x} rows left out."
    ).format(
        spread=fmt_percent(s.spread),
        k=a.get("k", "-"),
        x=fmt_number(a.get("suppressed", 0)),
    )
    for i, part in enumerate(textwrap.wrap(note, 150)):
        fig.text(0.06, 0.03 - i * 0.012, part, fontsize=6, color="#333333")
    return fig


def _table(ax, header: list[str], rows: list[list[str]], widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    """A table filling the axes' width: the first column left-aligned, numbers right-aligned."""
    from matplotlib.table import Table

    table = Table(ax, loc="upper left")
    height = min(0.085, 1.0 / (len(rows) + 1))
    for r, row in enumerate([header, *rows]):
        for c, text in enumerate(row):
            cell = table.add_cell(
                r, c, widths[c], height, text=text, loc="left" if c == 0 else "right"
            )
            cell.set_linewidth(0.4)
            if r == 0:
                cell.set_text_props(weight="bold")
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    ax.add_table(table)


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_pdf(s: Summary, path: Path) -> Path:
    fig = figure(s)
    fig.savefig(
        path,
        format="pdf",
        metadata={"Title": s.title, "Creator": "sobriety", "Subject": _("Reuse-sector study")},
    )
    return path


def _svg(s: Summary) -> str:
    buf = io.StringIO()
    figure(s).savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def write_html(s: Summary, path: Path) -> Path:
    e = html.escape
    per_year = s.per_year()
    cap = s.capacity()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}"><head><meta charset="utf-8">',
        f"<title>{e(s.title)}</title>",
        "<style>body{font-family:sans-serif;max-width:210mm;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;"
        "text-align:right}td:first-child,th:first-child{text-align:left}"
        "@page{size:A4}</style></head><body>",
        f"<h1>{e(_('Reuse-sector study: summary for the partners'))}</h1>",
        f"<p>{e(s.title)}</p>",
        f"<h2>{e(_('Expected departures per year'))}</h2>",
        "<table><tr>"
        + "".join(
            f"<th>{e(h)}</th>"
            for h in (
                _("Year"),
                _("Devices"),
                _("low"),
                _("high"),
                _("Tonnes"),
                _("low"),
                _("high"),
            )
        )
        + "</tr>",
    ]
    for year, d, dl, dh, t, tl, th in per_year:
        cells = [str(year), fmt_number(d), fmt_number(dl), fmt_number(dh),
                 fmt_number(t, 1), fmt_number(tl, 1), fmt_number(th, 1)]  # fmt: skip
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    parts.append(f"<h2>{e(_('Expected over the forecast (devices)'))}</h2><table><tr>")
    parts.append(
        "".join(
            f"<th>{e(h)}</th>"
            for h in [_("Category")] + [label("condition", c) for c in CONDITIONS]
        )
        + "</tr>"
    )
    table = by_category_condition(s)
    for cat in s.categories():
        cells = [label("category", cat)] + [
            fmt_number(table.get(cat, {}).get(c, 0.0)) for c in CONDITIONS
        ]
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    parts.append(f"<h2>{e(_('Capacity a refurbishing sector would need'))}</h2>")
    parts.append(
        "<p>"
        + e(
            _(
                "Busiest year: {d} devices/year (up to {dh}), {t} t/year (up to {th}); "
                "refurbishable (working or degraded): {r} devices/year, {rt} t/year."
            ).format(**capacity_words(cap))
        )
        + "</p>"
    )
    share_title = _("Each organisation's share")
    parts.append(f"<h2>{e(share_title)}</h2><table><tr>")
    parts.append(
        "".join(
            f"<th>{e(h)}</th>"
            for h in (_("Organisation"), str(s.year), _("share"), _("forecast"), _("share"))
        )
        + "</tr>"
    )
    for org, out, sh, fc, fsh in org_shares(s):
        cells = [org, fmt_number(out), fmt_percent(sh), fmt_number(fc), fmt_percent(fsh)]
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    parts.append(f"<figure>{_svg(s)}</figure>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path
