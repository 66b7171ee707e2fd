"""Flags, decisions, erasures and lots on a real database (SQLite and PostgreSQL), through
the use cases of :mod:`sobriety.app.reuse` and :mod:`sobriety.app.lots`."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from sqlalchemy import Engine, select, update

from sobriety.app import lots, reuse
from sobriety.app.context import Sobriety
from sobriety.app.reuse import ReuseError
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.policy import resolve_policy
from sobriety.domain.reuse.rules import ReuseFleet
from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.models import Device, DeviceEvent, Erasure, Lot

from .fleetdb import TODAY, add_devices, add_site, make_app, years_ago

POLICY = resolve_policy()
NOON = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=dt.UTC)


def events(engine: Engine, tag: str) -> list[tuple[str, dict]]:
    with db.session_scope(engine) as s:
        d = repository.get_device(session=s, asset_tag=tag)
        return [
            (e.kind, json.loads(e.details) if e.details else {})
            for e in repository.device_history(session=s, device_id=d.id)
        ]


def device(engine: Engine, tag: str) -> Device:
    with db.session_scope(engine) as s:
        return repository.get_device(session=s, asset_tag=tag)


def erase(app: Sobriety, tag: str, level: str = "purge", method: str = "cryptographic_erase"):
    record = ErasureInput(
        method, level, "BitLocker", "tech-7", TODAY, True, f"C-{tag}", encrypted_from_install=True
    )
    return reuse.record_erasure(app, tag, record)


@pytest.fixture
def app(fleet: Engine) -> Sobriety:
    """The application on the fleet, frozen on TODAY."""
    return make_app(fleet)


@pytest.fixture
def fleet(engine: Engine) -> Engine:
    hq = add_site(engine, "HQ")
    cdas = add_site(engine, "CDAS-01", "CDAS de Vitré")
    add_devices(
        engine,
        {"asset_tag": "KEEP-1"},
        {"asset_tag": "OLD-CPU", "cpu_generation": 3},
        {"asset_tag": "PRICEY", "cpu_generation": 3, "declared_value_eur": 450.0},
        {"asset_tag": "SENS", "cpu_generation": 3, "sensitive_data": True},
        {"asset_tag": "YOUNG", "status": "in_service", "acquisition_date": years_ago(1)},
        site_id=hq,
    )
    add_devices(
        engine,
        {
            "asset_tag": "MON-OLD",
            "category": "monitor",
            "acquisition_date": years_ago(12),
            # broken beyond the repair ceiling: a working old monitor would be kept
            "condition": "broken",
            "repair_estimate_eur": 900.0,
        },
        {
            "asset_tag": "PHONE",
            "category": "smartphone",
            "status": "in_service",
            "acquisition_date": years_ago(3),
            "cpu_generation": None,
            "tpm_version": None,
        },
        site_id=cdas,
    )
    return engine


def test_flag_fleet_evaluates_everyone_and_flags_the_right_devices(app: Sobriety) -> None:
    run = reuse.flag_fleet(app)
    assert len(run) == 7 and run.evaluation.on == TODAY  # the application's today
    tags = [i.asset_tag for i in reuse.device_infos(app, run, run.flagged_rows())]
    assert "YOUNG" not in tags and "PHONE" in tags and len(tags) == 6
    rec = {
        i.asset_tag: run.evaluation.recommended_channel(run.row_of(i.id))
        for i in reuse.device_infos(app, run, run.rows(every=True))
    }
    assert rec["KEEP-1"] == "keep"
    assert rec["OLD-CPU"] == "transfer"
    assert rec["MON-OLD"] == "recycle"  # 12 years old: out of the reuse scheme


def test_flag_by_site_and_by_tag(app: Sobriety) -> None:
    run = reuse.flag_fleet(app, site="CDAS-01")
    assert len(run) == 2
    run = reuse.flag_fleet(app, asset_tags=["PRICEY"])
    flag = run.explain(0)
    assert [r.code for r in flag.outcome("donate_agent").rule_outs] == ["value_over_cap"]
    assert reuse.flag_device(app, "PRICEY") == flag  # one device, read in a session: the same
    with pytest.raises(reuse.NotFoundError, match="NOPE"):
        reuse.flag_fleet(app, asset_tags=["NOPE"])
    with pytest.raises(reuse.NotFoundError):
        reuse.flag_fleet(app, site="NOWHERE")


def test_erasures_count_in_the_flags_read_from_the_database(app: Sobriety) -> None:
    erase(app, "OLD-CPU")
    run = reuse.flag_fleet(app, asset_tags=["OLD-CPU"])
    flag = run.explain(0)
    assert flag.recommended.state == "recommended" and not flag.recommended.blockers
    assert "erasure_ok" in [r.code for r in flag.recommended.reasons]


def test_accept_records_the_decision_and_retires_devices_leaving(
    app: Sobriety, fleet: Engine
) -> None:
    decision = reuse.accept(app, "OLD-CPU")
    assert decision.channel == decision.recommended == "transfer"
    assert [r.code for r in decision.to_do] == ["erasure_missing"]
    d = device(fleet, "OLD-CPU")
    assert d.reuse_channel == "transfer" and d.status == "in_reuse_channel"
    assert d.retirement_date is None  # it was already retired: date unknown stays unknown
    kinds = events(fleet, "OLD-CPU")
    assert kinds[-1][0] == "flag_accepted"
    assert kinds[-1][1]["channel"] == "transfer"
    assert kinds[-1][1]["to_do"] == ["erasure_missing"]
    assert kinds[-1][1]["counts_toward_target"] == "yes"


def test_accepting_a_channel_that_leaves_retires_an_in_service_device(
    app: Sobriety, fleet: Engine
) -> None:
    reuse.override(app, "PHONE", "donate_agent", "agent asked for it")
    d = device(fleet, "PHONE")
    assert d.status == "in_reuse_channel" and d.retirement_date == TODAY
    kinds = [k for k, _ in events(fleet, "PHONE")]
    assert kinds[-2:] == ["retired", "flag_overridden"]
    with db.session_scope(fleet) as s:  # both stamped by the application's clock
        history = repository.device_history(session=s, device_id=d.id)
        assert [e.date for e in history[-2:]] == [NOON, NOON]
    assert events(fleet, "PHONE")[-1][1]["reason"] == "agent asked for it"
    assert events(fleet, "PHONE")[-1][1]["recommended"] == "keep"


def test_override_needs_a_reason_and_an_allowed_channel(app: Sobriety, fleet: Engine) -> None:
    before = device(fleet, "PRICEY").version
    with pytest.raises(ReuseError, match="needs a reason"):
        reuse.override(app, "PRICEY", "sell", "  ")
    with pytest.raises(ReuseError) as err:
        reuse.override(app, "PRICEY", "donate_association", "friend")
    assert "sale required" in str(err.value)
    with pytest.raises(ReuseError, match="unknown channel"):
        reuse.override(app, "PRICEY", "landfill", "x")
    d = device(fleet, "PRICEY")
    assert d.version == before and d.reuse_channel is None


def test_internal_decision_puts_a_retired_device_back_in_stock(
    app: Sobriety, fleet: Engine
) -> None:
    reuse.accept(app, "KEEP-1")
    d = device(fleet, "KEEP-1")
    assert d.status == "in_stock" and d.reuse_channel == "keep"


def test_erasure_record_is_checked_then_stored_with_an_event(app: Sobriety, fleet: Engine) -> None:
    bad = [
        ErasureInput("overwrite", "destroy", "dd", "tech", TODAY),
        ErasureInput("shred", "destroy", "x", "tech", TODAY),
        ErasureInput("destruction", "destroy", "shredder", "tech", TODAY + dt.timedelta(days=1)),
        ErasureInput("destruction", "destroy", "shredder", "tech", dt.date(2020, 1, 1)),
        ErasureInput("destruction", "destroy", "shredder", "", TODAY),
    ]
    messages = []
    for rec in bad:
        with pytest.raises(ReuseError) as err:
            reuse.record_erasure(app, "SENS", rec)
        messages.append(str(err.value))
        assert err.value.problems
    assert "cannot reach the destroy level" in messages[0]
    assert "unknown erasure method" in messages[1]
    assert "in the future" in messages[2]
    assert "before the acquisition date" in messages[3]
    assert "operator" in messages[4]
    with db.session_scope(fleet) as s:
        assert s.execute(select(Erasure)).first() is None
    erase(app, "SENS", "destroy", "destruction")
    kind, details = events(fleet, "SENS")[-1]
    assert (
        kind == "erased" and details["level"] == "destroy" and details["certificate_id"] == "C-SENS"
    )
    # stamped by the application's clock (noon of its frozen day), like every other action
    d = device(fleet, "SENS")
    assert d.updated_at == NOON
    with db.session_scope(fleet) as s:
        assert repository.device_history(session=s, device_id=d.id)[-1].date == NOON
    assert reuse.erasures(app, "SENS") == [
        ErasureInput(
            "destruction",
            "destroy",
            "BitLocker",
            "tech-7",
            TODAY,
            True,
            "C-SENS",
            encrypted_from_install=True,
        )
    ]


def test_lot_from_creation_to_closing(app: Sobriety, fleet: Engine, tmp_path) -> None:
    code = lots.create(
        app,
        channel="transfer",
        recipient_name="Collège Jean Moulin",
        recipient_kind="school",
        siret="732 829 320 00074",
    )
    assert code == "LOT-2026-0001"  # the year of the application's today
    # Refusals: every problem listed, nothing written.
    with pytest.raises(ReuseError) as err:
        lots.add(app, code, ["OLD-CPU", "SENS", "MON-OLD", "GHOST"])
    text = str(err.value)
    assert "OLD-CPU: erasure not recorded" in text
    assert "SENS: sensitive data: excluded from this channel" in text
    assert "MON-OLD: 12 years old, over the 10-year limit" in text
    assert "GHOST: no such device" in text
    assert device(fleet, "OLD-CPU").lot_id is None

    erase(app, "OLD-CPU")
    erase(app, "PRICEY")
    assert lots.add(app, code, ["OLD-CPU", "PRICEY"]) == 2
    d = device(fleet, "OLD-CPU")
    assert d.status == "in_reuse_channel" and d.reuse_channel == "transfer" and d.lot_id
    assert events(fleet, "OLD-CPU")[-1] == ("lot_added", {**events(fleet, "OLD-CPU")[-1][1]})
    assert events(fleet, "OLD-CPU")[-1][1]["lot"] == code

    assert lots.remove(app, code, ["PRICEY"], reason="sold instead") == 1
    assert device(fleet, "PRICEY").lot_id is None
    kind, details = events(fleet, "PRICEY")[-1]
    assert kind == "lot_removed" and (details["lot"], details["reason"]) == (code, "sold instead")

    view = lots.show(app, code)
    assert [d.asset_tag for d in view.devices] == ["OLD-CPU"]
    assert view.devices[0].certificate_id == "C-OLD-CPU"
    assert view.total_weight_kg == pytest.approx(1.5)

    close_day = dt.date(2026, 11, 20)
    closed = lots.close(app, code, on=close_day, deed_ref="CONV-2026-12")
    assert closed == lots.Closed(code, close_day, 1)
    d = device(fleet, "OLD-CPU")
    assert d.status == "gone" and d.retirement_date is None  # retired before, date unknown
    with db.session_scope(fleet) as s:
        ev = s.execute(select(DeviceEvent).where(DeviceEvent.kind == "transferred")).scalars().all()
        lot = s.execute(select(Lot).where(Lot.code == code)).scalar_one()
        assert lot.status == "closed" and lot.deed_ref == "CONV-2026-12"
        assert [json.loads(e.details)["channel"] for e in ev] == ["transfer"]
        detail = json.loads(ev[0].details)
        assert detail["lot"] == code and detail["recipient_kind"] == "school"
        assert ev[0].date == dt.datetime.combine(close_day, dt.time(12, 0), tzinfo=dt.UTC)
        assert lot.closed_at == ev[0].date
    view = lots.show(app, code)
    assert [d.asset_tag for d in view.devices] == ["OLD-CPU"]  # a closed lot keeps its list
    assert [(r.code, r.status, r.devices) for r in lots.list_lots(app)] == [(code, "closed", 1)]
    with pytest.raises(ReuseError, match="closed"):
        lots.add(app, code, ["PRICEY"])
    with pytest.raises(ReuseError, match="already closed"):
        lots.close(app, code)
    with pytest.raises(ReuseError, match="already gone"):
        reuse.accept(app, "OLD-CPU")
    with pytest.raises(lots.NotFoundError, match="no lot with code 'NOPE'"):
        lots.show(app, "NOPE")


def test_lot_creation_checks_recipient_kind_and_siret(app: Sobriety, fleet: Engine) -> None:
    cases = [
        ({"channel": "donate_association", "recipient_kind": "refurbisher"}, "cannot receive"),
        ({"channel": "keep", "recipient_kind": "agent"}, "no lot needed"),
        (
            {"channel": "transfer", "recipient_kind": "public_body", "siret": "73282932000075"},
            "checksum",
        ),
        ({"channel": "transfer", "recipient_kind": "public_body", "siret": "1234"}, "SIRET"),
        ({"channel": "mail", "recipient_kind": "agent"}, "unknown channel"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ReuseError, match=message):
            lots.create(app, recipient_name="X", **kwargs)
    with db.session_scope(fleet) as s:
        assert s.execute(select(Lot)).first() is None
    # La Poste's establishments are numbered outside the Luhn rule.
    code = lots.create(
        app,
        channel="transfer",
        recipient_name="La Poste",
        recipient_kind="public_body",
        siret="35600000000048",
        code="LP-1",
    )
    assert code == "LP-1" and lots.show(app, code).lot.recipient_siret == "35600000000048"
    assert lots.show(app, code).lot.created_at == NOON  # the application's clock
    with pytest.raises(ReuseError, match="already exists"):
        lots.create(app, channel="transfer", recipient_name="Y", recipient_kind="public_body",
                    code="LP-1")  # fmt: skip


def test_devices_decided_for_another_channel_or_lot_cannot_join(app: Sobriety) -> None:
    erase(app, "OLD-CPU")
    with db.session_scope(app.engine) as s:  # one transaction for the three writes
        reuse.override(app, "OLD-CPU", "sell", "best offer", session=s)
        a = lots.create(
            app, channel="transfer", recipient_name="A", recipient_kind="public_body", session=s
        )
        b = lots.create(
            app, channel="sell", recipient_name="B", recipient_kind="refurbisher", session=s
        )
    with pytest.raises(ReuseError, match="override the decision"):
        lots.add(app, a, ["OLD-CPU"])
    lots.add(app, b, ["OLD-CPU"])
    with pytest.raises(ReuseError, match="already in this lot"):
        lots.add(app, b, ["OLD-CPU"])
    c = lots.create(app, channel="sell", recipient_name="C", recipient_kind="association")
    with pytest.raises(ReuseError, match=f"already in lot {b}"):
        lots.add(app, c, ["OLD-CPU"])
    with pytest.raises(ReuseError, match="remove it from the lot"):
        reuse.accept(app, "OLD-CPU")


def test_closing_rechecks_every_device_and_take_back_needs_a_commitment(
    app: Sobriety, fleet: Engine
) -> None:
    code = lots.create(
        app, channel="take_back", recipient_name="ecosystem", recipient_kind="eco_organisme"
    )
    with pytest.raises(ReuseError, match="holds no device"):
        lots.close(app, code)
    with pytest.raises(ReuseError, match="10-year limit"):
        lots.add(app, code, ["MON-OLD"])
    with db.session_scope(fleet) as s:  # a younger monitor: within the reuse scheme
        s.execute(
            update(Device)
            .where(Device.asset_tag == "MON-OLD")
            .values(acquisition_date=years_ago(8))
        )
    erase(app, "MON-OLD", "clear", "factory_reset")
    lots.add(app, code, ["MON-OLD"])
    with pytest.raises(ReuseError, match="prior commitment"):
        lots.close(app, code)
    assert device(fleet, "MON-OLD").status == "in_reuse_channel"
    lots.close(app, code, commitment_ref="ECO-2026-7")
    with pytest.raises(ReuseError, match="needs a reference"):
        lots.record_proof(app, code, " ")
    lots.record_proof(app, code, "ECO-PROOF-1")
    lots.update_refs(app, code, deed_ref=" CONV-9 ")
    lot = lots.show(app, code).lot
    assert lot.commitment_ref == "ECO-2026-7" and lot.proof_of_reuse_ref == "ECO-PROOF-1"
    assert lot.proof_date == TODAY and lot.deed_ref == "CONV-9"
    assert device(fleet, "MON-OLD").status == "gone"


def test_a_stale_version_is_refused(app: Sobriety, fleet: Engine) -> None:
    stale = device(fleet, "KEEP-1").version
    assert reuse.set_repair_estimate(app, "KEEP-1", 80.0) == stale + 1
    with pytest.raises(ReuseError, match=">= 0 EUR"):
        reuse.set_repair_estimate(app, "KEEP-1", -1.0)
    with pytest.raises(reuse.ConflictError):
        reuse.accept(app, "KEEP-1", expected_version=stale)
    d = device(fleet, "KEEP-1")
    assert d.reuse_channel is None and d.repair_estimate_eur == 80.0


def test_sqlite_fast_read_equals_the_generic_read(sqlite_url: str) -> None:
    from sobriety.storage import reuse_fleet as fleet_read

    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    add_devices(
        engine,
        {"asset_tag": "A"},
        {
            "asset_tag": "B",
            "tpm_version": "TPM 2.0",
            "acquisition_date": None,
            "ram_gb": None,
            "category": "wifi_access_point",
            "status": "in_repair",
            "condition": "broken",
            "sensitive_data": True,
            "repair_estimate_eur": 12.5,
            "retirement_date": dt.date(1969, 12, 31),
        },
        {
            "asset_tag": "C",
            "tpm_version": "1.2",
            "purchase_price_eur": None,
            "declared_value_eur": 0.1,
            "battery_health_pct": None,
            "cpu_generation": None,
            "acquisition_date": dt.date(1999, 2, 28),
        },
    )
    erase(make_app(engine), "C", "destroy", "destruction")
    site = add_site(engine, "S")
    add_devices(engine, {"asset_tag": "D", "serial": "X"}, site_id=site)
    for where in (None, Device.site_id == site):
        ids_a, fast = fleet_read.read_fleet_sqlite(engine, where)
        ids_b, slow = fleet_read.read_fleet_generic(engine, where)
        assert ids_a.tolist() == ids_b.tolist()
        for name in ReuseFleet.__dataclass_fields__:
            a, b = getattr(fast, name), getattr(slow, name)
            assert a.dtype.kind == b.dtype.kind or name in ("category", "status", "condition")
            np.testing.assert_array_equal(a, b, err_msg=name)
    engine.dispose()


def test_sqlite_fast_read_rounds_down_without_changing_any_decision(sqlite_url: str) -> None:
    from sobriety.domain.reuse.rules import evaluate
    from sobriety.storage import reuse_fleet as fleet_read

    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    add_devices(
        engine,
        {"asset_tag": "EDGE-1", "storage_gb": 63.9, "ram_gb": 3.99, "battery_health_pct": 64.99},
        {"asset_tag": "EDGE-2", "declared_value_eur": 300.004, "cpu_generation": 3},
        {"asset_tag": "EDGE-3", "declared_value_eur": 300.006, "cpu_generation": 3},
        {
            "asset_tag": "EDGE-4",
            "condition": "broken",
            "purchase_price_eur": 999.99,
            "repair_estimate_eur": 499.995,
        },
        # a printer just over 50 cm: rounded up to the mm, it stays large equipment
        {"asset_tag": "EDGE-5", "category": "printer", "max_dimension_cm": 50.04},
        {"asset_tag": "EDGE-6", "category": "printer", "max_dimension_cm": 50.0},
        {"asset_tag": "EDGE-7", "storage_type": "hdd"},
        {"asset_tag": "EDGE-8", "storage_type": None},
    )
    _, fast = fleet_read.read_fleet_sqlite(engine)
    _, slow = fleet_read.read_fleet_generic(engine)
    a, b = evaluate(fast, POLICY, TODAY), evaluate(slow, POLICY, TODAY)
    np.testing.assert_array_equal(a.out, b.out)
    np.testing.assert_array_equal(a.blocked, b.blocked)
    np.testing.assert_array_equal(a.recommended, b.recommended)
    assert fast.storage_gb[0] == 63.0 and fast.battery_health_pct[0] == pytest.approx(64.9)
    np.testing.assert_array_equal(a.in_scope, b.in_scope)
    assert a.in_scope[4:6].tolist() == [False, True]
    assert fast.max_dimension_cm[4] == pytest.approx(50.1)
    np.testing.assert_array_equal(fast.storage_type, slow.storage_type)
    assert fast.storage_type[7] == -1 and slow.storage_type[6] == 0
    engine.dispose()


def test_fast_read_of_an_empty_selection(sqlite_url: str) -> None:
    from sobriety.storage import reuse_fleet as fleet_read

    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    ids, fleet = fleet_read.read_fleet_sqlite(engine)
    assert len(ids) == 0 and len(fleet) == 0
    run = reuse.flag_fleet(make_app(engine))
    assert len(run) == 0 and run.evaluation.counts_by_channel() == {}
    engine.dispose()
