"""The device list's order: the labels shown, blanks last, read through indexes.

A sort is a sequence of *segments*, each read by its own index scan:

- a column holding a vocabulary value (category, status, condition, reuse
  channel) or a site is ordered by the label shown in the active language
  (``PC portable`` in French; the site's code), accents and case ignored
  (:func:`sobriety.i18n.sort_key`). Its distinct values are few: they are
  read by a loose index scan (one index lookup per value), sorted in Python,
  and each value is one segment ``WHERE column = value ORDER BY id``;
- a free-text or date column is one segment of the filled values
  (``WHERE column > '' ORDER BY column, id``);
- blanks come after every value in both directions: a segment of empty
  strings, then one of NULLs, each ``ORDER BY id``.

Descending reverses the values and the ids but keeps the blanks last, so it
is not the reverse of ascending; reading "from the end" walks the segments
backwards with each scan reversed. Every scan is a range of one index
(SQLite: the column's index ends with the rowid; PostgreSQL: ``(column, id)``
indexes of migrations 0004 and 0011), never a sort of the whole table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select, text

from sobriety.domain.inventory.queries import DeviceQuery, DeviceRow
from sobriety.domain.labels import label
from sobriety.i18n import sort_key
from sobriety.storage.models import Device, Site

_device = Device.__table__
_site = Site.__table__

#: Sort keys holding a vocabulary value -> the vocabulary whose label is shown.
VOCAB_SORTS = {
    "category": "category",
    "status": "status",
    "condition": "condition",
    "reuse_channel": "reuse_channel",
}
#: Free-text sort keys that may be blank ('' or NULL).
TEXT_SORTS = frozenset({"manufacturer", "model", "serial", "assignee"})


@dataclass(frozen=True, eq=False)
class Segment:
    """Rows ``where`` holds, read in ``(column, id)`` order (``column`` None: by id only)."""

    where: ColumnElement[bool] | None
    column: ColumnElement[Any] | None
    descending: bool
    field: str  # DeviceRow field telling whether a row belongs here
    value: Any = None  # a value segment: the row field's value (a site's code)
    kind: str = "value"  # "value", "range" (filled values), "empty" (''), "null"

    def holds(self, row: DeviceRow) -> bool:
        value = getattr(row, self.field)
        if self.kind == "null":
            return value is None
        if self.kind == "empty":
            return value == ""
        if self.kind == "range":
            return value is not None and value != ""
        return value == self.value

    def order_by(self, reverse: bool = False) -> list[Any]:
        desc = self.descending != reverse
        id_col = _device.c.id
        cols = [id_col.desc() if desc else id_col.asc()]
        if self.column is not None:
            first = self.column.desc() if desc else self.column.asc()
            if self.column.nullable:  # as the PostgreSQL index (column NULLS FIRST, id) runs
                first = first.nulls_last() if desc else first.nulls_first()
            cols.insert(0, first)
        return cols

    def after(self, row: DeviceRow, reverse: bool = False) -> ColumnElement[bool]:
        """Rows of this segment strictly after ``row`` (which belongs to it)."""
        desc = self.descending != reverse
        id_col = _device.c.id
        later_id = id_col < row.id if desc else id_col > row.id
        if self.column is None:
            return later_id
        value = getattr(row, self.field)
        later = self.column < value if desc else self.column > value
        return or_(later, and_(self.column == value, later_id))


def distinct_values(conn: Connection, column: str) -> list[Any]:
    """The non-NULL values of a device column, by a loose index scan.

    One index lookup per distinct value (a recursive ``min(column) > previous``),
    instead of the full index scan a ``SELECT DISTINCT`` costs on both engines.
    ``column`` is one of this module's fixed column names, never user input.
    """
    sql = text(
        f"WITH RECURSIVE v(x) AS ("
        f" SELECT (SELECT min({column}) FROM device)"
        f" UNION ALL"
        f" SELECT (SELECT min({column}) FROM device WHERE {column} > v.x) FROM v"
        f" WHERE v.x IS NOT NULL"
        f") SELECT x FROM v WHERE x IS NOT NULL"
    )
    return [r[0] for r in conn.execute(sql)]


def _blank_segments(
    column: ColumnElement[Any], field: str, descending: bool, *, empty: bool
) -> list[Segment]:
    segments = []
    if empty:
        segments.append(Segment(column == "", None, descending, field, kind="empty"))
    segments.append(Segment(column.is_(None), None, descending, field, kind="null"))
    return segments


def segments(conn: Connection, query: DeviceQuery) -> list[Segment]:
    """The segments of ``query``'s order, first to last."""
    sort, desc = query.sort, query.descending
    if sort in VOCAB_SORTS:
        column = _device.c[sort]
        values = sorted(
            distinct_values(conn, sort), key=lambda v: (sort_key(label(VOCAB_SORTS[sort], v)), v)
        )
        filled = [v for v in values if v != ""]
        if desc:
            filled.reverse()
        out: list[Segment] = [Segment(column == v, None, desc, sort, v) for v in filled]
        if "" in values:
            out.append(Segment(column == "", None, desc, sort, kind="empty"))
        if column.nullable:
            out.append(Segment(column.is_(None), None, desc, sort, kind="null"))
        return out
    if sort == "site":
        column = _device.c.site_id
        ids = distinct_values(conn, "site_id")
        codes = dict(
            conn.execute(select(_site.c.id, _site.c.code).where(_site.c.id.in_(ids))).all()
        ) if ids else {}  # fmt: skip
        ordered = sorted(ids, key=lambda i: (sort_key(codes.get(i)), codes.get(i) or "", i))
        if desc:
            ordered.reverse()
        out = [Segment(column == i, None, desc, "site", codes.get(i)) for i in ordered]
        return [*out, Segment(column.is_(None), None, desc, "site", kind="null")]
    column = _device.c[sort]
    if sort in TEXT_SORTS:
        filled_seg = Segment(column > "", column, desc, sort, kind="range")
        return [filled_seg, *_blank_segments(column, sort, desc, empty=True)]
    if column.nullable:
        filled_seg = Segment(column.is_not(None), column, desc, sort, kind="range")
        return [filled_seg, *_blank_segments(column, sort, desc, empty=False)]
    return [Segment(None, column, desc, sort, kind="range")]


def segment_of(segs: Iterable[Segment], row: DeviceRow) -> int:
    for k, seg in enumerate(segs):
        if seg.holds(row):
            return k
    raise LookupError(f"device {row.id} is in no segment of the order")
