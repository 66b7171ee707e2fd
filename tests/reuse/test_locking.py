"""Optimistic locking of lots and erasure records: two technicians, two connections, one
database (a SQLite file, then PostgreSQL). A write based on a version someone changed since
is refused with who changed what, and when; nothing of it is written; a fresh one passes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from sobriety.app import lots, reuse
from sobriety.app.context import Sobriety
from sobriety.app.reuse import ReuseError
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.storage.models import Device, Erasure, Lot
from sobriety.storage.versions import StaleRecord

from .fleetdb import TODAY, add_devices


def _app(engine: Engine, actor: str) -> Sobriety:
    return Sobriety(
        load_settings(database_url=engine.url.render_as_string(), actor=actor),
        engine=engine,
        today=lambda: TODAY,
    )


@pytest.fixture
def pair(engine: Engine):
    """Alice and Bob: two application objects, each with its own engine (connections)."""
    add_devices(engine, {"asset_tag": "S-1"}, {"asset_tag": "S-2"}, {"asset_tag": "S-3"})
    other = db.make_engine(engine.url.render_as_string())
    alice, bob = _app(engine, "alice"), _app(other, "bob")
    for tag in ("S-1", "S-2", "S-3"):
        record = ErasureInput("sanitize", "purge", "nvme-cli", "tech-7", TODAY, True, f"C-{tag}")
        reuse.record_erasure(alice, tag, record)
    yield alice, bob
    other.dispose()


def _lot(engine: Engine, code: str) -> Lot:
    with Session(engine) as s:
        return s.execute(select(Lot).where(Lot.code == code)).scalar_one()


def _device(engine: Engine, tag: str) -> Device:
    with Session(engine) as s:
        return s.execute(select(Device).where(Device.asset_tag == tag)).scalar_one()


def test_a_lot_closed_from_a_stale_read_is_refused_with_who_changed_it(pair) -> None:
    alice, bob = pair
    code = lots.create(alice, channel="transfer", recipient_name="Collège", recipient_kind="school")
    lots.add(alice, code, ["S-1"])
    read = lots.show(alice, code).lot.version  # Alice reads the lot: 1 device
    lots.add(bob, code, ["S-2"])  # meanwhile Bob adds one
    with pytest.raises(StaleRecord) as caught:
        lots.close(alice, code, deed_ref="CONV-1", expected_version=read)
    message = str(caught.value)
    assert f"lot {code} was changed by someone else" in message
    assert "bob" in message and "Devices added (S-2)" in message
    assert caught.value.expected == read and caught.value.current == read + 1
    # nothing written: the lot is open, its devices still here
    lot = _lot(alice.engine, code)
    assert lot.status == "open" and lot.deed_ref is None and lot.version == read + 1
    assert _device(alice.engine, "S-1").status == "in_reuse_channel"  # not gone
    # from the version as it is now, the close passes and takes both devices
    closed = lots.close(alice, code, deed_ref="CONV-1", expected_version=read + 1)
    assert closed.devices == 2
    assert _lot(bob.engine, code).status == "closed"


def test_devices_added_to_a_lot_changed_since_are_refused(pair) -> None:
    alice, bob = pair
    code = lots.create(alice, channel="transfer", recipient_name="Collège", recipient_kind="school")
    seen = lots.show(bob, code).lot.version
    lots.update_refs(alice, code, deed_ref="CONV-9")
    with pytest.raises(StaleRecord, match="alice") as caught:
        lots.add(bob, code, ["S-3"], expected_version=seen)
    assert "References recorded" in str(caught.value)
    assert _device(bob.engine, "S-3").lot_id is None  # not added
    assert lots.add(bob, code, ["S-3"], expected_version=seen + 1) == 1


def test_every_change_of_a_lot_is_in_its_history_with_its_author(pair) -> None:
    alice, bob = pair
    code = lots.create(alice, channel="transfer", recipient_name="Collège", recipient_kind="school")
    lots.add(alice, code, ["S-1", "S-2"])
    lots.remove(bob, code, ["S-2"], reason="screen cracked")
    lots.close(bob, code, deed_ref="CONV-2")
    changes = lots.history(alice, code)
    assert [(c.version, c.kind, c.actor) for c in changes] == [
        (1, "created", "alice"),
        (2, "devices_added", "alice"),
        (3, "devices_removed", "bob"),
        (4, "closed", "bob"),
    ]
    assert changes[2].details == {"devices": ["S-2"], "reason": "screen cracked"}
    assert changes[3].details["deed_ref"] == "CONV-2" and changes[3].details["devices"] == ["S-1"]


def test_an_erasure_verified_from_a_stale_read_is_refused(pair) -> None:
    alice, bob = pair
    record = ErasureInput("overwrite", "clear", "nwipe", "tech-3", TODAY, False)
    add_devices(alice.engine, {"asset_tag": "H-1", "storage_type": "hdd"})
    reuse.record_erasure(alice, "H-1", record)
    (seen,) = reuse.erasures(bob, "H-1")  # Bob reads it: not verified, version 1
    assert not seen.verified and seen.version == 1
    reuse.verify_erasure(alice, "H-1", verified_by="alice-2", certificate_id="CERT-7")
    with pytest.raises(StaleRecord) as caught:
        reuse.verify_erasure(bob, "H-1", verified_by="bob-2", erasure_id=seen.id,
                             expected_version=seen.version)  # fmt: skip
    assert "was changed by someone else" in str(caught.value) and "alice" in str(caught.value)
    with Session(bob.engine) as s:
        stored = s.execute(select(Erasure).where(Erasure.id == seen.id)).scalar_one()
    assert (stored.verified_by, stored.certificate_id, stored.version) == ("alice-2", "CERT-7", 2)
    # from the current version, a second verification says it is done already
    with pytest.raises(ReuseError, match="already verified"):
        reuse.verify_erasure(bob, "H-1", verified_by="bob-2")


def test_a_verification_is_in_the_device_history(pair) -> None:
    alice, _bob = pair
    add_devices(alice.engine, {"asset_tag": "H-2", "storage_type": "hdd"})
    reuse.record_erasure(alice, "H-2", ErasureInput("overwrite", "clear", "nwipe", "t", TODAY))
    reuse.verify_erasure(alice, "H-2", verified_by="chief")
    from sobriety.app import inventory

    kinds = [e["kind"] for e in inventory.detail(alice, "H-2").history]
    assert kinds[-2:] == ["erased", "erasure_verified"]
