"""The annual report's fixtures: the hand-checked fleet on a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from seeding import REPORT_TODAY, seed_report_fleet
from sqlalchemy import Engine

from sobriety.app.context import Sobriety
from sobriety.settings import load_settings
from sobriety.storage import db


def make_app(url: str, engine: Engine, today: dt.date = REPORT_TODAY, **settings) -> Sobriety:
    return Sobriety(load_settings(database_url=url, **settings), engine=engine, today=lambda: today)


@pytest.fixture
def report_db(sqlite_url: str) -> Iterator[tuple[str, Engine]]:
    eng = db.make_engine(sqlite_url)
    db.upgrade(eng)
    seed_report_fleet(eng)
    yield sqlite_url, eng
    eng.dispose()


@pytest.fixture
def report_app(report_db) -> Sobriety:
    url, eng = report_db
    return make_app(url, eng)
