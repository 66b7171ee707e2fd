"""Seeding the demo fleet into SQLite and PostgreSQL: one transaction, refusals, re-runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from sobriety.storage import demo as demo_writer
from sobriety.storage.models import Device, DeviceEvent, Erasure, Lot, ModelFactor, Site

AS_OF = dt.date(2026, 11, 29)
N = 3_000


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _digest(engine: Engine) -> str:
    """Everything the demo wrote, except the write timestamps."""
    parts = []
    with engine.connect() as conn:
        for table, order, skip in (
            (Site.__table__, "id", ()),
            (Device.__table__, "id", ("created_at", "updated_at")),
            (DeviceEvent.__table__, "device_id, kind", ("id",)),
            (Erasure.__table__, "device_id", ("id",)),
        ):
            cols = [c for c in table.c if c.name not in skip]
            rows = conn.execute(select(*cols).order_by(text(order))).all()
            parts.append(repr(rows))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def _seed(engine: Engine, **kwargs) -> demo_writer.DemoResult:
    return demo_writer.seed_demo(engine, devices=N, seed=7, as_of=AS_OF, **kwargs)


def test_seeds_the_whole_fleet_readable_through_the_orm(engine: Engine) -> None:
    result = _seed(engine)
    assert result.devices == N == _count(engine, Device)
    assert result.sites == _count(engine, Site)
    assert result.events == _count(engine, DeviceEvent) > 0
    assert result.erasures == _count(engine, Erasure) > 0
    with Session(engine) as session:
        gone = session.exec(select(Device).where(Device.status == "gone")).scalars().first()
        assert gone is not None and gone.asset_tag.startswith("DEMO-")
        assert isinstance(gone.acquisition_date, dt.date)
        assert gone.retirement_date is not None and gone.reuse_channel
        assert gone.created_at.tzinfo is not None
        events = (
            session.exec(
                select(DeviceEvent)
                .where(DeviceEvent.device_id == gone.id)
                .order_by(DeviceEvent.date)
            )
            .scalars()
            .all()
        )
        assert [e.kind for e in events] == ["retired", "transferred"]
        assert events[0].date.date() == gone.retirement_date
        assert events[0].date.tzinfo is not None
        details = json.loads(events[1].details)
        assert details == {
            "channel": gone.reuse_channel, "lot": None, "recipient_kind": details["recipient_kind"]
        }  # fmt: skip
        site = session.get(Site, gone.site_id)
        assert site is not None and site.code.startswith("DEMO-")
        sensitive = session.exec(select(Device).where(Device.sensitive_data)).scalars().first()
        assert sensitive is not None and sensitive.sensitive_data is True
        # New rows get fresh ids after the explicit ids of the bulk load.
        session.add(Device(asset_tag="NEW-1", category="laptop"))
        session.add(Site(code="NEW-SITE", name="New site"))
        session.commit()


def test_running_again_reseeds_the_same_fleet(engine: Engine) -> None:
    _seed(engine)
    first = _digest(engine)
    with Session(engine) as session:  # a lot made while playing with the demo
        session.add(
            Lot(code="L-1", channel="sell", recipient_name="X", recipient_kind="refurbisher")
        )
        session.commit()
    result = _seed(engine)
    assert result.removed_devices == N
    assert _digest(engine) == first
    assert _count(engine, Device) == N and _count(engine, Lot) == 0
    other = demo_writer.seed_demo(engine, devices=N, seed=8, as_of=AS_OF)
    assert other.devices == N and _digest(engine) != first


def test_a_real_inventory_is_refused_and_left_unchanged(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Site(code="HQ", name="Hôtel du Département", kind="head_office"))
        session.add(Device(asset_tag="PC-0001", category="laptop"))
        session.commit()
    with pytest.raises(demo_writer.NotADemoDatabaseError) as info:
        _seed(engine)
    assert (info.value.devices, info.value.sites) == (1, 1)
    assert _count(engine, Device) == 1 and _count(engine, Site) == 1
    with Session(engine) as session:
        assert session.exec(select(Device.asset_tag)).scalar_one() == "PC-0001"


def test_only_real_sites_are_refused_too(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Site(code="CDAS-VITRE", name="CDAS de Vitré", kind="cdas"))
        session.commit()
    with pytest.raises(demo_writer.NotADemoDatabaseError):
        _seed(engine)
    assert _count(engine, Device) == 0 and _count(engine, Site) == 1


def test_replace_deletes_the_inventory_but_keeps_emission_factors(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Device(asset_tag="PC-0001", category="laptop"))
        session.add(
            ModelFactor(manufacturer="Dell", model="Latitude 5420", match_key="dell|latitude 5420",
                        total_kgco2e=364.0, source="test")
        )  # fmt: skip
        session.commit()
    result = _seed(engine, replace=True)
    assert result.removed_devices == 1
    assert _count(engine, Device) == N and _count(engine, ModelFactor) == 1
    with engine.connect() as conn:
        tags = conn.execute(select(Device.asset_tag).where(Device.asset_tag == "PC-0001")).all()
    assert tags == []


def test_an_error_while_seeding_leaves_the_previous_demo_intact(engine: Engine) -> None:
    _seed(engine)
    before = _digest(engine)

    def fail_after_inserting(done: int, total: int) -> None:
        if done == total:  # every row written, not yet committed
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        demo_writer.seed_demo(
            engine, devices=N + 500, seed=9, as_of=AS_OF, progress=fail_after_inserting
        )
    assert _digest(engine) == before


def test_refuses_a_negative_seed(engine: Engine) -> None:
    with pytest.raises(ValueError, match="seed"):
        demo_writer.seed_demo(engine, devices=10, seed=-1, as_of=AS_OF)
    assert _count(engine, Device) == 0
