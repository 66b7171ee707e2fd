"""Output shapes of the reuse use cases: plain dicts and rows for JSON and CSV.

The CLI writes them as they are (``sobriety flag --format json|csv``,
``sobriety lot show|list --format json``, ``sobriety reuse-rate --format
json``); a report can reuse them. Codes stay codes; the sentences (``text``,
``reasons``) are in the active language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from sobriety.app.context import Sobriety
    from sobriety.app.lots import LotRow, LotView
    from sobriety.app.reuse import FlagRun
    from sobriety.domain.reuse.explain import DeviceFlag, Reason
    from sobriety.domain.reuse.rate import ReuseRate


def _float(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _reason(r: Reason, with_sources: bool) -> dict[str, Any]:
    from sobriety.domain.reuse.text import render_reason

    out = {"code": r.code, "effect": r.effect, "params": dict(r.params), "text": render_reason(r)}
    if with_sources:
        out["source"] = r.source
        out["date"] = r.date
    return out


def flag_to_dict(flag: DeviceFlag, with_sources: bool = True) -> dict[str, Any]:
    """A JSON-ready flag: codes, parameters and the rendered sentences."""
    return {
        "category": flag.category,
        "status": flag.status,
        "age_years": _float(flag.age_years),
        "value_eur": _float(flag.value_eur),
        "in_scope": flag.in_scope,
        "flagged": flag.flagged,
        "recommended": str(flag.recommended.channel) if flag.recommended else None,
        "channels": [
            {
                "channel": str(o.channel),
                "state": o.state,
                "counts_toward_target": o.counts_toward_target,
                "avoided_kgco2e": o.avoided_kgco2e,
                "reasons": [_reason(r, with_sources) for r in o.reasons],
            }
            for o in flag.outcomes
        ],
    }


def flag_records(
    app: Sobriety, run: FlagRun, rows: np.ndarray, *, explain: str | None = None
) -> list[dict[str, Any]]:
    """One record per row (codes, no per-device explanation unless asked).

    ``explain="flag"`` adds the whole flag (:func:`flag_to_dict`) as ``flag``;
    ``explain="reasons"`` adds its sentences in one ``reasons`` column.
    """
    from sobriety.domain.reuse.policy import CATEGORIES
    from sobriety.domain.reuse.rules import bulk_rows
    from sobriety.domain.reuse.text import describe
    from sobriety.storage.decisions import device_listing

    codes = bulk_rows(run.evaluation, rows)
    cats = run.fleet.category[rows]
    out = []
    for j, extra in enumerate(device_listing(app.engine, run.ids[rows])):
        out.append(
            {
                "asset_tag": extra["asset_tag"],
                "category": CATEGORIES[int(cats[j])],
                "manufacturer": extra["manufacturer"],
                "model": extra["model"],
                "site": extra["site"],
                "status": extra["status"],
                "age_years": _float(codes["age_years"][j]),
                "value_eur": _float(codes["value_eur"][j]),
                "in_scope": codes["in_scope"][j],
                "recommended": codes["recommended"][j],
                "counts_toward_target": codes["counts_toward_target"][j],
                "to_do": codes["to_do"][j],
                "alternatives": codes["alternatives"][j],
                "decided": extra["reuse_channel"],
                "lot": extra["lot"],
            }
        )
    if explain is not None:
        for rec, flag in zip(out, run.explained(rows), strict=True):
            if explain == "flag":
                rec["flag"] = flag_to_dict(flag)
            else:
                rec["reasons"] = " | ".join(describe(flag))
    return out


def flag_report(run: FlagRun, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON document of a flag run: its date, policy, counts and the records."""
    ev = run.evaluation
    return {
        "date": ev.on.isoformat(),
        "policy": ev.policy.path,
        "evaluated": len(run),
        "flagged": int(ev.flagged.sum()),
        "by_channel": {str(k): v for k, v in ev.counts_by_channel().items()},
        "devices": records,
    }


def csv_rows(records: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Field names and rows for a CSV file (lists joined with "|")."""
    from sobriety.domain.formula_guard import neutralise  # text typed by users stays text

    fields = list(records[0]) if records else ["asset_tag", "recommended"]
    rows = [
        {k: neutralise("|".join(v) if isinstance(v, list) else v) for k, v in r.items()}
        for r in records
    ]
    return fields, rows


def rate_to_dict(result: ReuseRate) -> dict[str, Any]:
    """The JSON document of a décret 2023-266 reuse rate."""
    return {
        "year": result.year,
        "a": result.a,
        "b": result.b,
        "rate_pct": result.rate_pct,
        "target_pct": result.target_pct,
        "met": result.met,
        "a_by_channel": result.a_by_channel,
        "a_from_stock": result.a_from_stock,
        "a_retired_in_year": result.a_retired_in_year,
        "pending_proof": result.pending_proof,
        "excluded_from_b": result.excluded,
        "undated_retired": result.undated_retired,
        "source": result.source,
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def lot_row_to_dict(row: LotRow) -> dict[str, Any]:
    """A lot of a listing as a dict."""
    return dataclasses.asdict(row)


def lot_to_dict(view: LotView) -> dict[str, Any]:
    """A lot with its recipient, references and devices (erasure of each), JSON-ready."""
    lot = view.lot
    fields = (
        "code", "channel", "recipient_name", "recipient_kind", "recipient_siret",
        "recipient_address", "price_eur", "status", "created_at", "closed_at", "notes",
        "deed_ref", "commitment_ref", "supplier_contract_ref", "proof_of_reuse_ref",
        "proof_date",
    )  # fmt: skip
    out = {name: _iso(getattr(lot, name)) for name in fields}
    out["devices"] = [{k: _iso(v) for k, v in dataclasses.asdict(d).items()} for d in view.devices]
    out["total_weight_kg"] = view.total_weight_kg
    out["missing_weight"] = view.missing_weight
    return out
