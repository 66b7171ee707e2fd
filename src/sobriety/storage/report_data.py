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
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Engine, select

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.report.annual import FleetExtra
from sobriety.domain.vocab import Status
from sobriety.storage.models import DeviceEvent, ReportSnapshot

if TYPE_CHECKING:
    from sobriety.storage.device_frame import DeviceFrame


def _days(values: np.ndarray) -> np.ndarray:
    return carbon.dates_to_days(np.asarray(values, dtype="datetime64[D]"))


def _fetch(engine: Engine, sql: str) -> list[tuple]:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(sql)
        rows = cur.fetchall()
        cur.close()
    finally:
        raw.close()
    return rows


def _extra_columns(engine: Engine, frame: DeviceFrame | None) -> tuple:
    """(ids, "maker model" names, conditions, in stock?, stock acquisition dates)."""
    if frame is not None:
        cols = frame.columns
        names = [
            f"{maker or ''} {model or ''}".strip(" ")
            for maker, model in zip(cols["manufacturer"], cols["model"], strict=True)
        ]
        condition = [c if c is not None else "working" for c in cols["condition"]]
        stock = cols["status"] == Status.IN_STOCK.value
        dates = np.asarray(cols["acquisition_date"], dtype="datetime64[D]")[stock]
        return cols["id"], names, condition, stock, dates
    in_stock = f"status = '{Status.IN_STOCK.value}'"
    rows = _fetch(
        engine,
        "SELECT id, TRIM(COALESCE(manufacturer, '') || ' ' || COALESCE(model, '')),"
        f" COALESCE(condition, 'working'), CASE WHEN {in_stock} THEN 1 ELSE 0 END,"
        f" CASE WHEN {in_stock} THEN acquisition_date END FROM device ORDER BY id",
    )
    ids, names, condition, stock, acquired = (
        zip(*rows, strict=True) if rows else ((), (), (), (), ())
    )
    stock = np.array(stock, dtype=bool)
    dates = np.array(
        [str(acquired[p])[:10] if acquired[p] else "NaT" for p in np.flatnonzero(stock)],
        dtype="datetime64[D]",
    )
    return ids, names, condition, stock, dates


def read_extra(engine: Engine, frame: DeviceFrame | None = None) -> FleetExtra:
    """Model names, conditions, stock entry days and erasure records (device id order).

    ``frame``: the device columns already read (:mod:`sobriety.storage.device_frame`).
    """
    ids, names, condition, stock, dates = _extra_columns(engine, frame)
    n = len(ids)
    since = np.full(n, np.nan)
    stocked = np.flatnonzero(stock) if n else np.zeros(0, np.int64)
    if len(stocked):
        since[stocked] = carbon.dates_to_days(dates)
        entered = _stock_entries(engine)
        if entered:
            pos = {int(ids[p]): p for p in stocked}
            for dev, day in entered.items():
                if dev in pos:
                    since[pos[dev]] = day
    er = _fetch(engine, "SELECT date, method, level FROM erasure")
    days = (
        carbon.dates_to_days(np.array([str(r[0])[:10] for r in er], dtype="datetime64[D]"))
        if er
        else np.zeros(0)
    )
    return FleetExtra(
        model=np.array(names, dtype=object),
        condition=np.array(condition, dtype=object),
        stock_since=since,
        erasure_day=days,
        erasure_method=np.array([r[1] for r in er], dtype=object),
        erasure_level=np.array([r[2] for r in er], dtype=object),
    )


def _stock_entries(engine: Engine) -> dict[int, float]:
    """``device id -> day`` of each device's latest move into the stock (from its history).

    Read with the driver's cursor: only the events whose details record a status
    change to ``in_stock`` are parsed.
    """
    t = DeviceEvent.__table__
    stmt = select(t.c.device_id, t.c.date, t.c.details).where(
        t.c.details.like('%"status"%'), t.c.details.like(f'%"{Status.IN_STOCK.value}"%')
    )
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(str(compiled))
        rows = cur.fetchall()
        cur.close()
    finally:
        raw.close()
    entered: dict[int, float] = {}
    for dev, date, details in rows:
        info = json.loads(details) if details else {}
        change = (info.get("changes") or {}).get("status")
        if change and change[-1] == Status.IN_STOCK.value:
            day = np.datetime64(str(date)[:10], "D")
            value = float((day - carbon.EPOCH).astype(np.int64))
            entered[int(dev)] = max(entered.get(int(dev), -np.inf), value)
    return entered


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


def purchase_prices(
    engine: Engine, since: dt.date | None = None, frame: DeviceFrame | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(category, acquisition day, bought refurbished, price EUR) of the devices bought.

    Devices bought new or refurbished with a recorded price (donated and leased
    ones are left out), acquired after ``since`` when given; one query, no ORM
    objects, or none with ``frame`` (the device columns already read).
    """
    if frame is not None:
        cols = frame.columns
        date = np.asarray(cols["acquisition_date"], dtype="datetime64[D]")
        price = np.asarray(cols["purchase_price_eur"], dtype=float)
        kind = cols["acquisition_type"]
        bought = np.array([k in ("new", "refurbished") for k in kind], dtype=bool)
        keep = ~np.isnan(price) & ~np.isnat(date) & bought
        if since is not None:
            keep &= date > np.datetime64(since, "D")
        return (
            np.asarray(cols["category"][keep], dtype=object),
            date[keep],
            np.asarray(kind[keep] == "refurbished", dtype=bool),
            price[keep],
        )
    after = f" AND acquisition_date > '{since.isoformat()}'" if since else ""
    rows = _fetch(
        engine,
        "SELECT category, acquisition_date, acquisition_type, purchase_price_eur FROM device"
        " WHERE purchase_price_eur IS NOT NULL AND acquisition_date IS NOT NULL"
        f" AND acquisition_type IN ('new', 'refurbished'){after}",
    )
    if not rows:
        return (np.array([], object), np.array([], "datetime64[D]"),
                np.array([], bool), np.array([], float))  # fmt: skip
    cats, dates, kinds, prices = zip(*rows, strict=True)
    return (
        np.array(cats, dtype=object),
        np.array([str(d)[:10] for d in dates], dtype="datetime64[D]"),
        np.array([k == "refurbished" for k in kinds], dtype=bool),
        np.array(prices, dtype=float),
    )
