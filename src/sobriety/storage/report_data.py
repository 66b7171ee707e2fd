"""What the annual report reads beyond the carbon fleet, and its stored snapshots.

:func:`read_extra` gives the device columns the report needs and the carbon
fleet does not carry (model names, conditions, when devices entered the
stock, the erasure records), aligned with the fleet's rows (device id
order). :func:`save_snapshot` / :func:`snapshots` store and read the
figures of the reports produced, so that next year's report compares with
what was published.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.report.annual import FleetExtra
from sobriety.domain.vocab import Status
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import DeviceEvent, Erasure, ReportSnapshot


def _days(values: np.ndarray) -> np.ndarray:
    return carbon.dates_to_days(np.asarray(values, dtype="datetime64[D]"))


def read_extra(engine: Engine) -> FleetExtra:
    """Model names, conditions, stock entry days and erasure records (device id order)."""
    cols = read_columns(
        engine, ["id", "manufacturer", "model", "condition", "status", "acquisition_date"]
    )
    ids = cols["id"].astype(np.int64)
    n = len(ids)
    maker = np.array(["" if v is None else str(v) for v in cols["manufacturer"]], dtype=object)
    model = np.array(["" if v is None else str(v) for v in cols["model"]], dtype=object)
    names = np.array(
        [f"{a} {b}".strip() for a, b in zip(maker, model, strict=True)], dtype=object
    ) if n else np.zeros(0, dtype=object)  # fmt: skip
    condition = np.array(
        [str(v) if v is not None else "working" for v in cols["condition"]], dtype=object
    )
    in_stock = cols["status"] == Status.IN_STOCK.value
    since = np.full(n, np.nan)
    if in_stock.any():
        stmt = select(DeviceEvent.device_id, DeviceEvent.date, DeviceEvent.details).where(
            DeviceEvent.details.like('%"status"%')
        )
        entered: dict[int, float] = {}
        with engine.connect() as conn:
            for dev, date, details in conn.execute(stmt):
                info = json.loads(details) if details else {}
                change = (info.get("changes") or {}).get("status")
                if change and change[-1] == Status.IN_STOCK.value:
                    day = carbon.date_to_days(
                        date.date() if isinstance(date, dt.datetime) else date
                    )
                    entered[dev] = max(entered.get(dev, -np.inf), day)
        pos = np.flatnonzero(in_stock)
        acquired = _days(cols["acquisition_date"])
        for p in pos:
            since[p] = entered.get(int(ids[p]), acquired[p])
    er = read_columns(engine, ["date", "method", "level"], table=Erasure.__table__)
    return FleetExtra(
        model=names,
        condition=condition,
        stock_since=since,
        erasure_day=_days(er["date"]) if len(er["date"]) else np.zeros(0),
        erasure_method=np.asarray(er["method"], dtype=object),
        erasure_level=np.asarray(er["level"], dtype=object),
    )


def save_snapshot(
    engine: Engine, year: int, figures: dict[str, Any], *, actor: str | None, lang: str,
    at: dt.datetime,
) -> int:  # fmt: skip
    """Store the figures of a report produced for ``year``; returns the snapshot's id."""
    row = {
        "year": year,
        "created_at": at,
        "actor": actor,
        "lang": lang,
        "factor_set": str(figures.get("factor_set", ""))[:120],
        "figures": json.dumps(figures, ensure_ascii=False, allow_nan=False),
    }
    with engine.begin() as conn:
        result = conn.execute(ReportSnapshot.__table__.insert().values(**row))
        return int(result.inserted_primary_key[0])


def snapshots(engine: Engine) -> dict[int, dict[str, Any]]:
    """The latest snapshot's figures of each year."""
    t = ReportSnapshot.__table__
    stmt = select(t.c.year, t.c.figures).order_by(t.c.year, t.c.created_at, t.c.id)
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for year, text in conn.execute(stmt):
            out[int(year)] = json.loads(text)
    return out


def snapshot_years(engine: Engine) -> list[tuple[int, dt.datetime]]:
    """(year, when) of every stored snapshot."""
    t = ReportSnapshot.__table__
    with engine.connect() as conn:
        return [(int(y), c) for y, c in conn.execute(select(t.c.year, t.c.created_at))]


def device_names(engine: Engine, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """``id -> (asset tag, "maker model", site code)`` of the devices ``ids``."""
    from sqlalchemy import bindparam

    from sobriety.storage.models import Device, Site

    out: dict[int, tuple[str, str, str]] = {}
    if not ids:
        return out
    stmt = (
        select(Device.id, Device.asset_tag, Device.manufacturer, Device.model, Site.code)
        .join(Site, Site.id == Device.site_id, isouter=True)
        .where(Device.id.in_(bindparam("ids", expanding=True)))
    )
    with engine.connect() as conn:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for dev, tag, maker, model, site in conn.execute(stmt, {"ids": chunk}):
                out[int(dev)] = (tag, f"{maker or ''} {model or ''}".strip(), site or "")
    return out
