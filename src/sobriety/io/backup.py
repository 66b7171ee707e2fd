"""The backup archive: every table of a sobriety database in one portable, versioned file.

An archive is a ZIP file holding:

- ``manifest.json``: ``format`` (``"sobriety-backup"``), ``format_version``,
  the database's ``schema_revision`` (Alembic), when and from which back-end it
  was written, and for each table its columns (name and portable type) and
  number of rows;
- ``tables/<table>.jsonl``: one JSON array per row, values in column order.

Tables are found by reflecting the database, not from the models: every
table there is (the history, a table added by a later migration) is saved,
and an archive written at an older schema revision can be read by a newer
sobriety (it is restored at its revision, then migrated). Values are written
as JSON by portable type: integers, floats (non-finite ones as the strings
``"NaN"``, ``"Infinity"``, ``"-Infinity"``), text, booleans, ISO dates and
UTC date-times (``YYYY-MM-DDTHH:MM:SS.ffffff``), bytes in base64. The same
archive restores into SQLite or PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, MetaData, Table, select, types

from sobriety.i18n import _
from sobriety.storage import bulk

FORMAT = "sobriety-backup"
#: Version of the archive layout (not of the schema): bumped when it changes.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Alembic's own bookkeeping: its revision is in the manifest, not a table of data.
SKIPPED_TABLES = frozenset({"alembic_version"})
_CHUNK = 5_000


class ArchiveError(ValueError):
    """A file that is not a sobriety backup, is damaged, or cannot be restored here."""


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, portable type)
    rows: int


@dataclass(frozen=True)
class Manifest:
    schema_revision: str | None
    created_at: str
    source: str
    tables: tuple[TableInfo, ...]
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# ------------------------------------------------------------------ portable values
def portable_type(type_: types.TypeEngine[Any]) -> str:
    """The archive's name for a column type (from the reflected or declared type)."""
    checks: Sequence[tuple[type, str]] = (
        (types.Boolean, "boolean"),
        (types.DateTime, "datetime"),
        (types.Date, "date"),
        (types.Integer, "integer"),
        (types.Float, "float"),
        (types.Numeric, "float"),
        (types.LargeBinary, "binary"),
        (types.BINARY, "binary"),
        (types.VARBINARY, "binary"),
        (types.JSON, "json"),
    )
    for cls, name in checks:
        if isinstance(type_, cls):
            return name
    return "text"


def _dump_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        if isinstance(value, str):  # SQLite text a driver did not parse
            value = dt.datetime.fromisoformat(value)
        if value.utcoffset() is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    if kind == "float":
        value = float(value)
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if kind == "binary":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "boolean":
        return bool(value)
    return value


def _loader(kind: str, column: Any) -> Callable[[Any], Any]:
    """Archive value -> the Python value the target column takes."""
    if kind == "datetime":
        aware = bool(getattr(column.type, "timezone", False))

        def to_datetime(value: Any) -> Any:
            if value is None:
                return None
            moment = dt.datetime.fromisoformat(value)
            if moment.utcoffset() is not None:
                moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
            return moment.replace(tzinfo=dt.UTC) if aware else moment

        return to_datetime
    if kind == "date":
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if kind == "float":
        return lambda v: None if v is None else float(v)
    if kind == "binary":
        return lambda v: None if v is None else base64.b64decode(v)
    if kind == "integer":
        return lambda v: None if v is None else int(v)
    if kind == "boolean":
        return lambda v: None if v is None else bool(v)
    return lambda v: v


# ------------------------------------------------------------------ writing
def reflect(conn: Connection) -> MetaData:
    """The database's tables as they are (foreign keys give the load order)."""
    meta = MetaData()
    meta.reflect(conn)
    return meta


def data_tables(meta: MetaData) -> list[Table]:
    return [t for t in meta.sorted_tables if t.name not in SKIPPED_TABLES]


def _rows(conn: Connection, table: Table) -> Iterator[Sequence[Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=_CHUNK).execute(select(table).order_by(*order))
    yield from result


def write_archive(
    conn: Connection,
    out: IO[bytes],
    *,
    schema_revision: str | None,
    created_at: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> Manifest:
    """Write every table read through ``conn`` (one consistent snapshot: the caller's
    transaction) to the archive ``out``; returns its manifest."""
    infos: list[TableInfo] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for table in data_tables(reflect(conn)):
            columns = tuple((c.name, portable_type(c.type)) for c in table.columns)
            kinds = [k for _n, k in columns]
            count = 0
            with zf.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                for row in _rows(conn, table):
                    values = [_dump_value(k, v) for k, v in zip(kinds, row, strict=True)]
                    text.write(json.dumps(values, ensure_ascii=False, allow_nan=False))
                    text.write("\n")
                    count += 1
                text.flush()
                text.detach()
            infos.append(TableInfo(table.name, columns, count))
        manifest = Manifest(
            schema_revision=schema_revision,
            created_at=created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            source=conn.dialect.name,
            tables=tuple(infos),
            extra=dict(extra or {}),
        )
        zf.writestr(MANIFEST, json.dumps(_manifest_json(manifest), indent=1, ensure_ascii=False))
    return manifest


def _manifest_json(m: Manifest) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": m.format_version,
        "schema_revision": m.schema_revision,
        "created_at": m.created_at,
        "source": m.source,
        **m.extra,
        "tables": [
            {"name": t.name, "rows": t.rows, "columns": [list(c) for c in t.columns]}
            for t in m.tables
        ],
    }


# ------------------------------------------------------------------ reading
def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError(_("no file {path}").format(path=path)) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(
            _("{path} is not a sobriety backup ({error})").format(path=path, error=exc)
        ) from None


def read_manifest(path: Path) -> Manifest:
    """The manifest of the archive at ``path``, checked; ArchiveError if it is not one."""
    with _open(path) as zf:
        return _manifest(path, zf)


def _manifest(path: Path, zf: zipfile.ZipFile) -> Manifest:
    not_one = _("{path} is not a sobriety backup (no valid manifest.json)").format(path=path)
    try:
        raw = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError):
        raise ArchiveError(not_one) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ArchiveError(not_one)
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveError(
            _(
                "{path} is a backup of format {version}; this sobriety reads up to format "
                "{supported}: upgrade sobriety to restore it"
            ).format(path=path, version=version, supported=FORMAT_VERSION)
        )
    try:
        tables = tuple(
            TableInfo(
                str(t["name"]), tuple((str(n), str(k)) for n, k in t["columns"]), int(t["rows"])
            )
            for t in raw["tables"]
        )
    except (KeyError, TypeError, ValueError):
        raise ArchiveError(not_one) from None
    names = set(zf.namelist())
    for t in tables:
        if f"tables/{t.name}.jsonl" not in names:
            raise ArchiveError(
                _("{path} is damaged: the table {table} is missing").format(path=path, table=t.name)
            )
    known = {"format", "format_version", "schema_revision", "created_at", "source", "tables"}
    return Manifest(
        schema_revision=raw.get("schema_revision"),
        created_at=str(raw.get("created_at", "")),
        source=str(raw.get("source", "")),
        tables=tables,
        format_version=version,
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_archive(
    conn: Connection, path: Path, progress: Callable[[int, int], None] | None = None
) -> Manifest:
    """Insert every row of the archive into the (empty) tables of ``conn``'s database, which
    is at the archive's schema revision; in the caller's transaction (nothing committed).
    """
    with _open(path) as zf:
        manifest = _manifest(path, zf)
        meta = reflect(conn)
        target = {t.name: t for t in data_tables(meta)}
        unknown = [t.name for t in manifest.tables if t.name not in target]
        if unknown:
            raise ArchiveError(
                _("{path}: tables unknown at schema revision {rev}: {tables}").format(
                    path=path, rev=manifest.schema_revision, tables=", ".join(unknown)
                )
            )
        by_name = {t.name: t for t in manifest.tables}
        done = 0
        for table in data_tables(meta):  # parents before children
            info = by_name.get(table.name)
            if info is None:
                continue
            missing = [n for n, _k in info.columns if n not in table.c]
            if missing:
                raise ArchiveError(
                    _("{path}: columns of {table} unknown at revision {rev}: {columns}").format(
                        path=path,
                        table=table.name,
                        rev=manifest.schema_revision,
                        columns=", ".join(missing),
                    )
                )
            loaders = [_loader(k, table.c[n]) for n, k in info.columns]
            names = [n for n, _k in info.columns]
            with zf.open(f"tables/{table.name}.jsonl") as raw:
                rows = _decoded(path, table.name, raw, loaders)
                count = bulk.insert_many(conn, table, names, rows, chunk_size=_CHUNK)
            if count != info.rows:
                raise ArchiveError(
                    _(
                        "{path} is damaged: {table} has {found} rows, the manifest says {said}"
                    ).format(path=path, table=table.name, found=count, said=info.rows)
                )
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and isinstance(pk[0].type, types.Integer):
                bulk.sync_sequence(conn, table, pk[0].name)
            done += count
            if progress:
                progress(done, manifest.rows)
    return manifest


def _decoded(
    path: Path, table: str, raw: IO[bytes], loaders: list[Callable[[Any], Any]]
) -> Iterator[tuple[Any, ...]]:
    width = len(loaders)
    for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), start=1):
        try:
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != width:
                raise ValueError(f"{width} values expected")
            yield tuple(load(v) for load, v in zip(loaders, values, strict=True))
        except (ValueError, TypeError) as exc:
            raise ArchiveError(
                _("{path} is damaged: {table}, row {row}: {error}").format(
                    path=path, table=table, row=number, error=exc
                )
            ) from None
