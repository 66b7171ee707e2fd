"""The décret 2023-266 reuse rate from the recorded history.

:func:`read_history` turns the device history into flat arrays of state
events (retired, left the organisation, back in service) and transfers;
:func:`sobriety.app.reuse.reuse_rate` hands them to :mod:`sobriety.domain.reuse.rate`.

History conventions read here: ``retired`` events; ``transferred`` events with
``{"channel", "lot", "recipient_kind"}``; any event whose ``changes`` hold a
``status`` change. Devices imported without history count as retired on their
``retirement_date`` (and gone then, when their status is ``gone``). Sale and
take-back transfers count only when their lot records both a commitment and a proof.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
from sqlalchemy import Engine, or_, select

from sobriety.domain.reuse import rate as rr
from sobriety.domain.reuse.policy import CATEGORY_INDEX
from sobriety.domain.reuse.rules import ACTIVE_STATUSES
from sobriety.domain.vocab import Category, EventKind, Status
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import DeviceEvent, Lot


def _day(value: Any) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT")
    if isinstance(value, str):
        return np.datetime64(value[:10], "D")
    if isinstance(value, dt.datetime):
        return np.datetime64(value.date(), "D")
    return np.datetime64(value, "D")


def read_history(engine: Engine) -> rr.History:
    """Devices and their retire / leave / return events, for the reuse rate."""
    cols = read_columns(
        engine,
        [
            "id",
            "category",
            "acquisition_date",
            "sensitive_data",
            "status",
            "retirement_date",
            "max_dimension_cm",
        ],
    )
    ids = cols["id"].astype(np.int64)
    other = CATEGORY_INDEX[Category.OTHER]
    category = np.array([CATEGORY_INDEX.get(c, other) for c in cols["category"]], dtype=np.int16)
    stmt = select(
        DeviceEvent.device_id, DeviceEvent.kind, DeviceEvent.date, DeviceEvent.details
    ).where(
        or_(
            DeviceEvent.kind.in_([EventKind.RETIRED.value, EventKind.TRANSFERRED.value]),
            DeviceEvent.details.like('%"status"%'),
        )
    )
    with engine.connect() as conn:
        events = conn.execute(stmt).all()
        proven = {
            code
            for code, commit, proof in conn.execute(
                select(Lot.code, Lot.commitment_ref, Lot.proof_of_reuse_ref)
            ).all()
            if commit and proof
        }
    e_dev: list[int] = []
    e_date: list[np.datetime64] = []
    e_kind: list[int] = []
    t_dev: list[int] = []
    t_date: list[np.datetime64] = []
    t_chan: list[str] = []
    t_proven: list[bool] = []
    active = {str(s) for s in ACTIVE_STATUSES}
    for dev, kind, date, details in events:
        day = _day(date)
        info = json.loads(details) if details else {}
        if kind == EventKind.RETIRED:
            e_dev.append(dev), e_date.append(day), e_kind.append(rr.RETIRE)
        elif kind == EventKind.TRANSFERRED:
            e_dev.append(dev), e_date.append(day), e_kind.append(rr.LEAVE)
            t_dev.append(dev), t_date.append(day)
            t_chan.append(str(info.get("channel") or ""))
            t_proven.append(info.get("lot") in proven)
        change = (info.get("changes") or {}).get("status")
        if kind not in (EventKind.RETIRED, EventKind.TRANSFERRED) and change:
            old, new = change
            if new == Status.RETIRED and old != Status.IN_REUSE_CHANNEL:
                e_dev.append(dev), e_date.append(day), e_kind.append(rr.RETIRE)
            elif new == Status.GONE:
                e_dev.append(dev), e_date.append(day), e_kind.append(rr.LEAVE)
            elif new in active and old in (Status.RETIRED, Status.IN_REUSE_CHANNEL):
                e_dev.append(dev), e_date.append(day), e_kind.append(rr.RETURN)
    # Imported devices without history: retired on their retirement date
    # (and gone then too, when their status says so).
    with_retire = {d for d, k in zip(e_dev, e_kind, strict=True) if k == rr.RETIRE}
    with_leave = {d for d, k in zip(e_dev, e_kind, strict=True) if k == rr.LEAVE}
    ret = cols["retirement_date"]
    retired_now = np.isin(cols["status"], [Status.RETIRED.value, Status.IN_REUSE_CHANNEL.value])
    undated = retired_now & np.isnat(ret)
    undated_retired = sum(1 for pos in np.flatnonzero(undated) if int(ids[pos]) not in with_retire)
    for pos in np.flatnonzero(~np.isnat(ret)):
        dev = int(ids[pos])
        if dev not in with_retire:
            e_dev.append(dev), e_date.append(ret[pos]), e_kind.append(rr.RETIRE)
        if cols["status"][pos] == Status.GONE and dev not in with_leave:
            e_dev.append(dev), e_date.append(ret[pos]), e_kind.append(rr.LEAVE)

    def rows(devs: list[int]) -> np.ndarray:
        return np.searchsorted(ids, np.array(devs, dtype=np.int64)).astype(np.int64)

    return rr.History(
        category=category,
        acquisition_date=cols["acquisition_date"],
        sensitive=cols["sensitive_data"],
        event_row=rows(e_dev),
        event_date=np.array(e_date, dtype="datetime64[D]"),
        event_kind=np.array(e_kind, dtype=np.int8),
        transfer_row=rows(t_dev),
        transfer_date=np.array(t_date, dtype="datetime64[D]"),
        transfer_channel=np.array(t_chan, dtype=object),
        transfer_proven=np.array(t_proven, dtype=bool),
        undated_retired=undated_retired,
        max_dimension_cm=np.asarray(cols["max_dimension_cm"], dtype=np.float64),
    )
