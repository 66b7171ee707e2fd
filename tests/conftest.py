"""Shared fixtures: real databases (a SQLite file, the local PostgreSQL server).

``db_url`` / ``engine`` are parametrised over both back-ends. PostgreSQL tests
use a fresh schema of the ``test`` database on 127.0.0.1:5432; in CI
(``CI=true``) an unreachable server is an error, elsewhere those tests skip.

Every file a test reads is inside the repository: the Boavizta dataset is the
snapshot in ``tests/data/boavizta-efd/`` (ODbL, see its README).

``SOBRIETY_TEST_CLOCK_SHIFT_DAYS=N`` runs the whole session with the clock N
days away from now (time-machine, ticking), in the main process and in every
xdist worker: a test that depends on the day it runs fails there. Tests that
set their own time (``time_machine.travel``, the ``time_machine`` mark) still
run on it.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from seeding import FLEET_SIZE, seed_fleet  # tests/seeding.py: the one seeding helper
from sqlalchemy import Engine, create_engine, text

from sobriety.i18n import set_language
from sobriety.storage import db

PG_ADMIN_URL = os.environ.get(
    "SOBRIETY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: Third-party data shipped with the tests, each folder with its licence.
TEST_DATA = Path(__file__).resolve().parent / "data"
BOAVIZTA_EFD = TEST_DATA / "boavizta-efd"

CLOCK_SHIFT_VAR = "SOBRIETY_TEST_CLOCK_SHIFT_DAYS"
_CLOCK_SHIFT = pytest.StashKey[time_machine.travel]()


def _clock_shift_days() -> int:
    raw = os.environ.get(CLOCK_SHIFT_VAR, "").strip()
    if not raw:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise pytest.UsageError(
            f"{CLOCK_SHIFT_VAR} must be a whole number of days, not {raw!r}"
        ) from None


def pytest_configure(config: pytest.Config) -> None:
    """Shift the clock for the whole session when asked (runs in every xdist worker too)."""
    days = _clock_shift_days()
    if not days:
        return
    traveller = time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True)
    traveller.start()
    config.stash[_CLOCK_SHIFT] = traveller
    config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    if _CLOCK_SHIFT not in config.stash:
        return None
    return (
        f"clock shifted by {CLOCK_SHIFT_VAR}={_clock_shift_days()}: "
        f"today is {dt.date.today().isoformat()}"
    )


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL on a brand-new, empty PostgreSQL schema (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_server}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sobriety.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each back-end (no schema yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sobriety.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty database of each back-end."""
    eng = db.make_engine(db_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Never touch the user's real config, data or cache directory; English by default.

    The cache (the parsed factor set) is shared by the session's tests, outside
    each test's folder, as a user's is shared by their commands.
    """
    monkeypatch.setenv("SOBRIETY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    for var in (
        "SOBRIETY_DATABASE_URL",
        "SOBRIETY_FACTORS",
        "SOBRIETY_LANG",
        "SOBRIETY_POLICY",
        "SOBRIETY_GRID",
    ):
        monkeypatch.delenv(var, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def boavizta_efd() -> Path:
    """The Boavizta environmental-footprint-data snapshot shipped in tests/data (ODbL)."""
    for name in ("boavizta-data-us.csv", "boavizta-data-fr.csv"):
        if not (BOAVIZTA_EFD / name).is_file():
            pytest.fail(f"the Boavizta test data is missing: {BOAVIZTA_EFD / name}")
    return BOAVIZTA_EFD


@pytest.fixture
def fleet_engine(engine: Engine) -> Engine:
    """A migrated database of each back-end holding the test fleet."""
    seed_fleet(engine, FLEET_SIZE)
    return engine


@pytest.fixture
def sqlite_fleet(sqlite_url: str) -> Iterator[Engine]:
    """The test fleet on SQLite only (snapshots, most pilot tests)."""
    eng = db.make_engine(sqlite_url)
    db.upgrade(eng)
    seed_fleet(eng, FLEET_SIZE)
    yield eng
    eng.dispose()
