"""Every figure of the report's JSON on the seven-device fleet, worked out by hand.

The fleet (tests/seeding.py, REPORT_DEVICES), report of 2025 produced on 15 June 2026:
L1, L2 Dell laptops retired and gone (L1 donated in 2025, L2 recycled in 2025), L3
(refurbished, 400 EUR) and L4 (new, 1,200 EUR, broken) Lenovo laptops in service at the
CDAS (5 agents), P1 a smartphone in stock (300 EUR), M1 a monitor retired in 2024 and
still held, D1 a leased desktop in repair with no site. HQ has 10 agents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sobriety.app import report
from sobriety.domain.carbon.factors import DAYS_PER_YEAR

YEAR = 2025


@pytest.fixture
def fig(report_app):
    return report.report_figures(report_app, YEAR)


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / DAYS_PER_YEAR


def test_outflows_reuse_rate_weee_and_erasures(fig) -> None:
    out = fig["outflows"]
    # Transfers of 2025: L1 donated, L2 recycled.
    assert out["devices"] == 2
    assert {c["key"]: c["devices"] for c in out["by_channel"]} == {
        "donate_association": 1, "recycle": 1,
    }  # fmt: skip
    # B: in-scope retired devices held on 1 January 2025 = M1 (2024-06-01) and L1
    # (2024-12-15); A: L1's donation (recycling does not count) -> 1 / 2 = 50 %.
    rr = out["reuse_rate"]
    assert (rr["a"], rr["b"], rr["rate_pct"], rr["target_pct"], rr["met"]) == (
        1,
        2,
        50.0,
        50.0,
        True,
    )
    assert rr["a_by_channel"] == [{"key": "donate_association", "label": "Donate (assoc.)",
                                   "devices": 1}]  # fmt: skip
    assert rr["excluded"] == {
        "category": 0,
        "sensitive": 0,
        "age_unknown": 0,
        "too_old": 0,
        "size": 0,
    }
    # WEEE: L2 recycled, 2.5 kg recorded -> 0.0025 t.
    assert out["weee_tonnes"] == pytest.approx(0.0025)
    # Erasures of 2025 (M1's of 2024 left out).
    by = {e["method"]: e["levels"] for e in out["erasures"]["by_method"]}
    assert by == {
        "cryptographic_erase": {"clear": 0, "purge": 1, "destroy": 0},
        "overwrite": {"clear": 1, "purge": 0, "destroy": 0},
    }
    assert out["erasures"]["total"] == 2


def test_fleet_state_stock_failures_and_age_pyramid(fig) -> None:
    f = fig["fleet"]
    # Held: L3, L4 (CDAS laptops), P1 (HQ smartphone), D1 (desktop, no site).
    assert f["devices"] == 4
    assert [c["key"] for c in f["categories"]] == ["laptop", "desktop", "smartphone"]
    assert [k["key"] for k in f["site_kinds"]] == ["head_office", "cdas", "-"]
    assert f["matrix"] == [[0, 2, 0], [0, 0, 1], [1, 0, 0]]
    assert f["per_agent"] == {"devices_in_service": 2, "agents": 15.0, "ratio": 2 / 15}
    # Stock: P1 of 4 held = 25 %; in stock since its acquisition (no history): 410 days.
    s = f["stock"]
    assert (s["in_stock"], s["active"], s["rate_pct"]) == (1, 4, 25.0)
    assert s["mean_days"] == (dt.date(2026, 6, 15) - dt.date(2025, 5, 1)).days == 410
    assert s["over_one_year"] == 1
    # Failures: L4 broken (1 of 2 ThinkPads), D1 in repair (1 of 1 ProDesk).
    assert f["failures"]["models"] == [
        {"model": "Lenovo ThinkPad T14", "devices": 2, "failing": 1, "rate_pct": 50.0},
        {"model": "HP ProDesk 400 G7", "devices": 1, "failing": 1, "rate_pct": 100.0},
    ]
    # Ages on 15 June 2026: L3 1.4, L4 1.3, P1 1.1 (band 1-2), D1 5.5 (band 5-6).
    series = {s["key"]: s["counts"] for s in f["age_pyramid"]["series"]}
    assert series["laptop"][1] == 2 and sum(series["laptop"]) == 2
    assert series["smartphone"][1] == 1 and series["desktop"][5] == 1


def test_lifespans_purchases_and_indicators(fig) -> None:
    age_l2 = _years(dt.date(2020, 1, 1), dt.date(2025, 7, 2))  # the only 2025 retirement
    life = fig["lifespans"]
    assert life["retired"] == 1 and life["mean_age_years"] == pytest.approx(age_l2)
    laptop = next(r for r in life["by_category"] if r["key"] == "laptop")
    assert laptop["target_years"] == 6.0 and laptop["meets"] is False
    assert life["by_model"] == [
        {"model": "Dell Latitude 5420", "retired": 1, "mean_age_years": pytest.approx(age_l2)}
    ]
    # Purchases 2025: L3 400 (refurbished) + L4 1,200 + P1 300; D1 is leased (2021 anyway).
    p = fig["purchases"]["years"][-1]
    assert (p["devices"], p["second_hand_devices"], p["spend_eur"], p["second_hand_eur"]) == (
        3, 1, 1900.0, 400.0,
    )  # fmt: skip
    assert p["share_pct"] == pytest.approx(400 / 1900 * 100) and p["target_pct"] == 20.0
    ind = fig["indicators"]
    assert ind["reuse_rate_pct"] == 50.0
    assert ind["refurbished_purchase_share_pct"] == pytest.approx(400 / 1900 * 100)
    assert ind["retirement_age_years:laptop"] == pytest.approx(age_l2)
    assert ind["stock_rate_pct"] == 25.0
    assert ind["weee_tonnes"] == pytest.approx(0.0025)
    assert ind["tco2e_per_agent"] == pytest.approx(ind["tco2e"] / 15)


def test_carbon_phases_by_hand(fig, report_app) -> None:
    fs = report_app.factors
    lap, phone = fs.categories["laptop"], fs.categories["smartphone"]
    refurb = fs.refurbished_share("laptop").value
    acq = {p["key"]: p for p in fig["carbon"]["modes"]["acquisition"]["by_phase"]}
    # Acquisition year: embodied of the three devices bought in 2025 (L3 refurbished).
    manuf = lap.manufacturing.value * (refurb + 1) + phone.manufacturing.value
    assert acq["manufacturing"]["value"] == pytest.approx(manuf / 1000)
    dist = 2 * lap.distribution.value + phone.distribution.value
    assert acq["distribution"]["value"] == pytest.approx(dist / 1000)
    # End of life in the year of retirement: L2 only.
    assert acq["end_of_life"]["value"] == pytest.approx(lap.end_of_life.value / 1000)
    # Amortised: each device's share of 2025 over its planned lifespan.
    am = {p["key"]: p for p in fig["carbon"]["modes"]["amortised"]["by_phase"]}
    life = lap.lifespan.value * DAYS_PER_YEAR
    jan1, next1 = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    # The amortisation period is fixed at entry (the planned life): L2, bought on
    # 1 January 2020, was fully amortised before 2025 and adds nothing at its retirement.
    l2 = max(0.0, (dt.date(2020, 1, 1) - jan1).days + life) / life
    assert l2 == 0.0
    l3 = (next1 - dt.date(2025, 2, 1)).days / life
    l4 = (next1 - dt.date(2025, 3, 1)).days / life
    p1 = (next1 - dt.date(2025, 5, 1)).days / (phone.lifespan.value * DAYS_PER_YEAR)
    d1 = 365 / (fs.categories["desktop"].lifespan.value * DAYS_PER_YEAR)
    expected = (
        lap.manufacturing.value * (l2 + refurb * l3 + l4)
        + phone.manufacturing.value * p1
        + fs.categories["desktop"].manufacturing.value * d1
    )
    assert am["manufacturing"]["value"] == pytest.approx(expected / 1000)
    for key, mode in fig["carbon"]["modes"].items():
        total = mode["total"]
        # Acquisition mode: the total is cradle to gate (manufacturing and distribution,
        # scope 3 cat. 2); use (scope 2) and end of life (scope 3 cat. 5) are shown apart.
        gate = ("manufacturing", "distribution")
        counted = [p for p in mode["by_phase"] if key == "amortised" or p["key"] in gate]
        assert total["value"] == pytest.approx(sum(p["value"] for p in counted))
        assert total["low"] <= total["value"] <= total["high"]
        assert mode["per_agent"]["value"] == pytest.approx(total["value"] / 15)
        cats = sum(r["value"] for r in mode["by_category"])
        assert cats == pytest.approx(total["value"])
    # Avoided emissions apart: L1's donation only (recycling avoids none), never subtracted.
    av = fig["carbon"]["avoided"]
    assert [c["key"] for c in av["by_channel"]] == ["donate_association"]
    subst = fs.channels["donate_association"].substitution.value
    assert av["total"]["value"] == pytest.approx(
        lap.manufacturing.value * (1 - refurb) * subst / 1000
    )
    assert fig["key_figures"][2]["value"] == pytest.approx(
        fig["carbon"]["modes"]["amortised"]["total"]["value"]
    )
    # Grid series: France, 2021-2025 (the sites are French).
    grid = fig["carbon"]["grid"]
    assert [g["zone"] for g in grid] == ["FR"]
    assert [p["year"] for p in grid[0]["points"]] == [2021, 2022, 2023, 2024, 2025]
    assert "Climate only" in fig["carbon"]["caveat"]


def test_key_figures_compare_with_the_previous_year(fig) -> None:
    keys = {k["id"]: k for k in fig["key_figures"]}
    assert keys["devices"]["value"] == 4
    # 2024 recomputed from today's data (no published report): no retirement age in
    # 2024 except L1 (5.96 years) and M1 (6.4 years); WEEE 0.
    age = keys["retirement_age_years"]
    l1 = _years(dt.date(2019, 1, 1), dt.date(2024, 12, 15))
    m1 = _years(dt.date(2018, 1, 1), dt.date(2024, 6, 1))
    assert age["previous"] == pytest.approx((l1 + m1) / 2)
    assert age["previous_origin"] == "recomputed"
    assert age["change"] == pytest.approx(age["value"] - age["previous"])
    assert keys["weee_tonnes"]["previous"] == 0.0


def test_what_if_and_methodology(fig) -> None:
    w = fig["what_if"]
    assert [c["key"] for c in w["categories"]] == ["laptop", "smartphone"]
    # L3, L4 in service and P1 in stock are laptops and smartphones still held.
    assert [s["devices_in_scope"] for s in w["scenarios"]] == [3, 3]
    for s in w["scenarios"]:
        assert s["per_year"]["value"] == pytest.approx(s["total"]["value"] / w["horizon"])
    m = fig["methodology"]
    assert {s["id"] for s in m["sources"]} >= {"ademe_arcep_2022", "ademe_base_carbone_v23_6"}
    assert all(s["licence"] for s in m["sources"])
    assert "straight line" in m["on_track_rule"]


def test_a_year_without_data_says_so_and_writes_nothing(report_app, tmp_path) -> None:
    with pytest.raises(report.NoDataError, match="no data for 2012"):
        report.write_report(report_app, 2012, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    from sobriety.storage.report_data import snapshot_years

    assert snapshot_years(report_app.engine) == []
