"""Lots on a real database: what a sale or a take-back needs before it counts, what a lot
accepts and what closing it does."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sobriety.app import lots, reuse
from sobriety.app.context import Sobriety
from sobriety.app.reuse import ReuseError
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.storage import db
from sobriety.storage import devices as repository

from .fleetdb import TODAY, add_devices, make_app


def erase(app: Sobriety, tag: str) -> None:
    record = ErasureInput("sanitize", "purge", "nvme-cli", "tech-7", TODAY, True, f"C-{tag}")
    reuse.record_erasure(app, tag, record)


@pytest.fixture
def app(engine: Engine) -> Sobriety:
    add_devices(
        engine,
        {"asset_tag": "S-1", "cpu_generation": 3},
        {"asset_tag": "S-2", "cpu_generation": 3, "assignee": "AG-7"},
        {"asset_tag": "USED", "status": "in_service", "assignee": "AG-0042"},
    )
    return make_app(engine)


def test_a_sale_needs_the_buyers_commitment_and_counts_once_proven(app: Sobriety) -> None:
    code = lots.create(app, channel="sell", recipient_name="Ateliers", recipient_kind="refurbisher",
                       price_eur=120.0)  # fmt: skip
    erase(app, "S-1")
    lots.add(app, code, ["S-1"])
    with pytest.raises(ReuseError, match="prior commitment"):
        lots.close(app, code)
    closed = lots.close(app, code, commitment_ref="ENG-2026-07")
    assert closed.devices == 1
    rate = reuse.reuse_rate(app, TODAY.year)
    assert rate.a == 0 and rate.pending_proof == 1  # committed, not proven yet
    lots.record_proof(app, code, "ATTEST-2027-01")
    rate = reuse.reuse_rate(app, TODAY.year)
    assert rate.a == 1 and rate.a_by_channel == {"sell": 1} and rate.pending_proof == 0
    assert rate.a_retired_in_year == 1 and rate.a_from_stock == 0


def test_proof_is_refused_on_a_channel_that_needs_none(app: Sobriety) -> None:
    code = lots.create(app, channel="transfer", recipient_name="Collège", recipient_kind="school")
    with pytest.raises(ReuseError, match="needs no proof of reuse"):
        lots.record_proof(app, code, "P-1")


def test_a_price_belongs_to_a_sale_and_unapproved_takers_are_refused(app: Sobriety) -> None:
    with pytest.raises(ReuseError, match="only a sale has a price"):
        lots.create(app, channel="transfer", recipient_name="Collège", recipient_kind="school",
                    price_eur=50.0)  # fmt: skip
    with pytest.raises(ReuseError, match="not an eco-organisme approved"):
        lots.create(app, channel="take_back", recipient_name="Soren",
                    recipient_kind="eco_organisme")  # fmt: skip
    with pytest.raises(ReuseError, match="approved individual system"):
        lots.create(app, channel="take_back", recipient_name="Dell", recipient_kind="supplier")
    code = lots.create(app, channel="take_back", recipient_name="Dell", recipient_kind="supplier",
                       supplier_contract_ref="DELL-ECOSYSTEM-2026")  # fmt: skip
    assert lots.show(app, code).lot.supplier_contract_ref == "DELL-ECOSYSTEM-2026"


def test_a_lot_takes_only_devices_out_of_service_and_closing_clears_the_assignee(
    app: Sobriety, engine: Engine
) -> None:
    code = lots.create(app, channel="transfer", recipient_name="Collège", recipient_kind="school")
    erase(app, "USED")
    with pytest.raises(ReuseError) as err:
        lots.add(app, code, ["USED"])
    assert "USED: in service" in str(err.value) and "retire it" in str(err.value)
    # retired (still recorded with its last assignee): it has left service
    erase(app, "S-2")
    lots.add(app, code, ["S-2"])
    lots.close(app, code)
    with db.session_scope(engine) as s:
        gone = repository.get_device(session=s, asset_tag="S-2")
        assert gone.status == "gone" and gone.assignee is None
