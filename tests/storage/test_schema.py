from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session

from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.models import Device, Site


def test_upgrade_creates_every_table_and_downgrade_removes_them(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"site", "device", "device_event", "erasure", "lot", "model_factor"} <= tables
    assert db.is_up_to_date(engine)
    db.downgrade(engine, "base")
    assert not ({"site", "device"} & set(inspect(engine).get_table_names()))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_asset_tag_is_unique(engine) -> None:
    with Session(engine) as session:
        session.add(Device(asset_tag="A1", category="laptop"))
        session.commit()
    with Session(engine) as session, pytest.raises(Exception, match=r"(?i)unique"):
        session.add(Device(asset_tag="A1", category="monitor"))
        session.commit()


def test_device_needs_an_existing_site(engine) -> None:
    with Session(engine) as session, pytest.raises(Exception, match=r"(?i)foreign key"):
        session.add(Device(asset_tag="A1", category="laptop", site_id=999))
        session.commit()


def test_optimistic_locking_refuses_a_stale_write_and_keeps_the_first(engine) -> None:
    with db.session_scope(engine) as session:
        session.add(Site(code="HQ", name="Hôtel du Département", kind="head_office"))
        session.add(
            Device(asset_tag="PC-1", category="laptop", acquisition_date=dt.date(2020, 1, 2))
        )
    with db.session_scope(engine) as session:
        dev = repository.update_device(
            session=session,
            asset_tag="PC-1",
            expected_version=1,
            changes={"assignee": "AG-0001"},
            actor="tech1",
            event_kind="assigned",
        )
        assert dev.version == 2
    with pytest.raises(repository.ConflictError), db.session_scope(engine) as session:
        repository.update_device(
            session=session,
            asset_tag="PC-1",
            expected_version=1,
            changes={"assignee": "AG-0002"},
            actor="tech2",
        )
    with Session(engine) as session:
        dev = repository.get_device(session=session, asset_tag="PC-1")
        assert (dev.assignee, dev.version) == ("AG-0001", 2)
        history = repository.device_history(session=session, device_id=dev.id)
        assert [e.kind for e in history] == ["assigned"]
        assert "AG-0001" in history[0].details
