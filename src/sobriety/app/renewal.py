"""Use cases of the renewal plan: devices to replace in a year within the budget.

:func:`renewal_plan` evaluates the fleet with the reuse policy (end of the
year), prices each replacement from the price table (the user's
``SOBRIETY_RENEWAL_PRICES`` or the shipped, sourced one), takes the devices
in priority order while the budget lasts and compares the plan with the
"extend lifespans" alternative (see :mod:`sobriety.domain.report.renewal`).
:func:`write_plan` writes it as CSV or XLSX; :func:`report_section` gives the
annual report's section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobriety.app.context import SettingError
from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.domain.report.annual import ReportInputs
    from sobriety.domain.report.renewal import Plan, PriceTable
    from sobriety.storage.device_frame import DeviceFrame

__all__ = ["RenewalInputError", "SettingError", "renewal_plan", "write_plan"]
SHOWN_IN_REPORT = 15


class RenewalInputError(ValueError):
    """A renewal option is not usable (budget, strategy, file format)."""


@dataclass
class RenewalPlan:
    plan: Plan
    extend: Plan
    summary: dict[str, Any]
    prices: PriceTable
    ids: Any  # device ids of the fleet rows
    _tags: dict[int, tuple[str, str, str]] | None = None

    def rows(
        self, app: Sobriety, *, selected_only: bool = False, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """One line per candidate (the first ``limit``), in priority order."""
        import numpy as np

        from sobriety.domain.labels import label
        from sobriety.domain.report.renewal import REASON_LABELS, REASONS
        from sobriety.storage.report_data import device_names

        p = self.plan
        rows_idx = p.candidates.rows
        keep = range(len(rows_idx))
        if selected_only:
            keep = [i for i in keep if p.selected[i]]
        keep = list(keep)[:limit] if limit is not None else list(keep)
        ids = [int(self.ids[rows_idx[i]]) for i in keep]
        names = device_names(app.engine, ids)
        spent = np.cumsum(np.where(p.selected, p.cost_eur, 0.0))
        out = []
        for i, dev in zip(keep, ids, strict=True):
            tag, model, site = names.get(dev, ("", "", ""))
            reasons = [
                _(REASON_LABELS[r]) for k, r in enumerate(REASONS) if p.candidates.reasons[i, k]
            ]
            age = p.candidates.age[i]
            out.append(
                {
                    "rank": i + 1,
                    "asset_tag": tag,
                    "category": label("category", str(p.categories[i])),
                    "model": model,
                    "site": site,
                    "age_years": None if age != age else round(float(age), 1),
                    "reasons": "; ".join(reasons),
                    "replacement": _("refurbished") if p.refurbished[i] else _("new"),
                    "cost_eur": float(p.cost_eur[i]),
                    "kgco2e": float(p.kgco2e[0, i]),
                    "selected": bool(p.selected[i]),
                    "cumulative_eur": float(spent[i]) if p.selected[i] else None,
                }
            )
        return out


def prices(
    app: Sobriety, on: dt.date | None = None, frame: DeviceFrame | None = None
) -> PriceTable:
    """The price table, each price derived from the inventory's purchases up to ``on``.

    See :func:`sobriety.domain.report.renewal.derive_prices`: the median recorded
    price of the last years' purchases of each category, the file's price where
    too few are recorded. ``frame``: the device columns already read (the report's).
    """
    from sobriety.domain.report.renewal import PriceTableError, derive_prices, load_price_table
    from sobriety.storage.report_data import purchase_prices

    try:
        table = load_price_table(app.settings.renewal_prices)
    except PriceTableError as exc:
        raise SettingError(str(exc)) from exc
    on = on or app.today()
    since = dt.date(on.year - table.derive_years - 1, 12, 31)  # a little before the window
    return derive_prices(table, *purchase_prices(app.engine, since, frame), on)


def price_rows(table: PriceTable) -> list[dict[str, Any]]:
    """The prices used, per category and kind, and where each comes from (JSON-ready)."""
    rows = []
    for cat in sorted(table.new_eur):
        for kind, prices in (("new", table.new_eur), ("refurbished", table.refurbished_eur)):
            if cat not in prices:
                continue
            how = table.provenance.get(cat, {}).get(kind, {"from": "table", "devices": 0})
            rows.append({"category": cat, "kind": kind, "price_eur": prices[cat], **how})
    return rows


def budget_of(text: str | float | None, table: PriceTable) -> float:
    from sobriety.domain.report.renewal import parse_budget
    from sobriety.units import UnitError

    if text is None:
        if table.default_budget_eur is None:
            raise RenewalInputError(_("no budget given and none in the price table"))
        return table.default_budget_eur
    if isinstance(text, int | float):
        return float(text)
    try:
        return parse_budget(text)
    except (UnitError, ValueError) as exc:
        raise RenewalInputError(
            _(
                'budget {value!r}: expected an amount of money, e.g. "1 909 000 EUR" ({error})'
            ).format(value=text, error=exc)
        ) from exc


def renewal_plan(
    app: Sobriety,
    year: int | None = None,
    budget: str | float | None = None,
    strategy: str = "refurbished-first",
    *,
    frame: DeviceFrame | None = None,
) -> RenewalPlan:
    """The devices proposed for renewal in ``year`` (default: next year) within ``budget``.

    ``frame``: the device columns and reuse fleet already read (the annual report's).
    """
    from sobriety.domain.report.renewal import STRATEGIES, make_plan, summary
    from sobriety.domain.texts import shown
    from sobriety.storage.reuse_fleet import read_fleet

    if strategy not in STRATEGIES:
        raise RenewalInputError(
            _("unknown strategy {value!r}; expected {choices}").format(
                value=strategy, choices=", ".join(STRATEGIES)
            )
        )
    year = year or app.today().year + 1
    # Prices from the purchases recorded up to the end of the year before the plan's.
    table = prices(app, min(app.today(), dt.date(year - 1, 12, 31)), frame)
    amount = budget_of(budget, table)
    ids, fleet = read_fleet(app.engine) if frame is None else (frame.reuse_ids, frame.reuse)
    plan, extend = make_plan(
        fleet, app.policy, app.factors, table, year=year, budget_eur=amount, strategy=strategy
    )
    out = summary(plan, extend)
    out["price_source"] = shown(table.source)
    out["prices"] = price_rows(table)
    out["derive_years"] = table.derive_years
    out["derive_min_devices"] = table.derive_min_devices
    out["budget_source"] = shown(table.budget_source) if budget is None else None
    return RenewalPlan(plan, extend, out, table, ids)


def write_plan(app: Sobriety, plan: RenewalPlan, path: Path) -> Path:
    """The plan as CSV or XLSX (by the file's suffix): every candidate, in priority order."""
    from sobriety.reports.annual_renewal import write_csv, write_xlsx

    path = Path(path)
    rows = plan.rows(app)
    if path.suffix.lower() == ".csv":
        return write_csv(rows, path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(rows, plan.summary, path)
    raise RenewalInputError(_("{path}: expected a .csv or .xlsx file name").format(path=path))


def report_section(
    app: Sobriety,
    inputs: ReportInputs,
    year: int,
    budget: str | float | None,
    frame: DeviceFrame | None = None,
) -> dict[str, Any]:
    """The renewal section of the annual report: the plan of ``year`` and its first lines."""
    plan = renewal_plan(app, year, budget, frame=frame)
    section = dict(plan.summary)
    section["top"] = plan.rows(app, selected_only=True, limit=SHOWN_IN_REPORT)
    return section
