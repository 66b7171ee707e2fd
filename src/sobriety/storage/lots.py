"""Outgoing lots in the database: create, add, remove, close, proof of reuse.

A lot is a batch of devices for one recipient and one channel. Every write
checks the rules first (recipient kind and SIRET, each device against the
lot's channel) and writes nothing when refused: :class:`ReuseError` lists
every problem. Closing a lot marks its devices gone and records one
``transferred`` event per device with ``{"channel", "lot", "recipient_kind"}``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from sobriety.domain.reuse.explain import channel_problems
from sobriety.domain.reuse.lots import LotRuleError, check_recipient, lot_code, normalise_siret
from sobriety.domain.reuse.policy import Policy
from sobriety.domain.reuse.rules import evaluate
from sobriety.domain.reuse.text import channel_name, render_reason
from sobriety.domain.vocab import Channel, EventKind, LotStatus, Status
from sobriety.i18n import _
from sobriety.storage import devices as repository
from sobriety.storage.decisions import ReuseError, _at, _fleet_of, best_erasures, leave_service
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


def get_lot(session: Session, code: str) -> Lot:
    lot = session.execute(select(Lot).where(Lot.code == code)).scalar_one_or_none()
    if lot is None:
        raise repository.NotFoundError(_("no lot with code {code!r}").format(code=code))
    return lot


def _open_lot(session: Session, code: str) -> Lot:
    lot = get_lot(session, code)
    if lot.status != LotStatus.OPEN:
        raise ReuseError(_("lot {code} is closed").format(code=code))
    return lot


def _named_devices(
    session: Session, asset_tags: Sequence[str], problems: list[str]
) -> Iterator[Device]:
    """The devices of ``asset_tags`` (each once, in order); an unknown tag adds a problem."""
    for tag in dict.fromkeys(asset_tags):
        try:
            yield repository.get_device(session=session, asset_tag=tag)
        except repository.NotFoundError:
            problems.append(_("{tag}: no such device").format(tag=tag))


def create_lot(
    *,
    session: Session,
    policy: Policy,
    channel: Channel | str,
    recipient_name: str,
    recipient_kind: str,
    siret: str | None = None,
    code: str | None = None,
    notes: str | None = None,
    commitment_ref: str | None = None,
    today: dt.date | None = None,
) -> Lot:
    """Open a lot for one recipient and one channel (checked against the policy)."""
    problems: list[str] = []
    if not recipient_name or not recipient_name.strip():
        problems.append(_("the recipient's name is required"))
    norm_siret = None
    for check in (
        lambda: check_recipient(policy, channel, recipient_kind),
        lambda: normalise_siret(siret),
    ):
        try:
            result = check()
            if result is not None:
                norm_siret = result
        except LotRuleError as exc:
            problems.append(str(exc))
    if code is not None and session.execute(select(Lot.id).where(Lot.code == code)).first():
        problems.append(_("a lot with code {code!r} already exists").format(code=code))
    if problems:
        raise ReuseError(_("cannot create the lot:"), problems)
    if code is None:
        year = (today or dt.date.today()).year
        prefix = f"LOT-{year}-"
        existing = session.execute(select(Lot.code).where(Lot.code.like(prefix + "%"))).scalars()
        seqs = [int(c[len(prefix) :]) for c in existing if c[len(prefix) :].isdigit()]
        code = lot_code(year, max(seqs, default=0) + 1)
    lot = Lot(
        code=code,
        channel=str(Channel(channel)),
        recipient_name=recipient_name.strip(),
        recipient_kind=str(recipient_kind),
        recipient_siret=norm_siret,
        status=LotStatus.OPEN.value,
        notes=notes,
        commitment_ref=commitment_ref or None,
    )
    session.add(lot)
    session.flush()
    return lot


def _lot_devices(session: Session, lot: Lot) -> list[Device]:
    return list(
        session.execute(select(Device).where(Device.lot_id == lot.id).order_by(Device.asset_tag))
        .scalars()
        .all()
    )


def _problems_for(
    session: Session, policy: Policy, devices: Sequence[Device], channel: Channel, on: dt.date
) -> list[str]:
    """Every reason (tag: reason) that forbids these devices from ``channel``."""
    if not devices:
        return []
    fleet = _fleet_of(session, devices)
    ev = evaluate(fleet, policy, on)
    out: list[str] = []
    for i, d in enumerate(devices):
        for r in channel_problems(ev, fleet, i, channel):
            out.append(f"{d.asset_tag}: {render_reason(r)}")
    return out


def add_to_lot(
    *,
    session: Session,
    policy: Policy,
    code: str,
    asset_tags: Sequence[str],
    actor: str | None,
    on: dt.date | None = None,
) -> list[Device]:
    """Add devices to an open lot; all or nothing, every refusal listed."""
    on = on or dt.date.today()
    lot = _open_lot(session, code)
    channel = Channel(lot.channel)
    problems: list[str] = []
    devices: list[Device] = []
    for d in _named_devices(session, asset_tags, problems):
        tag = d.asset_tag
        if d.lot_id == lot.id:
            problems.append(_("{tag}: already in this lot").format(tag=tag))
        elif d.lot_id is not None:
            other = session.get(Lot, d.lot_id)
            problems.append(
                _("{tag}: already in lot {lot}").format(tag=tag, lot=other.code if other else "?")
            )
        elif d.reuse_channel and d.reuse_channel != channel:
            problems.append(
                _(
                    "{tag}: decided for {decided}, not {channel}: override the decision first"
                ).format(
                    tag=tag, decided=channel_name(d.reuse_channel), channel=channel_name(channel)
                )
            )
        devices.append(d)
    problems += _problems_for(session, policy, devices, channel, on)
    if problems:
        raise ReuseError(
            _("cannot add to lot {code} ({channel}):").format(
                code=code, channel=channel_name(channel)
            ),
            problems,
        )
    done = []
    for d in devices:
        changes = {"lot_id": lot.id, "reuse_channel": str(channel)}
        reason = _("added to lot {code}").format(code=code)
        changes.update(leave_service(session, d, on=on, actor=actor, reason=reason))
        done.append(
            repository.update_device(
                session=session,
                asset_tag=d.asset_tag,
                expected_version=d.version,
                changes=changes,
                actor=actor,
                event_kind=EventKind.LOT_ADDED,
                event_details={"lot": code, "channel": str(channel)},
            )
        )
    return done


def remove_from_lot(
    *,
    session: Session,
    code: str,
    asset_tags: Sequence[str],
    actor: str | None,
    reason: str | None = None,
) -> list[Device]:
    """Take devices out of an open lot (they keep their decided channel)."""
    lot = _open_lot(session, code)
    problems: list[str] = []
    devices: list[Device] = []
    for d in _named_devices(session, asset_tags, problems):
        if d.lot_id != lot.id:
            problems.append(_("{tag}: not in lot {code}").format(tag=d.asset_tag, code=code))
        devices.append(d)
    if problems:
        raise ReuseError(_("cannot remove from lot {code}:").format(code=code), problems)
    details = {"lot": code}
    if reason:
        details["reason"] = reason
    return [
        repository.update_device(
            session=session,
            asset_tag=d.asset_tag,
            expected_version=d.version,
            changes={"lot_id": None},
            actor=actor,
            event_kind=EventKind.LOT_REMOVED,
            event_details=details,
        )
        for d in devices
    ]


def close_lot(
    *,
    session: Session,
    policy: Policy,
    code: str,
    actor: str | None,
    on: dt.date | None = None,
    deed_ref: str | None = None,
    commitment_ref: str | None = None,
) -> Lot:
    """Hand the lot over: every device re-checked, marked gone, ``transferred`` recorded."""
    on = on or dt.date.today()
    lot = get_lot(session, code)
    if lot.status != LotStatus.OPEN:
        raise ReuseError(_("lot {code} is already closed").format(code=code))
    channel = Channel(lot.channel)
    devices = _lot_devices(session, lot)
    problems: list[str] = []
    if not devices:
        problems.append(_("the lot holds no device"))
    commitment = commitment_ref or lot.commitment_ref
    cp = policy.channels.get(channel)
    if cp is not None and cp.counts_as_reuse == "with_proof" and not commitment:
        problems.append(
            _(
                "take-back counts as reuse only with the taker's prior commitment: "
                "give its reference (--commitment)"
            )
        )
    problems += _problems_for(session, policy, devices, channel, on)
    if problems:
        raise ReuseError(_("cannot close lot {code}:").format(code=code), problems)
    details = {"channel": str(channel), "lot": code, "recipient_kind": lot.recipient_kind}
    for d in devices:
        changes: dict[str, Any] = {"status": Status.GONE.value}
        repository.update_device(
            session=session,
            asset_tag=d.asset_tag,
            expected_version=d.version,
            changes=changes,
            actor=actor,
            event_kind=EventKind.TRANSFERRED,
            event_details=details,
        )
    session.flush()
    # Transfers are dated on the handover day.
    session.execute(
        DeviceEvent.__table__.update()
        .where(
            DeviceEvent.device_id.in_([d.id for d in devices]),
            DeviceEvent.kind == EventKind.TRANSFERRED.value,
            DeviceEvent.details.like(f'%"lot": "{code}"%'),
        )
        .values(date=_at(on))
    )
    lot.status = LotStatus.CLOSED.value
    lot.closed_at = _at(on)
    if deed_ref:
        lot.deed_ref = deed_ref
    if commitment:
        lot.commitment_ref = commitment
    session.add(lot)
    session.flush()
    return lot


def record_proof(*, session: Session, code: str, reference: str, on: dt.date | None = None) -> Lot:
    """Record the taker's proof of reuse for a lot (needed for take-back to count)."""
    if not reference or not reference.strip():
        raise ReuseError(_("a proof of reuse needs a reference"))
    lot = get_lot(session, code)
    lot.proof_of_reuse_ref = reference.strip()
    lot.proof_date = on or dt.date.today()
    session.add(lot)
    session.flush()
    return lot


def update_lot_refs(
    *,
    session: Session,
    code: str,
    deed_ref: str | None = None,
    commitment_ref: str | None = None,
) -> Lot:
    lot = get_lot(session, code)
    if deed_ref:
        lot.deed_ref = deed_ref.strip()
    if commitment_ref:
        lot.commitment_ref = commitment_ref.strip()
    session.add(lot)
    session.flush()
    return lot


def lot_view(session: Session, code: str) -> LotView:
    """The lot, its devices and each one's best erasure record."""
    lot = get_lot(session, code)
    if lot.status == LotStatus.CLOSED:
        # Closed lots: the devices that left with it (from the history).
        ids = [
            e.device_id
            for e in session.execute(
                select(DeviceEvent).where(
                    DeviceEvent.kind == EventKind.TRANSFERRED.value,
                    DeviceEvent.details.like(f'%"lot": "{code}"%'),
                )
            ).scalars()
            if json.loads(e.details or "{}").get("lot") == code
        ]
        devices = list(
            session.execute(
                select(Device).where(Device.id.in_(ids)).order_by(Device.asset_tag)
            ).scalars()
        )
    else:
        devices = _lot_devices(session, lot)
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
