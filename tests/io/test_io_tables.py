"""Reading files: delimiters, encodings, XLSX, JSON, unreadable and empty files; profiles."""

from __future__ import annotations

import datetime as dt

import pytest
from io_helpers import DATA
from openpyxl import Workbook

from sobriety.io.profiles import ColumnError, choose_profile, map_columns
from sobriety.io.tables import UnreadableFile, open_table

ROWS = [
    ["asset_tag", "category", "manufacturer", "notes"],
    ["PC-1", "Portable", "Dell", "Écran fêlé, clavier « AZERTY »"],
    ["PC-2", "Écran", "Iiyama", "Salle n°3"],
]


def _csv(delimiter: str) -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or "," in value else value

    return "\r\n".join(delimiter.join(cell(v) for v in row) for row in ROWS) + "\r\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_every_delimiter_and_encoding_is_detected(write, delimiter, encoding) -> None:
    path = write("in.csv", _csv(delimiter), encoding=encoding)
    with open_table(path) as table:
        assert table.delimiter == delimiter
        assert table.headers == ROWS[0]
        rows = list(table.rows)
    assert [r for _line, r in rows] == ROWS[1:]
    assert [line for line, _r in rows] == [2, 3]
    assert table.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(encoding, encoding)
    assert table.decimal_comma is (delimiter != ",")


def test_line_numbers_count_physical_lines_and_skip_blank_ones(write) -> None:
    path = write("in.csv", 'asset_tag;notes\nA;"two\nlines"\n\n;\nB;x\n')
    with open_table(path) as table:
        rows = list(table.rows)
    assert rows == [(2, ["A", "two\nlines"]), (6, ["B", "x"])]


def test_xlsx_is_read_with_typed_cells_from_the_first_non_empty_row(tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([])
    ws.append(["Asset Tag", "Purchase Date", "Purchase Cost", None])
    ws.append(["A1", dt.datetime(2021, 3, 4), 899.5])
    ws.append([None, None, None])
    ws.append(["A2", "04/03/2021", "1 234,56"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    with open_table(path) as table:
        assert table.format == "xlsx"
        assert table.headers == ["Asset Tag", "Purchase Date", "Purchase Cost"]
        rows = list(table.rows)
    assert rows[0][0] == 3
    assert rows[0][1][:3] == ["A1", dt.datetime(2021, 3, 4), 899.5]
    assert rows[1][0] == 5


def test_the_shipped_glpi_export_is_windows_1252(tmp_path) -> None:
    with open_table(DATA / "glpi_fr.csv") as table:
        assert (table.encoding, table.delimiter) == ("cp1252", ";")
        assert "Entité" in table.headers
        assert next(table.rows)[1][2] == "En service"


def test_an_empty_file_is_refused(write) -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        open_table(write("empty.csv", b""))
    with pytest.raises(UnreadableFile, match="empty"):
        open_table(write("blank.csv", "\r\n  \r\n"))


def test_a_binary_file_is_refused(write) -> None:
    with pytest.raises(UnreadableFile, match="UTF-8"):
        open_table(write("photo.csv", bytes(range(256)) * 4))


def test_a_broken_xlsx_is_refused(write) -> None:
    with pytest.raises(UnreadableFile, match="XLSX"):
        open_table(write("broken.xlsx", b"PK\x03\x04 not really a zip"))
    with pytest.raises(UnreadableFile, match="XLSX"):
        open_table(write("text.xlsx", "asset_tag,category\n"))


def test_a_missing_file_is_refused(tmp_path) -> None:
    with pytest.raises(UnreadableFile, match="cannot open"):
        open_table(tmp_path / "nowhere.csv")


@pytest.mark.parametrize(
    ("name", "profile"),
    [("glpi_fr.csv", "glpi"), ("glpi_en.csv", "glpi"), ("snipeit.csv", "snipeit")],
)
def test_auto_picks_the_profile_from_the_headers(name, profile) -> None:
    with open_table(DATA / name) as table:
        assert choose_profile(table.headers) == profile


def test_glpi_headers_map_in_french_and_english() -> None:
    with open_table(DATA / "glpi_fr.csv") as table:
        cmap = map_columns(table.headers)
    assert cmap.header("asset_tag") == "Numéro d'inventaire"
    assert cmap.header("category") == "Type"
    assert cmap.header("site") == "Entité"
    assert cmap.header("location") == "Lieu"
    assert cmap.header("purchase_price_eur") == "Valeur"
    assert cmap.header("acquisition_date").endswith("Date d'achat")  # prefixed by GLPI
    assert cmap.header("os") == "Système d'exploitation - Nom"
    assert {"Nom", "Utilisateur"} <= set(cmap.ignored)
    with open_table(DATA / "glpi_en.csv") as table:
        cmap = map_columns(table.headers)
    assert cmap.header("asset_tag") == "Inventory number"
    assert cmap.header("acquisition_date") == "Date of purchase"
    assert "User" in cmap.ignored


def test_snipeit_never_maps_the_person_a_device_is_checked_out_to() -> None:
    with open_table(DATA / "snipeit.csv") as table:
        cmap = map_columns(table.headers)
    assert cmap.header("asset_tag") == "Asset Tag"
    assert cmap.header("purchase_price_eur") == "Purchase Cost"
    assert "Checked Out To" in cmap.ignored
    assert "assignee" not in cmap.fields


def test_generic_profile_for_sobriety_field_names() -> None:
    headers = ["asset_tag", "serial", "category", "site_code", "site_name", "weight_kg"]
    cmap = map_columns(headers)
    assert cmap.profile == "generic"
    assert set(cmap.fields) == set(headers)


def test_missing_required_column_is_reported_with_the_columns_found() -> None:
    with pytest.raises(ColumnError) as info:
        map_columns(["Nom", "Statut", "Numéro de série"], "glpi")
    message = str(info.value)
    assert "category" in message and "Type" in message
    assert '"Nom"' in message


def test_two_columns_for_one_field_are_refused() -> None:
    with pytest.raises(ColumnError, match="both give the field serial"):
        map_columns(["asset_tag", "category", "serial", "Numéro de série"], "generic")


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ColumnError, match="unknown profile"):
        map_columns(["asset_tag", "category"], "ocs")


def test_the_generic_profile_takes_the_common_french_and_english_headers_of_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Headers of a hand-made file**", 1)[1].split("\n\n", 2)[1]
    rows = [line.split("|")[1:3] for line in table.splitlines()[2:]]
    listed = {
        h.strip().replace(" (HT)", "")
        for _field, headers in rows
        for part in headers.split(";")
        for h in part.split(",")
        if h.strip() and "..." not in h and "(" not in h
    }
    assert {"Type", "Prix HT", "Prix", "Catégorie", "Manufacturer", "N° de série"} <= listed
    from sobriety.io.profiles import TABLES, _match

    unmapped = [h for h in listed if _match(TABLES["generic"], h) is None]
    assert not unmapped, "headers the README lists but the generic profile does not take"
    cmap = map_columns(["N° inventaire", "Type", "Prix HT", "Fabricant", "Modèle", "Statut"])
    assert cmap.profile == "generic"
    assert {n: h for n, (_i, h) in cmap.fields.items()} == {
        "asset_tag": "N° inventaire",
        "category": "Type",
        "purchase_price_eur": "Prix HT",
        "manufacturer": "Fabricant",
        "model": "Modèle",
        "status": "Statut",
    }
