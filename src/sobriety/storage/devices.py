"""Repository functions: the only place that knows how devices are stored.

Plain functions taking a keyword-only ``session`` (or an engine for set-based
reads). Writes that change a device go through :func:`update_device`, which
enforces optimistic locking and records the change in the device history.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from sobriety.i18n import _
from sobriety.storage import history
from sobriety.storage.models import Device, DeviceEvent, Erasure, Site, utcnow


class ConflictError(RuntimeError):
    """The device changed since it was read (optimistic locking).

    ``events`` are the history entries made since the version read: who
    changed what, and when.
    """

    def __init__(
        self,
        asset_tag: str,
        expected: int,
        current: int | None,
        events: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.asset_tag = asset_tag
        self.expected = expected
        self.current = current
        self.events = list(events)
        super().__init__(
            f"device {asset_tag} was changed by someone else "
            f"(version {expected} read, now {current})"
        )


class NotFoundError(LookupError):
    """No device (or site) by that key; ``suggestions`` are the closest ones that exist."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        self.suggestions = list(suggestions)
        if self.suggestions:
            message = _("{message}; did you mean {choices}?").format(
                message=message, choices=_(" or ").join(self.suggestions)
            )
        super().__init__(message)


def _key(text: str) -> str:
    return text.strip().upper()


def _closest(session: Session, column: Any, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` stored values of ``column`` that look like ``text`` (for "did you mean").

    Candidates share the first characters of ``text`` or end with its number,
    so that a fleet of a million devices is not read whole.
    """
    key = _key(text)
    if not key:
        return []
    candidates: set[str] = set()
    for size in (max(2, len(key) * 2 // 3), 2):
        stmt = select(column).where(func.upper(column).like(_like(key[:size]) + "%", escape="\\"))
        candidates.update(session.execute(stmt.limit(20_000)).scalars())
        if len(candidates) >= n:
            break
    digits = re.search(r"(\d+)\D*$", key)
    if digits is not None and digits[1].lstrip("0"):
        tail = digits[1].lstrip("0")
        stmt = select(column).where(column.like("%" + tail, escape="\\")).limit(200)
        candidates.update(session.execute(stmt).scalars())
    by_key = {_key(c): c for c in candidates}
    close = difflib.get_close_matches(key, list(by_key), n=max(300, n), cutoff=0.5)
    close.sort(key=lambda c: (_distance(key, c), c))
    return [by_key[c] for c in close[:n] if _distance(key, c) <= max(2, len(key) // 3)]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short strings: asset tags, site codes)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = row
    return previous[-1]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_device(*, session: Session, asset_tag: str) -> Device:
    """The device of ``asset_tag``, matched exactly, else ignoring case and surrounding
    spaces; :class:`NotFoundError` (with the closest tags) when there is none."""
    device = session.exec(select(Device).where(Device.asset_tag == asset_tag)).scalar_one_or_none()
    if device is not None:
        return device
    key = _key(asset_tag)
    found = (
        session.exec(select(Device).where(func.upper(Device.asset_tag) == key).limit(2))
        .scalars()
        .all()
    )
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise NotFoundError(
            _("asset tag {tag!r} names several devices").format(tag=asset_tag.strip()),
            [d.asset_tag for d in found],
        )
    raise NotFoundError(
        _("no device with asset tag {tag!r}").format(tag=asset_tag.strip()),
        _closest(session, Device.asset_tag, asset_tag),
    )


def get_site(*, session: Session, code: str) -> Site:
    """The site of ``code``, matched exactly, else ignoring case and surrounding spaces."""
    site = session.exec(select(Site).where(Site.code == code)).scalar_one_or_none()
    if site is not None:
        return site
    found = session.exec(select(Site).where(func.upper(Site.code) == _key(code))).scalars().all()
    if len(found) == 1:
        return found[0]
    raise NotFoundError(
        _("no site with code {code!r}").format(code=code.strip()),
        [s.code for s in found] or _closest(session, Site.code, code),
    )


def add_event(
    *,
    session: Session,
    device_id: int,
    kind: str,
    actor: str | None,
    details: Mapping[str, Any] | None = None,
    date: dt.datetime | None = None,
) -> DeviceEvent:
    """Append an event to a device's history (see :mod:`sobriety.storage.history`)."""
    return history.record_event(
        session=session, device_id=device_id, kind=kind, actor=actor, details=details, date=date
    )


def update_device(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    changes: Mapping[str, Any],
    actor: str | None,
    event_kind: str = "updated",
    event_details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Device:
    """Apply ``changes`` if the device is still at ``expected_version``.

    ``at`` is the time recorded (the application's clock; now when not given).

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
    at = at or utcnow()
    values["updated_at"] = at
    result = session.execute(
        update(Device)
        .where(Device.id == device.id, Device.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        device_id, tag = device.id, device.asset_tag
        session.rollback()
        current = session.execute(
            select(Device.version).where(Device.id == device_id)
        ).scalar_one_or_none()
        events = history.events_since(
            session=session, device_id=device_id, version=expected_version, current=current
        )
        raise ConflictError(tag, expected_version, current, [history.event_row(e) for e in events])
    details: dict[str, Any] = {
        "changes": {k: [before[k], changes[k]] for k in changes if before[k] != changes[k]}
    }
    if event_details:
        details.update(event_details)
    history.record_event(
        session=session,
        device_id=device.id,
        kind=event_kind,
        actor=actor,
        details=details,
        date=at,
        device_version=expected_version + 1,
    )
    session.flush()
    session.refresh(device)
    return device


def device_history(*, session: Session, device_id: int) -> Sequence[DeviceEvent]:
    return history.device_history(session=session, device_id=device_id)


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
