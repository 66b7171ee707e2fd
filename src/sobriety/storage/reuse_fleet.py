"""Read the columns the reuse rules need into a :class:`~sobriety.domain.reuse.rules.ReuseFleet`.

Two paths, same result:

- :func:`read_fleet_generic` (any database): one SELECT through
  :func:`sobriety.storage.arrays.read_columns`, then vocabulary strings mapped
  to codes in Python;
- on SQLite, :func:`read_fleet_sqlite`: SQLite itself packs each device into
  two integers (vocabulary codes and specifications; both dates: bit layout in
  :func:`_unpack`) beside its id and its three amounts, and concatenates each
  over all devices into one text value (``group_concat``), in a single scan;
  numpy parses the texts in C and unpacks the bits. No Python object is made
  per device. Amounts are read exactly; battery health to 0.1 %, RAM to
  0.25 GB and storage to the GB, rounded down (a 63.9 GB disk reads 63 GB:
  still under a 64 GB minimum); the largest outer dimension to the mm, rounded
  up (a 50.04 cm printer reads 50.1 cm: still over 50 cm).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from sqlalchemy import Engine, case, func, literal_column, select

from sobriety.domain.reuse.policy import CATEGORIES
from sobriety.domain.reuse.rules import (
    CONDITION_CODE,
    CONDITIONS,
    STATUS_CODE,
    STATUSES,
    STORAGE_TYPES,
    ReuseFleet,
)
from sobriety.domain.vocab import Category, Condition, Status
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import Device, Erasure


def level_rank_sql():
    """An erasure's level as a number in SQL: 0 unknown, 1 clear, 2 purge, 3 destroy."""
    return case(
        (Erasure.level == "clear", 1),
        (Erasure.level == "purge", 2),
        (Erasure.level == "destroy", 3),
        else_=0,
    )


def erasure_ranks(engine: Engine, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best recorded erasure level (0-3) per device of ``ids``, and whether it was verified."""
    rank = level_rank_sql()
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


def read_fleet_generic(engine: Engine, where: Any = None) -> tuple[np.ndarray, ReuseFleet]:
    cols = read_columns(engine, ["id", *ReuseFleet.COLUMNS], where=where)
    ids = cols.pop("id").astype(np.int64)
    best, verified = erasure_ranks(engine, ids)
    return ids, ReuseFleet.from_columns(cols, best, verified)


def _case(column: str, names: Sequence[str], default: int) -> str:
    whens = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(names))
    return f"(CASE {column} {whens} ELSE {default} END)"


_NULL17 = 2**17 - 1
#: julianday() of 1900-01-01: packed dates count days from it.
_JD_1900 = 2415020.5
_DAYS_1900_TO_1970 = 25567


def _day(column: str) -> str:
    return (
        f"COALESCE(MIN(MAX(CAST(julianday({column}) - {_JD_1900} AS INTEGER), 0), "
        f"{_NULL17 - 1}), {_NULL17})"
    )


def _packed_columns() -> dict[str, str]:
    """Four integers per device (bit layout in :func:`_unpack`)."""
    category = _case("category", CATEGORIES, CATEGORIES.index(Category.OTHER))
    status = _case("status", STATUSES, STATUS_CODE[Status.IN_SERVICE])
    condition = _case("condition", CONDITIONS, CONDITION_CODE[Condition.WORKING])
    tpm = (
        "(CASE WHEN tpm_version GLOB '[0-9]*' "
        "THEN MIN(CAST(CAST(tpm_version AS REAL) * 10 AS INTEGER), 30) ELSE 31 END)"
    )
    specs = (
        f"({category} | ({status} << 4) | ({condition} << 7)"
        " | (COALESCE(sensitive_data, 0) << 9)"
        f" | ({tpm} << 10)"
        " | (COALESCE(MIN(cpu_generation, 62), 63) << 15)"
        " | (COALESCE(CAST(battery_health_pct * 10 AS INTEGER), 1023) << 21)"
        " | (COALESCE(MIN(CAST(ram_gb * 4 AS INTEGER), 16382), 16383) << 31)"
        " | (COALESCE(MIN(CAST(storage_gb AS INTEGER), 65534), 65535) << 45))"
    )
    return {
        "id": "id",
        "specs": specs,
        "dates": (
            f"({_day('acquisition_date')} | ({_day('retirement_date')} << 17)"
            f" | ({_case('storage_type', STORAGE_TYPES, 7)} << 34)"
            # rounded up to the mm: a 50.04 cm printer stays over 50 cm
            " | (COALESCE(MIN(CAST(max_dimension_cm * 10 AS INTEGER)"
            " + (max_dimension_cm * 10 > CAST(max_dimension_cm * 10 AS INTEGER)), 16382), 16383)"
            " << 37))"
        ),
        # Amounts stay exact (they meet legal caps to the cent): plain REAL text.
        "purchase_price_eur": "COALESCE(purchase_price_eur, -1)",
        "declared_value_eur": "COALESCE(declared_value_eur, -1)",
        "repair_estimate_eur": "COALESCE(repair_estimate_eur, -1)",
    }


_AMOUNTS = ("purchase_price_eur", "declared_value_eur", "repair_estimate_eur")


def _concat(engine: Engine, sql: str, keys: Sequence[str]) -> list[np.ndarray] | None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        texts = cur.execute(sql).fetchone()
        cur.close()
    finally:
        raw.close()
    if texts is None or texts[0] is None:
        return None
    return [
        np.fromstring(t, sep=",", dtype=np.float64 if k in _AMOUNTS else np.int64)
        for k, t in zip(keys, texts, strict=True)
    ]


def _erasure_concat(engine: Engine) -> list[np.ndarray] | None:
    """Per device: id, best erasure rank, best verified rank (three aligned arrays)."""
    rank = level_rank_sql()
    per_device = select(
        Erasure.device_id.label("d"),
        func.max(rank).label("r"),
        func.max(case((Erasure.verified, rank), else_=0)).label("v"),
    ).group_by(Erasure.device_id)
    sub = per_device.subquery()
    stmt = select(*[func.group_concat(sub.c[k], ",") for k in ("d", "r", "v")])
    return _concat(engine, str(stmt.compile(engine, compile_kwargs={"literal_binds": True})), "drv")


def _align_ranks(parsed: list[np.ndarray] | None, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    best = np.zeros(len(ids), dtype=np.int8)
    verified = np.zeros(len(ids), dtype=bool)
    if parsed is not None and len(ids):
        dev, best_r, ver_r = parsed
        pos = np.searchsorted(ids, dev)
        inside = pos < len(ids)
        hit = np.zeros(len(dev), dtype=bool)
        hit[inside] = ids[pos[inside]] == dev[inside]
        best[pos[hit]] = best_r[hit]
        verified[pos[hit]] = ver_r[hit] >= best_r[hit]
    return best, verified


def _bits(v: np.ndarray, shift: int, width: int) -> np.ndarray:
    return (v >> shift) & ((1 << width) - 1)


def _unpack(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    specs, dates = arrays["specs"], arrays["dates"]

    def scaled(raw: np.ndarray, null: int, scale: float) -> np.ndarray:
        out = raw / scale
        out[raw == null] = np.nan
        return out

    def amount(name: str) -> np.ndarray:
        out = arrays[name].astype(np.float64)  # a copy
        out[out < 0] = np.nan
        return out

    def day(raw: np.ndarray) -> np.ndarray:
        out = (raw - _DAYS_1900_TO_1970).astype("datetime64[D]")
        out[raw == _NULL17] = np.datetime64("NaT")
        return out

    return {
        "category": _bits(specs, 0, 4).astype(np.int16),
        "status": _bits(specs, 4, 3).astype(np.int16),
        "condition": _bits(specs, 7, 2).astype(np.int16),
        "sensitive": _bits(specs, 9, 1).astype(bool),
        "tpm": scaled(_bits(specs, 10, 5), 31, 10.0),
        "cpu_generation": scaled(_bits(specs, 15, 6), 63, 1.0),
        "battery_health_pct": scaled(_bits(specs, 21, 10), 1023, 10.0),
        "ram_gb": scaled(_bits(specs, 31, 14), 16383, 4.0),
        "storage_gb": scaled(_bits(specs, 45, 16), 65535, 1.0),
        "acquisition_date": day(_bits(dates, 0, 17)),
        "retirement_date": day(_bits(dates, 17, 17)),
        "storage_type": np.where(
            (st := _bits(dates, 34, 3).astype(np.int16)) == 7, np.int16(-1), st
        ),
        "max_dimension_cm": scaled(_bits(dates, 37, 14), 16383, 10.0),
        "purchase_price_eur": amount("purchase_price_eur"),
        "declared_value_eur": amount("declared_value_eur"),
        "repair_estimate_eur": amount("repair_estimate_eur"),
    }


def read_fleet_sqlite(engine: Engine, where: Any = None) -> tuple[np.ndarray, ReuseFleet]:
    """The SQLite fast path (see the module docstring)."""
    exprs = _packed_columns()
    # A rowid table is scanned in id order: no ORDER BY (checked below).
    inner = select(*[literal_column(sql).label(k) for k, sql in exprs.items()]).select_from(
        Device.__table__
    )
    if where is not None:
        inner = inner.where(where)
    sub = inner.subquery()
    stmt = select(*[func.group_concat(sub.c[k], ",") for k in exprs])
    # The erasure aggregate runs on its own connection while the device scan runs:
    # SQLite releases the GIL, so the two scans overlap on two cores.
    sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    if engine.url.database in (None, "", ":memory:"):  # one connection per thread: no overlap
        parsed, erasure_rows = _concat(engine, sql, list(exprs)), _erasure_concat(engine)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            erasures = pool.submit(_erasure_concat, engine)
            parsed = _concat(engine, sql, list(exprs))
            erasure_rows = erasures.result()
    if parsed is None:
        parsed = [np.array([], dtype=np.int64) for _ in exprs]
    arrays = dict(zip(exprs, parsed, strict=True))
    ids = arrays["id"]
    if len(ids) > 1 and not (np.diff(ids) > 0).all():
        order = np.argsort(ids, kind="stable")
        arrays = {k: v[order] for k, v in arrays.items()}
        ids = arrays["id"]
    cols = _unpack(arrays)
    best, verified = _align_ranks(erasure_rows, ids)
    return ids.astype(np.int64), ReuseFleet(**cols, erasure_rank=best, erasure_verified=verified)


def read_fleet(engine: Engine, where: Any = None) -> tuple[np.ndarray, ReuseFleet]:
    """Device ids (ascending) and the :class:`ReuseFleet` arrays the rules need."""
    if engine.dialect.name == "sqlite":
        return read_fleet_sqlite(engine, where)
    return read_fleet_generic(engine, where)
