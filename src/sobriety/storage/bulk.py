"""Fast bulk inserts through the raw DB-API cursor.

:func:`insert_many` streams an iterable of tuples into one table in chunks
(constant memory), inside the caller's transaction:

- SQLite: ``cursor.executemany`` with ``?`` parameters;
- PostgreSQL (psycopg 3): ``COPY table (columns) FROM STDIN`` through
  ``cursor.copy``;
- any other back-end: a Core ``insert()`` with executemany.

Values are plain Python (``str``, ``int``, ``float``, ``bool``, ``date``, aware
``datetime``, ``None``, string enums). Each column's value goes through the
same bind processor the ORM uses for that column on that dialect (e.g. SQLite
stores ``Date`` as ``YYYY-MM-DD`` text, SQLModel's ``UTCDateTime`` converts to
UTC and refuses naive datetimes), so rows read back through the ORM are
identical to rows the ORM would have written.

Columns that are left out but carry a Python-side default in the table
definition (``version = 1``, ``created_at = utcnow()``...) are filled in: a
scalar default as is, a callable default called once per :func:`insert_many`
call (every row of a batch gets the same timestamp).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table

DEFAULT_CHUNK_SIZE = 20_000
_CACHE_LIMIT = 65_536

Processor = Callable[[Any], Any]


def _plain(value: Any) -> Any:
    """An enum member becomes its value (drivers may dump enums by name)."""
    return value.value if isinstance(value, Enum) else value


def _memoised(proc: Processor) -> Processor:
    """Cache a bind processor: dates and timestamps repeat a lot in a fleet."""
    cache: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        if value is None:
            return None
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            out = cache[key] = proc(_plain(value))
            return out

    return process


def _processors(conn: Connection, table: Table, columns: Sequence[str]) -> list[Processor | None]:
    dialect = conn.dialect
    out: list[Processor | None] = []
    for name in columns:
        proc = table.c[name].type._cached_bind_processor(dialect)
        out.append(_memoised(proc) if proc is not None else None)
    return out


def _defaults(table: Table, columns: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """Columns left out that have a Python-side default, and their values."""
    given = set(columns)
    names: list[str] = []
    values: list[Any] = []
    for col in table.columns:
        if col.name in given or col.default is None:
            continue
        default = col.default
        if getattr(default, "is_scalar", False):
            value = default.arg
        elif getattr(default, "is_callable", False):
            value = default.arg(None)
        else:
            continue
        names.append(col.name)
        values.append(value)
    return names, tuple(values)


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterable[list[Sequence[Any]]]:
    it = iter(rows)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def _prepare(
    chunk: list[Sequence[Any]],
    width: int,
    start: int,
    processors: list[Processor | None],
    extra: tuple[Any, ...],
    *,
    plain_enums: bool,
) -> list[tuple[Any, ...]]:
    """Check row widths, apply the bind processors column-wise, append defaults."""
    for i, row in enumerate(chunk):
        if len(row) != width:
            raise ValueError(
                f"row {start + i}: {len(row)} values for {width} columns ({tuple(row)!r})"
            )
    cols: list[Sequence[Any]] = list(zip(*chunk, strict=True))
    for i, proc in enumerate(processors):
        if proc is not None:
            cols[i] = list(map(proc, cols[i]))
        elif plain_enums:
            cols[i] = list(map(_plain, cols[i]))
    cols.extend([value] * len(chunk) for value in extra)
    return list(zip(*cols, strict=True))


def insert_many(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Insert ``rows`` (tuples ordered as ``columns``) into ``table``.

    Runs in ``conn``'s transaction (one is begun if none is open: the caller
    commits or rolls back). Returns the number of rows inserted. A row of the
    wrong width raises :class:`ValueError` naming its position.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"unknown columns of {table.name}: {unknown}")
    width = len(columns)
    extra_names, extra_values = _defaults(table, columns)
    all_columns = [*columns, *extra_names]
    processors = _processors(conn, table, columns)
    if not conn.in_transaction():
        conn.begin()
    backend = conn.dialect.name
    if backend == "sqlite":
        return _insert_sqlite(
            conn, table, all_columns, rows, width, processors, extra_values, chunk_size
        )
    if backend == "postgresql" and conn.dialect.driver == "psycopg":
        return _insert_copy(
            conn, table, all_columns, rows, width, processors, extra_values, chunk_size
        )
    return _insert_core(conn, table, all_columns, rows, width, processors, extra_values, chunk_size)


def _insert_sqlite(conn, table, columns, rows, width, processors, extra, chunk_size) -> int:
    prep = conn.dialect.identifier_preparer
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        prep.format_table(table),
        ", ".join(prep.quote(c) for c in columns),
        ", ".join("?" * len(columns)),
    )
    cursor = conn.connection.dbapi_connection.cursor()
    total = 0
    try:
        for chunk in _chunks(rows, chunk_size):
            cursor.executemany(
                sql, _prepare(chunk, width, total, processors, extra, plain_enums=False)
            )
            total += len(chunk)
    finally:
        cursor.close()
    return total


def _insert_copy(conn, table, columns, rows, width, processors, extra, chunk_size) -> int:
    from psycopg import sql

    target = (
        sql.Identifier(table.schema, table.name) if table.schema else sql.Identifier(table.name)
    )
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    total = 0
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(stmt) as copy:
        for chunk in _chunks(rows, chunk_size):
            for row in _prepare(chunk, width, total, processors, extra, plain_enums=True):
                copy.write_row(row)
            total += len(chunk)
    return total


def _insert_core(conn, table, columns, rows, width, processors, extra, chunk_size) -> int:
    total = 0
    for chunk in _chunks(rows, chunk_size):
        # Core applies the bind processors itself: pass the values unprocessed.
        prepared = _prepare(chunk, width, total, [None] * width, extra, plain_enums=True)
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in prepared])
        total += len(chunk)
    return total
