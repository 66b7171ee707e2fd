"""The renewal plan as CSV and XLSX: every candidate in priority order."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sobriety.i18n import _

COLUMNS = (
    "rank", "asset_tag", "category", "model", "site", "age_years", "reasons",
    "replacement", "cost_eur", "kgco2e", "selected", "cumulative_eur",
)  # fmt: skip


def _headings() -> list[str]:
    return [
        _("Rank"), _("Asset tag"), _("Category"), _("Model"), _("Site"), _("Age (years)"),
        _("Reasons"), _("Replacement"), _("Cost (EUR)"), _("kgCO2e"), _("In the plan"),
        _("Cumulative cost (EUR)"),
    ]  # fmt: skip


def _cell(row: dict[str, Any], key: str) -> Any:
    value = row[key]
    if key == "selected":
        return _("yes") if value else _("no (over budget)")
    return "" if value is None else value


def write_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([_cell(r, k) for k in COLUMNS])
    return Path(path)


def write_xlsx(rows: list[dict[str, Any]], summary: dict[str, Any], path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Renewal plan")
    ws.append(_headings())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(r, k) for k in COLUMNS])
    ws.freeze_panes = "A2"
    info = wb.create_sheet(_("Summary"))
    plan, alt = summary["plan"], summary["extend_lifespans"]
    for k, v in (
        (_("Year"), summary["year"]),
        (_("Budget (EUR)"), summary["budget_eur"]),
        (_("Strategy"), summary["strategy"]),
        (_("Candidates"), summary["candidates"]),
        (_("Devices in the plan"), plan["devices"]),
        (_("Cost of the plan (EUR)"), plan["cost_eur"]),
        (_("tCO2e of the plan"), plan["tco2e"]["value"]),
        (_("Extend lifespans: devices"), alt["devices"]),
        (_("Extend lifespans: cost (EUR)"), alt["cost_eur"]),
        (_("Extend lifespans: tCO2e"), alt["tco2e"]["value"]),
        (_("Prices"), summary.get("price_source") or ""),
    ):
        info.append([k, v])
    wb.save(path)
    return Path(path)
