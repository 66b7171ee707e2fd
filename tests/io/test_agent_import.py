"""The glpi-agent profile on real inventories, against real databases (SQLite file, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from agent_helpers import AGENT_DATA, make_fleet, real
from io_helpers import devices, events, snapshot

from sobriety.io.agent_import import import_inventories
from sobriety.io.importer import import_file


def _write(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _xml(name: str) -> ET.Element:
    return ET.parse(AGENT_DATA / name).getroot().find("CONTENT")


def test_the_real_inventories_field_by_field(engine) -> None:
    report = import_inventories(engine, AGENT_DATA, actor="tech-1")
    assert (report.files, report.formats) == (7, {"json": 5, "xml": 2})
    assert (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert {t: c["created"] for t, c in report.by_type.items()} == {
        "Computer": 4,  # computer_1, computer_2, 2.xml and the Android 13.xml (itemtype Computer)
        "Phone": 1,
        "Printer": 1,
        "NetworkEquipment": 1,
        "Monitor": 1,  # the Dell 1707FP plugged into the EliteBook of 2.xml
    }
    assert report.ignored_files == ["LICENSE", "README.md"]
    got = devices(engine)

    c1 = real("computer_1.json")["content"]
    xps = got[c1["bios"]["ssn"]]  # the serial stands in as asset tag
    battery = c1["batteries"][0]
    assert {k: xps[k] for k in ("serial", "manufacturer", "model", "uuid")} == {
        "serial": "640HP72",
        "manufacturer": c1["bios"]["smanufacturer"],
        "model": c1["bios"]["smodel"],
        "uuid": c1["hardware"]["uuid"],
    }
    assert xps["category"] == "laptop"  # chassis_type "Laptop"
    assert c1["cpus"][0]["name"] == "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz"
    assert xps["cpu_model"] == "Intel Core i5-6200U"
    assert xps["cpu_generation"] == 6
    assert xps["ram_gb"] == sum(m["capacity"] for m in c1["memories"]) / 1024 == 8.0
    assert xps["storage_gb"] == round(c1["storages"][0]["disksize"] / 1000, 1) == 256.1
    assert xps["storage_type"] == "ssd"  # "PM951 NVMe SAMSUNG 256GB"
    assert xps["battery_health_pct"] == pytest.approx(
        round(battery["real_capacity"] / battery["capacity"] * 100, 1)
    )
    assert xps["battery_health_pct"] == pytest.approx(87.8)
    assert xps["os"] == c1["operatingsystem"]["full_name"] == "Fedora 31 (Workstation Edition)"
    assert xps["screen_size_in"] == pytest.approx(13.3)  # its Sharp panel's EDID: 294 x 165 mm
    assert xps["last_inventory_date"] == dt.date(2020, 6, 12)  # accesslog.logdate
    assert xps["tpm_version"] is None  # no firmware entry names a TPM
    assert (xps["status"], xps["condition"], xps["acquisition_type"]) == (
        "in_service",
        "working",
        "new",
    )
    assert (xps["site_id"], xps["assignee"], xps["purchase_price_eur"]) == (None, None, None)

    c2 = real("computer_2.json")["content"]  # a partial inventory: BIOS and hardware only
    small = got[c2["bios"]["ssn"]]
    assert (small["category"], small["model"], small["uuid"]) == (
        "laptop",
        "XPS 13 9350",
        c2["hardware"]["uuid"].lower(),
    )
    assert small["ram_gb"] == round(c2["hardware"]["memory"] / 1024, 1) == 7.6
    assert small["last_inventory_date"] == dt.date(2021, 1, 26)  # from its agent id
    assert small["cpu_model"] is small["storage_gb"] is small["battery_health_pct"] is None

    phone = real("phone_1.json")["content"]
    mi = got[phone["bios"]["ssn"]]
    assert (mi["category"], mi["manufacturer"], mi["model"]) == (
        "smartphone",
        "Xiaomi",
        "Mi 9T Pro",
    )
    assert mi["uuid"] == phone["hardware"]["uuid"]
    assert mi["cpu_model"] == phone["cpus"][0]["model"]  # its name is a generic "AArch64 ..."
    assert mi["cpu_generation"] is None
    assert mi["ram_gb"] == round(phone["memories"][0]["capacity"] / 1024, 1) == 5.4
    assert mi["os"] == phone["operatingsystem"]["full_name"]
    assert mi["battery_health_pct"] is None  # "capacity": 93 is a level, no real capacity
    assert mi["last_inventory_date"] == dt.date(2019, 12, 18)

    printer = real("printer_1.json")["content"]["network_device"]
    laser = got[printer["serial"]]
    assert (laser["category"], laser["manufacturer"], laser["model"], laser["os"]) == (
        "printer",
        printer["manufacturer"],
        printer["model"],
        printer["firmware"],
    )
    assert laser["last_inventory_date"] == dt.date(2020, 12, 31)  # the run, in its agent id

    switch = real("networkequipment_3.json")["content"]["network_device"]
    hp = got[switch["serial"]]
    assert (hp["category"], hp["manufacturer"], hp["model"], hp["os"]) == (
        "switch",
        "Hewlett-Packard",
        "2530-48G",
        "YA.15.12.0015",
    )

    xml = _xml("2.xml")
    elitebook = got[xml.findtext("BIOS/SSN")]
    assert (elitebook["category"], elitebook["model"], elitebook["uuid"]) == (
        "laptop",  # CHASSIS_TYPE Notebook
        xml.findtext("BIOS/SMODEL"),
        xml.findtext("HARDWARE/UUID").lower(),
    )
    assert elitebook["cpu_model"] == "Intel Core i5 M 540" and elitebook["cpu_generation"] == 1
    assert (
        elitebook["ram_gb"] == sum(int(m.findtext("CAPACITY")) for m in xml.iter("MEMORIES")) / 1024
    )
    assert elitebook["storage_gb"] == pytest.approx(250.1)  # DISKSIZE 250059
    assert elitebook["storage_type"] == "hdd"  # Hitachi HTS725025A9A364, a Travelstar
    assert elitebook["battery_health_pct"] is None  # a design CAPACITY, no REAL_CAPACITY
    assert elitebook["os"] == xml.findtext("OPERATINGSYSTEM/FULL_NAME")
    assert elitebook["screen_size_in"] is None  # only an external monitor is listed
    assert elitebook["last_inventory_date"] == dt.date(2017, 5, 15)
    monitor = got[xml.findtext("MONITORS/SERIAL")]
    assert (monitor["category"], monitor["manufacturer"], monitor["model"]) == (
        "monitor",
        "Dell Inc.",
        "DELL 1707FP",
    )
    assert monitor["screen_size_in"] == pytest.approx(17.0)

    android = _xml("13.xml")
    samsung = got[android.findtext("BIOS/SSN")]
    assert (samsung["category"], samsung["manufacturer"], samsung["model"]) == (
        "smartphone",  # ITEMTYPE Computer, but an Android system
        "samsung",
        "SM-A715F",
    )
    assert samsung["ram_gb"] == 5.4 and samsung["os"] == "Snow Cone Android 12.0 api 31"

    history = events(engine)
    assert [e["kind"] for e in history] == ["created"] * 8
    assert {json.loads(e["details"])["file"] for e in history} == {
        "computer_1.json",
        "computer_2.json",
        "phone_1.json",
        "printer_1.json",
        "networkequipment_3.json",
        "2.xml",
        "13.xml",
    }
    assert {e["actor"] for e in history} == {"tech-1"}
    assert "lastloggeduser" not in json.dumps(list(got.values()), default=str)


def test_reimporting_the_same_files_changes_nothing(engine) -> None:
    import_inventories(engine, AGENT_DATA)
    before = snapshot(engine)
    again = import_inventories(engine, AGENT_DATA)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert snapshot(engine) == before  # no version bump, no history row


def test_a_changed_measurement_goes_into_the_history(engine, tmp_path) -> None:
    doc = real("computer_1.json")
    _write(tmp_path / "jan", "xps.json", doc)
    import_inventories(engine, tmp_path / "jan")
    doc["content"]["batteries"][0]["real_capacity"] = 40300  # the battery wears out
    doc["content"]["accesslog"]["logdate"] = "2021-01-15 09:00:00"
    report = import_inventories(engine, _write(tmp_path / "feb", "xps.json", doc))
    assert (report.updated, report.preview[0].action) == (1, "update")
    xps = devices(engine)["640HP72"]
    assert xps["battery_health_pct"] == pytest.approx(70.0)
    assert (xps["version"], xps["last_inventory_date"]) == (2, dt.date(2021, 1, 15))
    update = events(engine)[-1]
    assert update["kind"] == "updated"
    details = json.loads(update["details"])
    assert details["file"] == "xps.json" and details["source"] == "glpi-agent"
    assert details["changes"] == {
        "battery_health_pct": [87.8, 70.0],
        "last_inventory_date": ["2020-06-12", "2021-01-15"],
    }
    # An older inventory found later changes nothing.
    doc["content"]["batteries"][0]["real_capacity"] = 57000
    doc["content"]["accesslog"]["logdate"] = "2020-09-01 09:00:00"
    before = snapshot(engine)
    late = import_inventories(engine, _write(tmp_path / "old", "xps.json", doc))
    assert (late.unchanged, late.older) == (1, 1)
    assert snapshot(engine) == before


GLPI_CSV = (
    "Nom;Statut;Fabricant;Numéro de série;Type;Modèle;Lieu;Numéro d'inventaire;"
    "Date d'achat;Valeur;Système d'exploitation - Nom\n"
    "DSN-PC-0777;En stock;Dell;640HP72;Portable;XPS 13;Hôtel du Département > DSN;CD35-000777;"
    "04/03/2016;1 299,00;Windows 10 Professionnel\n"
)
SNIPEIT_CSV = (
    "Asset Tag,Category,Manufacturer,Serial,Model,Location,Purchase Date,Purchase Cost,Status\n"
    "SN-000640,Laptops,Dell,640HP72,XPS 13,CDAS de Fougères,2016-03-04,1299.00,Deployed\n"
)


def test_a_glpi_csv_then_the_agent_each_keep_their_fields(engine, write) -> None:
    csv_file = write("glpi.csv", GLPI_CSV, "cp1252")
    import_file(engine, csv_file)
    report = import_inventories(engine, AGENT_DATA / "computer_1.json")
    assert (report.created, report.updated) == (0, 1)  # matched by serial
    xps = devices(engine)["CD35-000777"]
    # administrative fields: the CSV's
    assert (xps["status"], xps["purchase_price_eur"], xps["acquisition_date"]) == (
        "in_stock",
        1299.0,
        dt.date(2016, 3, 4),
    )
    assert (xps["site_name"], xps["manufacturer"], xps["model"]) == ("DSN", "Dell", "XPS 13")
    # measured fields: the agent's
    assert xps["os"] == "Fedora 31 (Workstation Edition)"
    assert (xps["cpu_generation"], xps["ram_gb"], xps["battery_health_pct"]) == (6, 8.0, 87.8)
    assert xps["last_inventory_date"] == dt.date(2020, 6, 12)
    changes = json.loads(events(engine)[-1]["details"])["changes"]
    assert changes["os"] == ["Windows 10 Professionnel", "Fedora 31 (Workstation Edition)"]
    assert "status" not in changes and "manufacturer" not in changes
    # Importing either file again changes nothing: the CSV's OS column no longer applies.
    before = snapshot(engine)
    assert import_file(engine, csv_file).unchanged == 1
    assert import_inventories(engine, AGENT_DATA / "computer_1.json").unchanged == 1
    assert snapshot(engine) == before


def test_the_agent_then_a_snipeit_csv_relabels_and_keeps_the_measures(engine, write) -> None:
    import_inventories(engine, AGENT_DATA / "computer_1.json")
    import_file(engine, write("snipe.csv", SNIPEIT_CSV))
    got = devices(engine)
    assert set(got) == {"SN-000640"}  # the serial stood in as asset tag until now
    xps = got["SN-000640"]
    assert (xps["site_name"], xps["purchase_price_eur"], xps["model"]) == (
        "CDAS de Fougères",
        1299.0,
        "XPS 13",  # the CSV's spelling of an identity field
    )
    assert (xps["os"], xps["storage_gb"], xps["uuid"]) == (
        "Fedora 31 (Workstation Edition)",
        256.1,
        "4c4c4544-0034-3010-8048-b6c04f503732",
    )
    before = snapshot(engine)
    assert import_inventories(engine, AGENT_DATA / "computer_1.json").unchanged == 1
    assert snapshot(engine) == before


def test_matching_by_uuid_then_by_asset_tag(engine, tmp_path, write) -> None:
    doc = real("computer_1.json")
    import_inventories(engine, _write(tmp_path / "a", "xps.json", doc))
    doc["content"]["bios"]["ssn"] = "To Be Filled By O.E.M."  # a new mainboard lost it
    doc["content"]["accesslog"]["logdate"] = "2021-02-01 08:00:00"
    report = import_inventories(engine, _write(tmp_path / "b", "xps.json", doc))
    assert (report.created, report.updated) == (0, 1)
    assert set(devices(engine)) == {"640HP72"}
    # A device known by its asset tag only (hand-made CSV) takes the BIOS's asset tag match.
    import_file(engine, write("tags.csv", "asset_tag;category\nCOMP1;Portable\n"))
    import_inventories(engine, AGENT_DATA / "computer_2.json")  # bios.assettag "COMP1"
    comp1 = devices(engine)["COMP1"]
    assert (comp1["serial"], comp1["model"], comp1["ram_gb"]) == ("2FAGP34", "XPS 13 9350", 7.6)


def test_a_device_in_several_files_is_taken_from_its_latest_inventory(engine, tmp_path) -> None:
    doc = real("computer_1.json")
    doc["content"]["batteries"][0]["real_capacity"] = 28785  # 50 %, the newer inventory
    doc["content"]["accesslog"]["logdate"] = "2024-05-02 10:00:00"
    _write(tmp_path / "inv", "xps-reinstalled.json", doc)
    shutil.copy(AGENT_DATA / "computer_1.json", tmp_path / "inv" / "xps-old.json")
    report = import_inventories(engine, tmp_path / "inv")
    assert (report.created, report.superseded) == (1, ["xps-old.json"])
    assert devices(engine)["640HP72"]["battery_health_pct"] == pytest.approx(50.0)


def test_a_zip_of_inventories(engine, tmp_path) -> None:
    archive = tmp_path / "inventaires.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("computer_1.json", "2.xml", "phone_1.json"):
            zf.write(AGENT_DATA / name, f"agent/{name}")
        zf.writestr("agent/notes.txt", "not an inventory")
    report = import_inventories(engine, archive)
    assert (report.format, report.files, report.created) == ("zip", 3, 4)
    assert report.ignored_files == ["agent/notes.txt"]
    assert {"640HP72", "CZC0479792", "af8d8fcfa6fa4794", "C975661HAB2R"} == set(devices(engine))


def test_devices_without_a_category_are_skipped_and_counted(engine, tmp_path) -> None:
    vm = real("computer_1.json")
    vm["content"]["hardware"]["vmsystem"] = "VMware"
    server = real("computer_2.json")
    server["content"]["hardware"]["chassis_type"] = "Rack Mount Chassis"
    unmanaged = {"deviceid": "x-2024-01-01-00-00-00", "itemtype": "Unmanaged", "content": {}}
    unmanaged["content"]["versionclient"] = "GLPI-Agent_v1.7"
    ups = real("networkequipment_3.json")
    ups["content"]["network_device"]["type"] = "Power"
    desk = real("computer_1.json")
    desk["content"]["hardware"]["chassis_type"] = "Desktop"
    desk["content"]["bios"]["ssn"] = "DESK-1"
    desk["content"]["hardware"]["uuid"] = "uuid-desk-1"
    tpm = {"name": "TPM", "type": "security", "description": "Trusted Platform Module 2.0"}
    desk["content"]["firmwares"] = [dict(tpm, manufacturer="Infineon", version="7.85")]
    external = dict(desk["content"]["monitors"][0], base64="", manufacturer="Dell Inc.")
    desk["content"]["monitors"].append(dict(external, serial=""))  # no serial: skipped
    for name, doc in [("vm", vm), ("server", server), ("u", unmanaged), ("ups", ups), ("d", desk)]:
        _write(tmp_path / "inv", f"{name}.json", doc)
    report = import_inventories(engine, tmp_path / "inv")
    assert report.created == 1 and set(devices(engine)) == {"DESK-1"}
    assert report.skipped == {
        ("Computer", "virtual machine"): 1,
        ("Computer", "server"): 1,
        ("Unmanaged", "unmanaged device"): 1,
        ("NetworkEquipment", "network device without a category (storage, power, KVM...)"): 1,
        ("Monitor", "monitor without a serial number"): 1,
    }
    desk_device = devices(engine)["DESK-1"]
    assert (desk_device["category"], desk_device["screen_size_in"]) == ("desktop", 13.3)
    assert desk_device["tpm_version"] == "2.0"  # from the firmware entry naming a TPM


def test_a_folder_of_several_hundred_varied_inventories(engine, tmp_path) -> None:
    expected = make_fleet(tmp_path / "fleet", 320, seed=7)
    report = import_inventories(engine, tmp_path / "fleet")
    assert not report.problems and report.files == 320
    got = {d["serial"]: d for d in devices(engine).values()}
    kept = [e for e in expected if e.category is not None]
    monitors = [e.monitor_serial for e in kept if e.monitor_serial]
    assert report.created == len(kept) + len(monitors) == len(got)
    assert sum(report.skipped.values()) == len(expected) - len(kept)
    for e in kept:
        device = got[e.serial]
        assert device["category"] == e.category, e.file
        if e.battery_health_pct is not None:
            assert device["battery_health_pct"] == pytest.approx(e.battery_health_pct), e.file
        if e.cpu_generation is not None:
            assert device["cpu_generation"] == e.cpu_generation, e.file
    assert {got[s]["category"] for s in monitors} == {"monitor"}
    before = snapshot(engine)
    again = import_inventories(engine, tmp_path / "fleet")
    assert (again.created, again.updated) == (0, 0)
    assert snapshot(engine) == before


def test_dry_run_counts_and_writes_nothing(engine) -> None:
    before = snapshot(engine)
    report = import_inventories(engine, AGENT_DATA, dry_run=True)
    assert (report.created, report.committed) == (8, False)
    assert {row.action for row in report.preview} == {"create"}
    assert snapshot(engine) == before
