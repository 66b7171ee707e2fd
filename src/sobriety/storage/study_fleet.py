"""Read what the reuse-sector study needs from the inventory, as numpy arrays.

The whole fleet comes through :func:`sobriety.storage.carbon_fleet.read_fleet`
(categories, dates, statuses, sites, weights and per-model factors, one
SELECT) plus the conditions in id order; the devices that left (``gone``)
bring their manufacturer, model, channel and departure date. The departure
date is the latest ``transferred`` event (a closed lot), else the retirement
date (devices imported without history). No serial, asset tag, assignee,
notes or site name is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, func, select

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.vocab import Condition, EventKind, Status
from sobriety.storage import carbon_fleet
from sobriety.storage.arrays import read_columns, read_sites
from sobriety.storage.models import Device, DeviceEvent

CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)


@dataclass(frozen=True)
class StudyFleet:
    """The fleet (rows in id order) and its departures."""

    fleet: carbon.CarbonFleet
    condition: np.ndarray  # int codes into CONDITIONS
    site_insee: tuple[str, ...]  # by site index
    #: Rows of the devices that left, their departure day (days since 1970, nan
    #: unknown), manufacturer, model and channel (object arrays, "" unknown).
    gone_rows: np.ndarray
    gone_day: np.ndarray
    gone_manufacturer: np.ndarray
    gone_model: np.ndarray
    gone_channel: np.ndarray


def _days(values: list) -> np.ndarray:
    text = [str(v)[:10] if v is not None else "NaT" for v in values]
    d = np.array(text, dtype="datetime64[D]")
    out = (d - carbon.EPOCH).astype(np.float64)
    out[np.isnat(d)] = np.nan
    return out


def _text(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[out == None] = ""  # noqa: E711 - elementwise
    return out


def read_study_fleet(engine: Engine, factor_set: FactorSet) -> StudyFleet:
    fleet = carbon_fleet.read_fleet(engine, factor_set, prices=False)
    cols = read_columns(engine, ["id", "condition"])
    ids = cols["id"].astype(np.int64)
    code = {c: i for i, c in enumerate(CONDITIONS)}
    working = code[Condition.WORKING]
    condition = np.fromiter(
        (code.get(c, working) for c in cols["condition"]), dtype=np.int64, count=len(ids)
    )
    sites = read_sites(engine)
    insee = tuple("" if v is None else str(v) for v in sites["insee_code"])

    gone = read_columns(
        engine,
        ["id", "manufacturer", "model", "reuse_channel", "retirement_date"],
        where=Device.status == Status.GONE.value,
    )
    gone_ids = gone["id"].astype(np.int64)
    rows = np.searchsorted(ids, gone_ids)
    day = (gone["retirement_date"] - carbon.EPOCH).astype(np.float64)
    day[np.isnat(gone["retirement_date"])] = np.nan
    stmt = (
        select(DeviceEvent.device_id, func.max(DeviceEvent.date))
        .where(DeviceEvent.kind == EventKind.TRANSFERRED.value)
        .group_by(DeviceEvent.device_id)
    )
    with engine.connect() as conn:
        events = conn.execute(stmt).all()
    if events and len(gone_ids):
        dev = np.array([e[0] for e in events], dtype=np.int64)
        when = _days([e[1] for e in events])
        pos = np.searchsorted(gone_ids, dev)
        inside = pos < len(gone_ids)
        hit = np.zeros(len(dev), dtype=bool)
        hit[inside] = gone_ids[pos[inside]] == dev[inside]
        day[pos[hit]] = when[hit]
    return StudyFleet(
        fleet=fleet,
        condition=condition,
        site_insee=insee,
        gone_rows=rows.astype(np.int64),
        gone_day=day,
        gone_manufacturer=_text(gone["manufacturer"]),
        gone_model=_text(gone["model"]),
        gone_channel=_text(gone["reuse_channel"]),
    )
