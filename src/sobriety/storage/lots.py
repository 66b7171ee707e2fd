"""Outgoing lots in the database: reads and writes.

A lot is a batch of devices for one recipient and one channel. The rules
(recipient kind and SIRET, each device against the lot's channel) and the
refusals live in :mod:`sobriety.app.lots`; this module only reads and
writes. A closed lot's devices are found through their ``transferred``
events, which hold ``{"channel", "lot", "recipient_kind"}``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from sobriety.domain.vocab import EventKind, LotStatus
from sobriety.storage.decisions import best_erasures
from sobriety.storage.models import Device, DeviceEvent, Lot


@dataclass
class LotDevice:
    asset_tag: str
    category: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    weight_kg: float | None
    status: str
    erasure_method: str | None
    erasure_level: str | None
    erasure_date: dt.date | None
    certificate_id: str | None
    erasure_verified: bool = False
    erasure_operator: str | None = None
    encrypted_from_install: bool = False


@dataclass
class LotView:
    lot: Lot
    devices: list[LotDevice] = field(default_factory=list)

    @property
    def total_weight_kg(self) -> float:
        return float(sum(d.weight_kg or 0.0 for d in self.devices))

    @property
    def missing_weight(self) -> int:
        return sum(1 for d in self.devices if d.weight_kg is None)


def find_lot(session: Session, code: str) -> Lot | None:
    """The lot of ``code``, or None."""
    return session.execute(select(Lot).where(Lot.code == code)).scalar_one_or_none()


def code_of_lot(session: Session, lot_id: int) -> str | None:
    """The code of the lot ``lot_id`` (None when there is none)."""
    lot = session.get(Lot, lot_id)
    return lot.code if lot is not None else None


def codes_starting(session: Session, prefix: str) -> list[str]:
    """Every lot code that starts with ``prefix``."""
    return list(session.execute(select(Lot.code).where(Lot.code.like(prefix + "%"))).scalars())


def add_lot(session: Session, **values: Any) -> Lot:
    """Insert a lot with ``values`` (columns of :class:`~sobriety.storage.models.Lot`)."""
    lot = Lot(**values)
    session.add(lot)
    session.flush()
    return lot


def update_lot(session: Session, lot: Lot, **values: Any) -> Lot:
    """Set columns of ``lot``."""
    for name, value in values.items():
        setattr(lot, name, value)
    session.add(lot)
    session.flush()
    return lot


def lot_devices(session: Session, lot: Lot) -> list[Device]:
    """The devices in an open lot, by asset tag."""
    return list(
        session.execute(select(Device).where(Device.lot_id == lot.id).order_by(Device.asset_tag))
        .scalars()
        .all()
    )


def _transfers_like(code: str) -> Any:
    return DeviceEvent.details.like(f'%"lot": "{code}"%')


def date_transfers(
    session: Session, *, code: str, device_ids: Sequence[int], at: dt.datetime
) -> None:
    """Date the ``transferred`` events of lot ``code`` for ``device_ids`` at ``at``."""
    session.flush()
    session.execute(
        DeviceEvent.__table__.update()
        .where(
            DeviceEvent.device_id.in_(list(device_ids)),
            DeviceEvent.kind == EventKind.TRANSFERRED.value,
            _transfers_like(code),
        )
        .values(date=at)
    )


def transferred_devices(session: Session, code: str) -> list[Device]:
    """The devices that left with the closed lot ``code`` (from their history)."""
    ids = [
        e.device_id
        for e in session.execute(
            select(DeviceEvent).where(
                DeviceEvent.kind == EventKind.TRANSFERRED.value, _transfers_like(code)
            )
        ).scalars()
        if json.loads(e.details or "{}").get("lot") == code
    ]
    return list(
        session.execute(
            select(Device).where(Device.id.in_(ids)).order_by(Device.asset_tag)
        ).scalars()
    )


def lot_view(session: Session, lot: Lot) -> LotView:
    """The lot, its devices (a closed lot: those that left with it) and their best erasure."""
    if lot.status == LotStatus.CLOSED:
        devices = transferred_devices(session, lot.code)
    else:
        devices = lot_devices(session, lot)
    erasures = best_erasures(session, [d.id for d in devices])
    view = LotView(lot=lot)
    for d in devices:
        e = erasures.get(d.id)
        view.devices.append(
            LotDevice(
                asset_tag=d.asset_tag,
                category=d.category,
                manufacturer=d.manufacturer,
                model=d.model,
                serial=d.serial,
                weight_kg=d.weight_kg,
                status=d.status,
                erasure_method=e.method if e else None,
                erasure_level=e.level if e else None,
                erasure_date=e.date if e else None,
                certificate_id=e.certificate_id if e else None,
                erasure_verified=bool(e.verified) if e else False,
                erasure_operator=e.operator if e else None,
                encrypted_from_install=bool(e.encrypted_from_install) if e else False,
            )
        )
    return view


def list_lots(session: Session) -> list[tuple[Lot, int]]:
    """Every lot with its number of devices (open lots: current; closed: transferred)."""
    lots = list(session.execute(select(Lot).order_by(Lot.created_at, Lot.id)).scalars())
    counts = dict(
        session.execute(
            select(Device.lot_id, func.count())
            .where(Device.lot_id.is_not(None))
            .group_by(Device.lot_id)
        ).all()
    )
    return [(lot, int(counts.get(lot.id, 0))) for lot in lots]
