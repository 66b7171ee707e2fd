"""Bad factor files: every problem is named with its file, entry, value and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import replace_in

from sobriety.domain.carbon.factors import FactorSetError, check_factor_set, load_factor_set
from sobriety.i18n import set_language

LAPTOP_POWER_FREE = '[categories.laptop.use.hours]\nvalue = "2630 hour/year"'


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in check_factor_set(folder)]


def test_the_shipped_set_has_no_problem(factors_copy: Path) -> None:
    assert _problems(factors_copy) == []


def test_a_mass_given_for_a_power_names_file_entry_value_and_kind(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'value = "30 W"', 'value = "45 kg"')
    with pytest.raises(FactorSetError) as err:
        load_factor_set(factors_copy)
    assert [str(p) for p in err.value.problems] == [
        'devices.toml: categories.switch.use.power.value = "45 kg": '
        "is a mass; expected a power, e.g. 75 W"
    ]
    assert "1 problem in the factor set" in str(err.value)


def test_a_value_without_unit(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'value = "170.3 kgCO2e"', 'value = "170.3"')
    assert _problems(factors_copy) == [
        'devices.toml: categories.laptop.manufacturing.value = "170.3": '
        "has no unit; expected a CO2e mass, e.g. 170.3 kgCO2e"
    ]


def test_a_missing_source(factors_copy: Path) -> None:
    replace_in(
        factors_copy / "devices.toml",
        'high = "281.4 kgCO2e"\nsource = "ademe_arcep_2022"\n',
        'high = "281.4 kgCO2e"\n',
    )
    assert _problems(factors_copy) == [
        "devices.toml: categories.laptop.manufacturing.source: the id of a source of sources.toml"
    ]


def test_an_unknown_source_id(factors_copy: Path) -> None:
    replace_in(factors_copy / "grid.toml", 'source = "owid_energy_2026"', 'source = "owid"')
    assert _problems(factors_copy) == [
        'grid.toml: series.ember_owid.source = "owid": the id of a source defined in sources.toml'
    ]


def test_a_source_without_licence(factors_copy: Path) -> None:
    replace_in(factors_copy / "sources.toml", 'licence = "CC BY 4.0"\n', "")
    problems = _problems(factors_copy)
    assert (
        problems[0] == "sources.toml: sources.owid_energy_2026.licence: the source's licence (text)"
    )


def test_a_source_translation_that_is_not_text(factors_copy: Path) -> None:
    replace_in(
        factors_copy / "sources.toml", 'licence_fr = "Texte juridique public"', "licence_fr = 3"
    )
    assert _problems(factors_copy) == [
        "sources.toml: sources.fp_working_time.licence_fr = 3: the source's licence in fr (text)"
    ]


def test_a_source_cites_its_french_title_and_licence_in_french(factors_copy: Path) -> None:
    source = load_factor_set(factors_copy).sources["fp_working_time"]
    try:
        set_language("fr")
        assert "(1\u202f607 heures travaillées par an)" in source.citation()
        assert source.citation().endswith("[Texte juridique public]")
        set_language("en")
        assert "(1,607 hours worked a year)" in source.citation()
        assert source.citation().endswith("[Public legal text]")
    finally:
        set_language("en")


def test_an_unknown_category(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", "[categories.laptop", "[categories.laptp", count=9)
    problems = _problems(factors_copy)
    assert problems[0].startswith("devices.toml: categories.laptp: a known category (laptop,")
    assert "devices.toml: categories.laptop: defaults for every inventory category" in problems


def test_a_negative_value(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'value = "12.3 kgCO2e"', 'value = "-12.3 kgCO2e"')
    assert _problems(factors_copy) == [
        'devices.toml: categories.laptop.distribution.value = "-12.3 kgCO2e": '
        "a value >= 0 (a CO2e mass, e.g. 170.3 kgCO2e)"
    ]


def test_low_above_high(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'low = "136.2 kgCO2e"', 'low = "300 kgCO2e"')
    assert _problems(factors_copy) == [
        'devices.toml: categories.laptop.manufacturing = "low 300 kgCO2e, value 170.3 kgCO2e, '
        'high 281.4 kgCO2e": low <= value <= high'
    ]


def test_no_range(factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'low = "136.2 kgCO2e"\nhigh = "281.4 kgCO2e"\n', "")
    assert _problems(factors_copy) == [
        "devices.toml: categories.laptop.manufacturing: a range: low and high, or uncertainty"
    ]


def test_uncertainty_must_be_a_share(factors_copy: Path) -> None:
    replace_in(factors_copy / "grid.toml", 'uncertainty = "10 %"', 'uncertainty = "150 %"', 2)
    assert _problems(factors_copy)[:2] == [
        'grid.toml: series.ademe_base_carbone.zones.FR.intensity.all.uncertainty = "150 %": '
        "between 0 % and 100 %",
        'grid.toml: series.ember_owid.zones.FR.intensity.2020.uncertainty = "150 %": '
        "between 0 % and 100 %",
    ]


def test_wrong_kind_in_the_grid_and_the_reuse_file(factors_copy: Path) -> None:
    replace_in(factors_copy / "grid.toml", 'value = "40.48 gCO2e/kWh"', 'value = "44.2 kgCO2e"')
    replace_in(factors_copy / "reuse.toml", 'value = "13 %"', 'value = "13 kg"')
    assert _problems(factors_copy) == [
        'grid.toml: series.ember_owid.zones.FR.intensity.2024.value = "44.2 kgCO2e": '
        "is a CO2e mass; expected a carbon intensity, e.g. 55.3 gCO2e/kWh",
        'reuse.toml: refurbished.smartphone.share.value = "13 kg": '
        "is a mass; expected a fraction, e.g. 13 %",
    ]


def test_unknown_channel_and_zone(factors_copy: Path) -> None:
    replace_in(factors_copy / "reuse.toml", "[channels.sell]", "[channels.auction]")
    text = (factors_copy / "grid.toml").read_text(encoding="utf-8")
    (factors_copy / "grid.toml").write_text(
        text.replace("[series.ember_owid.zones.FR", "[series.ember_owid.zones.France"),
        encoding="utf-8",
    )
    assert _problems(factors_copy) == [
        'grid.toml: series.ember_owid.zones.France: a zone code: an ISO 3166 country code ("FR") '
        'or "EU"',
        'grid.toml: series.ember_owid.default_zone = "FR": a zone of this file (EU)',
        "reuse.toml: channels.auction: a reuse channel (keep, redeploy, transfer, "
        "donate_association, donate_agent, sell, take_back, recycle)",
        "reuse.toml: channels.sell: a factor for every reuse channel",
    ]


def test_a_missing_file_and_invalid_toml(factors_copy: Path) -> None:
    (factors_copy / "reuse.toml").unlink()
    (factors_copy / "grid.toml").write_text("[meta\nschema = 1", encoding="utf-8")
    problems = _problems(factors_copy)
    assert problems[0].startswith("grid.toml: (file): not valid TOML")
    assert problems[1] == (
        "reuse.toml: (file): missing: a factor set holds "
        "sources.toml, devices.toml, grid.toml, reuse.toml"
    )


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(FactorSetError) as err:
        load_factor_set(tmp_path / "nowhere")
    assert "an existing folder of factor files" in str(err.value)


def test_a_reference_is_dimension_checked_like_a_value(factors_copy: Path) -> None:
    """A published figure kept for comparison is read with its unit (issue 13): a power
    written in kilograms is refused, with its file and entry. Before: any unit passed."""
    replace_in(factors_copy / "devices.toml", 'value = "75 W"', 'value = "75 kg"')
    replace_in(factors_copy / "grid.toml", 'value = "380 gCO2e/kWh"', 'value = "380 W"')
    replace_in(
        factors_copy / "devices.toml",
        'efd_median_total = { value = "307 kgCO2e"',
        'efd_median_total = { kind = "volume", value = "307 kgCO2e"',
    )
    assert _problems(factors_copy) == [
        'devices.toml: categories.laptop.references.efd_median_total.kind = "volume": '
        "one of emissions, power, energy, yearly_energy, intensity, duration, mass, money, "
        "hours_per_year, fraction, length",
        'devices.toml: categories.laptop.references.boaviztapi_power.value = "75 kg": '
        "is a mass; expected a power, e.g. 75 W",
        'grid.toml: series.ember_owid.zones.EU.references.boaviztapi_eu.value = "380 W": '
        "is a power; expected a carbon intensity, e.g. 55.3 gCO2e/kWh",
    ]
