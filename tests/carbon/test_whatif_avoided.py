"""Lifespan what-if and avoided emissions of reuse, against hand-worked examples."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.avoided import (
    avoided_emissions,
    avoided_emissions_bounds,
    channel_factors,
    explain_avoided,
)
from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.carbon.whatif import lifespan_what_if

D = dt.date
SITES = carbon.SiteTable(
    codes=["C1", "HQ"],
    names=["Collège 1", "Head office"],
    kinds=["college", "head_office"],
    countries=["FR", "FR"],
    agents=np.array([40.0, 300.0]),
)
LAPTOP_EMBODIED = 170.3 + 12.3 + 2.8  # a new laptop: manufacturing + distribution + end of life


def test_keeping_a_cohort_two_years_longer_defers_then_avoids(factor_set: FactorSet) -> None:
    fl = carbon.CarbonFleet.from_values(
        factor_set,
        category=["laptop"] * 10,
        acquired=[D(2021, 1, 1)] * 10,
        purchase_price_eur=[900.0] * 5 + [None] * 5,
        site=[0] * 10,
        sites=SITES,
    )
    res = lifespan_what_if(
        fl, factor_set, extra_years=2, horizon=5, start_year=2026, as_of=D(2025, 6, 1)
    )
    # 5-year lifespan: all ten are renewed in 2026 (then 2031); kept 7 years: in 2028.
    assert [y.baseline_purchases for y in res.years] == [10, 0, 0, 0, 0]
    assert [y.scenario_purchases for y in res.years] == [0, 0, 10, 0, 0]
    assert res.years[0].avoided_kgco2e[0] == pytest.approx(10 * LAPTOP_EMBODIED)
    assert res.years[2].avoided_kgco2e[0] == pytest.approx(-10 * LAPTOP_EMBODIED)
    assert res.years[0].avoided_eur == pytest.approx(10 * 900)  # unknown prices: the median
    assert res.total_kgco2e[0] == pytest.approx(0)  # over five years the purchase is only deferred
    longer = lifespan_what_if(
        fl, factor_set, extra_years=2, horizon=9, start_year=2026, as_of=D(2025, 6, 1)
    )
    assert sum(y.baseline_purchases for y in longer.years) == 20  # 2026 and 2031
    assert sum(y.scenario_purchases for y in longer.years) == 10  # 2028 (next in 2035)
    assert longer.total_kgco2e[0] == pytest.approx(10 * LAPTOP_EMBODIED)
    assert longer.per_year_kgco2e[0] == pytest.approx(10 * LAPTOP_EMBODIED / 9)
    assert longer.total_eur == pytest.approx(10 * 900)
    low, value, high = longer.total_kgco2e[1], longer.total_kgco2e[0], longer.total_kgco2e[2]
    assert low == pytest.approx(10 * (136.2 + 6.2 + 1.4)) and low < value < high


def test_a_steady_fleet_saves_at_the_expected_pace(factor_set: FactorSet) -> None:
    # 600 laptops bought evenly over 5 years: 120 a year at a 5-year pace.
    start = D(2020, 7, 1)
    acquired = [start + dt.timedelta(days=int(i * 5 * 365.25 / 600)) for i in range(600)]
    fl = carbon.CarbonFleet.from_values(
        factor_set, category=["laptop"] * 600, acquired=acquired, site=[0] * 600, sites=SITES
    )
    res = lifespan_what_if(
        fl, factor_set, extra_years=1, horizon=30, start_year=2026, as_of=D(2025, 6, 30)
    )
    assert res.devices_in_scope == 600
    assert res.observed_purchases_per_year == pytest.approx(120, abs=1)
    # Steady state: 600 / 5 - 600 / 6 = 20 purchases a year avoided.
    assert sum(y.avoided_purchases for y in res.years) / 30 == pytest.approx(20, rel=0.1)


def test_scope_by_category_and_site_kind(factor_set: FactorSet) -> None:
    fl = carbon.CarbonFleet.from_values(
        factor_set,
        category=["laptop", "laptop", "smartphone"],
        acquired=[D(2021, 1, 1)] * 3,
        site=[0, 1, 0],
        sites=SITES,
    )
    res = lifespan_what_if(
        fl,
        factor_set,
        extra_years=2,
        categories=["laptop"],
        site_kinds=["college"],
        horizon=3,
        start_year=2026,
        as_of=D(2025, 6, 1),
    )
    assert res.devices_in_scope == 1
    assert res.years[0].avoided_kgco2e[0] == pytest.approx(LAPTOP_EMBODIED)
    assert res.unpriced_devices == 1
    with pytest.raises(ValueError, match="unknown category 'laptops'"):
        lifespan_what_if(fl, factor_set, extra_years=1, categories=["laptops"])
    with pytest.raises(ValueError, match="above 0"):
        lifespan_what_if(fl, factor_set, extra_years=0)


def test_avoided_emissions_per_channel(factor_set: FactorSet) -> None:
    cats = ["smartphone", "laptop", "laptop", "laptop", "monitor"]
    chans = ["donate_association", "redeploy", "take_back", "recycle", "sell"]
    got = avoided_emissions(cats, chans, factor_set)
    assert got == pytest.approx(
        [
            83 * (1 - 0.13) * 1.0,  # refurbished smartphone -87 % (ADEME 2022)
            170.3 * (1 - 0.30),
            0.0,  # take-back: nothing without proof of reuse
            0.0,  # recycling avoids no manufacturing
            64.6 * (1 - 0.30),
        ]
    )
    bounds = avoided_emissions_bounds(cats, chans, factor_set)
    assert bounds[1, 0] == pytest.approx(45.9 * (1 - 0.36) * 0.5)
    assert bounds[2, 0] == pytest.approx(99.6 * (1 - 0.13) * 1.0)
    assert bounds[2, 2] == pytest.approx(281.4 * (1 - 0.03) * 1.0)  # take-back with proof
    assert (bounds[1] <= bounds[0]).all() and (bounds[0] <= bounds[2]).all()


def test_avoided_emissions_take_a_per_model_manufacturing(factor_set: FactorSet) -> None:
    got = avoided_emissions(
        ["laptop", "laptop"], ["sell", "sell"], factor_set,
        manufacturing_kgco2e=[250.0, np.nan],
    )  # fmt: skip
    assert got == pytest.approx([250 * 0.7, 170.3 * 0.7])


def test_channel_factor_metadata_and_explanation(factor_set: FactorSet) -> None:
    meta = channel_factors(factor_set)
    assert set(meta) == {"keep", "redeploy", "transfer", "donate_association", "donate_agent",
                         "sell", "take_back", "recycle"}  # fmt: skip
    assert meta["sell"].substitution.value == 1.0
    assert meta["sell"].source.publisher == "ADEME"
    assert meta["recycle"].source.id == "sobriety_method"
    term = explain_avoided("smartphone", "transfer", factor_set)
    assert term.result[0] == pytest.approx(83 * 0.87)
    # ADEME's reductions, applied by the project's own method (issue 13)
    assert term.refurbished_share.source == "sobriety_method"
    assert "ademe_refurb_2022" in term.refurbished_share.range_sources
    with pytest.raises(ValueError, match="unknown channel 'landfill'"):
        avoided_emissions(["laptop"], ["landfill"], factor_set)
