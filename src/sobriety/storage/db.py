"""Engine factory and schema management (Alembic)."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlmodel import Session

from sobriety.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


#: The database URLs sobriety works with (scheme, optionally with its driver).
SUPPORTED_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
#: Seconds to wait for a PostgreSQL server before saying it is unreachable.
CONNECT_TIMEOUT_S = 10
#: Files sobriety creates that hold the inventory: readable by their owner only.
PRIVATE_FILE_MODE = 0o600


class UrlError(ValueError):
    """A database URL that cannot be used: malformed, or an unsupported database or driver."""


def check_url(url: str) -> URL:
    """The parsed URL, or :class:`UrlError` saying what is wrong with it (no password)."""
    try:
        parsed = make_url(url)
    except Exception:
        raise UrlError(
            _(
                "malformed database URL {url}: expected sqlite:///PATH/TO/FILE.db or "
                "postgresql://USER@HOST:PORT/DATABASE"
            ).format(url=safe_url(url))
        ) from None
    if parsed.drivername not in SUPPORTED_SCHEMES:
        raise UrlError(
            _(
                "unsupported database {scheme!r} in {url}: sobriety works with SQLite "
                "(sqlite:///PATH) and PostgreSQL (postgresql://USER@HOST/DATABASE)"
            ).format(scheme=parsed.drivername, url=safe_url(url))
        )
    return parsed


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another back-end or an in-memory database).

    A ``file:`` URI (``sqlite:///file:PATH?mode=ro&uri=true``) gives its PATH.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    name = parsed.database
    if parsed.query.get("uri") in ("true", "1") and name.startswith("file:"):
        name = name[len("file:") :].partition("?")[0]
        if name in ("", ":memory:"):
            return None
    return Path(name).expanduser()


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and readable by its owner only, if missing (True: created).

    SQLite gives its WAL and shared-memory files the mode of the database file,
    so a database created this way keeps all three private.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def make_engine(url: str, *, create_folder: bool = True, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets WAL mode, foreign keys and (``create_folder``) its folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if create_folder and path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        args = dict(kwargs.pop("connect_args", None) or {})  # type: ignore[call-overload]
        args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        kwargs["connect_args"] = args
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _mask_userinfo(url: str) -> str:
    """``scheme://***@host...`` for a URL that does not even parse (it may hold a password)."""
    userinfo, at, host = url.rpartition("@")
    if not at:
        return url
    return f"{userinfo.split(':', 1)[0]}://***@{host}"


def safe_url(url: str) -> str:
    """The URL with its password masked, for messages (a malformed one too)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return _mask_userinfo(url)


def _hide_password(url: str, text: str) -> str:
    password = None
    with suppress(Exception):
        password = make_url(url).password
    return text.replace(str(password), "***") if password else text


def describe_error(url: str, exc: BaseException) -> str:
    """One line saying why the database at ``url`` could not be used (no password)."""
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = cause[0] if cause else type(exc).__name__
    if re.search(r'database ".*" does not exist', text):
        text += _("; create it (createdb) or correct the URL")
    elif re.search(r"(?i)connection refused|timeout expired|could not translate host", text):
        text += _("; is the server running, and are the host and port right?")
    return f"{safe_url(url)}: {_hide_password(url, text)}"


def _driver_error(exc: BaseException) -> BaseException:
    """The DB-API error under a SQLAlchemy one (raw cursors raise it bare)."""
    return getattr(exc, "orig", None) or exc


#: SQLite primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 8, 10, 13, 14
#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction (a standby, a read-only session)
_PG_FULL = {"53100", "53200"}  # disk_full, out_of_memory
_PG_DENIED = {"42501"}  # insufficient_privilege


def write_failure(url: str, exc: BaseException) -> str | None:
    """Why a write to the database at ``url`` failed, in one line saying what to do, when the
    cause is the database's storage (read-only, full, busy, gone); None for any other error.

    The transaction was rolled back: the message says nothing was written.
    """
    orig = _driver_error(exc)
    where = str(sqlite_file(url) or safe_url(url)) if _parses(url) else safe_url(url)
    kind = None
    if isinstance(orig, sqlite3.Error):
        code = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
        text = str(orig)
        if code == _SQLITE_READONLY or "readonly database" in text:
            kind = "read-only"
        elif code == _SQLITE_FULL or "disk is full" in text:
            kind = "full"
        elif code == _SQLITE_BUSY or "database is locked" in text:
            kind = "busy"
        elif code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
            kind = "io"
    elif isinstance(orig, OSError):
        if orig.errno in (errno.ENOSPC, errno.EDQUOT):
            kind = "full"
        elif orig.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            kind = "read-only"
    else:
        state = getattr(orig, "sqlstate", None)
        if state in _PG_READ_ONLY:
            kind = "read-only"
        elif state in _PG_FULL:
            kind = "full"
        elif state in _PG_DENIED:
            kind = "denied"
        elif state and state.startswith(("08", "57P")):
            kind = "gone"
    if kind is None:
        return None
    cause = _hide_password(url, (str(orig).strip().splitlines() or [type(orig).__name__])[0])
    messages = {
        "read-only": _(
            "the database {where} is read-only ({cause}): nothing was saved; make the file "
            "and its folder writable, or use another database"
        ),
        "full": _(
            "no space left for the database {where} ({cause}): nothing was saved; free some "
            "disk space and try again"
        ),
        "busy": _(
            "the database {where} is busy ({cause}): another program is writing to it; nothing "
            "was saved, try again"
        ),
        "io": _("the database {where} cannot be written ({cause}): nothing was saved"),
        "denied": _(
            "the database user may not write to {where} ({cause}): nothing was saved; ask "
            "for write rights"
        ),
        "gone": _(
            "the connection to the database {where} was lost ({cause}): nothing was saved; "
            "try again"
        ),
    }
    return messages[kind].format(where=where, cause=cause)


#: PostgreSQL's answers to a transaction that lost a race it could not wait out: a
#: deadlock (one of the two is aborted) or a serialization failure. Run again, it succeeds.
_PG_TRANSIENT = {"40P01", "40001"}


def is_transient(exc: BaseException) -> bool:
    """True when ``exc`` aborted a transaction that can simply be run again."""
    return getattr(_driver_error(exc), "sqlstate", None) in _PG_TRANSIENT


def is_unique_violation(exc: BaseException) -> bool:
    """True when ``exc`` is a unique constraint refusing a duplicate (either back-end)."""
    orig = _driver_error(exc)
    if isinstance(orig, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(orig)
    return getattr(orig, "sqlstate", None) == "23505"


def _parses(url: str) -> bool:
    try:
        make_url(url)
    except Exception:
        return False
    return True


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creates it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def upgrade_connection(conn: Connection, revision: str = "head") -> None:
    """Bring the schema to ``revision`` on ``conn``, inside its open transaction (not
    committed: the caller decides). PostgreSQL rolls the DDL back with the rest."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def revisions() -> list[str]:
    """Every schema revision, oldest first (Alembic's history)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None: no sobriety schema).

    Read with a plain query (Alembic itself is imported only to migrate).
    """
    with engine.connect() as conn:
        return revision_of(conn)


def revision_of(conn: Connection) -> str | None:
    """:func:`current_revision` read on an open connection (in its transaction)."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


_REVISION_LINE = re.compile(
    r"""^(down_revision|revision)\s*(?::[^=]+)?=\s*['"]?([\w]+)['"]?""", re.M
)


def head_revision() -> str | None:
    """The latest migration: the one no other revises.

    Read from the migration files' ``revision`` / ``down_revision`` lines, so that
    opening a database does not import Alembic (``tests/storage/test_schema.py``
    checks it against Alembic's own answer).
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else revised).add(value)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def alembic_head() -> str | None:
    """Alembic's own answer to :func:`head_revision`."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
