"""Pure helpers: build a ReuseFleet from plain dicts, evaluate, explain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from sobriety.domain.reuse.explain import DeviceFlag, explain
from sobriety.domain.reuse.policy import Policy, resolve_policy
from sobriety.domain.reuse.rules import ReuseFleet, evaluate

TODAY = dt.date(2026, 11, 29)

BASE: dict[str, Any] = {
    "category": "laptop",
    "status": "retired",
    "condition": "working",
    "acquisition_date": dt.date(2023, 6, 1),
    "purchase_price_eur": 900.0,
    "battery_health_pct": 82.0,
    "ram_gb": 8.0,
    "storage_gb": 256.0,
    "cpu_generation": 11,
    "tpm_version": "2.0",
    "sensitive_data": False,
}

LEVELS = {"none": 0, "clear": 1, "purge": 2, "destroy": 3}


def years_ago(years: float, on: dt.date = TODAY) -> dt.date:
    return on - dt.timedelta(days=round(years * 365.25))


def fleet(*rows: dict[str, Any]) -> ReuseFleet:
    """A fleet of ``rows`` (each overriding :data:`BASE`; ``erasure`` = level name)."""
    full = [{**BASE, **r} for r in rows]
    cols: dict[str, np.ndarray] = {}
    for k in ReuseFleet.COLUMNS:
        vals = [r.get(k) for r in full]
        if k in ("acquisition_date", "retirement_date"):
            cols[k] = np.array([v or "NaT" for v in vals], dtype="datetime64[D]")
        elif k in ("category", "status", "condition", "tpm_version", "storage_type"):
            arr = np.empty(len(vals), dtype=object)
            arr[:] = vals
            cols[k] = arr
        elif k == "sensitive_data":
            cols[k] = np.array([bool(v) for v in vals])
        else:
            cols[k] = np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
    rank = np.array([LEVELS[r.get("erasure", "none")] for r in full], dtype=np.int8)
    verified = np.array([bool(r.get("verified", False)) for r in full])
    return ReuseFleet.from_columns(cols, rank, verified)


def flag_of(row: dict[str, Any], policy: Policy | None = None, on: dt.date = TODAY) -> DeviceFlag:
    f = fleet(row)
    return explain(evaluate(f, policy or resolve_policy(), on), f, 0)


def codes(flag: DeviceFlag, channel: str, effect: str | None = None) -> list[str]:
    """Reason codes of ``channel`` (of one effect: pass, out, block, info)."""
    return [r.code for r in flag.outcome(channel).reasons if effect is None or r.effect == effect]


def state(flag: DeviceFlag, channel: str) -> str:
    return flag.outcome(channel).state
