"""Rules of a device record (domain.inventory) and the synonym tables."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from sobriety.domain.inventory import fields as inv
from sobriety.domain.vocab import Category, Status
from sobriety.io.synonyms import SynonymFileError, load_synonyms, read_table
from sobriety.settings import packaged_data_file


@pytest.fixture(scope="module")
def synonyms() -> inv.Synonyms:
    return load_synonyms()


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1 234,56", True, 1234.56),
        ("1\u00a0234,56", True, 1234.56),
        ("1\u202f234,56", True, 1234.56),
        ("1.234,56", True, 1234.56),
        ("1,234.56", False, 1234.56),
        ("1,4", True, 1.4),
        ("1,234", True, 1.234),
        ("1,234", False, 1234.0),
        ("1,234,567", True, 1234567.0),
        ("1.5", True, 1.5),
        ("-3", True, -3.0),
    ],
)
def test_numbers_in_french_and_english_notation(text, decimal_comma, expected) -> None:
    assert inv.parse_number(text, decimal_comma=decimal_comma) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12..5", "nan", "inf", "1.2.3,4.5"])
def test_malformed_numbers_are_refused(text) -> None:
    with pytest.raises(inv.CellError):
        inv.parse_number(text)


@pytest.mark.parametrize(
    ("unit", "text", "expected"),
    [
        ("kg", "1,4 kg", 1.4),
        ("kg", "1400 g", 1.4),
        ("kg", "1.4", 1.4),
        ("GB", "16 Go", 16.0),
        ("GB", "16 GB", 16.0),
        ("GB", "1 To", 1000.0),
        ("GB", "512", 512.0),
        ("inch", "15,6 in", 15.6),
        ("inch", '15,6"', 15.6),
        ("inch", "39,624 cm", 15.6),
        ("EUR", "1 234,56 €", 1234.56),
        ("EUR", "899 € HT", 899.0),
        ("EUR", "899 EUR", 899.0),
        ("percent", "85 %", 85.0),
        ("W", "45 W", 45.0),
        ("W", "0,045 kW", 45.0),
    ],
)
def test_quantities_are_converted_to_the_column_unit(unit, text, expected) -> None:
    assert inv.QuantityReader(unit).read(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("unit", "text"),
    [("kg", "1,4 W"), ("GB", "85 %"), ("GB", "16 kg"), ("inch", "15 kg"), ("EUR", "899 € TTC")],
)
def test_a_unit_of_another_kind_is_refused(unit, text) -> None:
    with pytest.raises(inv.CellError, match="unit"):
        inv.QuantityReader(unit).read(text)


@pytest.mark.parametrize(
    "text",
    [
        "04/03/2021",
        "4/3/2021",
        "2021-03-04",
        "04/03/2021 14:30",
        "04/03/2021 14:30:59",
        "2021-03-04T14:30:00",
        "2021-03-04 14:30:00",
        "2021-03-04T14:30:00.123+01:00",
        "2021-03-04T14:30:00Z",
    ],
)
def test_dates_with_or_without_time(text) -> None:
    assert inv.parse_date(text) == dt.date(2021, 3, 4)


@pytest.mark.parametrize(
    "text", ["31/02/2021", "2021-13-01", "03-04-21-1", "04/03/2021 25:00", "04/03-2021", "soon"]
)
def test_impossible_or_unknown_dates_are_refused(text) -> None:
    with pytest.raises(inv.CellError):
        inv.parse_date(text)


@pytest.mark.parametrize(
    ("section", "label", "value"),
    [
        ("category", "Portable", Category.LAPTOP),
        ("category", "UNITE CENTRALE", Category.DESKTOP),
        ("category", "Écran", Category.MONITOR),
        ("category", "ecran", Category.MONITOR),
        ("category", "Commutateur", Category.SWITCH),
        ("category", "Borne Wi-Fi", Category.WIFI_ACCESS_POINT),
        ("category", "borne wifi", Category.WIFI_ACCESS_POINT),
        ("category", "Laptops", Category.LAPTOP),
        ("category", "wifi_access_point", Category.WIFI_ACCESS_POINT),
        ("status", "En service", Status.IN_SERVICE),
        ("status", "En stock", Status.IN_STOCK),
        ("status", "Réformé", Status.RETIRED),
        ("status", "reforme", Status.RETIRED),
        ("status", "Deployed", Status.IN_SERVICE),
        ("status", "Archived", Status.GONE),
        ("status", "Ready to Deploy", Status.IN_STOCK),
        ("status", "In service", Status.IN_SERVICE),
        ("boolean", "Oui", "true"),
    ],
)
def test_shipped_synonyms_are_case_and_accent_insensitive(synonyms, section, label, value) -> None:
    assert synonyms.lookup(section, label) == value


@pytest.mark.parametrize(
    ("section", "label"),
    [("category", "Networking"), ("category", "Grille-pain"), ("status", "Pending")],
)
def test_unknown_labels_are_not_guessed(synonyms, section, label) -> None:
    assert synonyms.lookup(section, label) is None


def test_the_shipped_table_maps_no_label_to_two_values() -> None:
    with packaged_data_file("synonyms.toml").open("rb") as fh:
        table = tomllib.load(fh)
    assert inv.check_synonym_table(table) == []
    for section, values in table.items():
        seen: dict[str, str] = {}
        for value, labels in values.items():
            for label in labels:
                key = inv.normalise_label(label)
                assert seen.setdefault(key, value) == value, (section, label)


def test_user_synonyms_extend_and_override_the_shipped_ones(write) -> None:
    path = write(
        "mine.toml",
        '[status]\nin_stock = ["Pending"]\nin_service = ["Réformé"]\n'
        '[category]\nswitch = ["Networking"]\n',
    )
    table = load_synonyms(path)
    assert table.lookup("status", "pending") == "in_stock"
    assert table.lookup("status", "Réformé") == "in_service"  # the user's word wins
    assert table.lookup("category", "Networking") == "switch"
    assert table.lookup("category", "Portable") == "laptop"  # shipped ones still there


def test_user_synonyms_from_the_environment(write, monkeypatch) -> None:
    path = write("env.toml", '[status]\nin_stock = ["Pending"]\n')
    monkeypatch.setenv("SOBRIETY_SYNONYMS", str(path))
    assert load_synonyms().lookup("status", "Pending") == "in_stock"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[status]\nbroken_beyond = ["X"]\n', "broken_beyond"),
        ('[colour]\nred = ["rouge"]\n', "colour"),
        ('[status]\nin_stock = "Pending"\n', "list of strings"),
        ("[status\n", "TOML"),
    ],
)
def test_a_bad_user_synonym_file_is_reported(write, content, message) -> None:
    path = write("bad.toml", content)
    with pytest.raises(SynonymFileError, match=message) as info:
        read_table(path)
    assert str(path) in str(info.value)


def test_read_columns_locates_every_bad_cell(synonyms) -> None:
    raw = {
        "asset_tag": ["A1", "A2", "A3", None],
        "category": ["Portable", "Grille-pain", "Écran", "Portable"],
        "acquisition_date": ["04/03/2021", "31/02/2021", None, "2020-01-01"],
        "weight_kg": ["1,4 kg", "2", "1,4 W", None],
        "purchase_price_eur": ["899", "-5", "12", None],
    }
    cols = inv.check_records(raw, synonyms=synonyms)
    found = {(p.row, p.field) for p in cols.problems}
    assert found == {
        (1, "category"),
        (1, "acquisition_date"),
        (1, "purchase_price_eur"),
        (2, "weight_kg"),
        (3, "asset_tag"),
    }
    assert cols.values["weight_kg"][0] == pytest.approx(1.4)
    assert cols.values["category"][2] == "monitor"
    bad_date = next(p for p in cols.problems if p.field == "acquisition_date")
    assert bad_date.value == "31/02/2021" and "DD/MM/YYYY" in bad_date.expected
    bad_unit = next(p for p in cols.problems if p.field == "weight_kg")
    assert "kg" in bad_unit.expected


def test_validation_checks_ranges_lengths_and_date_order(synonyms) -> None:
    raw = {
        "asset_tag": ["T" * 65, "B"],
        "category": ["laptop", "laptop"],
        "battery_health_pct": ["101", "85 %"],
        "ram_gb": ["8192", "16 Go"],
        "acquisition_date": ["2021-01-01", "2021-01-01"],
        "retirement_date": ["2020-12-31", "2024-06-30"],
        "cpu_generation": ["8,5", "11"],
    }
    cols = inv.check_records(raw, synonyms=synonyms)
    assert {(p.row, p.field) for p in cols.problems} == {
        (0, "asset_tag"),
        (0, "battery_health_pct"),
        (0, "ram_gb"),
        (0, "retirement_date"),
        (0, "cpu_generation"),
    }
    assert cols.values["cpu_generation"][1] == 11
    assert cols.values["ram_gb"][1] == 16.0


def test_blank_cells_are_none_and_booleans_read_both_languages(synonyms) -> None:
    raw = {"sensitive_data": ["oui", "Non", "", None, "TRUE", 1, "peut-être"]}
    cols = inv.read_columns(raw, synonyms=synonyms)
    assert cols.values["sensitive_data"][:6] == [True, False, None, None, True, True]
    assert [p.row for p in cols.problems] == [6]


def test_site_reference_takes_the_last_part_of_a_glpi_path() -> None:
    assert inv.site_reference("Département > CDAS > CDAS de Rennes Nord") == "CDAS de Rennes Nord"
    assert inv.site_reference("Hôtel du Département") == "Hôtel du Département"
    assert inv.site_reference(None) is None


def test_duplicates_across_batches() -> None:
    seen: dict = {}
    assert inv.duplicates(["A", "B", None], seen, [2, 3, 4]) == []
    assert inv.duplicates(["C", "A", None, "C"], seen, [5, 6, 7, 8]) == [(1, 2), (3, 5)]


def test_device_fields_cover_the_device_table() -> None:
    from sobriety.storage.models import DeviceBase

    model_fields = set(DeviceBase.model_fields) - {"site_id"}
    assert model_fields == set(inv.DEVICE_FIELD_NAMES)


@pytest.mark.parametrize(
    ("text", "order", "day"),
    [
        ("1/23/23", "mdy", dt.date(2023, 1, 23)),
        ("3/5/24", "mdy", dt.date(2024, 3, 5)),
        ("3/5/24", "dmy", dt.date(2024, 5, 3)),
        ("01-02-2011", "dmy", dt.date(2011, 2, 1)),
        ("04.03.2021", "dmy", dt.date(2021, 3, 4)),
        ("25/03/2021", None, dt.date(2021, 3, 25)),  # a part over 12 tells
        ("03/25/2021", None, dt.date(2021, 3, 25)),
        ("5/5/70", None, dt.date(1970, 5, 5)),  # equal parts tell too
        ("12/31/69", "mdy", dt.date(2069, 12, 31)),  # the two-digit year window
    ],
)
def test_day_month_dates_in_a_known_order(text, order, day) -> None:
    assert inv.parse_date(text, order) == day


@pytest.mark.parametrize(
    ("text", "order", "reason"),
    [
        ("04/03/2021", None, "date_order"),
        ("1/23/23", "dmy", "date_dmy"),
        ("23/1/23", "mdy", "date_mdy"),
    ],
)
def test_day_month_dates_that_do_not_fit_say_why(text, order, reason) -> None:
    with pytest.raises(inv.CellError, match=reason):
        inv.parse_date(text, order)
