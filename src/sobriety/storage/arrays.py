"""Column reads into numpy arrays, for the set-based engines (carbon, reuse, KPIs).

One SELECT over the raw DB-API cursor, no ORM objects: reading 1,000,000 rows
stays close to the cost of the driver itself. Each column comes back as a
numpy array typed from the table definition:

- float columns -> ``float64`` with ``nan`` for NULL;
- integer columns -> ``float64`` too when nullable (``nan`` for NULL), ``int64`` otherwise;
- booleans -> ``bool`` (NULL is False);
- dates -> ``datetime64[D]`` with ``NaT`` for NULL;
- strings -> ``object`` arrays (``None`` for NULL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Boolean, Date, DateTime, Engine, Float, Integer, Table, select
from sqlalchemy.sql.elements import ColumnElement

from sobriety.storage.models import Device, Site


def _base_type(column_type: object) -> object:
    """The storage type under a TypeDecorator (e.g. SQLModel's UTCDateTime)."""
    impl = getattr(column_type, "impl_instance", None) or getattr(column_type, "impl", None)
    if impl is None:
        return column_type
    return impl() if isinstance(impl, type) else impl


def _convert(values: list, column_type: object, nullable: bool) -> np.ndarray:
    if isinstance(column_type, Float) or (isinstance(column_type, Integer) and nullable):
        return np.array(values, dtype=np.float64)  # None -> nan
    if isinstance(column_type, Integer):
        return np.array(values, dtype=np.int64)
    if isinstance(column_type, Boolean):
        return np.array([bool(v) for v in values], dtype=bool)
    if isinstance(column_type, Date | DateTime):
        if values and isinstance(next((v for v in values if v is not None), None), str):
            # SQLite returns ISO text through the raw cursor.
            return np.array([v[:10] if v else "NaT" for v in values], dtype="datetime64[D]")
        return np.array(
            [v.date() if isinstance(v, dt.datetime) else (v or "NaT") for v in values],
            dtype="datetime64[D]",
        )
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def read_columns(
    engine: Engine,
    columns: Sequence[str],
    *,
    table: Table | None = None,
    where: ColumnElement[bool] | None = None,
    order_by: str | None = "id",
) -> dict[str, np.ndarray]:
    """Read ``columns`` of ``table`` (the device table by default) into arrays."""
    tbl = table if table is not None else Device.__table__
    cols = [tbl.c[name] for name in columns]
    stmt = select(*cols)
    if where is not None:
        stmt = stmt.where(where)
    if order_by:
        stmt = stmt.order_by(tbl.c[order_by])
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(str(compiled))
        rows = cur.fetchall()
        cur.close()
    finally:
        raw.close()
    out: dict[str, np.ndarray] = {}
    columns_data = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
    for col, data in zip(cols, columns_data, strict=True):
        out[col.name] = _convert(list(data), _base_type(col.type), bool(col.nullable))
    return out


def read_sites(engine: Engine) -> dict[str, np.ndarray]:
    """Every site's columns, ordered by id."""
    return read_columns(
        engine,
        ["id", "code", "name", "kind", "commune", "insee_code", "country", "agents"],
        table=Site.__table__,
    )
