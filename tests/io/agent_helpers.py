"""Real GLPI Agent inventories, and folders of many inventories made by varying them.

:func:`make_fleet` writes ``n`` inventories into a folder: each is one of the
real files of ``tests/data/glpi-inventory`` (weighted like a département's
fleet: mostly computers, then phones, printers, switches, legacy XML) with a
new serial, UUID and agent id, a random battery wear, chassis type and CPU,
and sometimes a virtual machine or a server. It returns what each file says,
so that tests (and ``bench/bench_glpi_agent.py``) can check every device.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AGENT_DATA = Path(__file__).resolve().parents[1] / "data" / "glpi-inventory"
REAL_FILES = (
    "computer_1.json",
    "computer_2.json",
    "phone_1.json",
    "printer_1.json",
    "networkequipment_3.json",
    "2.xml",
    "13.xml",
)

#: (chassis type, category it gives or None when skipped, weight)
CHASSIS = [
    ("Laptop", "laptop", 40),
    ("Notebook", "laptop", 15),
    ("Convertible", "laptop", 3),
    ("Desktop", "desktop", 15),
    ("Tower", "desktop", 6),
    ("Mini PC", "desktop", 5),
    ("All in One", "desktop", 3),
    ("Tablet", "tablet", 3),
    ("Rack Mount Chassis", None, 2),
]
#: (CPU name as an agent reports it, generation on Intel's scale)
CPUS = [
    ("Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz", 6),
    ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", 8),
    ("Intel(R) Core(TM) i7-8665U CPU @ 1.90GHz", 8),
    ("Intel(R) Core(TM) i5-10310U CPU @ 1.70GHz", 10),
    ("11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", 11),
    ("12th Gen Intel(R) Core(TM) i5-1245U", 12),
    ("Intel(R) Core(TM) i3-4130 CPU @ 3.40GHz", 4),
    ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", 10),
    ("Intel(R) Celeron(R) CPU N3060 @ 1.60GHz", None),
]
TEMPLATE_WEIGHTS = {
    "computer_1.json": 60,
    "computer_2.json": 8,
    "phone_1.json": 10,
    "printer_1.json": 7,
    "networkequipment_3.json": 5,
    "2.xml": 8,
    "13.xml": 2,
}


@dataclass
class Expected:
    """What one generated file says: the device it gives (or why it is skipped)."""

    file: str
    item_type: str
    serial: str
    category: str | None
    battery_health_pct: float | None = None
    cpu_generation: int | None = None
    monitor_serial: str | None = None


def real(name: str) -> dict[str, Any]:
    return json.loads((AGENT_DATA / name).read_text(encoding="utf-8"))


def make_fleet(folder: Path, n: int, seed: int = 35, prefix: str = "G") -> list[Expected]:
    """Write ``n`` varied inventories into ``folder``; what each one holds."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {name: (AGENT_DATA / name).read_text(encoding="utf-8") for name in REAL_FILES}
    names, weights = zip(*TEMPLATE_WEIGHTS.items(), strict=True)
    out: list[Expected] = []
    for i in range(n):
        template = rng.choices(names, weights)[0]
        serial = f"{prefix}{seed:02d}{i:06d}"
        stem = f"{template.split('.')[0].split('_')[0]}-{i:06d}"
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if template.endswith(".xml"):
            text = _vary_xml(texts[template], serial, rng, day)
            path = folder / f"{stem}.xml"
            path.write_text(text, encoding="utf-8")
            if template == "2.xml":
                expected = Expected(path.name, "Computer", serial, "laptop", None, 1, f"M{serial}")
            else:
                expected = Expected(path.name, "Computer", serial, "smartphone")
            out.append(expected)
            continue
        doc = json.loads(texts[template])
        doc["deviceid"] = f"{stem}-2024-01-02-03-04-05"
        content = doc["content"]
        if "network_device" in content:
            content["network_device"]["serial"] = serial
            kind = doc["itemtype"]
            category = "printer" if kind == "Printer" else "switch"
            out.append(Expected(f"{stem}.json", kind, serial, category))
        else:
            out.append(_vary_computer(doc, serial, rng, day, stem))
        (folder / f"{stem}.json").write_text(json.dumps(doc), encoding="utf-8")
    return out


def _vary_computer(doc: dict, serial: str, rng: random.Random, day: str, stem: str) -> Expected:
    content = doc["content"]
    content["bios"]["ssn"] = serial
    content["hardware"]["uuid"] = str(uuid.UUID(int=rng.getrandbits(128)))
    if "accesslog" in content:
        content["accesslog"]["logdate"] = f"{day} 10:{rng.randint(0, 59):02d}:00"
    item_type = doc.get("itemtype") or "Computer"
    if item_type == "Phone":
        return Expected(f"{stem}.json", "Phone", serial, "smartphone")
    chassis, category, _w = rng.choices(CHASSIS, [w for *_x, w in CHASSIS])[0]
    content["hardware"]["chassis_type"] = chassis
    if rng.random() < 0.03:
        content["hardware"]["vmsystem"] = "VMware"
        category = None
    expected = Expected(f"{stem}.json", "Computer", serial, category)
    if "cpus" in content:
        name, generation = rng.choice(CPUS)
        content["cpus"][0]["name"] = name
        expected.cpu_generation = generation
    for battery in content.get("batteries", []):
        battery["real_capacity"] = int(battery["capacity"] * rng.uniform(0.45, 1.0))
        expected.battery_health_pct = round(battery["real_capacity"] / battery["capacity"] * 100, 1)
    for number, monitor in enumerate(content.get("monitors", [])):
        monitor["serial"] = f"M{serial}{number}"
    return expected


def _vary_xml(text: str, serial: str, rng: random.Random, day: str) -> str:
    text = re.sub(r"<SSN>[^<]*</SSN>", f"<SSN>{serial}</SSN>", text)
    text = re.sub(r"<ASSETTAG>[^<]*</ASSETTAG>", "<ASSETTAG></ASSETTAG>", text)
    text = re.sub(
        r"<UUID>[^<]*</UUID>", f"<UUID>{uuid.UUID(int=rng.getrandbits(128))}</UUID>", text
    )
    text = re.sub(r"<LOGDATE>[^<]*</LOGDATE>", f"<LOGDATE>{day} 09:00:00</LOGDATE>", text)
    # the monitor of 2.xml (a <SERIAL> inside <MONITORS>)
    return re.sub(
        r"(<MONITORS>.*?<SERIAL>)[^<]*(</SERIAL>)", rf"\g<1>M{serial}\g<2>", text, flags=re.S
    )
