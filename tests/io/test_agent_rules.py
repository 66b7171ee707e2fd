"""The rules reading an inventory agent's measurements (sobriety.domain.inventory.agent_rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from agent_helpers import real

from sobriety.domain.inventory import agent_rules as rules
from sobriety.io.agent_extract import edid_summary


@pytest.mark.parametrize(
    ("chassis", "model", "os_name", "virtual", "expected"),
    [
        ("Laptop", "XPS 13 9350", "Fedora 31", False, "laptop"),
        ("Notebook", "HP EliteBook 2540p", "Windows 8.1", False, "laptop"),
        ("Convertible", "ThinkPad X1 Yoga", None, False, "laptop"),
        ("Desktop", "OptiPlex 7070", None, False, "desktop"),
        ("Mini Tower", "ThinkCentre M720t", None, False, "desktop"),
        ("All in One", "ThinkCentre M90a", None, False, "desktop"),
        ("Tower", "Precision 3650 Tower", None, False, "workstation"),
        ("Desktop", "HP Z2 G5 Workstation", None, False, "workstation"),
        ("Desktop", "HP t640 Thin Client", None, False, "thin_client"),
        ("Other", "Wyse 5070", None, False, "thin_client"),
        ("Tablet", "Surface Go", None, False, "tablet"),
        (None, "SM-A715F", "Snow Cone Android 12.0", False, "smartphone"),
        (None, "SM-T510", "Android 11", False, "tablet"),
        ("Laptop", "XPS 13 9350", None, True, None),
        ("Rack Mount Chassis", "PowerEdge R640", None, False, None),
        (None, "Some board", "Debian", False, None),
    ],
)
def test_computer_category_from_the_chassis_type(chassis, model, os_name, virtual, expected):
    found = rules.computer_category(chassis, model=model, os_name=os_name, virtual=virtual)
    assert found.category == expected
    assert (found.skipped is None) == (expected is not None)


def test_why_a_computer_is_skipped() -> None:
    assert rules.computer_category("Laptop", virtual=True).skipped == rules.SKIP_VIRTUAL
    assert rules.computer_category("Blade").skipped == rules.SKIP_SERVER
    assert rules.computer_category("Unknown").skipped == rules.SKIP_CHASSIS


@pytest.mark.parametrize(
    ("device_type", "model", "description", "ports", "expected"),
    [
        ("Printer", "HP LaserJet M507", None, 1, "printer"),
        ("Networking", "2530-48G", None, 52, "switch"),
        ("Networking", "J9775A", "HP J9775A 2530-48G Switch, revision YA.15.12", 0, "switch"),
        ("Networking", "FortiGate-60F", None, 10, "firewall"),
        ("Networking", "AIR-AP2802I-E-K9", "Cisco Aironet", 1, "wifi_access_point"),
        ("Networking", "UAP-AC-Pro", None, 1, "wifi_access_point"),
        ("Networking", "ISR4331/K9", None, 3, "router"),
        ("Networking", "XYZ-9000", None, 24, "switch"),  # no word, but 24 Ethernet ports
        ("Networking", "XYZ-9000", None, 2, None),
        ("Power", "Smart-UPS 1500", None, 1, None),
        ("Storage", "DS920+", None, 2, None),
    ],
)
def test_network_category(device_type, model, description, ports, expected) -> None:
    found = rules.network_category(
        device_type, model=model, description=description, ethernet_ports=ports
    )
    assert found.category == expected


@pytest.mark.parametrize(
    ("name", "label", "generation"),
    [
        ("Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz", "Intel Core i5-6200U", 6),
        ("Intel(R) Core(TM) i5 CPU M 540 @ 2.53GHz", "Intel Core i5 M 540", 1),
        ("Intel(R) Core(TM) i7-2600 CPU @ 3.40GHz", "Intel Core i7-2600", 2),
        ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "Intel Core i5-8250U", 8),
        ("Intel(R) Core(TM) i7-1065G7 CPU @ 1.30GHz", "Intel Core i7-1065G7", 10),
        ("Intel(R) Core(TM) i5-10310U CPU @ 1.70GHz", "Intel Core i5-10310U", 10),
        ("11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", "Intel Core i5-1145G7", 11),
        ("12th Gen Intel(R) Core(TM) i5-1245U", "Intel Core i5-1245U", 12),
        ("13th Gen Intel(R) Core(TM) i5-13500", "Intel Core i5-13500", 13),
        ("Intel(R) Core(TM) i9-14900K", "Intel Core i9-14900K", 14),
        ("Intel(R) Core(TM) Ultra 7 155H", "Intel Core Ultra 7 155H", 14),
        ("AMD Ryzen 7 1700 Eight-Core Processor", "AMD Ryzen 7 1700", 7),
        ("AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx", "AMD Ryzen 5 2500U", 8),
        ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", "AMD Ryzen 5 PRO 4650U", 10),
        ("AMD Ryzen AI 9 HX 370 w/ Radeon 890M", "AMD Ryzen AI 9 HX 370", 15),
        ("Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz", "Intel Xeon E5-2620 v4", None),
        ("Intel(R) Celeron(R) CPU N3060 @ 1.60GHz", "Intel Celeron N3060", None),
        ("Apple M1", "Apple M1", None),
    ],
)
def test_cpu_label_and_generation(name, label, generation) -> None:
    assert rules.cpu_label(name) == label
    assert rules.cpu_generation(name) == generation


def test_a_generic_arm_cpu_name_gives_way_to_the_model() -> None:
    name, model = "AArch64 Processor rev 14 (aarch64)", "Qualcomm Technologies, Inc SM8150"
    assert rules.cpu_label(name, model) == model
    assert rules.cpu_label(name, "78") == "AArch64 rev 14 (aarch64)"  # a numeric model is no name
    assert rules.cpu_generation(name) is None


def test_memory_battery_and_storage_rules() -> None:
    assert rules.ram_gb([4096, 4096], 7800) == 8.0
    assert rules.ram_gb([], 7830) == 7.6
    assert rules.ram_gb([], None) is None
    assert rules.battery_health([(57570, 50570)]) == 87.8
    assert rules.battery_health([(50000, 52000)]) == 100.0  # a new battery above its design
    assert rules.battery_health([(93, None)]) is None  # an Android level, no capacities
    assert rules.battery_health([(40000, 30000), (20000, 20000)]) == pytest.approx(83.3)
    disks = [
        rules.Disk(256060, ("PM951 NVMe SAMSUNG 256GB", "nvme0n1")),
        rules.Disk(1000204, ("WDC WD10EZEX-08WN4A0", "sda")),
        rules.Disk(31000, ("SanDisk Cruzer", "USB")),  # a USB key: left out
        rules.Disk(0, ("DVD+-RW", "sr0")),
    ]
    assert rules.storage_summary(disks) == (1256.3, "hdd")
    assert rules.storage_summary(disks[:1]) == (256.1, "ssd")
    assert rules.storage_summary([rules.Disk(250059, ("Hitachi HTS725025A9A364",))]) == (
        250.1,
        "hdd",
    )
    assert rules.storage_summary([rules.Disk(29820, ("mmcblk0",))]) == (29.8, "emmc")
    assert rules.storage_summary([rules.Disk(500107, ("ACME 500",))]) == (500.1, None)
    assert rules.storage_summary([]) == (None, None)


def test_tpm_version_from_a_firmware_entry() -> None:
    tpm = {"name": "TPM", "description": "Trusted Platform Module 2.0", "version": "7.2.1.0"}
    assert rules.tpm_version([{"name": "BIOS", "version": "1.2.0"}, tpm]) == "2.0"
    assert rules.tpm_version([{"type": "tpm", "version": "1.2"}]) == "1.2"
    assert rules.tpm_version([{"name": "BIOS", "version": "2.0"}]) is None


def test_placeholders_are_no_identifiers() -> None:
    for junk in ("To Be Filled By O.E.M.", "Default string", "0000000000", " ", "release-keys"):
        assert rules.meaningful(junk) is None, junk
    assert rules.meaningful(" 640HP72 ") == "640HP72"


def test_the_screen_sizes_of_the_real_monitors_from_their_edid() -> None:
    sharp = real("computer_1.json")["content"]["monitors"][0]
    assert edid_summary(sharp["base64"]) == ("SHP", 13.3)  # the XPS 13's own panel
    assert rules.is_panel("SHP", None) and not rules.is_panel("DEL", "Dell Inc.")
    assert rules.builtin_panel([False, True]) == 1 and rules.builtin_panel([False]) is None
    assert edid_summary("not base64!") == (None, None)
    assert edid_summary(None, None) == (None, None)


def test_merge_takes_measures_fills_identities_and_ignores_older_inventories() -> None:
    device = {
        "serial": "S1",
        "manufacturer": "Dell",
        "model": None,
        "category": "desktop",
        "battery_health_pct": 90.0,
        "ram_gb": 8.0,
        "os": "Windows 10",
        "last_inventory_date": dt.date(2025, 3, 1),
    }
    values = {
        "serial": "S1",
        "manufacturer": "Dell Inc.",
        "model": "Latitude 5420",
        "battery_health_pct": 81.5,
        "ram_gb": 8.0,
        "last_inventory_date": dt.date(2025, 6, 1),
    }
    assert rules.merge_changes(device, values) == {
        "battery_health_pct": (90.0, 81.5),
        "last_inventory_date": (dt.date(2025, 3, 1), dt.date(2025, 6, 1)),
        "model": (None, "Latitude 5420"),
    }  # the OS the inventory does not give stays; "Dell" keeps its spelling
    older = dict(values, last_inventory_date=dt.date(2025, 1, 1))
    assert rules.merge_changes(device, older) == {}
