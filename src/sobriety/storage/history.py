"""The device history (audit trail): append and read, never change.

Every change to a device is one :class:`~sobriety.storage.models.DeviceEvent`:
its kind, the fields changed with their old and new values (``details``), who
made it (``actor``), when (``date``), the command or screen it came from
(``source``) and the device's version after it (``device_version``). This
module only appends events and reads them: the tool offers no way to edit or
delete an entry (only replacing the whole database, ``demo --replace`` or a
restore, removes them).

The source of the changes made in a thread is set once with
:func:`recording_from` (the application object does it for each transaction);
:func:`record_event` takes it from there unless given explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from sobriety.storage.models import DeviceEvent, utcnow

#: Where the changes of the running command, screen or worker come from.
SOURCE: ContextVar[str | None] = ContextVar("sobriety_change_source", default=None)


def current_source() -> str | None:
    """The source of the changes made now in this thread (None when unset)."""
    return SOURCE.get()


@contextlib.contextmanager
def recording_from(source: str | None) -> Iterator[None]:
    """Record the changes made inside the block as coming from ``source``."""
    token = SOURCE.set(source)
    try:
        yield
    finally:
        SOURCE.reset(token)


def record_event(
    *,
    session: Session,
    device_id: int,
    kind: str,
    actor: str | None,
    details: Mapping[str, Any] | None = None,
    date: dt.datetime | None = None,
    device_version: int | None = None,
    source: str | None = None,
) -> DeviceEvent:
    """Append one event to a device's history (in ``session``'s transaction)."""
    event = DeviceEvent(
        device_id=device_id,
        kind=str(kind),
        actor=actor,
        date=date or utcnow(),
        details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
        source=(source or current_source() or None),
        device_version=device_version,
    )
    session.add(event)
    return event


def device_history(*, session: Session, device_id: int) -> Sequence[DeviceEvent]:
    """Every event of a device, oldest first."""
    return (
        session.exec(
            select(DeviceEvent)
            .where(DeviceEvent.device_id == device_id)
            .order_by(DeviceEvent.date, DeviceEvent.id)
        )
        .scalars()
        .all()
    )


def events_since(
    *, session: Session, device_id: int, version: int, current: int | None
) -> list[DeviceEvent]:
    """The events that took the device from ``version`` to ``current``, oldest first.

    Events record the version they made; for changes that did not (older
    events, bulk imports) the last ``current - version`` events stand in.
    """
    found = list(
        session.exec(
            select(DeviceEvent)
            .where(DeviceEvent.device_id == device_id, DeviceEvent.device_version > version)
            .order_by(DeviceEvent.id)
        ).scalars()
    )
    missing = (current or version) - version - len({e.device_version for e in found})
    if missing > 0:
        known = {e.id for e in found}
        recent = session.exec(
            select(DeviceEvent)
            .where(DeviceEvent.device_id == device_id)
            .order_by(DeviceEvent.id.desc())
            .limit(missing + len(found))
        ).scalars()
        extra = [e for e in recent if e.id not in known and e.device_version is None][:missing]
        found = sorted([*found, *extra], key=lambda e: e.id or 0)
    return found


def event_row(event: DeviceEvent) -> dict[str, Any]:
    """An event as a plain dict, its details decoded from JSON."""
    row = event.model_dump()
    row["details"] = json.loads(event.details) if event.details else {}
    return row
