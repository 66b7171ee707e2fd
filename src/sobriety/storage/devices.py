"""Repository functions: the only place that knows how devices are stored.

Plain functions taking a keyword-only ``session`` (or an engine for set-based
reads). Writes that change a device go through :func:`update_device`, which
enforces optimistic locking and records the change in the device history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from sobriety.storage.models import Device, DeviceEvent, Erasure, Site, utcnow


class ConflictError(RuntimeError):
    """The device changed since it was read (optimistic locking)."""

    def __init__(self, asset_tag: str, expected: int, current: int | None) -> None:
        self.asset_tag = asset_tag
        self.expected = expected
        self.current = current
        super().__init__(
            f"device {asset_tag} was changed by someone else "
            f"(version {expected} read, now {current})"
        )


class NotFoundError(LookupError):
    pass


def get_device(*, session: Session, asset_tag: str) -> Device:
    device = session.exec(select(Device).where(Device.asset_tag == asset_tag)).scalar_one_or_none()
    if device is None:
        raise NotFoundError(f"no device with asset tag {asset_tag!r}")
    return device


def get_site(*, session: Session, code: str) -> Site:
    site = session.exec(select(Site).where(Site.code == code)).scalar_one_or_none()
    if site is None:
        raise NotFoundError(f"no site with code {code!r}")
    return site


def add_event(
    *,
    session: Session,
    device_id: int,
    kind: str,
    actor: str | None,
    details: Mapping[str, Any] | None = None,
    date: dt.datetime | None = None,
) -> DeviceEvent:
    event = DeviceEvent(
        device_id=device_id,
        kind=str(kind),
        actor=actor,
        date=date or utcnow(),
        details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
    )
    session.add(event)
    return event


def update_device(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    changes: Mapping[str, Any],
    actor: str | None,
    event_kind: str = "updated",
    event_details: Mapping[str, Any] | None = None,
) -> Device:
    """Apply ``changes`` if the device is still at ``expected_version``.

    The version check and the increment happen in one UPDATE statement, so two
    writers (two terminals, or two machines on PostgreSQL) cannot both succeed.
    Raises :class:`ConflictError` otherwise, leaving the database untouched.
    """
    device = get_device(session=session, asset_tag=asset_tag)
    unknown = set(changes) - set(Device.model_fields) - {"site_id"}
    if unknown:
        raise ValueError(f"unknown device fields: {sorted(unknown)}")
    before = {k: getattr(device, k) for k in changes}
    values = dict(changes)
    values["version"] = expected_version + 1
    values["updated_at"] = utcnow()
    result = session.execute(
        update(Device)
        .where(Device.id == device.id, Device.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        current = session.execute(
            select(Device.version).where(Device.asset_tag == asset_tag)
        ).scalar_one_or_none()
        raise ConflictError(asset_tag, expected_version, current)
    details = {"changes": {k: [before[k], changes[k]] for k in changes if before[k] != changes[k]}}
    if event_details:
        details.update(event_details)
    add_event(session=session, device_id=device.id, kind=event_kind, actor=actor, details=details)
    session.flush()
    session.refresh(device)
    return device


def device_history(*, session: Session, device_id: int) -> Sequence[DeviceEvent]:
    return (
        session.exec(
            select(DeviceEvent)
            .where(DeviceEvent.device_id == device_id)
            .order_by(DeviceEvent.date, DeviceEvent.id)
        )
        .scalars()
        .all()
    )


def erasures(*, session: Session, device_id: int) -> Sequence[Erasure]:
    return (
        session.exec(
            select(Erasure).where(Erasure.device_id == device_id).order_by(Erasure.date, Erasure.id)
        )
        .scalars()
        .all()
    )


@dataclass(frozen=True)
class InventoryCounts:
    devices: int
    sites: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    agents: int


def inventory_counts(engine: Engine) -> InventoryCounts:
    """Set-based counts for summaries (one query per grouping)."""
    with engine.connect() as conn:
        by_cat = dict(
            conn.execute(select(Device.category, func.count()).group_by(Device.category)).all()
        )
        by_status = dict(
            conn.execute(select(Device.status, func.count()).group_by(Device.status)).all()
        )
        sites = conn.execute(select(func.count()).select_from(Site)).scalar_one()
        agents = conn.execute(select(func.coalesce(func.sum(Site.agents), 0))).scalar_one()
    return InventoryCounts(
        devices=sum(by_cat.values()),
        sites=int(sites),
        by_category={k: int(v) for k, v in sorted(by_cat.items(), key=lambda kv: -kv[1])},
        by_status={k: int(v) for k, v in sorted(by_status.items(), key=lambda kv: -kv[1])},
        agents=int(agents),
    )
