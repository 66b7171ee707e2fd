"""Rows for any table of the schema, at any revision, found by reflection.

Used by the backup round trip (hypothesis draws the rows) and the migration
tests (one fixed draw per revision): a table or column added by a later
migration is filled without this file changing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine, MetaData, Table, create_engine, delete, insert, select, text, types

SKIPPED = {"alembic_version"}
#: PostgreSQL text holds no NUL; surrogates are not text. Everything else may come.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False, width=64)
DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31))


def reflected(engine: Engine) -> list[Table]:
    meta = MetaData()
    meta.reflect(engine)
    return [t for t in meta.sorted_tables if t.name not in SKIPPED]


def _value_strategy(column: Any, index: int) -> st.SearchStrategy[Any]:
    kind = column.type
    if isinstance(kind, types.Boolean):
        base: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(kind, types.DateTime):
        base = MOMENTS
    elif isinstance(kind, types.Date):
        base = DATES
    elif isinstance(kind, types.Integer):
        base = INT32
    elif isinstance(kind, types.Float | types.Numeric):
        base = FLOATS
    else:  # text: the row number first keeps unique columns unique
        length = getattr(kind, "length", None) or 10_000
        prefix = f"{index}~"
        base = TEXT.map(lambda s, p=prefix, n=length: (p + s)[:n])
    return st.none() | base if column.nullable else base


@st.composite
def database_rows(draw, tables: list[Table], max_rows: int = 4) -> dict[str, list[dict]]:
    """Rows for every table (ids 1..n; foreign keys point at drawn parents)."""
    ids: dict[str, list[int]] = {}
    out: dict[str, list[dict]] = {}
    for table in tables:
        n = draw(st.integers(min_value=0, max_value=max_rows))
        rows = []
        for i in range(1, n + 1):
            row: dict[str, Any] = {}
            for column in table.columns:
                if column.primary_key:
                    row[column.name] = i
                    continue
                fks = list(column.foreign_keys)
                if fks:
                    parents = ids.get(fks[0].column.table.name, [])
                    choices = st.sampled_from(parents) if parents else st.nothing()
                    if column.nullable:
                        choices = st.none() | choices
                    row[column.name] = draw(choices)
                    continue
                row[column.name] = draw(_value_strategy(column, i))
            rows.append(row)
        ids[table.name] = [r[table.primary_key.columns.keys()[0]] for r in rows] if rows else []
        out[table.name] = rows
    return out


def _for_column(column: Any, value: Any) -> Any:
    if isinstance(value, dt.datetime) and getattr(column.type, "timezone", False):
        return value.replace(tzinfo=dt.UTC)
    return value


def write_rows(engine: Engine, rows: dict[str, list[dict]]) -> None:
    """Replace every table's rows with ``rows`` (children emptied first)."""
    tables = reflected(engine)
    with engine.begin() as conn:
        for table in reversed(tables):
            conn.execute(delete(table))
        for table in tables:
            data = [
                {k: _for_column(table.c[k], v) for k, v in r.items()}
                for r in rows.get(table.name, [])
            ]
            if data:
                conn.execute(insert(table), data)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def read_rows(engine: Engine, columns: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Every table's rows as plain values (UTC naive times), sorted by id.

    ``columns`` limits each table to those columns (what an older revision had).
    """
    out = {}
    with engine.connect() as conn:
        for table in reflected(engine):
            names = columns.get(table.name, []) if columns else table.columns.keys()
            if not names:
                continue
            pk = list(table.primary_key.columns)
            result = conn.execute(select(*(table.c[n] for n in names)).order_by(*pk))
            out[table.name] = [
                {n: _plain(v) for n, v in zip(names, r, strict=True)} for r in result
            ]
    return out


def plain_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {
        name: [{k: _plain(v) for k, v in r.items()} for r in sorted(rs, key=lambda r: r["id"])]
        for name, rs in rows.items()
    }


@contextmanager
def pg_schema(server_url: str) -> Iterator[str]:
    """A URL on a brand-new PostgreSQL schema, dropped afterwards (one per example)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


_FIXED = {
    "boolean": [True, False],
    "datetime": [dt.datetime(2019, 12, 31, 23, 59, 59, 999999), dt.datetime(1999, 1, 1, 0, 0)],
    "date": [dt.date(2016, 2, 29), dt.date(2031, 1, 1)],
    "integer": [2**31 - 1, -7],
    "float": [0.1, -1.5e300, 5e-324],
    "text": ["Hôtel « Léa »", "\u202eabc\u202c e\u0301\u0327", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"],
}


def _kind(column: Any) -> str:
    kind = column.type
    for cls, name in (
        (types.Boolean, "boolean"),
        (types.DateTime, "datetime"),
        (types.Date, "date"),
        (types.Integer, "integer"),
        (types.Float, "float"),
        (types.Numeric, "float"),
    ):
        if isinstance(kind, cls):
            return name
    return "text"


def fixed_rows(tables: list[Table], n: int = 3) -> dict[str, list[dict]]:
    """``n`` deterministic rows per table (the last with every nullable column NULL)."""
    out: dict[str, list[dict]] = {}
    for table in tables:
        rows = []
        for i in range(1, n + 1):
            row: dict[str, Any] = {}
            for j, column in enumerate(table.columns):
                if column.primary_key:
                    row[column.name] = i
                elif column.foreign_keys:
                    row[column.name] = None if (column.nullable and i == n) else 1 + (i % 2)
                elif column.nullable and i == n:
                    row[column.name] = None
                else:
                    kind = _kind(column)
                    values = _FIXED[kind]
                    value = values[(i + j) % len(values)]
                    if kind == "text":
                        length = getattr(column.type, "length", None) or 10_000
                        value = f"{i}~{value}"[:length]
                    row[column.name] = value
            rows.append(row)
        out[table.name] = rows
    return out
