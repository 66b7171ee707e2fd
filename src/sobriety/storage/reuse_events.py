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
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Engine

from sobriety.domain.reuse import rate as rr
from sobriety.domain.reuse.policy import CATEGORY_INDEX
from sobriety.domain.reuse.rules import ACTIVE_STATUSES
from sobriety.domain.vocab import Category, EventKind, Status
from sobriety.storage.arrays import read_columns

if TYPE_CHECKING:
    from sobriety.storage.device_frame import DeviceFrame


def _days(values: list | tuple) -> np.ndarray:
    """Event dates as UTC days: ISO text (SQLite's raw cursor) or datetimes (PostgreSQL)."""
    first = next((v for v in values if v is not None), None)
    if first is None or isinstance(first, str):
        return np.array([v[:10] if v else "NaT" for v in values], dtype="datetime64[D]")
    utc = dt.UTC
    return np.array(
        [
            "NaT" if v is None
            else (v.astimezone(utc).date() if isinstance(v, dt.datetime) and v.utcoffset()
                  is not None else (v.date() if isinstance(v, dt.datetime) else v))
            for v in values
        ],
        dtype="datetime64[D]",
    )  # fmt: skip


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


#: The device columns the history reads.
DEVICE_COLUMNS = (
    "id",
    "category",
    "acquisition_date",
    "sensitive_data",
    "status",
    "retirement_date",
    "max_dimension_cm",
)


def _events(engine: Engine) -> list[tuple]:
    """(device, kind, date, channel, lot, old status, new status) of the events that count.

    Retirements, transfers (their channel and lot) and the events recording a
    status change (its old and new status), in id order. SQLite extracts the
    fields from the JSON details in the query; elsewhere they are decoded here.
    """
    retired, transferred = EventKind.RETIRED.value, EventKind.TRANSFERRED.value
    where = (
        f" FROM device_event WHERE kind IN ('{retired}', '{transferred}')"
        " OR details LIKE '%\"status\"%' ORDER BY id"
    )
    if engine.dialect.name == "sqlite":
        transfer = f"CASE WHEN kind = '{transferred}' THEN json_extract(NULLIF(details, ''), "
        change = (
            f"CASE WHEN kind NOT IN ('{retired}', '{transferred}')"
            " THEN json_extract(NULLIF(details, ''), "
        )
        return _fetch(
            engine,
            f"SELECT device_id, kind, date, {transfer}'$.channel') END,"
            f" {transfer}'$.lot') END, {change}'$.changes.status[0]') END,"
            f" {change}'$.changes.status[1]') END" + where,
        )
    rows = _fetch(
        engine,
        f"SELECT device_id, kind, date, CASE WHEN kind = '{retired}' THEN NULL ELSE details END"
        + where,
    )
    out: list[tuple] = []
    for dev, kind, date, details in rows:
        info = json.loads(details) if details else {}
        if kind == retired:
            out.append((dev, kind, date, None, None, None, None))
        elif kind == transferred:
            out.append((dev, kind, date, info.get("channel"), info.get("lot"), None, None))
        else:
            change = (info.get("changes") or {}).get("status")
            old, new = change if change else (None, None)
            out.append((dev, kind, date, None, None, old, new))
    return out


def read_history(engine: Engine, frame: DeviceFrame | None = None) -> rr.History:
    """Devices and their retire / leave / return events, for the reuse rate.

    The events come in one query over the raw DB-API cursor (no ORM or Core row
    objects); only the fields of transfers and status changes are taken from the
    details (by SQLite's ``json_extract`` on SQLite; a ``retired`` event needs
    none). ``frame``: the device columns already read
    (:mod:`sobriety.storage.device_frame`), else they are read here.
    """
    cols = frame.columns if frame is not None else read_columns(engine, DEVICE_COLUMNS)
    ids = cols["id"].astype(np.int64)
    other = CATEGORY_INDEX[Category.OTHER]
    category = np.array([CATEGORY_INDEX.get(c, other) for c in cols["category"]], dtype=np.int16)
    retired, transferred = EventKind.RETIRED.value, EventKind.TRANSFERRED.value
    events = _events(engine)
    proven = {
        code
        for code, commit, proof in _fetch(
            engine, "SELECT code, commitment_ref, proof_of_reuse_ref FROM lot"
        )
        if commit and proof
    }
    if events:
        ev_dev, ev_kind, ev_date, ev_chan, ev_lot, ev_old, ev_new = zip(*events, strict=True)
    else:
        ev_dev, ev_kind, ev_date, ev_chan, ev_lot, ev_old, ev_new = (), (), (), (), (), (), ()
    dev_all = np.array(ev_dev, dtype=np.int64)
    kind_all = np.array(ev_kind, dtype=object)
    day_all = _days(ev_date)
    is_retired = kind_all == retired
    is_transfer = kind_all == transferred
    # Every event is one of: a retirement, a transfer, or (maybe) a status change.
    code = np.full(len(events), -1, dtype=np.int8)
    code[is_retired] = rr.RETIRE
    code[is_transfer] = rr.LEAVE
    t_pos = np.flatnonzero(is_transfer)
    t_chan = [str(ev_chan[pos] or "") for pos in t_pos]
    t_proven = [ev_lot[pos] in proven for pos in t_pos]
    active = {str(s) for s in ACTIVE_STATUSES}
    for pos in np.flatnonzero(~is_retired & ~is_transfer):
        old, new = ev_old[pos], ev_new[pos]
        if new == Status.RETIRED and old != Status.IN_REUSE_CHANNEL:
            code[pos] = rr.RETIRE
        elif new == Status.GONE:
            code[pos] = rr.LEAVE
        elif new in active and old in (Status.RETIRED, Status.IN_REUSE_CHANNEL):
            code[pos] = rr.RETURN
    kept = code >= 0
    e_dev, e_date, e_kind = dev_all[kept], day_all[kept], code[kept]
    # Imported devices without history: retired on their retirement date
    # (and gone then too, when their status says so).
    has_retire = np.isin(ids, e_dev[e_kind == rr.RETIRE])
    has_leave = np.isin(ids, e_dev[e_kind == rr.LEAVE])
    ret = cols["retirement_date"]
    status = cols["status"]
    retired_now = np.isin(status, [Status.RETIRED.value, Status.IN_REUSE_CHANNEL.value])
    undated_retired = int((retired_now & np.isnat(ret) & ~has_retire).sum())
    dated = ~np.isnat(ret)
    add_retire = dated & ~has_retire
    add_leave = dated & (status == Status.GONE.value) & ~has_leave
    # In device order, a device's retirement before its departure (as they were appended).
    pos = np.concatenate([np.flatnonzero(add_retire), np.flatnonzero(add_leave)])
    kinds = np.concatenate(
        [np.full(int(add_retire.sum()), rr.RETIRE, np.int8),
         np.full(int(add_leave.sum()), rr.LEAVE, np.int8)]
    )  # fmt: skip
    order = np.lexsort((kinds != rr.RETIRE, pos))
    pos, kinds = pos[order], kinds[order]
    event_row = np.concatenate([np.searchsorted(ids, e_dev), pos]).astype(np.int64)
    event_date = np.concatenate([e_date, ret[pos]]).astype("datetime64[D]")
    event_kind = np.concatenate([e_kind, kinds]).astype(np.int8)
    t_dev, t_date = dev_all[t_pos], day_all[t_pos]

    return rr.History(
        category=category,
        acquisition_date=cols["acquisition_date"],
        sensitive=cols["sensitive_data"],
        event_row=event_row,
        event_date=event_date,
        event_kind=event_kind,
        transfer_row=np.searchsorted(ids, t_dev).astype(np.int64),
        transfer_date=t_date.astype("datetime64[D]"),
        transfer_channel=np.array(t_chan, dtype=object),
        transfer_proven=np.array(t_proven, dtype=bool),
        undated_retired=undated_retired,
        max_dimension_cm=np.asarray(cols["max_dimension_cm"], dtype=np.float64),
    )
