"""Read the columns the reuse rules need into a :class:`~sobriety.domain.reuse.Fleet`.

Two paths, same result:

- :func:`read_fleet_generic` (any database): one SELECT through
  :func:`sobriety.storage.arrays.read_columns`, then vocabulary strings mapped
  to codes in Python;
- on SQLite, :func:`read_fleet_sqlite`: SQLite itself turns each column into
  an integer (vocabulary codes packed with ``CASE`` and shifts, dates as days
  since 1970, amounts in cents, NULL as -1) and concatenates every column into
  one text value (``group_concat``) in a single scan; numpy parses each text in
  C. No Python object is made per device. Amounts are read to the cent,
  percentages to 0.01, sizes to the MB: far finer than any threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine, Float, Integer, case, cast, func, select

from sobriety.domain.policy import CATEGORIES
from sobriety.domain.reuse import _CO, _ST, CONDITIONS, STATUSES, Fleet
from sobriety.domain.vocab import Category, Condition, Status
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import Device, Erasure

_NAT = -(2**31)


def _level_rank():
    return case(
        (Erasure.level == "clear", 1),
        (Erasure.level == "purge", 2),
        (Erasure.level == "destroy", 3),
        else_=0,
    )


def erasure_ranks(engine: Engine, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best recorded erasure level (0-3) per device of ``ids``, and whether it was verified."""
    rank = _level_rank()
    stmt = select(
        Erasure.device_id,
        func.max(rank),
        func.max(case((Erasure.verified, rank), else_=0)),
    ).group_by(Erasure.device_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    best = np.zeros(len(ids), dtype=np.int8)
    verified = np.zeros(len(ids), dtype=bool)
    if rows and len(ids):
        dev = np.array([r[0] for r in rows], dtype=np.int64)
        pos = np.searchsorted(ids, dev)
        inside = pos < len(ids)
        hit = np.zeros(len(dev), dtype=bool)
        hit[inside] = ids[pos[inside]] == dev[inside]
        b = np.array([r[1] or 0 for r in rows], dtype=np.int8)
        v = np.array([r[2] or 0 for r in rows], dtype=np.int8)
        best[pos[hit]] = b[hit]
        verified[pos[hit]] = v[hit] >= b[hit]
    return best, verified


def read_fleet_generic(engine: Engine, where: Any = None) -> tuple[np.ndarray, Fleet]:
    cols = read_columns(engine, ["id", *Fleet.COLUMNS], where=where)
    ids = cols.pop("id").astype(np.int64)
    best, verified = erasure_ranks(engine, ids)
    return ids, Fleet.from_columns(cols, best, verified)


def _code_case(column: Any, names: Sequence[str], default: int) -> Any:
    return case({name: i for i, name in enumerate(names)}, value=column, else_=default)


def _days(column: Any) -> Any:
    """Days since 1970-01-01 (``_NAT`` for NULL)."""
    return func.coalesce(cast(func.julianday(column) - 2440587.5, Integer), _NAT)


def _scaled(column: Any, scale: int) -> Any:
    """A non-negative number as an integer count of 1/scale units (-1 for NULL)."""
    return func.coalesce(cast(func.round(column * scale), Integer), -1)


#: Integer scale of each float column (cents, hundredths of a percent, MB).
_SCALES = {
    "purchase_price_eur": 100,
    "declared_value_eur": 100,
    "battery_health_pct": 100,
    "ram_gb": 1000,
    "storage_gb": 1000,
    "cpu_generation": 1,
    "repair_estimate_eur": 100,
    "tpm": 10,
}


def _concat_query(engine: Engine, exprs: dict[str, Any], inner_from: Any) -> list[np.ndarray]:
    """One scan: each expression concatenated over all rows, parsed as int64 arrays."""
    sub = inner_from.subquery()
    stmt = select(*[func.group_concat(sub.c[k], ",") for k in exprs])
    compiled = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        texts = cur.execute(compiled).fetchone()
        cur.close()
    finally:
        raw.close()
    if texts is None or texts[0] is None:
        return [np.array([], dtype=np.int64) for _ in exprs]
    return [np.fromstring(t, sep=",", dtype=np.int64) for t in texts]


def _erasure_ranks_sqlite(engine: Engine, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rank = _level_rank()
    per_device = select(
        Erasure.device_id.label("d"),
        func.max(rank).label("r"),
        func.max(case((Erasure.verified, rank), else_=0)).label("v"),
    ).group_by(Erasure.device_id)
    dev, best_r, ver_r = _concat_query(engine, {"d": 0, "r": 0, "v": 0}, per_device)
    best = np.zeros(len(ids), dtype=np.int8)
    verified = np.zeros(len(ids), dtype=bool)
    if len(dev) and len(ids):
        pos = np.searchsorted(ids, dev)
        inside = pos < len(ids)
        hit = np.zeros(len(dev), dtype=bool)
        hit[inside] = ids[pos[inside]] == dev[inside]
        best[pos[hit]] = best_r[hit]
        verified[pos[hit]] = ver_r[hit] >= best_r[hit]
    return best, verified


def read_fleet_sqlite(engine: Engine, where: Any = None) -> tuple[np.ndarray, Fleet]:
    """The SQLite fast path (see the module docstring)."""
    d = Device.__table__.c
    tpm = case(
        (d.tpm_version.op("GLOB")("[0-9]*"), cast(d.tpm_version, Float)),
        else_=None,
    )
    codes = (
        _code_case(d.category, CATEGORIES, CATEGORIES.index(Category.OTHER))
        .op("|")(_code_case(d.status, STATUSES, _ST[Status.IN_SERVICE]).op("<<")(4))
        .op("|")(_code_case(d.condition, CONDITIONS, _CO[Condition.WORKING]).op("<<")(8))
        .op("|")(func.coalesce(d.sensitive_data, 0).op("<<")(10))
    )
    exprs = {
        "id": d.id,
        "codes": codes,
        "acquisition_date": _days(d.acquisition_date),
        "retirement_date": _days(d.retirement_date),
        **{
            name: _scaled(tpm if name == "tpm" else d[name], scale)
            for name, scale in _SCALES.items()
        },
    }
    # A rowid table is scanned in id order: no ORDER BY (checked below).
    inner = select(*[e.label(k) for k, e in exprs.items()])
    if where is not None:
        inner = inner.where(where)
    arrays = dict(zip(exprs, _concat_query(engine, exprs, inner), strict=True))
    ids = arrays["id"]
    if len(ids) > 1 and not (np.diff(ids) > 0).all():
        order = np.argsort(ids, kind="stable")
        arrays = {k: v[order] for k, v in arrays.items()}
        ids = arrays["id"]

    def days(name: str) -> np.ndarray:
        v = arrays[name]
        out = v.astype("datetime64[D]")
        out[v == _NAT] = np.datetime64("NaT")
        return out

    def num(name: str) -> np.ndarray:
        v = arrays[name]
        out = v / _SCALES[name]
        out[v < 0] = np.nan
        return out

    code = arrays["codes"]
    best, verified = _erasure_ranks_sqlite(engine, ids)
    fleet = Fleet(
        category=(code & 0xF).astype(np.int16),
        status=((code >> 4) & 0xF).astype(np.int16),
        condition=((code >> 8) & 0x3).astype(np.int16),
        acquisition_date=days("acquisition_date"),
        retirement_date=days("retirement_date"),
        purchase_price_eur=num("purchase_price_eur"),
        declared_value_eur=num("declared_value_eur"),
        battery_health_pct=num("battery_health_pct"),
        ram_gb=num("ram_gb"),
        storage_gb=num("storage_gb"),
        cpu_generation=num("cpu_generation"),
        tpm=num("tpm"),
        sensitive=((code >> 10) & 1).astype(bool),
        repair_estimate_eur=num("repair_estimate_eur"),
        erasure_rank=best,
        erasure_verified=verified,
    )
    return ids.astype(np.int64), fleet


def read_fleet(engine: Engine, where: Any = None) -> tuple[np.ndarray, Fleet]:
    """Device ids (ascending) and the :class:`Fleet` arrays the rules need."""
    if engine.dialect.name == "sqlite":
        return read_fleet_sqlite(engine, where)
    return read_fleet_generic(engine, where)
