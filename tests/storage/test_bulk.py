"""storage.bulk.insert_many on SQLite and PostgreSQL: stored exactly as the ORM stores."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from sobriety.domain.vocab import Category, EventKind, Status
from sobriety.storage import bulk
from sobriety.storage.models import Device, DeviceEvent, Erasure, Site

DEVICE = Device.__table__
EVENT = DeviceEvent.__table__

COLUMNS = (
    "asset_tag",
    "category",
    "status",
    "acquisition_date",
    "purchase_price_eur",
    "ram_gb",
    "cpu_generation",
    "sensitive_data",
    "site_id",
    "created_at",
    "updated_at",
    "version",
    "notes",
)


def _site(engine) -> int:
    with Session(engine) as session:
        site = Site(code="HQ", name="Hôtel du Département", kind="head_office", agents=10)
        session.add(site)
        session.commit()
        return site.id


def test_rows_read_back_through_the_orm_identical_to_orm_writes(engine) -> None:
    site_id = _site(engine)
    paris = dt.timezone(dt.timedelta(hours=2))
    when = dt.datetime(2024, 3, 5, 9, 30, 15, 123456, tzinfo=dt.UTC)
    rows = [
        (
            "B-1",
            Category.LAPTOP,
            Status.IN_SERVICE,
            dt.date(2019, 12, 31),
            899.5,
            16.0,
            11,
            True,
            site_id,
            when,
            when.astimezone(paris),
            3,
            "évolution ; note",
        ),
        ("B-2", "monitor", "in_stock", None, None, None, None, False, None, when, when, 1, None),
    ]
    with engine.begin() as conn:
        assert bulk.insert_many(conn, DEVICE, COLUMNS, rows) == 2
    # The same values written through the ORM, for comparison.
    with Session(engine) as session:
        for tag, row in (("O-1", rows[0]), ("O-2", rows[1])):
            values = dict(zip(COLUMNS, row, strict=True))
            values["asset_tag"] = tag
            session.add(Device(**values))
        session.commit()
    with Session(engine) as session:
        got = {d.asset_tag: d for d in session.exec(select(Device)).scalars()}
    for bulk_tag, orm_tag in (("B-1", "O-1"), ("B-2", "O-2")):
        b, o = got[bulk_tag], got[orm_tag]
        for name in COLUMNS[1:]:
            assert getattr(b, name) == getattr(o, name), name
            assert type(getattr(b, name)) is type(getattr(o, name)), name
    b1 = got["B-1"]
    assert b1.acquisition_date == dt.date(2019, 12, 31)
    assert type(b1.acquisition_date) is dt.date
    assert b1.created_at == when and b1.created_at.tzinfo is not None
    assert b1.updated_at == when and b1.updated_at.utcoffset() == dt.timedelta(0)
    assert b1.sensitive_data is True and got["B-2"].sensitive_data is False
    assert b1.category == "laptop" and b1.status == "in_service"
    # The stored representation itself is the ORM's (raw SQL comparison).
    with engine.connect() as conn:
        raw = conn.execute(
            text(
                "SELECT asset_tag, acquisition_date, created_at, updated_at, sensitive_data, "
                "category FROM device WHERE asset_tag IN ('B-1', 'O-1') ORDER BY asset_tag"
            )
        ).all()
    assert raw[0][1:] == raw[1][1:]


def test_missing_columns_get_the_table_defaults(engine) -> None:
    before = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], [("D-1", "laptop")])
    with Session(engine) as session:
        dev = session.exec(select(Device)).scalar_one()
    assert dev.version == 1
    assert dev.status == "in_service" and dev.acquisition_type == "new"
    assert dev.sensitive_data is False
    assert before <= dev.created_at <= dt.datetime.now(dt.UTC)


def test_events_and_erasures_with_json_and_dates(engine) -> None:
    with engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], [("E-1", "laptop")])
        dev_id = conn.execute(select(DEVICE.c.id)).scalar_one()
        details = json.dumps({"channel": "recycle", "lot": None, "recipient_kind": "eco_organisme"})
        when = dt.datetime(2022, 6, 1, 10, 0, tzinfo=dt.UTC)
        bulk.insert_many(
            conn,
            EVENT,
            ["device_id", "kind", "date", "actor", "details"],
            [(dev_id, EventKind.TRANSFERRED, when, "TECH-01", details)],
        )
        bulk.insert_many(
            conn,
            Erasure.__table__,
            ["device_id", "method", "level", "date", "verified", "certificate_id"],
            [(dev_id, "overwrite", "clear", dt.date(2022, 5, 30), True, "C-1")],
        )
    with Session(engine) as session:
        ev = session.exec(select(DeviceEvent)).scalar_one()
        er = session.exec(select(Erasure)).scalar_one()
    assert ev.kind == "transferred" and ev.date == when
    assert json.loads(ev.details)["lot"] is None
    assert er.date == dt.date(2022, 5, 30) and er.verified is True


def test_streams_many_rows_in_chunks(engine) -> None:
    def rows():
        for i in range(2_345):
            yield (f"S-{i:05d}", "monitor", dt.date(2020, 1, 1) + dt.timedelta(days=i % 400))

    with engine.begin() as conn:
        n = bulk.insert_many(
            conn, DEVICE, ["asset_tag", "category", "acquisition_date"], rows(), chunk_size=500
        )
    assert n == 2_345
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DEVICE)).scalar_one() == 2_345
        last = conn.execute(
            select(DEVICE.c.acquisition_date).where(DEVICE.c.asset_tag == "S-02344")
        ).scalar_one()
    assert last == dt.date(2020, 1, 1) + dt.timedelta(days=2_344 % 400)


def test_an_error_rolls_back_everything_with_the_transaction(engine) -> None:
    rows = [("R-1", "laptop"), ("R-2", "laptop"), ("R-1", "laptop")]  # duplicate tag
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"), engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], rows, chunk_size=1)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DEVICE)).scalar_one() == 0


def test_naive_datetimes_are_refused_like_the_orm_does(engine) -> None:
    naive = dt.datetime(2024, 1, 1, 12, 0)
    with pytest.raises(ValueError, match="timezone"), engine.begin() as conn:
        bulk.insert_many(
            conn, DEVICE, ["asset_tag", "category", "created_at"], [("N-1", "laptop", naive)]
        )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DEVICE)).scalar_one() == 0


def test_bad_row_width_is_located(engine) -> None:
    rows = [("W-1", "laptop"), ("W-2",)]
    with pytest.raises(ValueError, match=r"row 1: 1 values for 2 columns"), engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], rows)


def test_unknown_column_is_refused(engine) -> None:
    with pytest.raises(ValueError, match="unknown columns"), engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "colour"], [("X", "red")])


def test_commit_as_you_go_connection(engine) -> None:
    with engine.connect() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], [("C-1", "tablet")])
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(select(DEVICE.c.category)).scalar_one() == "tablet"


def test_defaults_are_stored_like_the_orm_stores_them(engine) -> None:
    with engine.begin() as conn:
        bulk.insert_many(conn, DEVICE, ["asset_tag", "category"], [("F-1", "laptop")])
    with Session(engine) as session:
        session.add(Device(asset_tag="F-2", category="laptop"))
        session.commit()
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT created_at FROM device ORDER BY asset_tag")).scalars().all()
    # Same textual shape on SQLite (no 'T', no offset), same type on PostgreSQL.
    assert type(raw[0]) is type(raw[1])
    if isinstance(raw[0], str):
        assert len(raw[0]) == len(raw[1]) and raw[0][10] == raw[1][10]


def test_insert_columns_with_explicit_ids_then_the_orm_continues(engine) -> None:
    chunks = [
        {
            "id": [10, 11],
            "asset_tag": ["K-10", "K-11"],
            "category": ["laptop", "monitor"],
            "warranty_end": [dt.date(2027, 1, 31), None],
        },
        {
            "id": [12],
            "asset_tag": ["K-12"],
            "category": ["switch"],
            "warranty_end": [dt.date(2030, 6, 1)],
        },
    ]
    with engine.begin() as conn:
        assert bulk.insert_columns(conn, DEVICE, chunks) == 3
        bulk.sync_sequence(conn, DEVICE)
    with Session(engine) as session:
        dev = Device(asset_tag="K-13", category="tablet")
        session.add(dev)
        session.commit()
        assert dev.id == 13
        k10 = session.exec(select(Device).where(Device.asset_tag == "K-10")).scalar_one()
    assert k10.warranty_end == dt.date(2027, 1, 31) and k10.version == 1


def test_insert_columns_refuses_changing_keys_and_rolls_back(engine) -> None:
    chunks = [{"asset_tag": ["A"], "category": ["laptop"]}, {"asset_tag": ["B"]}]
    with pytest.raises(ValueError, match="differ"), engine.begin() as conn:
        bulk.insert_columns(conn, DEVICE, chunks)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DEVICE)).scalar_one() == 0


def test_a_non_boolean_flag_is_refused_like_the_orm_does(engine) -> None:
    with pytest.raises((TypeError, ValueError)), engine.begin() as conn:
        bulk.insert_many(
            conn, DEVICE, ["asset_tag", "category", "sensitive_data"], [("B-1", "laptop", "yes")]
        )
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DEVICE)).scalar_one() == 0
