"""Fixtures for the import/export tests: file writer, fresh databases."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from io_helpers import PG_ADMIN_URL
from sqlalchemy import Engine, create_engine, text

from sobriety.storage import db


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write("name.csv", text, encoding="utf-8")`` -> the file's path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


@pytest.fixture
def fresh_engine(engine: Engine, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """Factory of further empty, migrated databases of the same back-end as ``engine``."""
    made: list[tuple[Engine, str | None]] = []

    def make() -> Engine:
        if engine.dialect.name == "sqlite":
            eng = db.make_engine(f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.db'}")
            made.append((eng, None))
        else:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            admin = create_engine(PG_ADMIN_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            eng = db.make_engine(f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}")
            made.append((eng, schema))
        db.upgrade(eng)
        return eng

    yield make
    for eng, schema in made:
        eng.dispose()
        if schema:
            admin = create_engine(PG_ADMIN_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
