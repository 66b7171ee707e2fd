"""Helpers of the reliability tests: files made read-only, a database file's digest."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, MetaData, select


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[str]:
    """``path`` made read-only for this process; yields the SQLite URL to open it with.

    ``chmod 0444`` is enough for a normal user. Root ignores file modes, so the
    file is also made immutable (``chattr +i``) when it can be; failing that, the
    URL opens it read-only (``mode=ro``), which is what SQLite does anyway when it
    cannot open a file for writing.
    """
    mode = path.stat().st_mode
    path.chmod(0o444)
    url = f"sqlite:///{path}"
    immutable = False
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr and subprocess.run([chattr, "+i", str(path)], check=False).returncode == 0:
            immutable = True
        else:
            url = f"sqlite:///file:{path}?mode=ro&uri=true"
    try:
        yield url
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode & 0o7777)


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what "the database as it was" means in tests."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def sqlite_digest(path: Path) -> str:
    """A digest of a SQLite database's content (its rows, whatever the file layout)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
