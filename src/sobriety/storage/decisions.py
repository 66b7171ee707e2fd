"""What the reuse rules read from the database, and erasure records.

Queries and writes only: no rule is evaluated and no text is written here.
The use cases of :mod:`sobriety.app.reuse` evaluate the policy, check every
decision and record it through :func:`sobriety.storage.devices.update_device`.

- :func:`read_fleet_for` reads the columns the rules need for the whole fleet,
  one site or some devices (one SELECT, numpy arrays: see
  :mod:`sobriety.storage.reuse_fleet`); :func:`fleet_of` builds the same arrays
  for devices already loaded in a session;
- :func:`device_infos` and :func:`device_listing` read the display fields of
  the devices shown (a few) or exported (any number);
- :func:`add_erasure` stores an erasure record, :func:`best_erasures` reads
  the best one of each device.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, case, func, select
from sqlmodel import Session

from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.policy import LEVEL_RANK
from sobriety.domain.reuse.rules import ACTIVE_STATUSES, ReuseFleet
from sobriety.storage import devices as repository
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import Device, Erasure, Lot, Site
from sobriety.storage.reuse_fleet import level_rank_sql, read_fleet

#: Statuses of a device still in use.
ACTIVE = ACTIVE_STATUSES

# --------------------------------------------------------------------------
# The fleet the rules read


def read_fleet_for(
    engine: Engine, *, site: str | None = None, asset_tags: Sequence[str] | None = None
) -> tuple[np.ndarray, ReuseFleet]:
    """Device ids (ascending) and rule columns of every device, a site's or the given tags.

    An unknown site raises :class:`~sobriety.storage.devices.NotFoundError`;
    unknown tags are simply absent (see :func:`tags_of`).
    """
    where = None
    if site is not None:
        with Session(engine) as session:
            site_id = repository.get_site(session=session, code=site).id
        where = Device.site_id == site_id
    if asset_tags is not None:
        where = Device.asset_tag.in_(list(asset_tags))
    return read_fleet(engine, where)


def tags_of(engine: Engine, ids: np.ndarray) -> list[str]:
    """The asset tags of the devices ``ids`` (in no particular order)."""
    if not len(ids):
        return []
    with engine.connect() as conn:
        return list(
            conn.execute(select(Device.asset_tag).where(Device.id.in_(ids.tolist()))).scalars()
        )


def fleet_of(session: Session, devices: Sequence[Device]) -> ReuseFleet:
    """The rule columns of ``devices`` (loaded in ``session``), with their erasure ranks."""
    n = len(devices)
    cols: dict[str, np.ndarray] = {}
    for name in ReuseFleet.COLUMNS:  # typed by ReuseFleet.from_columns, as a database read is
        cols[name] = np.empty(n, dtype=object)
        cols[name][:] = [getattr(d, name) for d in devices]
    best = np.zeros(n, dtype=np.int8)
    verified = np.zeros(n, dtype=bool)
    ids = [d.id for d in devices]
    if ids:
        rank = level_rank_sql()
        rows = session.execute(
            select(
                Erasure.device_id,
                func.max(rank),
                func.max(case((Erasure.verified, rank), else_=0)),
            )
            .where(Erasure.device_id.in_(ids))
            .group_by(Erasure.device_id)
        ).all()
        pos = {d: i for i, d in enumerate(ids)}
        for dev_id, b, v in rows:
            best[pos[dev_id]] = b or 0
            verified[pos[dev_id]] = (v or 0) >= (b or 0)
    return ReuseFleet.from_columns(cols, best, verified)


def ready_stock(bind: Engine | Session) -> np.ndarray:
    """Ready devices (in stock, working) per category code, over the whole organisation:
    the stock the need rules compare with, whatever devices are evaluated."""
    from sobriety.domain.reuse.policy import CATEGORIES, CATEGORY_INDEX
    from sobriety.domain.vocab import Condition, Status

    stmt = (
        select(Device.category, func.count())
        .where(Device.status == Status.IN_STOCK.value, Device.condition == Condition.WORKING.value)
        .group_by(Device.category)
    )
    if isinstance(bind, Session):
        rows = bind.execute(stmt).all()
    else:
        with bind.connect() as conn:
            rows = conn.execute(stmt).all()
    out = np.zeros(len(CATEGORIES), dtype=np.int64)
    for category, n in rows:
        out[CATEGORY_INDEX.get(category, CATEGORY_INDEX["other"])] += int(n)
    return out


def open_requests(bind: Engine | Session) -> np.ndarray:
    """Devices asked by the open redeployment requests, per category code."""
    from sobriety.domain.reuse.policy import CATEGORIES, CATEGORY_INDEX
    from sobriety.storage.models import RedeploymentRequest as R

    stmt = (
        select(R.category, func.sum(R.quantity)).where(R.closed_on.is_(None)).group_by(R.category)
    )
    if isinstance(bind, Session):
        rows = bind.execute(stmt).all()
    else:
        with bind.connect() as conn:
            rows = conn.execute(stmt).all()
    out = np.zeros(len(CATEGORIES), dtype=np.int64)
    for category, n in rows:
        out[CATEGORY_INDEX.get(category, CATEGORY_INDEX["other"])] += int(n or 0)
    return out


def add_request(session: Session, **values: Any) -> int:
    """Store a redeployment request; returns its id."""
    from sobriety.storage.models import RedeploymentRequest

    request = RedeploymentRequest(**values)
    session.add(request)
    session.flush()
    return int(request.id)


def list_requests(session: Session, *, every: bool = False) -> list[Any]:
    """The redeployment requests (open ones unless ``every``), oldest first."""
    from sobriety.storage.models import RedeploymentRequest as R

    stmt = select(R).order_by(R.requested_on, R.id)
    if not every:
        stmt = stmt.where(R.closed_on.is_(None))
    return list(session.execute(stmt).scalars())


def get_request(session: Session, request_id: int) -> Any:
    from sobriety.storage.models import RedeploymentRequest

    return session.get(RedeploymentRequest, request_id)


# --------------------------------------------------------------------------
# Display fields


@dataclass
class DeviceInfo:
    """What a listing shows besides the flag."""

    id: int
    asset_tag: str
    category: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    site: str | None
    status: str
    reuse_channel: str | None
    lot: str | None


def device_infos(engine: Engine, ids: Sequence[int]) -> list[DeviceInfo]:
    """Display fields of the devices shown, in the order of ``ids`` (absent ones skipped)."""
    if not len(ids):
        return []
    stmt = (
        select(
            Device.id,
            Device.asset_tag,
            Device.category,
            Device.manufacturer,
            Device.model,
            Device.serial,
            Site.code,
            Device.status,
            Device.reuse_channel,
            Lot.code,
        )
        .outerjoin(Site, Site.id == Device.site_id)
        .outerjoin(Lot, Lot.id == Device.lot_id)
        .where(Device.id.in_([int(i) for i in ids]))
    )
    with engine.connect() as conn:
        by_id = {r[0]: DeviceInfo(*r) for r in conn.execute(stmt).all()}
    return [by_id[int(i)] for i in ids if int(i) in by_id]


def device_listing(engine: Engine, ids: np.ndarray) -> list[dict[str, Any]]:
    """Display fields of many devices (aligned with ``ids``), in a few column reads.

    Each row: ``asset_tag``, ``manufacturer``, ``model``, ``site`` (code),
    ``status``, ``reuse_channel`` and ``lot`` (code).
    """
    ids = np.asarray(ids, dtype=np.int64)
    extra = read_columns(
        engine,
        [
            "id",
            "asset_tag",
            "manufacturer",
            "model",
            "site_id",
            "status",
            "reuse_channel",
            "lot_id",
        ],
        where=Device.id.in_(ids.tolist()) if len(ids) < 50_000 else None,
    )
    pos = np.searchsorted(extra["id"].astype(np.int64), ids)
    sites = read_columns(engine, ["id", "code"], table=Site.__table__)
    site_code = dict(zip(sites["id"].tolist(), sites["code"].tolist(), strict=True))
    lots = read_columns(engine, ["id", "code"], table=Lot.__table__)
    lot_code = dict(zip(lots["id"].tolist(), lots["code"].tolist(), strict=True))
    out = []
    for p in pos.tolist():
        site_id = extra["site_id"][p]
        lot_id = extra["lot_id"][p]
        out.append(
            {
                "asset_tag": extra["asset_tag"][p],
                "manufacturer": extra["manufacturer"][p],
                "model": extra["model"][p],
                "site": None if site_id != site_id else site_code.get(int(site_id)),
                "status": extra["status"][p],
                "reuse_channel": extra["reuse_channel"][p],
                "lot": None if lot_id != lot_id else lot_code.get(int(lot_id)),
            }
        )
    return out


# --------------------------------------------------------------------------
# Erasures


def add_erasure(session: Session, device_id: int, record: ErasureInput) -> Erasure:
    """Store an erasure record of the device (already checked by the caller)."""
    erasure = Erasure(
        device_id=device_id,
        method=record.method,
        level=record.level,
        tool=record.tool,
        operator=record.operator,
        date=record.date,
        verified=record.verified,
        certificate_id=record.certificate_id or None,
        encrypted_from_install=record.encrypted_from_install,
    )
    session.add(erasure)
    session.flush()
    return erasure


def erasure_records(session: Session, device_id: int) -> list[ErasureInput]:
    """The erasure records of a device, oldest first."""
    return [
        ErasureInput(
            method=e.method,
            level=e.level,
            tool=e.tool,
            operator=e.operator,
            date=e.date,
            verified=bool(e.verified),
            certificate_id=e.certificate_id,
            encrypted_from_install=bool(e.encrypted_from_install),
            id=e.id,
            version=e.version,
            verified_by=e.verified_by,
            verified_on=e.verified_on,
        )
        for e in repository.erasures(session=session, device_id=device_id)
    ]


def best_erasures(session: Session, device_ids: Sequence[int]) -> dict[int, Erasure]:
    """For each device, its highest-level erasure record (the latest among equals)."""
    if not device_ids:
        return {}
    rows = session.exec(select(Erasure).where(Erasure.device_id.in_(list(device_ids)))).scalars()
    best: dict[int, Erasure] = {}
    for e in rows:
        cur = best.get(e.device_id)
        key = (LEVEL_RANK.get(e.level, 0), e.date, e.id)
        if cur is None or key > (LEVEL_RANK.get(cur.level, 0), cur.date, cur.id):
            best[e.device_id] = e
    return best
