"""Optimistic locking of lots and erasure records, and the lot history.

Devices have theirs in :func:`sobriety.storage.devices.update_device`. A lot and
an erasure record carry a ``version`` too: every change is one UPDATE that
checks the version the writer read and increments it, so two writers (two
terminals on one SQLite file, two machines on PostgreSQL) cannot both succeed
from the same version. The one refused gets :class:`StaleRecord`, which says
who changed what, and when, and nothing of its change is written.

Each change of a lot is also a :class:`~sobriety.storage.models.LotEvent` (its
history: kind, details, actor, time, command or screen, the version after it),
appended here and never edited. An erasure record's last change is kept on the
row (``updated_by``, ``updated_at``) and in the device's history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from sobriety.i18n import _
from sobriety.storage import history
from sobriety.storage.devices import ConflictError
from sobriety.storage.models import Erasure, Lot, LotEvent, utcnow


class StaleRecord(ConflictError):
    """A lot or an erasure record changed since it was read: nothing was written.

    ``changes`` are what happened since the version read, oldest first: dicts of
    ``kind``, ``date``, ``actor``, ``source`` and ``details``.
    """

    def __init__(
        self,
        message: str,
        *,
        key: str,
        expected: int,
        current: int | None,
        changes: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        RuntimeError.__init__(self, message)
        self.asset_tag = key  # ConflictError's name for the record's key
        self.key = key
        self.expected = expected
        self.current = current
        self.events = list(changes)
        self.changes = self.events


def _when(value: dt.datetime | None) -> str:
    from sobriety.domain.inventory.display import show_value

    return show_value("date", value) if value is not None else "-"


def _change_lines(changes: Sequence[Mapping[str, Any]]) -> list[str]:
    from sobriety.domain.inventory.display import source_label
    from sobriety.domain.labels import label

    lines = []
    for c in changes:
        details = c.get("details") or {}
        tags = details.get("devices") or []
        what = label("lot_event", c.get("kind"))
        if tags:
            what += " (" + ", ".join(tags[:5]) + (", …" if len(tags) > 5 else "") + ")"
        lines.append(
            _("  {date}, {actor} ({source}): {what}").format(
                date=_when(c.get("date")),
                actor=c.get("actor") or "-",
                source=source_label(c.get("source")),
                what=what,
            )
        )
    return lines


# ------------------------------------------------------------------ lots
def lot_events(session: Session, lot_id: int, *, after_version: int = 0) -> list[dict[str, Any]]:
    """The lot's history (after ``after_version``), oldest first."""
    rows = session.execute(
        select(LotEvent)
        .where(LotEvent.lot_id == lot_id, LotEvent.lot_version > after_version)
        .order_by(LotEvent.lot_version, LotEvent.id)
    ).scalars()
    return [
        {
            "kind": e.kind,
            "date": e.date,
            "actor": e.actor,
            "source": e.source,
            "details": json.loads(e.details) if e.details else {},
            "version": e.lot_version,
        }
        for e in rows
    ]


def stale_lot(session: Session, lot: Lot, expected_version: int) -> StaleRecord:
    """The conflict of a write based on ``expected_version`` of ``lot`` (rolled back)."""
    return _stale_lot(session, lot.id, lot.code, expected_version)


def _stale_lot(session: Session, lot_id: int, code: str, expected_version: int) -> StaleRecord:
    session.rollback()
    current = session.execute(select(Lot.version).where(Lot.id == lot_id)).scalar_one_or_none()
    changes = lot_events(session, lot_id, after_version=expected_version)
    head = _(
        "lot {code} was changed by someone else since you read it (version {read}, now "
        "{now}): nothing was saved."
    ).format(code=code, read=expected_version, now=current if current is not None else "-")
    return StaleRecord(
        "\n".join([head, *_change_lines(changes)]),
        key=code,
        expected=expected_version,
        current=current,
        changes=changes,
    )


def record_lot_created(session: Session, lot: Lot, *, actor: str | None, at: dt.datetime) -> None:
    """The first entry of a new lot's history (version 1)."""
    session.add(
        LotEvent(
            lot_id=lot.id,
            kind="created",
            date=at,
            actor=actor,
            details=json.dumps({"channel": lot.channel, "recipient": lot.recipient_name}),
            source=history.current_source(),
            lot_version=lot.version,
        )
    )
    session.flush()


def change_lot(
    session: Session,
    lot: Lot,
    *,
    expected_version: int,
    kind: str,
    actor: str | None,
    values: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Lot:
    """Apply ``values`` to ``lot`` if it is still at ``expected_version``, and record it.

    Raises :class:`StaleRecord` (the transaction rolled back) otherwise.
    """
    at = at or utcnow()
    lot_id, code = lot.id, lot.code
    result = session.execute(
        update(Lot)
        .where(Lot.id == lot_id, Lot.version == expected_version)
        .values(**dict(values or {}), version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _stale_lot(session, lot_id, code, expected_version)
    session.add(
        LotEvent(
            lot_id=lot_id,
            kind=kind,
            date=at,
            actor=actor,
            details=json.dumps(dict(details or {}), default=str, ensure_ascii=False),
            source=history.current_source(),
            lot_version=expected_version + 1,
        )
    )
    session.flush()
    session.refresh(lot)
    return lot


# ------------------------------------------------------------------ erasures
def change_erasure(
    session: Session,
    erasure_id: int,
    *,
    expected_version: int,
    actor: str | None,
    values: Mapping[str, Any],
    key: str,
    at: dt.datetime | None = None,
) -> Erasure:
    """Apply ``values`` to an erasure record still at ``expected_version``.

    ``key`` names the record for a person (the device's tag and the erasure's
    date). Raises :class:`StaleRecord` (rolled back) otherwise.
    """
    at = at or utcnow()
    result = session.execute(
        update(Erasure)
        .where(Erasure.id == erasure_id, Erasure.version == expected_version)
        .values(**dict(values), version=expected_version + 1, updated_by=actor, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        row = session.execute(
            select(Erasure.version, Erasure.updated_by, Erasure.updated_at, Erasure.verified)
            .where(Erasure.id == erasure_id)
        ).one_or_none()  # fmt: skip
        current = row.version if row is not None else None
        head = _(
            "the erasure {key} was changed by someone else since you read it (version "
            "{read}, now {now}): nothing was saved."
        ).format(key=key, read=expected_version, now=current if current is not None else "-")
        lines = [head]
        changes: list[dict[str, Any]] = []
        if row is not None and row.updated_at is not None:
            what = _("verified") if row.verified else _("changed")
            lines.append(
                _("  {date}, {actor}: {what}").format(
                    date=_when(row.updated_at), actor=row.updated_by or "-", what=what
                )
            )
            changes.append({"date": row.updated_at, "actor": row.updated_by, "kind": what})
        raise StaleRecord(
            "\n".join(lines), key=key, expected=expected_version, current=current, changes=changes
        )
    session.flush()
    erasure = session.get(Erasure, erasure_id)
    assert erasure is not None
    session.refresh(erasure)
    return erasure
