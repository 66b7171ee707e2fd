"""Lessons from a real GLPI 10 export (issue 13), on an invented file of its shape.

``data/glpi10_lycee.csv`` copies the header and layout of a real French GLPI 10
search export of 549 lycée computers (UTF-8 BOM, ``;``, every value quoted, a
trailing ``;``; see the peer-samples README), with invented values: one entity
(the school), rooms in "Lieu", GLPI statuses nobody mapped ("Actif",
"Inactif", "Campagne_DEEE"), delivery dates ``01-02-2019`` and warranty
lengths ``60 mois`` / ``3 ans``, BIOS placeholders as inventory numbers, and
one row with an empty Type.
"""

from __future__ import annotations

import datetime as dt

import pytest
from io_helpers import DATA, devices, snapshot

from sobriety.io.importer import ImportFailed, import_file

FILE = DATA / "glpi10_lycee.csv"
MAPS = ("Statut:Actif=in_service", "Statut:Inactif=in_stock", "Statut:Campagne_DEEE=retired")


def test_the_first_run_lists_every_problem_each_unknown_label_once(engine) -> None:
    before = snapshot(engine)
    with pytest.raises(ImportFailed) as info:
        import_file(engine, FILE)
    assert snapshot(engine) == before
    report = info.value.report
    labels = {(u.column, u.label): (u.rows, u.lines) for u in report.unknown_labels}
    assert labels == {
        ("Statut", "Actif"): (6, [2, 3, 4, 6, 8]),
        ("Statut", "Inactif"): (1, [5]),
        ("Statut", "Campagne_DEEE"): (1, [7]),
    }
    # the row with an empty Type (and an unknown status) is reported at once
    assert [(p.line, p.column, p.value) for p in report.problems] == [(9, "Type", "")]
    assert "4 problems" in str(info.value)


def test_site_from_the_entity_room_kept_as_location_dates_and_placeholders(
    engine, tmp_path
) -> None:
    rejects = tmp_path / "rejects.csv"
    report = import_file(engine, FILE, mappings=MAPS, skip_invalid=rejects)
    assert (report.created, report.rejected) == (7, 1)  # the row with an empty Type
    assert report.unknown_labels == []
    # one school is one site (not one site per room)
    assert [name for _code, name, _kind in report.sites_created] == ["0999 - LYCEE DES EXEMPLES"]
    assert report.site_from == "Entité"
    got = devices(engine)
    assert {d["site_name"] for d in got.values()} == {"0999 - LYCEE DES EXEMPLES"}
    # BIOS placeholders are no asset tags: those rows take their serial
    assert report.placeholders == {"Numéro d'inventaire": 4}
    assert {"EXSN0001", "EXSN0002", "EXSN0003", "EXSN0004", "LYC-0005"} <= set(got)
    assert not {"Chassis Asset Tag", "To be filled by O.E.M.", "Default string", "0"} & set(got)
    first = got["EXSN0001"]
    assert first["location"] == "Bâtiment A > 101"
    assert first["status"] == "in_service"
    # delivery date 01-02-2019 (day first: "15-09-2020" in the column settles it) + 60 mois
    assert first["acquisition_date"] == dt.date(2019, 2, 1)
    assert first["warranty_end"] == dt.date(2024, 2, 1)
    assert got["EXSN0003"]["warranty_end"] == dt.date(2023, 9, 15)  # 3 ans
    assert got["EXSN0004"]["status"] == "in_stock"
    assert got["LYC-0006"]["status"] == "retired"
    assert got["LYC-0006"]["warranty_end"] is None  # no length, no delivery date
    [order] = report.date_orders
    assert (order.column, order.order, order.reason) == (
        "Informations financières et administratives - Date de livraison",
        "dmy",
        "values",
    )
    assert "Vie scolaire" not in {d["site_name"] for d in got.values()}


def test_a_location_level_can_name_the_site(engine, tmp_path) -> None:
    report = import_file(
        engine, FILE, mappings=MAPS, site_level=1, skip_invalid=tmp_path / "rejects.csv"
    )
    assert report.site_from == "Lieu, level 1"
    sites = {name for _code, name, _kind in report.sites_created}
    assert sites == {"Bâtiment A", "Bâtiment B", "CDI", "Vie scolaire"}
    got = devices(engine)
    assert (got["EXSN0001"]["site_name"], got["EXSN0001"]["location"]) == ("Bâtiment A", "101")
    assert (got["LYC-0005"]["site_name"], got["LYC-0005"]["location"]) == ("CDI", None)
