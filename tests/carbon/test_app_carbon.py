"""The carbon and factor use cases of :mod:`sobriety.app`: choices, grid, results' shapes."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import add_inventory, replace_in

from sobriety.app import carbon, factors
from sobriety.app.context import SettingError, Sobriety
from sobriety.domain.carbon import engine as carbon_engine
from sobriety.domain.carbon.breakdown import BY_CHOICES
from sobriety.settings import load_settings

D = dt.date
TODAY = D(2025, 6, 30)
SITES = [{"code": "HQ", "name": "Head office", "kind": "head_office", "country": "FR",
          "agents": 10}]  # fmt: skip
DEVICES = [
    {"asset_tag": "LAP-1", "category": "laptop", "manufacturer": "Dell", "model": "Latitude 5420",
     "acquisition_date": D(2022, 3, 1), "site": "HQ", "purchase_price_eur": 900.0},
    {"asset_tag": "PH-1", "category": "smartphone", "acquisition_date": D(2024, 2, 1),
     "site": "HQ"},
]  # fmt: skip


@pytest.fixture
def app(engine):
    add_inventory(engine, SITES, DEVICES)

    def make(**settings) -> Sobriety:
        return Sobriety(
            load_settings(database_url=str(engine.url), **settings),
            engine=engine,
            today=lambda: TODAY,
        )

    return make


def test_the_choices_are_those_of_the_engines() -> None:
    assert carbon.MODES == carbon_engine.MODES
    assert carbon.BY_CHOICES == BY_CHOICES


def test_bad_choices_name_the_argument(app) -> None:
    sobriety = app()
    for call, field, detail in [
        (lambda: carbon.estimate(sobriety, mode="cash"), "mode", "'cash' is not one of amortised"),
        (lambda: carbon.estimate(sobriety, by="colour"), "by", "'colour' is not one of category"),
        (lambda: carbon.estimate(sobriety, grid="xx"), "grid", "'xx' is not one of FR, EU"),
        (lambda: carbon.what_if(sobriety, extend=0), "extend", "above 0"),
        (lambda: carbon.what_if(sobriety, extend=1, horizon=31), "horizon", "between 1 and 30"),
        (lambda: carbon.what_if(sobriety, extend=1, site_kinds=["moon"]), "site-kind", "'moon'"),
    ]:
        with pytest.raises(carbon.InvalidInput) as err:
            call()
        assert err.value.field == field and detail in err.value.detail
        assert isinstance(err.value, ValueError) and str(err.value).startswith(f"{field}: ")


def test_the_grid_setting_applies_unless_an_argument_is_given(app) -> None:
    by_site = carbon.estimate(app(), year=2024, by="phase")
    eu_setting = carbon.estimate(app(grid="EU"), year=2024, by="phase")
    eu_argument = carbon.estimate(app(), year=2024, by="phase", grid="eu")
    assert by_site.grid is None and eu_setting.grid == eu_argument.grid == "EU"
    assert eu_setting.as_dict() == eu_argument.as_dict()
    use = {r.key: r.phases[2, 0] for r in by_site.rows}["use"]
    use_eu = {r.key: r.phases[2, 0] for r in eu_setting.rows}["use"]
    assert use_eu == pytest.approx(use * 211.2 / 56.9, rel=1e-3)
    back = carbon.estimate(app(grid="EU"), year=2024, by="phase", grid="FR")
    assert back.as_dict()["total"] == by_site.as_dict()["total"]
    with pytest.raises(SettingError, match="grid zone 'MARS'"):
        carbon.estimate(app(grid="MARS"), year=2024)


def test_an_estimate_carries_its_json_and_csv_shapes(app) -> None:
    est = carbon.estimate(app(), year=2024)
    data = est.as_dict()
    assert est.as_of == TODAY and data["year"] == 2024 and data["grid"] == "per site country"
    assert {r["key"] for r in data["rows"]} == {"laptop", "smartphone"}
    assert sum(r["total"]["value"] for r in data["rows"]) == pytest.approx(data["total"]["value"])
    assert data["agents"] == 10.0 and data["weee_kg"]["held"] > 0
    lines = est.csv_rows()
    assert lines[0][:4] == ["key", "label", "devices", "weee_kg"] and len(lines) == 3
    assert lines[1][-2] == 10.0  # agents
    years = carbon.estimate(app(), year=2024, by="year")
    assert years.totals is None and "total" not in years.as_dict()
    assert [r.key for r in years.rows] == ["2022", "2023", "2024"]


def test_a_device_is_explained_or_not_found(app) -> None:
    sobriety = app(grid="EU")
    found = carbon.explain_device(sobriety, "LAP-1", year=2024)
    assert found.zone == "EU" and found.header.category == "laptop"
    data = found.as_dict()
    assert data["asset_tag"] == "LAP-1" and data["zone"] == "EU"
    assert sum(t["year"]["value"] for t in data["terms"]) == pytest.approx(
        data["year_total"]["value"], abs=0.005
    )
    default_year = carbon.explain_device(sobriety, "LAP-1")
    assert default_year.year == TODAY.year - 1 and default_year.as_of == TODAY
    with pytest.raises(LookupError, match="no device with asset tag 'NOPE'"):
        carbon.explain_device(sobriety, "NOPE")


def test_what_if_defaults_to_today(app) -> None:
    res = carbon.what_if(app(), extend=2, categories=["laptop"], horizon=3, start=2026)
    data = res.as_dict()
    assert res.as_of == TODAY and data["devices_in_scope"] == 1 and len(data["years"]) == 3
    assert data["per_year"]["value"] == pytest.approx(float(res.per_year[0]))


def test_a_factor_folder_that_does_not_load_is_a_setting_error(app, factors_copy) -> None:
    replace_in(factors_copy / "devices.toml", 'value = "30 W"', 'value = "45 kg"')
    sobriety = app(factors=factors_copy)
    with pytest.raises(SettingError, match="1 problem"):
        carbon.estimate(sobriety, year=2024)
    checked = factors.check(sobriety)
    assert not checked.valid and checked.factor_set is None
    assert "is a mass; expected a power" in str(checked.problems[0])


def test_a_per_model_value_follows_the_rules_of_both_interfaces(app) -> None:
    ok = {"manufacturing_kgco2e": "0.3 tCO2e", "uncertainty": 0.15}
    record = factors.model_record(
        manufacturer=" Dell ", model="Latitude 5420", source="PCF", quality="measured", figures=ok
    )
    assert record.manufacturing_kgco2e == pytest.approx(300)
    assert record.match_key == "dell|latitude 5420" and record.origin == "user"
    args = {"manufacturer": "Dell", "model": "X", "source": "s", "quality": "measured"}
    for change, figures, field in [
        ({"quality": "guess"}, ok, "quality"),
        ({"category": "toaster"}, ok, "category"),
        ({"source": "  "}, ok, "source"),
        ({}, {"manufacturing_kgco2e": "12 kg"}, "manufacturing_kgco2e"),
        ({}, {"weight_kg": -1.0}, "weight_kg"),
        ({}, {"lifespan_years": 0.0}, "lifespan_years"),
        ({"manufacturer": " "}, ok, None),
    ]:
        with pytest.raises(factors.InvalidInput) as err:
            factors.model_record(**{**args, **change}, figures=figures)
        assert err.value.field == field, change or figures
    with pytest.raises(factors.NoFigure):
        factors.model_record(**args, figures={"uncertainty": 0.2, "total_kgco2e": "300 kgCO2e"})
    sobriety = app()
    fid = factors.add_model_factor(sobriety, record)
    with pytest.raises(factors.FactorExists):
        factors.add_model_factor(sobriety, record)
    assert factors.add_model_factor(sobriety, record, replace=True) == fid
    stored = factors.per_model(sobriety, "user")
    assert [f.manufacturer for f in stored.factors] == ["Dell"] and stored.counts["user"] == 1
    with pytest.raises(factors.InvalidInput):
        factors.per_model(sobriety, "mine")
    explained = carbon.explain_device(sobriety, "LAP-1", year=2024).as_dict()
    manufacturing = next(t for t in explained["terms"] if t["phase"] == "manufacturing")
    assert any("per-model factor" in i["label"] for i in manufacturing["inputs"])


def test_factor_entries_by_name(app) -> None:
    sobriety = app()
    assert factors.entry(sobriety, "laptop").kind == "category"
    assert [z.code for z in factors.entry(sobriety, "eu").zones] == ["EU"]
    assert [z.code for z in factors.entry(sobriety, "grid").zones] == ["FR"]  # the series in use
    assert factors.entry(sobriety, "channels").kind == "reuse"
    assert factors.entry(sobriety, "sources").kind == "sources"
    with pytest.raises(factors.InvalidInput, match="unknown entry 'toaster'"):
        factors.entry(sobriety, "toaster")
    listed = factors.listing(sobriety)
    assert listed.as_dict()["version"] == listed.factor_set.version
    assert {r["key"] for r in listed.rows()} >= {
        "laptop.manufacturing",
        "grid.ember_owid.FR.2023",
        "grid.ademe_base_carbone.FR.all",
    }


def test_the_grid_series_comes_from_the_argument_or_the_setting(app) -> None:
    default = carbon.estimate(app(), year=2024, by="phase")
    assert default.grid_series["id"] == "ademe_base_carbone"
    assert "Base Carbone V23.6" in default.grid_series["citation"]
    by_setting = carbon.estimate(app(grid_series="ember_owid"), year=2024, by="phase")
    by_argument = carbon.estimate(app(), year=2024, by="phase", grid_series="ember_owid")
    assert by_setting.as_dict() == by_argument.as_dict()
    assert by_argument.grid_series["release"].startswith("Ember Yearly Electricity Data")
    use = {r.key: r.phases[2, 0] for r in default.rows}["use"]
    use_ember = {r.key: r.phases[2, 0] for r in by_argument.rows}["use"]
    assert use_ember == pytest.approx(use * 40.48 / 56.9, rel=1e-3)  # 2024: Ember / ADEME
    with pytest.raises(carbon.InvalidInput, match="grid-series"):
        carbon.estimate(app(), grid_series="rte")
    with pytest.raises(carbon.InvalidInput, match="'EU' is not one of FR"):
        carbon.estimate(app(), grid="EU", grid_series="ademe_base_carbone")
