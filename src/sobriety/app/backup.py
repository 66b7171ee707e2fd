"""Use cases: back the whole database up to one archive, restore it (any back-end to any).

- :func:`backup` reads every table in one snapshot (``REPEATABLE READ`` on
  PostgreSQL, one read transaction on SQLite) into a private (0600) file,
  written beside the target and renamed into place when complete: an
  interrupted backup never leaves a truncated archive under the name asked.
- :func:`restore` rebuilds the database at the archive's schema revision, loads
  its rows, then migrates to the latest revision: an archive from an older
  sobriety is upgraded on the way. It is all-or-nothing: on PostgreSQL one
  transaction (DDL included); on SQLite the database is built in a temporary
  file beside the target, then copied in with SQLite's backup API, which
  replaces the target's pages in one transaction. A database that holds rows
  is replaced only when asked (``replace``). A missing SQLite file is created
  (private), never in a missing folder.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sobriety.app.context import DatabaseError
from sobriety.i18n import _, fmt_count

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from sobriety.app.context import Sobriety


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; nothing was changed."""


class NotEmptyError(BackupError):
    """The target database holds rows and ``replace`` was not given."""

    def __init__(self, url: str, rows: int) -> None:
        super().__init__(
            _(
                "the database {url} is not empty ({rows} rows): nothing was changed; "
                "use --replace to replace its whole content with the backup"
            ).format(url=url, rows=fmt_count(rows))
        )
        self.rows = rows


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    schema_revision: str | None


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    tables: int
    rows: int
    from_revision: str
    to_revision: str | None
    replaced: int


# ------------------------------------------------------------------ backup
@contextlib.contextmanager
def _snapshot(engine) -> Iterator[Connection]:  # type: ignore[no-untyped-def]
    """A connection reading one consistent state of every table."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
        else:
            conn.exec_driver_sql("BEGIN")  # the driver would not open a read transaction
        try:
            yield conn
        finally:
            conn.rollback()


def backup(app: Sobriety, path: Path, *, replace: bool = False) -> BackupResult:
    """Write the whole configured database (at any schema revision) to the archive ``path``."""
    from sobriety import __version__
    from sobriety.io.backup import write_archive
    from sobriety.storage import db

    path = Path(path)
    if path.exists() and not replace:
        raise BackupError(
            _("{path} already exists: nothing was written; use --replace to overwrite it").format(
                path=path
            )
        )
    if not path.parent.is_dir():
        raise BackupError(_("no folder {folder} for {path}").format(folder=path.parent, path=path))
    engine = app.raw_engine()
    fd, part = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, _snapshot(engine) as conn:
            revision = db.revision_of(conn)
            manifest = write_archive(
                conn,
                out,
                schema_revision=revision,
                created_at=app.now(),
                extra={"sobriety_version": __version__},
            )
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException as exc:
        Path(part).unlink(missing_ok=True)
        _reraise(app, exc)
        raise
    return BackupResult(path, len(manifest.tables), manifest.rows, revision)


def _reraise(app: Sobriety, exc: BaseException) -> None:
    """Say a storage failure (full disk, read-only) plainly; let the rest through."""
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        raise BackupError(
            _("cannot write the backup: {cause}").format(cause=exc.strerror or exc)
        ) from exc
    unwritable = app.write_error(exc)
    if unwritable is not None:
        raise unwritable from exc


# ------------------------------------------------------------------ restore
def _row_count(conn: Connection) -> int:
    from sqlalchemy import func, select

    from sobriety.io.backup import data_tables, reflect

    return sum(
        conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in data_tables(reflect(conn))
    )


def _checked_manifest(path: Path):  # type: ignore[no-untyped-def]
    from sobriety.io.backup import ArchiveError, read_manifest
    from sobriety.storage import db

    try:
        manifest = read_manifest(path)
    except ArchiveError as exc:
        raise BackupError(str(exc)) from None
    known = db.revisions()
    if manifest.schema_revision not in known:
        raise BackupError(
            _(
                "{path} was written at schema revision {rev}, unknown to this sobriety (latest "
                "{head}): restore it with the sobriety that wrote it, or a newer one"
            ).format(path=path, rev=manifest.schema_revision, head=db.head_revision())
        )
    return manifest


def _load(conn: Connection, path: Path, revision: str) -> None:
    """Schema at ``revision``, the archive's rows, then the latest schema; on ``conn``."""
    from sobriety.io.backup import load_archive
    from sobriety.storage import db

    db.upgrade_connection(conn, revision)
    load_archive(conn, path)
    db.upgrade_connection(conn, "head")


def restore(app: Sobriety, path: Path, *, replace: bool = False) -> RestoreResult:
    """Replace the configured database's content with the archive ``path``, all or nothing."""
    from sobriety.io.backup import ArchiveError
    from sobriety.storage import db

    path = Path(path)
    manifest = _checked_manifest(path)
    revision = manifest.schema_revision
    url = app.database_url
    target = db.sqlite_file(url) if _is_sqlite(app) else None
    try:
        if target is not None:
            replaced = _restore_sqlite(app, path, target, revision, replace)
        else:
            replaced = _restore_server(app, path, revision, replace)
    except ArchiveError as exc:
        raise BackupError(str(exc)) from None
    except (BackupError, DatabaseError):
        raise
    except Exception as exc:
        _reraise(app, exc)
        raise BackupError(
            _("{path} cannot be restored: {cause}").format(
                path=path, cause=db.describe_error(url, exc)
            )
        ) from exc
    return RestoreResult(
        path, len(manifest.tables), manifest.rows, revision, db.head_revision(), replaced
    )


def _is_sqlite(app: Sobriety) -> bool:
    from sobriety.app.context import _checked_url
    from sobriety.storage import db

    _checked_url(app.database_url)
    return db.sqlite_file(app.database_url) is not None


def _restore_server(app: Sobriety, path: Path, revision: str, replace: bool) -> int:
    from sobriety.io.backup import reflect
    from sobriety.storage import db

    engine = app.raw_engine()
    try:
        with engine.connect() as conn:
            rows = _row_count(conn)
            conn.rollback()
    except Exception as exc:
        raise DatabaseError(db.describe_error(app.database_url, exc)) from exc
    if rows and not replace:
        raise NotEmptyError(db.safe_url(app.database_url), rows)
    with engine.connect() as conn, conn.begin():  # one transaction, DDL included
        reflect(conn).drop_all(conn)
        _load(conn, path, revision)
    return rows


def _restore_sqlite(app: Sobriety, path: Path, target: Path, revision: str, replace: bool) -> int:
    from sobriety.storage import db

    if not target.parent.is_dir():
        raise DatabaseError(
            _("no folder {folder} for the database {path}").format(
                folder=target.parent, path=target
            )
        )
    rows = 0
    if target.is_file() and target.stat().st_size:
        engine = app.raw_engine()
        with engine.connect() as conn:
            rows = _row_count(conn)
            conn.rollback()
        if rows and not replace:
            raise NotEmptyError(str(target), rows)
    fd, built = tempfile.mkstemp(prefix=f".{target.name}.restore-", suffix=".db", dir=target.parent)
    os.close(fd)
    created = False
    try:
        engine = db.make_engine(f"sqlite:///{built}", create_folder=False)
        try:
            with engine.connect() as conn:
                _load(conn, path, revision)
                conn.commit()
        finally:
            engine.dispose()
        created = db.create_private_file(target)
        with (
            contextlib.closing(sqlite3.connect(built)) as src,
            contextlib.closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)  # the target's pages replaced in one transaction
    except BaseException:
        if created:
            target.unlink(missing_ok=True)
        raise
    finally:
        for leftover in (built, f"{built}-wal", f"{built}-shm", f"{built}-journal"):
            Path(leftover).unlink(missing_ok=True)
    app.close()  # connections opened on the old content are not reused
    return rows
