"""Seed a database with the demo fleet (:mod:`sobriety.domain.demo.fleet`) through bulk inserts.

Everything happens in one transaction: the demo data replaces the previous
demo data (or, with ``replace=True``, the whole inventory) or nothing changes.
A database holding devices or sites that are not demo data (asset tags and
site codes starting with ``DEMO-``) is refused unless ``replace`` is set, so
demo devices never mix with a real inventory. Emission factors stored in the
database (``model_factor``) are kept.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Integer, MetaData, Table, func, select, text

from sobriety.domain.demo import fleet as demo
from sobriety.storage import bulk
from sobriety.storage.models import Device, DeviceEvent, Erasure, Site

Progress = Callable[[int, int], None]

#: Tables whose rows make up the inventory; with every table referring to them,
#: they are emptied before seeding.
INVENTORY_TABLES = ("site", "device", "lot")


class NotADemoDatabaseError(RuntimeError):
    """The database holds an inventory that is not the demo fleet."""

    def __init__(self, devices: int, sites: int) -> None:
        self.devices = devices
        self.sites = sites
        super().__init__(
            f"the database holds {devices} devices and {sites} sites that are not demo data"
        )


@dataclass(frozen=True)
class DemoResult:
    sites: int
    agents: int
    devices: int
    events: int
    erasures: int
    removed_devices: int
    seconds: float


@dataclass(frozen=True)
class DatabaseContents:
    demo_devices: int
    other_devices: int
    other_sites: int


def _not_demo(column: Any) -> Any:
    return func.substr(column, 1, len(demo.ASSET_PREFIX)) != demo.ASSET_PREFIX


def contents(conn: Connection) -> DatabaseContents:
    """How many demo and non-demo rows the inventory holds."""
    total = conn.execute(select(func.count()).select_from(Device)).scalar_one()
    other = conn.execute(
        select(func.count()).select_from(Device).where(_not_demo(Device.asset_tag))
    ).scalar_one()
    other_sites = conn.execute(
        select(func.count()).select_from(Site).where(_not_demo(Site.code))
    ).scalar_one()
    return DatabaseContents(int(total - other), int(other), int(other_sites))


def _inventory_tables(conn: Connection) -> list[Table]:
    """The inventory tables and every table that refers to them, children first."""
    meta = MetaData()
    meta.reflect(conn)
    chosen = {name for name in INVENTORY_TABLES if name in meta.tables}
    changed = True
    while changed:
        changed = False
        for table in meta.tables.values():
            if table.name in chosen:
                continue
            if any(fk.column.table.name in chosen for fk in table.foreign_keys):
                chosen.add(table.name)
                changed = True
    return [t for t in reversed(meta.sorted_tables) if t.name in chosen]


def _clear(conn: Connection) -> None:
    tables = _inventory_tables(conn)
    prep = conn.dialect.identifier_preparer
    if conn.dialect.name == "postgresql":
        conn.execute(text("TRUNCATE " + ", ".join(prep.format_table(t) for t in tables)))
    else:
        for table in tables:
            conn.execute(table.delete())


def _column(values: np.ndarray, column: Any) -> list:
    """A numpy column as the plain Python values :mod:`bulk` takes (None for missing)."""
    kind = values.dtype.kind
    if kind == "M":
        out = values.tolist()
        if np.datetime_data(values.dtype)[0] == "D":
            return out  # dates
        # Timestamps are UTC: aware datetimes, as SQLModel's UTCDateTime wants them.
        return [None if v is None else v.replace(tzinfo=dt.UTC) for v in out]
    if kind == "f":
        missing = np.isnan(values)
        if isinstance(column.type, Integer):
            obj = np.where(missing, 0, values).astype(np.int64).astype(object)
        elif missing.any():
            obj = values.astype(object)
        else:
            return values.tolist()
        obj[missing] = None
        return obj.tolist()
    return values.tolist()


def _columns(
    table: Table, data: Mapping[str, np.ndarray], ids: Mapping[str, np.ndarray]
) -> dict[str, Sequence[Any]]:
    out: dict[str, Sequence[Any]] = {name: values.tolist() for name, values in ids.items()}
    for name, values in data.items():
        if name in ("device", "site"):
            continue
        out[name] = _column(values, table.c[name])
    return out


def seed_demo(
    engine: Engine,
    *,
    devices: int | None = None,
    seed: int = 0,
    as_of: dt.date | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoResult:
    """Write the demo fleet into ``engine``'s (migrated) database, in one transaction.

    Raises :class:`NotADemoDatabaseError` (database unchanged) if it holds
    non-demo devices or sites and ``replace`` is false.
    """
    if seed < 0:
        raise ValueError("the seed must be a non-negative integer")
    started = time.perf_counter()
    plan = demo.plan_fleet(as_of=as_of or dt.date.today(), seed=seed, devices=devices)
    site_t, device_t = Site.__table__, Device.__table__
    event_t, erasure_t = DeviceEvent.__table__, Erasure.__table__
    counts = {"events": 0, "erasures": 0}
    with engine.begin() as conn:
        before = contents(conn)
        if (before.other_devices or before.other_sites) and not replace:
            raise NotADemoDatabaseError(before.other_devices, before.other_sites)
        _clear(conn)
        bulk.insert_many(
            conn,
            site_t,
            ["id", "code", "name", "kind", "commune", "insee_code", "country", "agents"],
            (
                (i + 1, s.code, s.name, s.kind.value, s.commune, s.insee_code, "FR", s.agents)
                for i, s in enumerate(plan.sites)
            ),
        )
        done = 0
        if progress:
            progress(0, plan.total)
        for chunk in demo.generate(plan):
            d = chunk.devices
            ids = {"id": d["device"] + 1, "site_id": d["site"] + 1}
            bulk.insert_columns(conn, device_t, [_columns(device_t, d, ids)])
            ev = chunk.events
            counts["events"] += bulk.insert_columns(
                conn, event_t, [_columns(event_t, ev, {"device_id": ev["device"] + 1})]
            )
            er = chunk.erasures
            counts["erasures"] += bulk.insert_columns(
                conn, erasure_t, [_columns(erasure_t, er, {"device_id": er["device"] + 1})]
            )
            done += len(d["device"])
            if progress:
                progress(done, plan.total)
        for table in (site_t, device_t):
            bulk.sync_sequence(conn, table)
    return DemoResult(
        sites=len(plan.sites),
        agents=plan.agents,
        devices=plan.total,
        events=counts["events"],
        erasures=counts["erasures"],
        removed_devices=before.demo_devices + before.other_devices,
        seconds=time.perf_counter() - started,
    )
