"""Filtered, sorted pages of the device list, and their counts, in SQL.

A :class:`DeviceQuery` (free text, facet filters, one sort column) turns into a
``SELECT`` of one page of light :class:`DeviceRow` rows and a ``COUNT``; nothing
is loaded beyond what is asked. The terminal UI's inventory table uses it to
render only the visible rows of a 100,000-device fleet; the CLI can share it.

The order is the one shown (:mod:`sobriety.storage.device_order`): labels in
the active language, blanks last in both directions, ``id`` breaking ties,
identical on SQLite and PostgreSQL. It is read as a sequence of index scans
(one per segment: a category, a site, the filled values of a text column, its
blanks). Pages are fetched by *keyset* when the row just before the page is
known (the usual case when scrolling: ``WHERE (sort, id) > (last sort, last
id)`` inside the row's segment, then the next segments), which walks the index
instead of skipping rows, and by ``OFFSET`` otherwise (a jump): segments wholly
before the offset are counted, not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import (
    ARRAY,
    Boolean,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    false,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement

from sobriety.domain.inventory.queries import SORT_KEYS, DeviceFilter, DeviceQuery, DeviceRow
from sobriety.storage.device_order import Segment, segment_of, segments
from sobriety.storage.models import Device, Site
from sobriety.storage.search_index import DeviceSearchIndex, SearchHits

_device = Device.__table__
_site = Site.__table__

#: Columns searched by the free text (case-insensitive substring).
TEXT_COLUMNS = ("asset_tag", "serial", "model", "manufacturer", "assignee")


#: Sort keys -> the SQL expression ordered on (DeviceRow field of the same name).
SORT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "asset_tag": _device.c.asset_tag,
    "category": _device.c.category,
    "manufacturer": _device.c.manufacturer,
    "model": _device.c.model,
    "serial": _device.c.serial,
    "site": _site.c.code,
    "assignee": _device.c.assignee,
    "status": _device.c.status,
    "condition": _device.c.condition,
    "acquisition_date": _device.c.acquisition_date,
    "reuse_channel": _device.c.reuse_channel,
}
assert tuple(SORT_COLUMNS) == SORT_KEYS, "every sort key of DeviceQuery has its column"

_ROW_COLUMNS = (
    _device.c.id,
    _device.c.asset_tag,
    _device.c.category,
    _device.c.manufacturer,
    _device.c.model,
    _device.c.serial,
    _site.c.code.label("site"),
    _device.c.assignee,
    _device.c.status,
    _device.c.condition,
    _device.c.acquisition_date,
    _device.c.reuse_channel,
)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _ContainsText(ColumnElement[bool]):
    """Case-insensitive substring test: ``ILIKE`` where it exists, ``LIKE`` on SQLite.

    SQLite's ``LIKE`` already ignores ASCII case; SQLAlchemy's generic ``ilike``
    would wrap both sides in ``lower()`` there, which makes a full scan of
    100,000 rows several times slower.
    """

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], pattern: str) -> None:
        self.column = column
        self.pattern = pattern


@compiles(_ContainsText)
def _contains_text_default(element: _ContainsText, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.ilike(element.pattern, escape="\\"), **kw)


@compiles(_ContainsText, "sqlite")
def _contains_text_sqlite(element: _ContainsText, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.like(element.pattern, escape="\\"), **kw)


def _ids_in(ids: np.ndarray, dialect: str) -> ColumnElement[bool]:
    """``device.id`` is one of ``ids``, bound as ONE parameter whatever their number."""
    values = ids.tolist()
    if dialect == "sqlite":
        each = func.json_each(bindparam("search_ids", json.dumps(values), type_=String))
        return _device.c.id.in_(select(each.table_valued("value").c.value))
    if dialect == "postgresql":
        return _device.c.id == any_(bindparam("search_ids", values, type_=ARRAY(Integer)))
    return _device.c.id.in_(bindparam("search_ids", values, expanding=True))


def _hits_clause(hits: SearchHits, dialect: str) -> ColumnElement[bool] | None:
    if hits.count == 0:
        return false()
    if hits.count == hits.total:
        return None
    if hits.count > hits.total // 2:  # bind the smaller list: the devices that do not match
        return not_(_ids_in(hits.excluded, dialect))
    return _ids_in(hits.ids, dialect)


def where_clause(
    flt: DeviceFilter, *, hits: SearchHits | None = None, dialect: str = "default"
) -> ColumnElement[bool] | None:
    """The WHERE condition of ``flt`` on the device table (no join needed).

    Every word of the free text must occur in one of :data:`TEXT_COLUMNS`: with
    ``hits`` (the search index's answer for ``flt.text``) the matching ids are
    bound as one parameter; without, each word is a ``LIKE`` on every column.
    """
    conds: list[ColumnElement[bool]] = []
    if hits is not None and flt.text.split():
        cond = _hits_clause(hits, dialect)
        if cond is not None:
            conds.append(cond)
    else:
        for word in flt.text.split():
            pattern = f"%{_escape_like(word)}%"
            conds.append(or_(*(_ContainsText(_device.c[name], pattern) for name in TEXT_COLUMNS)))
    for name, value in (
        ("category", flt.category),
        ("site_id", flt.site_id),
        ("status", flt.status),
        ("condition", flt.condition),
        ("reuse_channel", flt.reuse_channel),
    ):
        if value is not None:
            conds.append(_device.c[name] == value)
    return and_(*conds) if conds else None


def _rows_statement(query: DeviceQuery, hits: SearchHits | None, dialect: str) -> Select[Any]:
    stmt = select(*_ROW_COLUMNS).select_from(
        _device.outerjoin(_site, _device.c.site_id == _site.c.id)
    )
    cond = where_clause(query.filter, hits=hits, dialect=dialect)
    return stmt if cond is None else stmt.where(cond)


def _segment_statement(
    query: DeviceQuery,
    seg: Segment,
    *,
    limit: int,
    offset: int = 0,
    after: DeviceRow | None = None,
    reverse: bool = False,
    hits: SearchHits | None = None,
    dialect: str = "default",
) -> Select[Any]:
    """One index scan: the segment's rows (after ``after``), in its order or the reverse."""
    stmt = _rows_statement(query, hits, dialect)
    if seg.where is not None:
        stmt = stmt.where(seg.where)
    if after is not None:
        stmt = stmt.where(seg.after(after, reverse))
    elif offset:
        stmt = stmt.offset(offset)
    return stmt.order_by(*seg.order_by(reverse)).limit(limit)


def count_statement(
    flt: DeviceFilter, *, hits: SearchHits | None = None, dialect: str = "default"
) -> Select[Any]:
    stmt = select(func.count()).select_from(_device)
    cond = where_clause(flt, hits=hits, dialect=dialect)
    return stmt.where(cond) if cond is not None else stmt


def search_hits(search: DeviceSearchIndex | None, flt: DeviceFilter) -> SearchHits | None:
    """The index's answer for the filter's text (None: no text, no index, or not built)."""
    if search is None or not flt.text.split():
        return None
    return search.match(flt.text)


def _segment_count(
    conn: Connection, query: DeviceQuery, seg: Segment, hits: SearchHits | None, dialect: str
) -> int:
    stmt = count_statement(query.filter, hits=hits, dialect=dialect)
    if seg.where is not None:
        stmt = stmt.where(seg.where)
    return int(conn.execute(stmt).scalar_one())


def segment_statements(
    engine: Engine, query: DeviceQuery, *, limit: int = 100
) -> list[Select[Any]]:
    """The first-page scan of every segment of the query's order (to inspect their plans)."""
    dialect = engine.dialect.name
    with engine.connect() as conn:
        segs = segments(conn, query)
    return [_segment_statement(query, seg, limit=limit, dialect=dialect) for seg in segs]


def _read(
    conn: Connection,
    query: DeviceQuery,
    *,
    offset: int,
    limit: int,
    after: DeviceRow | None,
    reverse: bool,
    hits: SearchHits | None,
    dialect: str,
) -> list[DeviceRow]:
    """``limit`` rows from ``offset`` (or after ``after``), segment after segment.

    With ``reverse`` the segments are walked from the last and each scan is
    reversed: the rows come in the exact reverse of the query's order.
    """
    segs = segments(conn, query)
    order = list(reversed(segs)) if reverse else segs
    start = 0
    if after is not None:
        start = segment_of(order, after)
        offset = 0
    rows: list[DeviceRow] = []
    for k in range(start, len(order)):
        seg = order[k]
        need = limit - len(rows)
        if need <= 0:
            break
        if offset:
            size = _segment_count(conn, query, seg, hits, dialect)
            if size <= offset:
                offset -= size
                continue
        stmt = _segment_statement(
            query,
            seg,
            limit=need,
            offset=offset,
            after=after if k == start else None,
            reverse=reverse,
            hits=hits,
            dialect=dialect,
        )
        offset = 0
        rows.extend(DeviceRow(*r) for r in conn.execute(stmt))
    return rows


def fetch_page(
    engine: Engine,
    query: DeviceQuery,
    *,
    offset: int = 0,
    limit: int = 100,
    after: DeviceRow | None = None,
    total: int | None = None,
    search: DeviceSearchIndex | None = None,
) -> list[DeviceRow]:
    """Rows ``offset .. offset+limit`` of the query (or the ``limit`` rows after ``after``).

    With ``total`` (the query's count) an offset in the second half is read
    from the end, in the reverse order: jumping to the last page costs what
    the first page costs instead of sorting and skipping every row. With
    ``search`` (a built :class:`DeviceSearchIndex`) the free text is matched
    in memory and only the matching ids are read.
    """
    hits = search_hits(search, query.filter)
    dialect = engine.dialect.name
    with engine.connect() as conn:
        if after is None and total is not None and offset > total // 2:
            end = min(offset + limit, total)
            rows = _read(
                conn,
                query,
                offset=total - end,
                limit=end - offset,
                after=None,
                reverse=True,
                hits=hits,
                dialect=dialect,
            )
            rows.reverse()
            return rows
        return _read(
            conn,
            query,
            offset=offset,
            limit=limit,
            after=after,
            reverse=False,
            hits=hits,
            dialect=dialect,
        )


def count_devices(
    engine: Engine, flt: DeviceFilter | None = None, *, search: DeviceSearchIndex | None = None
) -> int:
    flt = flt or DeviceFilter()
    hits = search_hits(search, flt)
    if hits is not None and replace(flt, text="").is_empty:
        return hits.count  # the text is the only filter: the index knows the count
    stmt = count_statement(flt, hits=hits, dialect=engine.dialect.name)
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def position_of(
    engine: Engine,
    query: DeviceQuery,
    device_id: int,
    *,
    search: DeviceSearchIndex | None = None,
) -> int | None:
    """The 0-based index of a device in the query's order, or None if filtered out."""
    hits = search_hits(search, query.filter)
    dialect = engine.dialect.name
    with engine.connect() as conn:
        found = conn.execute(
            _rows_statement(query, hits, dialect).where(_device.c.id == device_id)
        ).first()
        if found is None:
            return None
        row = DeviceRow(*found)
        segs = segments(conn, query)
        k = segment_of(segs, row)
        before = sum(_segment_count(conn, query, seg, hits, dialect) for seg in segs[:k])
        # rows before `row` in its segment = rows after it in the reverse scan
        stmt = count_statement(query.filter, hits=hits, dialect=dialect)
        if segs[k].where is not None:
            stmt = stmt.where(segs[k].where)
        stmt = stmt.where(segs[k].after(row, reverse=True))
        return before + int(conn.execute(stmt).scalar_one())


@dataclass(frozen=True)
class SiteChoice:
    id: int
    code: str
    name: str


def site_choices(engine: Engine) -> list[SiteChoice]:
    """Every site, by code, for filters and the move action."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(_site.c.id, _site.c.code, _site.c.name).order_by(_site.c.code)
        ).all()
    return [SiteChoice(*r) for r in rows]


@dataclass(frozen=True)
class DeviceDetail:
    """One device with everything a technician reads about it."""

    values: dict[str, Any]  # every column of the device
    site: SiteChoice | None
    history: list[dict[str, Any]]  # oldest first; "details" decoded from JSON
    erasures: list[dict[str, Any]]


def device_detail(engine: Engine, asset_tag: str) -> DeviceDetail:
    """Read a device, its site, history and erasure records (NotFoundError if absent)."""
    from sqlmodel import Session

    from sobriety.storage import devices as repository

    with Session(engine) as session:
        device = repository.get_device(session=session, asset_tag=asset_tag)
        values = device.model_dump()
        site = None
        if device.site_id is not None:
            found = session.get(Site, device.site_id)
            if found is not None and found.id is not None:
                site = SiteChoice(found.id, found.code, found.name)
        history = []
        for event in repository.device_history(session=session, device_id=device.id):
            row = event.model_dump()
            row["details"] = json.loads(event.details) if event.details else {}
            history.append(row)
        records = repository.erasures(session=session, device_id=device.id)
        erasures = [e.model_dump() for e in records]
    return DeviceDetail(values, site, history, erasures)
