"""Reuse channels in the database: flags, decisions, erasures, lots, reuse rate.

- Flags are computed, not stored: :func:`flag_fleet` reads the columns the
  rules need (one SELECT, numpy arrays) and evaluates the whole fleet at once.
- A technician's decision is stored on the device (``reuse_channel``) and in its
  history (``flag_accepted`` / ``flag_overridden``) by :func:`accept` and
  :func:`override`.
- Erasures (:func:`record_erasure`) are checked first and write nothing when
  refused. Lots live in :mod:`sobriety.storage.lots`, the décret 2023-266
  rate in :mod:`sobriety.storage.reuse_events`.

Write functions take a keyword-only ``session`` (use ``db.session_scope``);
refusals raise :class:`ReuseError` (message in the active language) with every
problem listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, case, func, select
from sqlmodel import Session

from sobriety.domain.reuse.explain import DeviceFlag, explain
from sobriety.domain.reuse.lots import ErasureInput, LotRuleError, erasure_problems, parse_channel
from sobriety.domain.reuse.policy import LEVEL_RANK, Policy
from sobriety.domain.reuse.rules import Evaluation, ReuseFleet, evaluate
from sobriety.domain.reuse.text import channel_name, render_reason
from sobriety.domain.vocab import Channel, EventKind, Status
from sobriety.i18n import _
from sobriety.storage import devices as repository
from sobriety.storage.models import Device, Erasure, Lot, Site, utcnow
from sobriety.storage.reuse_fleet import level_rank_sql, read_fleet

ACTIVE = (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR)


class ReuseError(ValueError):
    """A refused reuse operation; ``problems`` lists every reason."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        full = message if not problems else message + "\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(full)


# --------------------------------------------------------------------------
# Flags


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


@dataclass
class FlagRun:
    """The evaluation of a set of devices (``ids`` aligned with the fleet rows)."""

    ids: np.ndarray
    fleet: ReuseFleet
    evaluation: Evaluation

    def __len__(self) -> int:
        return len(self.ids)

    def flagged_rows(self) -> np.ndarray:
        return np.flatnonzero(self.evaluation.flagged)

    def row_of(self, device_id: int) -> int:
        pos = int(np.searchsorted(self.ids, device_id))
        if pos >= len(self.ids) or self.ids[pos] != device_id:
            raise repository.NotFoundError(f"device id {device_id} not in this run")
        return pos

    def explain(self, row: int, avoided_kgco2e: dict[Channel, float] | None = None) -> DeviceFlag:
        return explain(self.evaluation, self.fleet, row, avoided_kgco2e)


def flag_fleet(
    engine: Engine,
    policy: Policy,
    *,
    on: dt.date | None = None,
    site: str | None = None,
    asset_tags: Sequence[str] | None = None,
) -> FlagRun:
    """Evaluate every device (or a site's, or the given tags) against ``policy``."""
    where = None
    if site is not None:
        with Session(engine) as session:
            site_id = repository.get_site(session=session, code=site).id
        where = Device.site_id == site_id
    if asset_tags is not None:
        where = Device.asset_tag.in_(list(asset_tags))
    ids, fleet = read_fleet(engine, where)
    if asset_tags is not None:
        missing = set(asset_tags) - set(_tags_of(engine, ids))
        if missing:
            raise repository.NotFoundError(
                _("no device with asset tag {tags}").format(tags=", ".join(sorted(missing)))
            )
    return FlagRun(ids=ids, fleet=fleet, evaluation=evaluate(fleet, policy, on or dt.date.today()))


def _tags_of(engine: Engine, ids: np.ndarray) -> list[str]:
    if not len(ids):
        return []
    with engine.connect() as conn:
        return list(
            conn.execute(select(Device.asset_tag).where(Device.id.in_(ids.tolist()))).scalars()
        )


def device_infos(engine: Engine, ids: Sequence[int]) -> list[DeviceInfo]:
    """Display fields of the devices shown, in the order of ``ids``."""
    if not ids:
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


# --------------------------------------------------------------------------
# Single devices inside a session


def _fleet_of(session: Session, devices: Sequence[Device]) -> ReuseFleet:
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


def flag_device(session: Session, policy: Policy, asset_tag: str, on: dt.date) -> DeviceFlag:
    """The flag of one device, read inside ``session``."""
    device = repository.get_device(session=session, asset_tag=asset_tag)
    fleet = _fleet_of(session, [device])
    return explain(evaluate(fleet, policy, on), fleet, 0)


def leave_service(
    session: Session, device: Device, *, on: dt.date, actor: str | None, reason: str
) -> dict[str, Any]:
    """Changes of a device bound for a channel outside the organisation.

    A device still in use is retired on ``on`` (a ``retired`` event with
    ``reason`` is recorded, dated that day); an already retired one keeps its
    recorded retirement date (none is made up when it is unknown).
    """
    changes: dict[str, Any] = {"status": Status.IN_REUSE_CHANNEL.value}
    if device.status in ACTIVE:
        repository.add_event(
            session=session,
            device_id=device.id,
            kind=EventKind.RETIRED,
            actor=actor,
            details={"reason": reason},
            date=_at(on),
        )
        if device.retirement_date is None:
            changes["retirement_date"] = on
    return changes


def _at(on: dt.date) -> dt.datetime:
    """The timestamp recorded for an action dated ``on``: now when it is today,
    else noon UTC of that day (so the day survives any time zone)."""
    now = utcnow()
    if on == now.date():
        return now
    return dt.datetime.combine(on, dt.time(12, 0), tzinfo=dt.UTC)


def _check_held(session: Session, asset_tag: str) -> None:
    device = repository.get_device(session=session, asset_tag=asset_tag)
    if device.status == Status.GONE:
        raise ReuseError(_("device {tag} is already gone").format(tag=asset_tag))


def _decide(
    *,
    session: Session,
    policy: Policy,
    asset_tag: str,
    channel: Channel,
    kind: EventKind,
    details: dict[str, Any],
    actor: str | None,
    on: dt.date,
    expected_version: int | None,
) -> Device:
    device = repository.get_device(session=session, asset_tag=asset_tag)
    version = device.version if expected_version is None else expected_version
    if device.status == Status.GONE:
        raise ReuseError(_("device {tag} is already gone").format(tag=asset_tag))
    if device.lot_id is not None:
        lot = session.get(Lot, device.lot_id)
        raise ReuseError(
            _("device {tag} is in lot {lot}: remove it from the lot first").format(
                tag=asset_tag, lot=lot.code if lot else device.lot_id
            )
        )
    cp = policy.channel(channel)
    changes: dict[str, Any] = {"reuse_channel": str(channel)}
    if cp.external:
        reason = _("reuse channel chosen: {channel}").format(channel=channel)
        changes.update(leave_service(session, device, on=on, actor=actor, reason=reason))
    elif device.status in (Status.RETIRED, Status.IN_REUSE_CHANNEL):
        changes["status"] = Status.IN_STOCK.value
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=version,
        changes=changes,
        actor=actor,
        event_kind=kind,
        event_details=details,
    )


def accept(
    *,
    session: Session,
    policy: Policy,
    asset_tag: str,
    actor: str | None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> tuple[Device, DeviceFlag]:
    """Record the recommended channel as the technician's decision (``flag_accepted``)."""
    on = on or dt.date.today()
    _check_held(session, asset_tag)
    flag = flag_device(session, policy, asset_tag, on)
    if flag.recommended is None:
        raise ReuseError(
            _("no channel is possible for {tag} under the policy").format(tag=asset_tag)
        )
    rec = flag.recommended
    device = _decide(
        session=session,
        policy=policy,
        asset_tag=asset_tag,
        channel=rec.channel,
        kind=EventKind.FLAG_ACCEPTED,
        details={
            "channel": str(rec.channel),
            "to_do": [r.code for r in rec.blockers],
            "counts_toward_target": rec.counts_toward_target,
        },
        actor=actor,
        on=on,
        expected_version=expected_version,
    )
    return device, flag


def override(
    *,
    session: Session,
    policy: Policy,
    asset_tag: str,
    channel: Channel | str,
    reason: str,
    actor: str | None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> tuple[Device, DeviceFlag]:
    """Choose another channel than the recommended one, with a reason (``flag_overridden``).

    The chosen channel must not be ruled out by the policy; what blocks it
    (an erasure to do...) is recorded as still to do.
    """
    on = on or dt.date.today()
    if not reason or not reason.strip():
        raise ReuseError(_("an override needs a reason"))
    try:
        chosen = parse_channel(channel)
    except LotRuleError as exc:
        raise ReuseError(str(exc)) from exc
    _check_held(session, asset_tag)
    flag = flag_device(session, policy, asset_tag, on)
    if chosen not in policy.channels:
        raise ReuseError(_("channel {channel} is not in the policy").format(channel=chosen))
    outcome = flag.outcome(chosen)
    if outcome.state == "ruled_out":
        raise ReuseError(
            _("{channel} is ruled out for {tag}:").format(
                channel=channel_name(chosen), tag=asset_tag
            ),
            [render_reason(r) for r in outcome.rule_outs],
        )
    device = _decide(
        session=session,
        policy=policy,
        asset_tag=asset_tag,
        channel=chosen,
        kind=EventKind.FLAG_OVERRIDDEN,
        details={
            "channel": str(chosen),
            "recommended": str(flag.recommended.channel) if flag.recommended else None,
            "reason": reason.strip(),
            "to_do": [r.code for r in outcome.blockers],
        },
        actor=actor,
        on=on,
        expected_version=expected_version,
    )
    return device, flag


def set_repair_estimate(
    *,
    session: Session,
    asset_tag: str,
    amount_eur: float | None,
    actor: str | None,
    expected_version: int | None = None,
) -> Device:
    """Record (or clear) the estimated repair cost compared with the repair ceiling."""
    if amount_eur is not None and (amount_eur != amount_eur or amount_eur < 0):
        raise ReuseError(_("a repair estimate is an amount >= 0 EUR"))
    device = repository.get_device(session=session, asset_tag=asset_tag)
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=device.version if expected_version is None else expected_version,
        changes={"repair_estimate_eur": amount_eur},
        actor=actor,
    )


# --------------------------------------------------------------------------
# Erasures


def record_erasure(
    *,
    session: Session,
    policy: Policy,
    asset_tag: str,
    record: ErasureInput,
    actor: str | None,
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> Erasure:
    """Store an erasure record and its ``erased`` history event, after checking it.

    A refused record raises :class:`ReuseError` listing every reason in
    ``problems`` (:func:`sobriety.domain.reuse.lots.erasure_problems`).
    """
    device = repository.get_device(session=session, asset_tag=asset_tag)
    if device.status == Status.GONE:
        raise ReuseError(_("device {tag} is already gone").format(tag=asset_tag))
    problems = erasure_problems(
        policy, record, today=today or dt.date.today(), acquired=device.acquisition_date
    )
    if problems:
        raise ReuseError(_("erasure of {tag} not recorded:").format(tag=asset_tag), problems)
    details = {
        "method": record.method,
        "level": record.level,
        "tool": record.tool,
        "operator": record.operator,
        "date": record.date.isoformat(),
        "verified": record.verified,
        "certificate_id": record.certificate_id,
    }
    device = repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=device.version if expected_version is None else expected_version,
        changes={},
        actor=actor,
        event_kind=EventKind.ERASED,
        event_details={k: v for k, v in details.items() if v is not None},
    )
    erasure = Erasure(
        device_id=device.id,
        method=record.method,
        level=record.level,
        tool=record.tool,
        operator=record.operator,
        date=record.date,
        verified=record.verified,
        certificate_id=record.certificate_id or None,
    )
    session.add(erasure)
    session.flush()
    return erasure


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
