"""The importer against real databases (SQLite file and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from io_helpers import DATA, devices, events, snapshot
from openpyxl import Workbook
from sqlalchemy import insert

from sobriety.io.importer import ImportFailed, import_file
from sobriety.io.profiles import ColumnError
from sobriety.io.synonyms import load_synonyms
from sobriety.io.tables import UnreadableFile
from sobriety.storage.models import Site

HEADER = "asset_tag;serial;category;status;acquisition_date;purchase_price_eur;weight_kg;site\n"
VALID = (
    HEADER
    + "PC-1;SN1;Portable;En service;04/03/2021;1 234,56;1,4 kg;Hôtel du Département\n"
    + "PC-2;SN2;Écran;En stock;2019-06-12;149,9;;CDAS de Rennes Nord\n"
)


def test_glpi_french_export(engine) -> None:
    report = import_file(engine, DATA / "glpi_fr.csv", actor="tech1")
    assert (report.profile, report.created, report.rows) == ("glpi", 6, 6)
    got = devices(engine)
    pc = got["CD35-000101"]
    assert pc["category"] == "laptop"
    assert pc["status"] == "in_service"
    assert pc["serial"] == "5CG1234XYZ"
    assert pc["manufacturer"] == "Dell Inc."
    assert pc["acquisition_date"] == dt.date(2021, 3, 4)
    assert pc["purchase_price_eur"] == pytest.approx(1234.56)
    assert pc["os"] == "Windows 11 Professionnel"
    assert pc["notes"] == "Clavier à remplacer"
    # the site is the GLPI entity (last part of its path); "Lieu" stays the location
    assert pc["site_name"] == "Conseil départemental"
    assert pc["location"] == "Conseil départemental > Hôtel du Département > DSN"
    assert got["CD35-000102"]["category"] == "desktop"
    assert got["CD35-000102"]["acquisition_date"] == dt.date(2019, 6, 12)
    assert got["CD35-000103"]["status"] == "retired"
    assert got["CD35-000103"]["category"] == "monitor"
    assert got["CD35-000104"]["category"] == "switch"
    assert got["CD35-000104"]["purchase_price_eur"] == 1450.0
    assert got["CD35-000105"]["category"] == "wifi_access_point"
    assert got["CD35-000106"]["status"] == "in_repair"
    assert {d["assignee"] for d in got.values()} == {None}  # GLPI users are never imported
    created = {name for _code, name, _kind in report.sites_created}
    assert created == {"Conseil départemental", "CDAS", "Collèges", "Espaces naturels"}
    assert all(kind == "other" for _c, _n, kind in report.sites_created)
    history = events(engine)
    assert [e["kind"] for e in history] == ["created"] * 6
    assert history[0]["actor"] == "tech1"
    assert json.loads(history[0]["details"])["file"] == "glpi_fr.csv"


def test_glpi_english_export(engine) -> None:
    report = import_file(engine, DATA / "glpi_en.csv")
    assert (report.profile, report.created) == ("glpi", 3)
    got = devices(engine)
    assert got["CD35-000201"]["purchase_price_eur"] == 1180.0  # narrow no-break space
    assert got["CD35-000202"]["category"] == "thin_client"
    assert got["CD35-000202"]["acquisition_date"] == dt.date(2020, 2, 14)
    assert got["CD35-000203"]["status"] == "retired"
    assert got["CD35-000203"]["site_name"] == "Root entity"
    assert got["CD35-000203"]["location"] == "Root entity > CDAS > CDAS de Fougères"


def test_snipeit_export(engine) -> None:
    report = import_file(engine, DATA / "snipeit.csv")
    assert (report.profile, report.created) == ("snipeit", 5)
    got = devices(engine)
    laptop = got["SN-000301"]
    assert laptop["category"] == "laptop"
    assert laptop["status"] == "in_service"
    assert laptop["purchase_price_eur"] == 1299.0
    assert laptop["warranty_end"] == dt.date(2025, 10, 3)
    assert laptop["site_name"] == "Hôtel du Département"
    assert got["SN-000302"]["status"] == "in_stock"
    assert got["SN-000303"]["category"] == "rugged_smartphone"
    assert got["SN-000303"]["notes"] == '=HYPERLINK("http://example.invalid")'
    assert got["SN-000304"]["status"] == "gone"
    assert got["SN-000305"]["status"] == "in_repair"
    assert got["SN-000305"]["purchase_price_eur"] is None
    for device in got.values():
        assert "Dupont" not in json.dumps(device, default=str)


def test_xlsx_with_typed_and_text_cells(engine, tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Numéro d'inventaire", "Catégorie", "Date d'achat", "Prix d'achat", "RAM", "Diagonale"]
    )
    ws.append(["X-1", "Portable", dt.datetime(2022, 5, 3, 0, 0), 1049.0, "16 Go", '15,6"'])
    ws.append(["X-2", "Tablette", "03/05/2022", "329,00", 4, 10.9])
    path = tmp_path / "inventaire.xlsx"
    wb.save(path)
    report = import_file(engine, path)
    assert (report.profile, report.created) == ("generic", 2)
    got = devices(engine)
    assert got["X-1"]["acquisition_date"] == dt.date(2022, 5, 3)
    assert got["X-1"]["ram_gb"] == 16.0
    assert got["X-1"]["screen_size_in"] == 15.6
    assert got["X-2"]["purchase_price_eur"] == 329.0
    assert got["X-2"]["screen_size_in"] == 10.9


@pytest.mark.parametrize(
    ("delimiter", "encoding", "price", "date"),
    [
        (";", "cp1252", "1\u00a0234,56", "04/03/2021"),
        (";", "utf-8", "1\u202f234,56", "04/03/2021 14:30"),
        (",", "utf-8-sig", '"1,234.56"', "2021-03-04"),
        ("\t", "utf-8", "1234,56", "2021-03-04T14:30:00"),
        (",", "utf-8", "1234.56", "2021-03-04 14:30:00"),
    ],
)
def test_variants_of_delimiter_encoding_decimals_and_dates(
    engine, write, delimiter, encoding, price, date
) -> None:
    lines = [
        ["asset_tag", "category", "purchase_price_eur", "acquisition_date", "notes"],
        ["É-1", "Écran", price, date, "Écran « 24 pouces »"],
    ]
    path = write("v.csv", "\r\n".join(delimiter.join(r) for r in lines) + "\r\n", encoding)
    import_file(engine, path)
    device = devices(engine)["É-1"]
    assert device["purchase_price_eur"] == pytest.approx(1234.56)
    assert device["acquisition_date"] == dt.date(2021, 3, 4)
    assert device["notes"] == "Écran « 24 pouces »"


BAD_INPUTS = {
    "bad date": ("PC-3;SN3;Portable;En service;31/02/2021;10;;HQ\n", "31/02/2021", "date"),
    "bad number": ("PC-3;SN3;Portable;En service;;12,3,4;;HQ\n", "12,3,4", "number"),
    "negative price": ("PC-3;SN3;Portable;En service;;-5;;HQ\n", "-5", "from 0"),
    "unknown category": ("PC-3;SN3;Grille-pain;En service;;;;HQ\n", "Grille-pain", "laptop"),
    "unknown status": ("PC-3;SN3;Portable;Perdu de vue;;;;HQ\n", "Perdu de vue", "in_stock"),
    "duplicate asset tag": ("PC-3;SN3;Portable;;;;;HQ\nPC-3;SN4;Écran;;;;;HQ\n", "PC-3", "line 4"),
    "wrong unit": ("PC-3;SN3;Portable;;;;1,4 W;HQ\n", "1,4 W", "kg"),
    "missing identity": (";;Portable;;;;;HQ\n", "(empty)", "asset tag"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_each_bad_input_aborts_and_leaves_the_database_unchanged(engine, write, case) -> None:
    import_file(engine, write("ok.csv", VALID))
    before = snapshot(engine)
    row, value, expected = BAD_INPUTS[case]
    # The bad row comes after a valid new one: that one must not go in either.
    path = write("bad.csv", HEADER + "PC-9;SN9;Portable;;;;;Nouveau site\n" + row)
    with pytest.raises(ImportFailed) as info:
        import_file(engine, path)
    assert snapshot(engine) == before
    report = info.value.report
    problems = [*report.problems, *report.unknown_labels]
    assert problems, "the failure lists its problems"
    text = " ".join(str(p) for p in problems)
    assert value in text and expected in text
    assert [*report.problems, *(u.lines[0] for u in report.unknown_labels)]
    assert all(p.line >= 3 for p in report.problems)
    assert all(u.lines[0] >= 3 for u in report.unknown_labels)


def test_every_problem_is_listed_across_chunks(engine, write) -> None:
    body = "".join(
        f"T-{i};S-{i};{'Grille-pain' if i % 4 == 0 else 'Portable'};;"
        f"{'32/01/2020' if i % 5 == 0 else ''};;;\n"
        for i in range(1, 21)
    )
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        import_file(engine, write("many.csv", HEADER + body), chunk_size=3)
    assert snapshot(engine) == before
    report = info.value.report
    located = {(p.line, p.column) for p in report.problems}
    assert located == {(i + 1, "acquisition_date") for i in range(1, 21) if i % 5 == 0}
    # the unknown category is listed once, with every row counted across chunks
    [label] = report.unknown_labels
    assert (label.column, label.label, label.rows) == ("category", "Grille-pain", 5)
    assert label.lines == [i + 1 for i in range(1, 21) if i % 4 == 0]


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.csv", b"", UnreadableFile, "empty"),
        ("header.csv", HEADER, ImportFailed, "no device row"),
        ("binary.csv", bytes(range(256)) * 8, UnreadableFile, "UTF-8"),
        ("broken.xlsx", b"PK\x03\x04garbage", UnreadableFile, "XLSX"),
        ("nocat.csv", "asset_tag;status\nA;En service\n", ColumnError, "category"),
    ],
)
def test_unreadable_empty_or_incomplete_files_change_nothing(
    engine, write, name, content, error, message
) -> None:
    import_file(engine, write("ok.csv", VALID))
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        import_file(engine, write(name, content))
    assert snapshot(engine) == before


def test_skip_invalid_imports_valid_rows_and_writes_rejects(engine, write, tmp_path) -> None:
    content = (
        HEADER
        + "PC-1;SN1;Portable;En service;04/03/2021;899;;HQ\n"
        + "PC-2;SN2;Grille-pain;En service;;;;HQ\n"
        + "PC-3;SN3;Écran;En stock;31/02/2021;-5;;HQ\n"
        + "PC-4;SN4;Écran;En stock;;;;=cmd|' /C calc'!A0\n"
        + "PC-1;SN5;Écran;;;;;HQ\n"
    )
    rejects = tmp_path / "rejects.csv"
    report = import_file(engine, write("mixed.csv", content), skip_invalid=rejects)
    assert (report.created, report.rejected) == (2, 3)
    assert set(devices(engine)) == {"PC-1", "PC-4"}
    assert devices(engine)["PC-4"]["site_name"] == "=cmd|' /C calc'!A0"
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == [*HEADER.strip().split(";"), "rejected_line", "rejected_reason"]
    assert [r[0] for r in rows[1:]] == ["PC-2", "PC-3", "PC-1"]
    assert [r[-2] for r in rows[1:]] == ["3", "4", "6"]
    assert "Grille-pain" in rows[1][-1]
    assert '"31/02/2021"' in rows[2][-1] and '"-5"' in rows[2][-1]
    assert "line 2" in rows[3][-1]
    # Fixing the rejects file and importing it again works (extra columns are ignored).
    fixed = rejects.read_text(encoding="utf-8-sig").replace("Grille-pain", "Portable")
    assert ";'-5;" in fixed  # text starting with "-" is neutralised in the rejects file too
    fixed = fixed.replace("31/02/2021", "28/02/2021").replace(";'-5;", ";5;")
    fixed = fixed.replace("PC-1;SN5", "PC-5;SN5")
    again = import_file(engine, write("fixed.csv", fixed))
    assert again.created == 3
    assert set(again.ignored_columns) == {"rejected_line", "rejected_reason"}


def test_the_rejects_file_cannot_be_the_imported_file(engine, write) -> None:
    path = write("ok.csv", VALID)
    with pytest.raises(UnreadableFile, match="another file"):
        import_file(engine, path, skip_invalid=path)
    assert path.read_text(encoding="utf-8") == VALID


def test_skip_invalid_with_only_valid_rows_leaves_an_empty_rejects_file(engine, write, tmp_path):
    rejects = tmp_path / "rejects.csv"
    report = import_file(engine, write("ok.csv", VALID), skip_invalid=rejects)
    assert (report.created, report.rejected) == (2, 0)
    assert len(rejects.read_text(encoding="utf-8-sig").splitlines()) == 1


def test_dry_run_counts_and_writes_nothing(engine, write) -> None:
    import_file(engine, write("ok.csv", VALID))
    before = snapshot(engine)
    changed = VALID.replace("En stock", "En réparation") + "PC-3;SN3;Tablette;;;;;Ailleurs\n"
    report = import_file(engine, write("next.csv", changed), dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert [name for _c, name, _k in report.sites_created] == ["Ailleurs"]
    assert not report.committed
    assert snapshot(engine) == before


def test_reimporting_the_same_file_changes_nothing(engine) -> None:
    import_file(engine, DATA / "glpi_fr.csv")
    before = snapshot(engine)
    report = import_file(engine, DATA / "glpi_fr.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert report.sites_created == []
    assert snapshot(engine) == before


def test_an_update_bumps_the_version_and_records_the_changes(engine, write) -> None:
    import_file(engine, write("ok.csv", VALID))
    first = devices(engine)["PC-2"]
    changed = VALID.replace("En stock", "En réparation").replace("149,9", "")
    report = import_file(engine, write("v2.csv", changed), actor="tech2")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    now = devices(engine)["PC-2"]
    assert now["status"] == "in_repair"
    assert now["purchase_price_eur"] is None  # an empty cell clears the field
    assert now["version"] == first["version"] + 1
    assert now["updated_at"] > first["updated_at"]
    update = [e for e in events(engine) if e["kind"] == "updated"]
    assert len(update) == 1 and update[0]["device_id"] == now["id"]
    assert update[0]["actor"] == "tech2"
    details = json.loads(update[0]["details"])
    assert details["changes"] == {
        "status": ["in_stock", "in_repair"],
        "purchase_price_eur": [149.9, None],
    }
    assert details["line"] == 3


def test_empty_cells_keep_fields_that_have_a_default(engine, write) -> None:
    import_file(engine, write("ok.csv", VALID))
    report = import_file(engine, write("v2.csv", VALID.replace("En stock", "")))
    assert report.unchanged == 2
    assert devices(engine)["PC-2"]["status"] == "in_stock"


def test_rows_without_asset_tag_are_matched_by_serial(engine, write) -> None:
    first = "serial;category;status\nSN-A;Portable;En service\nSN-B;Écran;En stock\n"
    report = import_file(engine, write("serials.csv", first))
    assert report.created == 2
    assert devices(engine)["SN-A"]["serial"] == "SN-A"  # the serial stands in for the tag
    again = import_file(engine, write("serials2.csv", first.replace("En stock", "Réformé")))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert devices(engine)["SN-B"]["status"] == "retired"
    # The real asset tag arrives later: same device, relabelled.
    ident = devices(engine)["SN-A"]["id"]
    tagged = "asset_tag;serial;category\nCD35-7;SN-A;Portable\n"
    report = import_file(engine, write("tagged.csv", tagged))
    assert (report.created, report.updated) == (0, 1)
    got = devices(engine)
    assert "SN-A" not in got and got["CD35-7"]["id"] == ident


def test_an_existing_tagged_device_is_updated_from_a_row_with_only_its_serial(engine, write):
    import_file(engine, write("ok.csv", VALID))
    report = import_file(engine, write("s.csv", "serial;category;status\nSN1;Portable;Réformé\n"))
    assert (report.created, report.updated) == (0, 1)
    assert devices(engine)["PC-1"]["status"] == "retired"


def test_a_serial_shared_by_two_devices_is_ambiguous(engine, write) -> None:
    content = "asset_tag;serial;category\nA;DUP;Portable\nB;DUP;Portable\n"
    import_file(engine, write("two.csv", content))
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        import_file(engine, write("s.csv", "serial;category\nDUP;Écran\n"))
    assert "matches 2" in str(info.value.report.problems[0])
    assert snapshot(engine) == before


def test_known_sites_are_matched_by_code_or_name_and_unknown_ones_created(engine, write) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Site.__table__),
            [
                {"code": "HQ", "name": "Hôtel du Département", "kind": "head_office"},
                {"code": "CDAS-RN", "name": "CDAS de Rennes Nord", "kind": "cdas"},
            ],
        )
    content = (
        "asset_tag;category;site\n"
        "A;Portable;HQ\n"
        "B;Portable;hotel du departement\n"
        "C;Portable;Département > CDAS > CDAS de Rennes Nord\n"
        "D;Portable;Collège Anne de Bretagne\n"
        "E;Portable;\n"
    )
    report = import_file(engine, write("sites.csv", content))
    got = devices(engine)
    assert got["A"]["site_code"] == got["B"]["site_code"] == "HQ"
    assert got["C"]["site_code"] == "CDAS-RN"
    assert got["D"]["site_code"] == "Collège Anne de Bretagne"
    assert got["D"]["site_kind"] == "other"
    assert got["E"]["site_id"] is None
    assert report.sites_created == [
        ("Collège Anne de Bretagne", "Collège Anne de Bretagne", "other")
    ]


def test_a_long_site_name_gets_a_short_stable_code(engine, write) -> None:
    name = "Espace naturel sensible de la forêt de Paimpont, maison du site et ateliers"
    content = f"asset_tag;category;site\nA;Portable;{name}\n"
    import_file(engine, write("long.csv", content))
    code = devices(engine)["A"]["site_code"]
    assert len(code) <= 40 and code.startswith("Espace naturel")
    import_file(engine, write("long2.csv", content.replace("A;", "B;")))
    assert devices(engine)["B"]["site_code"] == code


def test_user_synonyms_let_an_unknown_label_through(engine, write) -> None:
    content = "Asset Tag,Category,Status\nS-1,Networking,Pending\n"
    with pytest.raises(ImportFailed):
        import_file(engine, write("s.csv", content))
    mine = write(
        "mine.toml", '[status]\nin_stock = ["Pending"]\n[category]\nswitch = ["Networking"]\n'
    )
    report = import_file(engine, write("s.csv", content), synonyms=load_synonyms(mine))
    assert report.created == 1
    assert devices(engine)["S-1"]["status"] == "in_stock"
    assert devices(engine)["S-1"]["category"] == "switch"
