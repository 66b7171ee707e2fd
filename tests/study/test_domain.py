"""The study's domain rules on hand-made arrays: generalisation steps, the forecast."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from sobriety.domain.study import anonymise as an
from sobriety.domain.study import forecast as fc


def _obj(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _columns(rows: list[tuple]) -> dict[str, np.ndarray]:
    return {name: _obj([r[i] for r in rows]) for i, name in enumerate(an.QUASI_IDENTIFIERS)}


BASE = ("laptop", "Dell", "Latitude 5420", "4-6", "working", "sell", "college", "35238")


def _with(**changes) -> tuple:
    values = dict(zip(an.QUASI_IDENTIFIERS, BASE, strict=True))
    values.update(changes)
    return tuple(values[n] for n in an.QUASI_IDENTIFIERS)


def test_age_bands() -> None:
    bands = an.age_bands(np.array([0.0, 1.99, 2.0, 5.5, 9.99, 10.0, 14.0, np.nan]))
    assert bands.tolist() == ["0-2", "0-2", "2-4", "4-6", "8-10", "10+", "10+", ""]


def test_departement_codes() -> None:
    got = an.departement(_obj(["35238", "97411", "2A004", "", None]))
    assert got.tolist() == ["35", "974", "2A", "", ""]


def test_only_rare_rows_are_generalised_one_step_at_a_time() -> None:
    rows = [BASE] * 5
    rows += [_with(model="Latitude 7420")] * 2 + [_with(model="Latitude 3420")] * 3  # step 1
    rows += [_with(model="X1", manufacturer="Lenovo", commune="35047")] * 2  # -> 35 ...
    rows += [_with(model="X1", manufacturer="Lenovo", commune="35115")] * 3  # ... together
    rows += [_with(category="tablet")]  # alone to the end: left out
    out = an.generalise(_columns(rows), k=5)
    s = out.summary()
    assert s["rows_in"] == 16 and s["rows_out"] == 15 and s["suppressed"] == 1
    assert s["model_generalised"] == 11  # every row outside the first group
    assert s["commune_generalised"] == 6  # the Lenovos (5) and the tablet
    assert s["manufacturer_generalised"] == 1
    got = collections.Counter(
        zip(out.columns["manufacturer"], out.columns["model"], out.columns["commune"], strict=True)
    )
    assert got == {
        ("Dell", "Latitude 5420", "35238"): 5,
        ("Dell", "", "35238"): 5,
        ("Lenovo", "", "35"): 5,
    }
    assert len(set(out.group.tolist())) == 3


def test_output_is_k_anonymous_on_random_rows() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    cols = {
        name: _obj([f"{name}{v}" for v in rng.integers(0, size, n)])
        for name, size in zip(an.QUASI_IDENTIFIERS, (4, 6, 40, 6, 3, 5, 4, 30), strict=True)
    }
    cols["age_band"] = _obj([an.AGE_BANDS[v] for v in rng.integers(0, 6, n)])
    cols["commune"] = _obj([f"35{v:03d}" for v in rng.integers(0, 30, n)])
    for k in (2, 5, 10):
        out = an.generalise(cols, k=k)
        assert an.smallest_group(out.columns) >= k
        assert len(out.kept) + out.suppressed == n


def test_group_means_keep_sums() -> None:
    group = np.array([0, 0, 1, 1, 1])
    values = np.array([1.0, 3.0, 2.0, np.nan, 4.0])
    got = an.group_means(group, values)
    assert got.tolist() == [2.0, 2.0, 3.0, 3.0, 3.0]


# ---------------------------------------------------------------- forecast

D = 365.25


def _days(y: int, m: int, d: int) -> float:
    return float(
        (np.datetime64(f"{y:04d}-{m:02d}-{d:02d}") - np.datetime64("1970-01-01")).astype(int)
    )


def test_forecast_against_a_hand_computed_fixture() -> None:
    """Six devices, first year 2027, spread 20 %.

    A laptop, working, bought 2022-06-01, lifespan 5 y: leaves 2027-06 (central); 4 y: 2026-06,
      overdue, so 2027 (low scenario); 6 y: 2028-06 (high scenario).
    B laptop, broken: 2027 in every scenario.
    C monitor, degraded, retired awaiting a decision: 2027.
    D monitor, working, bought 2020-01-01, lifespan 10 y capped by the policy at 8 y: 2028-01-01
      in every scenario (10 x 0.8 = 8 and 10 x 1.2 = 12 are capped at 8 too).
    E laptop with no acquisition date: left out, counted as undated.
    F laptop, working, bought 2026-03-01, lifespan 3 y (3 x 365.25 days): 2029-02 (central),
      2.4 y: 2028-07 (low), 3.6 y: 2029-10 (high).
    Working laptops leave in the mix of past laptop departures: 2 working, 1 degraded,
    1 broken -> 1/2, 1/4, 1/4. No monitor left in the past: working monitors stay working.
    """
    cats = ("laptop", "monitor")
    W, G, B = 0, 1, 2  # working, degraded, broken
    held = fc.HeldFleet(
        categories=cats,
        category=np.array([0, 0, 1, 1, 0, 0]),
        condition=np.array([W, B, G, W, W, W]),
        acquired=np.array(
            [
                _days(2022, 6, 1),
                _days(2023, 1, 1),
                _days(2024, 1, 1),
                _days(2020, 1, 1),
                np.nan,
                _days(2026, 3, 1),
            ]
        ),
        lifespan_days=np.array([5 * D, 5 * D, 6 * D, 10 * D, 5 * D, 3 * D]),
        max_age_days=np.array([10 * D, 10 * D, 8 * D, 8 * D, 10 * D, 10 * D]),
        leaving_now=np.array([False, False, True, False, False, False]),
        weight_kg=np.array([2.0, 1.0, 5.0, 10.0, 3.0, 0.5]),
    )
    mix = fc.condition_mix(np.array([0, 0, 0, 0]), np.array([W, W, G, B]), 2)
    assert mix.tolist() == [[0.5, 0.25, 0.25], [1.0, 0.0, 0.0]]
    got = fc.forecast(held, mix, 2027, spread=0.2)
    assert got.years == (2027, 2028, 2029, 2030, 2031)
    assert got.undated == 1
    y27, y28, y29 = 0, 1, 2
    lap, mon = 0, 1
    # Central scenario.
    assert got.devices[y27, lap].tolist() == [0.5, 0.25, 1.25]  # A in the mix + B broken
    assert got.devices[y27, mon].tolist() == [0.0, 1.0, 0.0]  # C
    assert got.devices[y28, mon].tolist() == [1.0, 0.0, 0.0]  # D
    assert got.devices[y29, lap].tolist() == [0.5, 0.25, 0.25]  # F
    assert got.devices.sum() == pytest.approx(5.0)
    assert got.devices[3:].sum() == 0
    # Bounds: per year and cell, the lowest and highest of the three scenarios.
    #   2027 laptop working: central 0.5 (A), low scenario 0.5 (A), high scenario 0 (A in 2028).
    assert got.devices_low[y27, lap, W] == 0.0 and got.devices_high[y27, lap, W] == 0.5
    #   2028 laptop working: central 0, low scenario 0.5 (F), high scenario 0.5 (A).
    assert got.devices_low[y28, lap, W] == 0.0 and got.devices_high[y28, lap, W] == 0.5
    #   2029 laptop working: central 0.5 (F), low 0 (F in 2028), high 0.5 (F).
    assert got.devices_low[y29, lap, W] == 0.0 and got.devices_high[y29, lap, W] == 0.5
    #   D is capped at 8 years in every scenario: 2028 for sure.
    assert got.devices_low[y28, mon, W] == 1.0 == got.devices_high[y28, mon, W]
    # Tonnes: the same shares of each device's mass.
    assert got.tonnes[y27, lap].tolist() == pytest.approx([0.001, 0.0005, 0.0005 + 0.001])
    assert got.tonnes[y27, mon, G] == pytest.approx(0.005)
    assert got.tonnes[y28, mon, W] == pytest.approx(0.010)
    assert got.tonnes[y29, lap].tolist() == pytest.approx([0.00025, 0.000125, 0.000125])
    rows = got.rows()
    assert {(r["year"], r["category"], r["condition"]) for r in rows} >= {
        (2027, "laptop", "broken"),
        (2028, "monitor", "working"),
    }
