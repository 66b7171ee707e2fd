"""Décret 2023-266 reuse rate on hand-built histories (pure, then from the database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import Engine

from sobriety.app import lots, reuse
from sobriety.domain.reuse import rate as rr
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.policy import CATEGORY_INDEX, resolve_policy
from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.models import Lot

from .fleetdb import add_devices, make_app

POLICY = resolve_policy()
D = dt.date

# Each device: category, acquired, sensitive, [(date, kind)], [(date, channel, proven)]
DEVICES = {
    "D1": (
        "laptop",
        D(2019, 3, 1),
        False,
        [(D(2024, 6, 1), "retire")],
        [(D(2025, 3, 1), "donate_association", False)],
    ),
    "D2": ("laptop", D(2020, 3, 1), False, [(D(2024, 9, 1), "retire")], []),
    "D3": (
        "monitor",
        D(2020, 3, 1),
        False,
        [(D(2025, 2, 1), "retire")],
        [(D(2025, 5, 1), "sell", True)],
    ),
    "D4": (
        "laptop",
        D(2013, 3, 1),
        False,
        [(D(2024, 1, 10), "retire")],
        [(D(2025, 4, 1), "transfer", False)],
    ),
    "D5": ("laptop", D(2020, 3, 1), True, [(D(2024, 2, 1), "retire")], []),
    "D6": ("printer", D(2020, 3, 1), False, [(D(2024, 2, 1), "retire")], []),
    "D7": (
        "laptop",
        D(2019, 3, 1),
        False,
        [(D(2023, 2, 1), "retire")],
        [(D(2024, 3, 1), "transfer", False)],
    ),
    "D8": (
        "laptop",
        D(2021, 3, 1),
        False,
        [(D(2024, 2, 1), "retire"), (D(2024, 12, 1), "return")],
        [],
    ),
    "D9": (
        "smartphone",
        D(2022, 3, 1),
        False,
        [(D(2024, 5, 1), "retire")],
        [(D(2025, 6, 1), "take_back", False)],
    ),
    "D10": (
        "tablet",
        D(2022, 3, 1),
        False,
        [(D(2024, 5, 1), "retire")],
        [(D(2025, 6, 1), "take_back", True)],
    ),
    "D11": (
        "laptop",
        D(2020, 3, 1),
        False,
        [(D(2024, 7, 1), "retire")],
        [(D(2025, 7, 1), "recycle", False)],
    ),
    "D12": ("laptop", D(2020, 3, 1), False, [(D(2025, 1, 1), "retire")], []),
    "D13": ("laptop", D(2020, 3, 1), False, [], []),  # in service, never retired
    # Sold with no proof of reuse: décret 2023-266 art. 2, a sale counts only with the
    # buyer's prior commitment and proof, like a take-back.
    "D14": (
        "laptop",
        D(2020, 3, 1),
        False,
        [(D(2024, 8, 1), "retire")],
        [(D(2025, 4, 1), "sell", False)],
    ),
    # Exactly 10 years old at retirement: still in scope ("plus de dix ans" is out).
    "D15": ("laptop", D(2014, 6, 1), False, [(D(2024, 6, 1), "retire")], []),
}
KINDS = {"retire": rr.RETIRE, "return": rr.RETURN}


def history() -> rr.History:
    names = list(DEVICES)
    ev_row, ev_date, ev_kind, t_row, t_date, t_chan, t_proven = [], [], [], [], [], [], []
    for i, name in enumerate(names):
        _cat, _acq, _sens, events, transfers = DEVICES[name]
        for day, kind in events:
            ev_row.append(i), ev_date.append(day), ev_kind.append(KINDS[kind])
        for day, channel, proven in transfers:
            ev_row.append(i), ev_date.append(day), ev_kind.append(rr.LEAVE)
            t_row.append(i), t_date.append(day), t_chan.append(channel), t_proven.append(proven)
    return rr.History(
        category=np.array([CATEGORY_INDEX[DEVICES[n][0]] for n in names], dtype=np.int16),
        acquisition_date=np.array([DEVICES[n][1] for n in names], dtype="datetime64[D]"),
        sensitive=np.array([DEVICES[n][2] for n in names]),
        event_row=np.array(ev_row, dtype=np.int64),
        event_date=np.array(ev_date, dtype="datetime64[D]"),
        event_kind=np.array(ev_kind, dtype=np.int8),
        transfer_row=np.array(t_row, dtype=np.int64),
        transfer_date=np.array(t_date, dtype="datetime64[D]"),
        transfer_channel=np.array(t_chan, dtype=object),
        transfer_proven=np.array(t_proven, dtype=bool),
    )


def check_2025(result: rr.ReuseRate) -> None:
    # B: D1, D2, D9, D10, D11, D14, D15 (D8 came back, D7 left in 2024, D12 retired on
    # 1 January).
    assert result.b == 7
    # A: D1 donated, D3 sold with proof (retired during the year), D10 taken back with
    # proof; D14, sold without proof, does not count.
    assert result.a == 3
    assert result.a_by_channel == {"donate_association": 1, "sell": 1, "take_back": 1}
    # A split: held on 1 January (D1, D10) and retired during the year (D3).
    assert (result.a_from_stock, result.a_retired_in_year) == (2, 1)
    assert result.rate_pct == pytest.approx(300 / 7)
    assert result.target_pct == 50
    assert result.met is False
    assert result.pending_proof == 2  # D9 taken back, D14 sold: no proof yet
    # D6, a printer of unknown size: taken as large equipment (the policy's default)
    assert result.excluded == {
        "category": 0,
        "size": 1,
        "sensitive": 1,
        "age_unknown": 0,
        "too_old": 1,
    }


def test_reuse_rate_2025_on_a_hand_built_history() -> None:
    check_2025(rr.compute_reuse_rate(history(), POLICY, 2025))


def test_reuse_rate_2024_and_a_year_without_stock() -> None:
    r2024 = rr.compute_reuse_rate(history(), POLICY, 2024)
    # Held on 1 January 2024: D7 only (retired 2023); sent in 2024: D7 transferred.
    assert (r2024.a, r2024.b, r2024.target_pct) == (1, 1, 35)
    assert r2024.rate_pct == pytest.approx(100.0)
    r2023 = rr.compute_reuse_rate(history(), POLICY, 2023)
    assert r2023.b == 0 and r2023.rate_pct is None and r2023.met is None


# -- the same history, recorded in the database ----------------------------------------


def _seed(engine: Engine) -> None:
    add_devices(
        engine,
        *[
            {
                "asset_tag": name,
                "category": cat,
                "acquisition_date": acq,
                "sensitive_data": sens,
                "status": "gone"
                if transfers
                else ("in_service" if name in ("D8", "D13") else "retired"),
            }
            for name, (cat, acq, sens, _ev, transfers) in DEVICES.items()
        ],
    )
    noon = dt.time(12, 0, tzinfo=dt.UTC)
    with db.session_scope(engine) as s:
        s.add(
            Lot(
                code="TB-PROVEN",
                channel="take_back",
                recipient_name="ecosystem",
                recipient_kind="eco_organisme",
                status="closed",
                commitment_ref="C1",
                proof_of_reuse_ref="P1",
            )
        )
        s.add(
            Lot(
                code="TB-NO-PROOF",
                channel="take_back",
                recipient_name="Soren",
                recipient_kind="eco_organisme",
                status="closed",
                commitment_ref="C2",
            )
        )
        for name, (_c, _a, _s, events, transfers) in DEVICES.items():
            dev = repository.get_device(session=s, asset_tag=name)
            for day, kind in events:
                if kind == "retire":
                    repository.add_event(
                        session=s,
                        device_id=dev.id,
                        kind="retired",
                        actor="t",
                        date=dt.datetime.combine(day, noon),
                    )
                else:  # back in service, as an edit records it
                    repository.add_event(
                        session=s,
                        device_id=dev.id,
                        kind="updated",
                        actor="t",
                        details={"changes": {"status": ["retired", "in_service"]}},
                        date=dt.datetime.combine(day, noon),
                    )
            for day, channel, proven in transfers:
                lot = None
                if channel in ("take_back", "sell"):
                    lot = "TB-PROVEN" if proven else "TB-NO-PROOF"
                repository.add_event(
                    session=s,
                    device_id=dev.id,
                    kind="transferred",
                    actor="t",
                    details={"channel": channel, "lot": lot, "recipient_kind": "association"},
                    date=dt.datetime.combine(day, noon),
                )


def test_reuse_rate_from_recorded_history(engine: Engine) -> None:
    _seed(engine)
    check_2025(reuse.reuse_rate(make_app(engine), 2025))
    # without a year: the year of the application's today
    assert reuse.reuse_rate(make_app(engine, D(2025, 6, 30))) == reuse.reuse_rate(
        make_app(engine), 2025
    )


def test_imported_devices_count_from_their_retirement_date(engine: Engine) -> None:
    add_devices(
        engine,
        {
            "asset_tag": "IMP-1",
            "status": "retired",
            "retirement_date": D(2024, 3, 1),
            "acquisition_date": D(2020, 1, 1),
        },
        {
            "asset_tag": "IMP-2",
            "status": "gone",
            "retirement_date": D(2024, 3, 1),
            "acquisition_date": D(2020, 1, 1),
        },
        {"asset_tag": "IMP-3", "status": "retired", "acquisition_date": D(2020, 1, 1)},
    )
    result = reuse.reuse_rate(make_app(engine), 2025)
    assert result.b == 1  # IMP-1; IMP-2 left (date unknown: at retirement); IMP-3 undated
    assert result.undated_retired == 1


def test_a_closed_lot_counts_in_the_year_it_was_handed_over(engine: Engine) -> None:
    add_devices(
        engine,
        {
            "asset_tag": "R1",
            "cpu_generation": 3,
            "status": "in_service",
            "acquisition_date": D(2021, 5, 1),
        },
    )
    app = make_app(engine, D(2025, 2, 1))
    with db.session_scope(engine) as s:  # one transaction
        reuse.record_erasure(
            app,
            "R1",
            ErasureInput(
                "cryptographic_erase",
                "purge",
                "tool",
                "op",
                D(2025, 2, 1),
                True,
                encrypted_from_install=True,
            ),
            session=s,
        )
        code = lots.create(
            app,
            channel="transfer",
            recipient_name="Mairie",
            recipient_kind="public_body",
            session=s,
        )
        # a lot takes only devices out of service: the decision retires it first
        reuse.override(app, "R1", "transfer", "offered to the mairie", on=D(2025, 2, 3), session=s)
        lots.add(app, code, ["R1"], on=D(2025, 2, 3), session=s)
        lots.close(app, code, on=D(2025, 3, 1), session=s)
    r = reuse.reuse_rate(app, 2025)
    assert (r.a, r.b, r.a_by_channel) == (1, 0, {"transfer": 1})
    r = reuse.reuse_rate(app, 2026)
    assert (r.a, r.b) == (0, 0)
