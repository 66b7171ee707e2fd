"""The lifecycle engine against hand-worked examples from the shipped factor files.

Figures used (data/emission_factors): laptop 170.3 / 12.3 / 2.8 kgCO2e
(manufacturing / distribution / end of life), 5 years, 18.78 kWh/year;
smartphone 83 / 2.1 / 0.2, refurbished share 13 %; desktop hours 2630 h/year;
grid: the Ember / OWID series (January 2026 release; the engine's year-by-year
integral needs a yearly series), FR 2020-2025: 59.08, 59.8, 78.54, 53.26,
40.48, 41.44 gCO2e/kWh; EU 2024: 211.2 gCO2e/kWh.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import breakdown, by_year, estimate_fleet
from sobriety.domain.carbon.factors import FactorSet

D = dt.date
AS_OF = D(2025, 6, 30)
FR = {2020: 59.08, 2021: 59.8, 2022: 78.54, 2023: 53.26, 2024: 40.48, 2025: 41.44}
SITES = carbon.SiteTable(
    codes=["HQ", "CDAS1", "DE1"],
    names=["Head office", "CDAS 1", "Berlin"],
    kinds=["head_office", "cdas", "other"],
    countries=["FR", "FR", "DE"],
    agents=np.array([100.0, 20.0, np.nan]),
)


@pytest.fixture(scope="module")
def factor_set(factor_set: FactorSet) -> FactorSet:
    """The shipped set with its yearly series (Ember / OWID)."""
    return factor_set.with_grid_series("ember_owid")


def fleet(fs: FactorSet, **columns) -> carbon.CarbonFleet:
    columns.setdefault("site", [0] * len(columns["category"]))
    return carbon.CarbonFleet.from_values(fs, sites=SITES, **columns)


def share(fs, fl, year, mode="amortised", **kw) -> np.ndarray:
    terms = carbon.resolve(fl, fs, as_of=AS_OF, **kw)
    return carbon.year_share(terms, fs, year, mode)


def days(a: D, b: D) -> int:
    return (b - a).days


def test_amortised_year_of_a_new_laptop(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["laptop"], acquired=[D(2020, 1, 1)])
    s = share(factor_set, fl, 2024)[:, 0, 0]
    # Embodied spread over 5 years (1826.25 days); 2024 holds the last 365.25 of them.
    assert s[0] == pytest.approx(170.3 / 5)
    assert s[1] == pytest.approx(12.3 / 5)
    assert s[3] == pytest.approx(2.8 / 5)
    # Use: 18.78 kWh/year x 40.48 gCO2e/kWh x 366 days of 2024 / 365.25.
    assert s[2] == pytest.approx(18.78 * 0.04048 * 366 / 365.25)
    # The sixth year carries no embodied share any more, only use.
    s2025 = share(factor_set, fl, 2025)[:, 0, 0]
    assert s2025[0] == pytest.approx(0.0, abs=1e-9)
    assert s2025[2] == pytest.approx(18.78 * 0.04144 * 365 / 365.25)


def test_lifetime_uses_each_years_grid_intensity(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["laptop"], acquired=[D(2020, 1, 1)])
    terms = carbon.resolve(fl, factor_set, as_of=AS_OF)
    life = carbon.lifetime(terms, factor_set)[:, 0, 0]
    # Still in service after 5.5 years: use counted to the state date (2025-06-30).
    in_year = {
        2020: 366,
        2021: 365,
        2022: 365,
        2023: 365,
        2024: 366,
        2025: days(D(2025, 1, 1), AS_OF),
    }
    expected_use = sum(18.78 * FR[y] / 1000 * n / 365.25 for y, n in in_year.items())
    assert life[2] == pytest.approx(expected_use)
    assert life[[0, 1, 3]] == pytest.approx([170.3, 12.3, 2.8])
    totals = carbon.lifetime_totals(terms, factor_set)
    assert totals == pytest.approx(carbon.lifetime(terms, factor_set).sum(axis=2))


def test_a_device_in_service_across_years_gets_each_year_in_turn(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["laptop"], acquired=[D(2022, 7, 1)])
    s = share(factor_set, fl, 2022)[:, 0, 0]
    assert s[2] == pytest.approx(18.78 * 0.07854 * 184 / 365.25)  # 1 July - 31 December
    assert s[0] == pytest.approx(170.3 * 184 / (5 * 365.25))


def test_acquisition_mode_counts_embodied_in_the_purchase_year(factor_set: FactorSet) -> None:
    fl = fleet(
        factor_set,
        category=["laptop", "laptop"],
        acquired=[D(2020, 1, 1), D(2019, 3, 1)],
        retired=[None, D(2024, 6, 30)],
        status=["in_service", "retired"],
    )
    s2020 = share(factor_set, fl, 2020, "acquisition")[:, 0, :]
    assert s2020[0] == pytest.approx([170.3, 0.0])
    assert s2020[1] == pytest.approx([12.3, 0.0])
    assert s2020[3] == pytest.approx([0.0, 0.0])
    s2024 = share(factor_set, fl, 2024, "acquisition")[:, 0, :]
    assert s2024[0] == pytest.approx([0.0, 0.0])
    assert s2024[3] == pytest.approx([0.0, 2.8])  # end of life in the retirement year
    assert s2024[2, 1] == pytest.approx(18.78 * 0.04048 * 181 / 365.25)  # used until 30 June


def test_amortised_years_already_reported_do_not_change_when_a_device_is_retired(
    factor_set: FactorSet,
) -> None:
    """The amortisation period is fixed at entry (5 years for a laptop): a later
    retirement leaves every earlier year as published, and the retirement year
    takes what is left (issue 13). Before: the period became the real life
    (5 years 4 months) and 2019-2023 all changed after the fact."""
    acquired, retired = D(2019, 3, 1), D(2023, 6, 30)
    held = fleet(factor_set, category=["laptop"], acquired=[acquired])
    gone = fleet(
        factor_set, category=["laptop"], acquired=[acquired], retired=[retired], status=["gone"]
    )
    period = 5 * 365.25
    for year in (2019, 2020, 2021, 2022):
        published = share(factor_set, held, year)[[0, 1, 3], 0, 0]
        assert share(factor_set, gone, year)[[0, 1, 3], 0, 0] == pytest.approx(published)
    # 2023 takes the rest of the period: from 1 January 2023 to its end (1 March 2024 less).
    rest = acquired.toordinal() + period - D(2023, 1, 1).toordinal()
    assert share(factor_set, gone, 2023)[0, 0, 0] == pytest.approx(170.3 * rest / period)
    assert share(factor_set, gone, 2024)[:, 0, 0] == pytest.approx([0, 0, 0, 0])
    total = sum(share(factor_set, gone, y)[0, 0, 0] for y in range(2019, 2026))
    assert total == pytest.approx(170.3)  # fully amortised, no more, no less


def test_a_device_kept_past_its_period_is_amortised_over_the_period_only(
    factor_set: FactorSet,
) -> None:
    fl = fleet(
        factor_set,
        category=["laptop"],
        acquired=[D(2016, 1, 1)],
        retired=[D(2024, 6, 30)],
        status=["gone"],
    )
    assert sum(share(factor_set, fl, y)[0, 0, 0] for y in range(2016, 2025)) == pytest.approx(170.3)
    assert share(factor_set, fl, 2024)[0, 0, 0] == pytest.approx(0.0, abs=1e-9)


def test_refurbished_and_donated_acquisitions_carry_the_reduced_share(
    factor_set: FactorSet,
) -> None:
    fl = fleet(
        factor_set,
        category=["smartphone"] * 4,
        acquired=[D(2023, 1, 1)] * 4,
        acquisition_type=["new", "refurbished", "donated", "leased"],
    )
    s = share(factor_set, fl, 2023, "acquisition")
    assert s[0, 0] == pytest.approx([83, 83 * 0.13, 83 * 0.13, 83])
    assert s[0, 1] == pytest.approx([45.9, 45.9 * 0.13, 45.9 * 0.13, 45.9])  # low x low share
    assert s[0, 2] == pytest.approx([99.6, 99.6 * 0.36, 99.6 * 0.36, 99.6])
    assert s[1, 0] == pytest.approx([2.1] * 4)  # distribution is not reduced


def test_measured_power_replaces_the_yearly_energy(factor_set: FactorSet) -> None:
    fl = fleet(
        factor_set,
        category=["desktop", "desktop"],
        acquired=[D(2023, 1, 1)] * 2,
        measured_power_w=[40.0, None],
    )
    use = share(factor_set, fl, 2024)[2]  # (bound, device)
    assert use[0, 0] == pytest.approx(40 * 2630 / 1000 * 0.04048 * 366 / 365.25)
    # Its bounds follow the hours of use: 1,607 (working time) to 4,383 hours.
    assert use[1, 0] == pytest.approx(40 * 1607 / 1000 * 0.04048 * 0.9 * 366 / 365.25)
    assert use[2, 0] == pytest.approx(40 * 4383 / 1000 * 0.04048 * 1.1 * 366 / 365.25)
    assert use[0, 1] == pytest.approx(56.55 * 0.04048 * 366 / 365.25)


def test_per_model_factors_beat_the_category_phase_by_phase(factor_set: FactorSet) -> None:
    models = carbon.ModelFactorTable(
        keys=["dell|latitude 5420"],
        labels=["Dell Latitude 5420"],
        origins=["user"],
        sources=["Dell PCF sheet"],
        qualities=["manufacturer"],
        manufacturing=np.array([250.0]),
        distribution=np.array([np.nan]),
        end_of_life=np.array([np.nan]),
        yearly_energy=np.array([10.0]),
        lifespan_years=np.array([4.0]),
        weight_kg=np.array([1.4]),
        uncertainty=np.array([0.2]),
    )
    fl = fleet(
        factor_set,
        category=["laptop", "laptop"],
        acquired=[D(2023, 1, 1)] * 2,
        model=[0, -1],
        weight_kg=[None, None],
        model_factors=models,
    )
    terms = carbon.resolve(fl, factor_set, as_of=AS_OF)
    assert terms.manufacturing[:, 0] == pytest.approx([250, 200, 300])
    assert terms.manufacturing[:, 1] == pytest.approx([170.3, 136.2, 281.4])
    assert terms.distribution[:, 0] == pytest.approx([12.3, 6.2, 18.5])  # category default
    # No uncertainty on yearly energy? The model's value scaled by the category's spread.
    assert terms.energy[0, 0] == pytest.approx(10.0)
    assert terms.amortisation_days[0] == pytest.approx(4 * 365.25)
    assert terms.weight_kg == pytest.approx([1.4, 1.65])
    assert terms.from_model.tolist() == [True, False]


def test_grid_zone_per_site_with_fallback_and_global_override(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["laptop"] * 3, acquired=[D(2023, 1, 1)] * 3, site=[0, 2, -1])
    s = share(factor_set, fl, 2024)[2, 0]
    fr = 18.78 * 0.04048 * 366 / 365.25
    eu = 18.78 * 0.2112 * 366 / 365.25
    assert s == pytest.approx([fr, eu, fr])  # DE has no series: EU; no site: default FR
    terms = carbon.resolve(fl, factor_set, as_of=AS_OF)
    assert terms.fallback_zone.tolist() == [False, True, False]
    forced = share(factor_set, fl, 2024, grid_zone="EU")[2, 0]
    assert forced == pytest.approx([eu, eu, eu])
    with pytest.raises(ValueError, match="unknown grid zone 'XX'"):
        share(factor_set, fl, 2024, grid_zone="XX")


def test_an_undated_device_is_assumed_half_way_and_said_so(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["monitor"], acquired=[None])
    est = estimate_fleet(fl, factor_set, year=2024, as_of=AS_OF)
    assert est.terms.assumed_start.tolist() == [True]
    assert est.share[0, 0, 0] == pytest.approx(64.6 * 366 / (6 * 365.25))
    assert any("no acquisition date" in n for n in est.notes)


def test_bounds_are_ordered_for_every_device_and_phase(factor_set: FactorSet) -> None:
    rng = np.random.default_rng(3)
    n = 500
    cats = rng.choice(factor_set.category_order, n)
    acquired = [D(2015, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 3600, n)]
    fl = fleet(
        factor_set,
        category=list(cats),
        acquired=acquired,
        acquisition_type=list(rng.choice(["new", "refurbished", "donated", "leased"], n)),
        site=list(rng.integers(-1, 3, n)),
    )
    for mode in carbon.MODES:
        s = share(factor_set, fl, 2024, mode)
        assert (s[:, 1, :] <= s[:, 0, :] + 1e-9).all() and (s[:, 0, :] <= s[:, 2, :] + 1e-9).all()
        assert (s >= 0).all()


def test_breakdowns_add_up_to_the_total_and_give_per_agent_figures(
    factor_set: FactorSet,
) -> None:
    fl = fleet(
        factor_set,
        category=["laptop", "laptop", "smartphone", "switch", "monitor"],
        acquired=[D(2021, 1, 1), D(2022, 5, 1), D(2023, 2, 1), D(2020, 1, 1), D(2019, 1, 1)],
        site=[0, 1, 1, 0, -1],
        weight_kg=[2.0, None, None, None, None],
        status=["in_service", "in_service", "in_service", "in_service", "gone"],
        retired=[None, None, None, None, D(2024, 3, 1)],
    )
    est = estimate_fleet(fl, factor_set, year=2024, as_of=AS_OF)
    total = est.total
    for by in ("category", "site", "site-kind", "phase"):
        rows = breakdown(est, factor_set, by)
        assert np.sum([r.total for r in rows], axis=0) == pytest.approx(total), by
    sites = {r.key: r for r in breakdown(est, factor_set, "site")}
    assert sites["HQ"].agents == 100 and sites["CDAS1"].agents == 20
    assert sites["HQ"].per_agent[0] == pytest.approx(sites["HQ"].total[0] / 100)
    assert sites["-"].devices == 1  # the monitor without a site, gone in 2024
    kinds = {r.key: r for r in breakdown(est, factor_set, "site-kind")}
    assert kinds["cdas"].total == pytest.approx(sites["CDAS1"].total)
    cats = {r.key: r for r in breakdown(est, factor_set, "category")}
    assert cats["laptop"].devices == 2
    assert cats["laptop"].weight_kg == pytest.approx(2.0 + 1.65)  # device weight beats default
    assert cats["monitor"].weight_kg == 0.0  # gone: no longer WEEE we hold
    assert est.weee_kg["held"] == pytest.approx(2.0 + 1.65 + 0.17 + 4.0)
    assert est.agents == 120
    years = by_year(fl, factor_set, range(2019, 2026), as_of=AS_OF)
    assert [r.key for r in years] == [str(y) for y in range(2019, 2026)]
    assert years[5].total == pytest.approx(total)


def test_group_sum_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(1)
    values = rng.random((4, 3, 1000))
    keys = rng.integers(-1, 7, 1000)
    out = carbon.group_sum(values, keys, 7)
    for k in range(7):
        assert out[k] == pytest.approx(values[:, :, keys == k].sum(axis=2))


def test_unknown_mode_is_refused(factor_set: FactorSet) -> None:
    fl = fleet(factor_set, category=["laptop"], acquired=[D(2020, 1, 1)])
    with pytest.raises(ValueError, match="unknown accounting mode 'cash'"):
        share(factor_set, fl, 2024, "cash")
