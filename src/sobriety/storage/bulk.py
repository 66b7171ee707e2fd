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

:func:`insert_columns` is the columnar twin (chunks of column lists, as
numpy's ``tolist()`` produces them); :func:`sync_sequence` moves PostgreSQL's
id sequence past explicitly inserted ids.
"""

from __future__ import annotations

import datetime as dt
import itertools
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table

DEFAULT_CHUNK_SIZE = 20_000
_CACHE_LIMIT = 65_536

Processor = Callable[[Any], Any]


def _plain(value: Any) -> Any:
    """An enum member becomes its value (drivers may dump enums by name)."""
    return value.value if isinstance(value, Enum) else value


ColumnProcessor = Callable[[Sequence[Any]], list[Any]]


def _memoised(proc: Processor) -> ColumnProcessor:
    """Cache a bind processor: dates and flags repeat a lot in a fleet.

    A column of one type of value (and None) is looked up in that type's
    cache in one pass; a column mixing types (``True`` and ``1`` are equal
    keys) goes value by value, keyed by type and value.
    """
    cache: dict[Any, Any] = {}
    by_type: dict[type, dict[Any, Any]] = {}

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

    def column(values: Sequence[Any]) -> list[Any]:
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if len(kinds) != 1:
            return list(map(process, values))
        [kind] = kinds
        table = by_type.get(kind)
        if table is None or len(table) >= _CACHE_LIMIT:
            table = by_type[kind] = {None: None}
        try:
            return list(map(table.__getitem__, values))
        except KeyError:
            for value in set(values).difference(table):
                table[value] = proc(_plain(value))
            return list(map(table.__getitem__, values))

    return column


# Faster twins of SQLAlchemy's bind processors for timestamps and booleans. A
# twin is used only if it gives the same result (or raises the same error) as
# the real processor on every probe value, checked when a writer starts;
# otherwise the real one runs.
_BOOLS = {None: None, True: 1, False: 0}
_PROBES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    "x",
    dt.date(2024, 2, 29),
    dt.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=dt.UTC),
    dt.datetime(2021, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2021, 6, 1, 8, 0),
)


def _utc_text(value: Any) -> Any:
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValueError("Datetime values must have timezone information")
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _utc_aware(value: Any) -> Any:
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValueError("Datetime values must have timezone information")
    return value.astimezone(dt.UTC)


def _lookup_column(table: dict[Any, Any], slow: Processor) -> ColumnProcessor:
    def process(values: Sequence[Any]) -> list[Any]:
        try:
            return list(map(table.__getitem__, values))
        except (KeyError, TypeError):
            return list(map(slow, values))  # raises the ORM's error

    return process


def _outcome(proc: Processor, value: Any) -> tuple[str, Any]:
    try:
        return "ok", proc(value)
    except Exception as exc:
        return "error", type(exc)


def _twin(type_: Any, dialect: Any, slow: Processor) -> ColumnProcessor | None:
    if not isinstance(slow, types.FunctionType):
        # A compiled processor (e.g. ``to_float``): already fast, map it directly.
        return lambda values: list(map(slow, values))
    base = getattr(type_, "impl_instance", type_)  # under a TypeDecorator
    try:
        python_type = base.python_type
    except NotImplementedError:
        return None
    sqlite = dialect.name == "sqlite"
    if python_type is dt.datetime:
        fast: Processor = _utc_text if sqlite else _utc_aware
        column: ColumnProcessor = lambda values: list(map(fast, values))  # noqa: E731
    elif python_type is bool:
        table = _BOOLS if sqlite else {None: None, True: True, False: False}
        fast = table.__getitem__
        column = _lookup_column(table, slow)
    else:
        return None
    probes = [v for v in _PROBES if python_type is not bool or v in (None, True, False)]
    for value in probes:
        if _outcome(fast, value) != _outcome(slow, value):
            return None
    return column


#: Column processors kept from one writer to the next (their caches with them:
#: an import writes chunk after chunk into the same columns).
_KEPT: dict[tuple[Any, ...], tuple[Any, ColumnProcessor | None]] = {}


def _processors(
    conn: Connection, table: Table, columns: Sequence[str]
) -> list[ColumnProcessor | None]:
    dialect = conn.dialect
    out: list[ColumnProcessor | None] = []
    for name in columns:
        type_ = table.c[name].type
        key = (dialect.name, dialect.driver, table.name, name, id(type_))
        kept = _KEPT.get(key)
        if kept is not None and kept[0] is type_:
            out.append(kept[1])
            continue
        proc = type_._cached_bind_processor(dialect)
        column = None if proc is None else _twin(type_, dialect, proc) or _memoised(proc)
        _KEPT[key] = (type_, column)
        out.append(column)
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


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def _transpose(chunk: list[Sequence[Any]], width: int, start: int) -> list[Sequence[Any]]:
    """Rows to columns, with a located error for a row of the wrong width."""
    for i, row in enumerate(chunk):
        if len(row) != width:
            raise ValueError(
                f"row {start + i}: {len(row)} values for {width} columns ({tuple(row)!r})"
            )
    return list(zip(*chunk, strict=True))


class _Writer:
    """Writes column-wise chunks into one table with the back-end's fast path."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        unknown = [c for c in columns if c not in table.c]
        if unknown:
            raise ValueError(f"unknown columns of {table.name}: {unknown}")
        if len(set(columns)) != len(columns):
            raise ValueError(f"duplicate columns: {list(columns)}")
        self.conn = conn
        self.table = table
        self.width = len(columns)
        backend = conn.dialect.name
        if backend == "sqlite":
            self.mode = "sqlite"
        elif backend == "postgresql" and conn.dialect.driver == "psycopg":
            self.mode = "copy"
        else:
            self.mode = "core"
        extra_names, extra_values = _defaults(table, columns)
        self.columns = [*columns, *extra_names]
        if self.mode == "core":
            # Core applies the bind processors itself.
            self.processors: list[ColumnProcessor | None] = [None] * self.width
            self.extra = extra_values
        else:
            self.processors = _processors(conn, table, columns)
            self.extra = tuple(
                proc([v])[0] if proc is not None else _plain(v)
                for proc, v in zip(_processors(conn, table, extra_names), extra_values, strict=True)
            )
        if not conn.in_transaction():
            conn.begin()
        self._cursor: Any = None
        self._copy_cm: Any = None
        self._copy: Any = None
        self.total = 0

    def _rows(self, cols: list[Sequence[Any]], n: int) -> list[tuple[Any, ...]]:
        plain_enums = self.mode == "copy"
        for i, proc in enumerate(self.processors):
            if proc is not None:
                cols[i] = proc(cols[i])
            elif plain_enums:
                cols[i] = list(map(_plain, cols[i]))
        cols.extend([value] * n for value in self.extra)
        return list(zip(*cols, strict=True))

    def write(self, cols: list[Sequence[Any]]) -> None:
        """Write one chunk given as ``width`` equally long columns."""
        n = len(cols[0]) if cols else 0
        if any(len(c) != n for c in cols):
            raise ValueError(f"columns of unequal lengths: {[len(c) for c in cols]}")
        if n == 0:
            return
        rows = self._rows(list(cols), n)
        if self.mode == "sqlite":
            if self._cursor is None:
                prep = self.conn.dialect.identifier_preparer
                self._sql = "INSERT INTO {} ({}) VALUES ({})".format(
                    prep.format_table(self.table),
                    ", ".join(prep.quote(c) for c in self.columns),
                    ", ".join("?" * len(self.columns)),
                )
                self._cursor = self.conn.connection.dbapi_connection.cursor()
            self._cursor.executemany(self._sql, rows)
        elif self.mode == "copy":
            if self._copy is None:
                self._open_copy()
            write_row = self._copy.write_row
            for row in rows:
                write_row(row)
        else:
            self.conn.execute(
                self.table.insert(), [dict(zip(self.columns, r, strict=True)) for r in rows]
            )
        self.total += n

    def _open_copy(self) -> None:
        from psycopg import sql

        table = self.table
        target = (
            sql.Identifier(table.schema, table.name) if table.schema else sql.Identifier(table.name)
        )
        stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            target, sql.SQL(", ").join(sql.Identifier(c) for c in self.columns)
        )
        self._cursor = self.conn.connection.driver_connection.cursor()
        self._copy_cm = self._cursor.copy(stmt)
        self._copy = self._copy_cm.__enter__()

    def close(self, exc: BaseException | None = None) -> None:
        try:
            if self._copy_cm is not None:
                cm, self._copy_cm = self._copy_cm, None
                if exc is None:
                    cm.__exit__(None, None, None)
                else:
                    cm.__exit__(type(exc), exc, exc.__traceback__)
        finally:
            if self._cursor is not None:
                self._cursor.close()
                self._cursor = None


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
    commits or rolls back). Rows are consumed ``chunk_size`` at a time, so an
    iterator of any length streams in constant memory. Returns the number of
    rows inserted. A row of the wrong width raises :class:`ValueError` naming
    its position (0-based).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    writer = _Writer(conn, table, columns)
    try:
        for chunk in _chunks(rows, chunk_size):
            writer.write(_transpose(chunk, writer.width, writer.total))
    except BaseException as exc:
        writer.close(exc)
        raise
    writer.close()
    return writer.total


def insert_columns(
    conn: Connection,
    table: Table,
    chunks: Iterable[Mapping[str, Sequence[Any]]],
) -> int:
    """Insert column-wise chunks: each a mapping of column name to equal-length values.

    The columnar twin of :func:`insert_many` for producers that build columns
    (numpy ``tolist()`` output...): values are processed column by column and
    zipped into rows once. Every chunk must have the same keys as the first.
    """
    writer: _Writer | None = None
    names: list[str] = []
    try:
        for chunk in chunks:
            if writer is None:
                names = list(chunk)
                writer = _Writer(conn, table, names)
            elif list(chunk) != names:
                raise ValueError(f"chunk columns {list(chunk)} differ from {names}")
            writer.write([chunk[name] for name in names])
    except BaseException as exc:
        if writer is not None:
            writer.close(exc)
        raise
    if writer is None:
        return 0
    writer.close()
    return writer.total


def sync_sequence(conn: Connection, table: Table, column: str = "id") -> None:
    """After inserting explicit ids: move PostgreSQL's sequence past the largest id.

    SQLite needs nothing (the next rowid is always max(rowid) + 1).
    """
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    name = table.name if not table.schema else f"{table.schema}.{table.name}"
    conn.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:tbl, :col), "
            f"COALESCE((SELECT MAX({conn.dialect.identifier_preparer.quote(column)}) "
            f"FROM {conn.dialect.identifier_preparer.format_table(table)}), 0) + 1, false)"
        ),
        {"tbl": name, "col": column},
    )
