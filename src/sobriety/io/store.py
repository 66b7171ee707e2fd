"""Database side of the importer: sites, existing devices, bulk writes.

Everything runs on one connection inside the importer's transaction. New
devices and their history events go through :mod:`sobriety.storage.bulk`
(``executemany`` on SQLite, ``COPY`` on PostgreSQL); updates are one
``executemany`` per chunk guarded by each device's version (optimistic
locking): a device changed by someone else meanwhile aborts the import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, Connection, String, any_, bindparam, func, insert, select, update

from sobriety.domain.inventory.fields import DEVICE_FIELD_NAMES, normalise_label
from sobriety.i18n import ngettext
from sobriety.storage import bulk
from sobriety.storage.models import Device, DeviceEvent, Site

DEVICE = Device.__table__
SITE = Site.__table__
EVENT = DeviceEvent.__table__

#: Columns read back for matching and comparing devices.
DEVICE_COLUMNS = ("id", "version", *DEVICE_FIELD_NAMES, "site_id")
_LOOKUP_BATCH = 20_000
SITE_CODE_MAX = 40


class ConcurrentChange(RuntimeError):
    """A device changed in the database while the import was running."""


def site_code_for(reference: str) -> str:
    """A site code for a site known only by its name: the name, or a hashed cut of it."""
    if len(reference) <= SITE_CODE_MAX:
        return reference
    digest = hashlib.sha1(reference.encode()).hexdigest()[:8]
    return f"{reference[: SITE_CODE_MAX - 9]}~{digest}"


class SiteIndex:
    """Sites by code and by normalised name; creates the unknown ones on demand."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.created: list[tuple[str, str, str]] = []
        for site_id, code, name in conn.execute(select(SITE.c.id, SITE.c.code, SITE.c.name)):
            self.by_code[code] = site_id
            self.by_name.setdefault(normalise_label(name), site_id)

    def create(self, code: str, name: str, kind: str | None, **extra: Any) -> int:
        values = {"code": code, "name": name, "kind": kind or "other", **extra}
        site_id = self.conn.execute(insert(SITE).values(values).returning(SITE.c.id)).scalar_one()
        self.by_code[code] = site_id
        self.by_name.setdefault(normalise_label(name), site_id)
        self.created.append((code, name, values["kind"]))
        return site_id

    def resolve(
        self, code: str | None, name: str | None, reference: str | None, kind: str | None
    ) -> int | None:
        """The site id for a device row; creates the site when it is unknown.

        ``code`` (an export's ``site_code``) matches codes only; ``reference`` (a
        code or a name) matches a code, then a name; ``name`` alone matches a
        name. An unknown site is created with the given kind or ``other``.
        """
        if code:
            found = self.by_code.get(code)
            return found if found is not None else self.create(code, name or code, kind)
        label = reference or name
        if not label:
            return None
        if reference and reference in self.by_code:
            return self.by_code[reference]
        found = self.by_name.get(normalise_label(label))
        if found is not None:
            return found
        return self.create(site_code_for(label), label, kind)


def _batches(values: Sequence[Any], size: int = _LOOKUP_BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_key(dialect: str, column: str) -> Any:
    """Devices whose ``column`` is in the list bound as ``keys`` (one parameter).

    SQLite reads the list from a JSON array (``json_each``), PostgreSQL from an
    array (``= ANY``); others expand it into one parameter per key.
    """
    cols = [DEVICE.c[c] for c in DEVICE_COLUMNS]
    target = DEVICE.c[column]
    if dialect == "sqlite":
        each = func.json_each(bindparam("keys", type_=String)).table_valued("value")
        return select(*cols).where(target.in_(select(each.c.value)))
    if dialect == "postgresql":
        return select(*cols).where(target == any_(bindparam("keys", type_=ARRAY(String))))
    return select(*cols).where(target.in_(bindparam("keys", expanding=True)))


def devices_where(conn: Connection, column: str, keys: Iterable[str]) -> list[dict[str, Any]]:
    """Existing devices whose ``column`` (asset_tag or serial) is one of ``keys``."""
    wanted = sorted(set(keys))
    dialect = conn.dialect.name
    stmt = _by_key(dialect, column)
    out: list[dict[str, Any]] = []
    for batch in _batches(wanted):
        bound = json.dumps(list(batch)) if dialect == "sqlite" else list(batch)
        result = conn.execute(stmt, {"keys": bound})
        out.extend(dict(row._mapping) for row in result)
    return out


def device_count(conn: Connection) -> int:
    """The largest device id (cheap on both back-ends): about how many devices there are."""
    return conn.execute(select(func.coalesce(func.max(DEVICE.c.id), 0))).scalar_one()


def insert_devices(conn: Connection, columns: Mapping[str, Sequence[Any]]) -> dict[str, int]:
    """Insert new devices given column-wise; returns their ids by asset tag.

    The new rows are found again by id above the largest id before the
    insert (ids only grow, on both back-ends), then by asset tag.
    """
    tags = columns["asset_tag"]
    if not tags:
        return {}
    before = conn.execute(select(func.coalesce(func.max(DEVICE.c.id), 0))).scalar_one()
    bulk.insert_columns(conn, DEVICE, [_without_blank_columns(columns)])
    new = DEVICE.c.id > before
    if conn.dialect.name == "sqlite":
        # SQLite numbers the rows of one insert in order, and no other writer
        # runs inside this transaction: contiguous ids are the rows in order.
        low, high, count = conn.execute(
            select(func.min(DEVICE.c.id), func.max(DEVICE.c.id), func.count()).where(new)
        ).one()
        if count == len(tags) and high - low + 1 == count:
            return dict(zip(tags, range(low, high + 1), strict=True))
    found = dict(conn.execute(select(DEVICE.c.asset_tag, DEVICE.c.id).where(new)).all())
    return {tag: found[tag] for tag in tags}


def _without_blank_columns(columns: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """The columns holding a value in some row: an all-empty column with no default is left
    out of the insert (the row gets NULL just the same, and binds a dozen fewer values)."""
    n = len(columns["asset_tag"])
    return {
        name: values
        for name, values in columns.items()
        if values.count(None) != n or _has_default(name)
    }


def _has_default(name: str) -> bool:
    column = DEVICE.c[name]
    return column.default is not None or column.server_default is not None


def insert_events(conn: Connection, columns: Mapping[str, Sequence[Any]]) -> None:
    """Append history events given column-wise; ``source`` defaults to the command or
    screen recording now (:func:`sobriety.storage.history.recording_from`)."""
    from sobriety.storage.history import current_source

    if columns["device_id"]:
        if "source" not in columns:
            columns = {**columns, "source": [current_source()] * len(columns["device_id"])}
        bulk.insert_columns(conn, EVENT, [columns])


def update_devices(
    conn: Connection, fields: Sequence[str], rows: Sequence[Mapping[str, Any]], now: dt.datetime
) -> None:
    """Set ``fields`` on each device ``{"id", "version", field...}`` and bump its version.

    Raises :class:`ConcurrentChange` when a device is no longer at the version read.
    """
    if not rows:
        return
    stmt = (
        update(DEVICE)
        .where(DEVICE.c.id == bindparam("_id"), DEVICE.c.version == bindparam("_version"))
        .values(
            {name: bindparam(name) for name in fields}
            | {"version": DEVICE.c.version + 1, "updated_at": bindparam("_now")}
        )
    )
    params = [
        {"_id": r["id"], "_version": r["version"], "_now": now, **{f: r[f] for f in fields}}
        for r in rows
    ]
    result = conn.execute(stmt, params)
    if result.rowcount != len(params):
        changed = len(params) - result.rowcount
        raise ConcurrentChange(
            ngettext(
                "{n} device changed in the database while the import ran; "
                "nothing was imported, run the import again",
                "{n} devices changed in the database while the import ran; "
                "nothing was imported, run the import again",
                changed,
            ).format(n=changed)
        )
