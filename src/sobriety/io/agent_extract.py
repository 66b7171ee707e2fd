"""From one inventory document (JSON shape) to device records.

What is read, and from where (JSON paths under ``content``; the XML tags are
the same in upper case, e.g. ``CONTENT/BIOS/SSN``):

- serial, manufacturer, model: ``bios.ssn``, ``bios.smanufacturer`` (else
  ``mmanufacturer``), ``bios.smodel`` (else ``mmodel``); network gear and
  printers: ``network_device.serial``, ``.manufacturer``, ``.model``;
- UUID: ``hardware.uuid`` (kept in lower case); asset tag (for matching):
  ``bios.assettag`` / ``network_device.assettag``, placeholders dropped;
- category: ``itemtype``, ``hardware.chassis_type``, ``hardware.vmsystem``,
  the OS name; ``network_device.type``, its model and description,
  ``network_ports[].iftype``;
- CPU model and generation: ``cpus[0].name`` (else ``cpus[0].model``);
- RAM: ``memories[].capacity`` (MB), else ``hardware.memory``;
- storage and its type: ``storages[]`` (``disksize`` in MB, ``model``,
  ``name``, ``description``, ``interface``, ``type``);
- battery health: ``batteries[]``, ``real_capacity`` / ``capacity`` (mWh);
- TPM version: ``firmwares[]`` entries naming a TPM;
- OS: ``operatingsystem.full_name`` (else ``.name``, else XML
  ``HARDWARE/OSNAME``); network gear and printers: their firmware
  (``network_device.firmware``, else ``firmwares[].version``);
- screen size: the EDID (``monitors[].base64`` or ``.uuencode``) of the
  device's own panel;
- last inventory date: ``accesslog.logdate``, else the time the agent id
  ends with (``deviceid``; for network inventories, the time of the run).

Monitors of a computer other than its own panel become devices of their own
(item type ``Monitor``). The rules applied are in :mod:`sobriety.domain.inventory.agent_rules`.
Nothing naming a person (``lastloggeduser``, ``users``) is read.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sobriety.domain.inventory import agent_rules as rules
from sobriety.domain.inventory.fields import normalise_label
from sobriety.i18n import _
from sobriety.io.agent_files import (
    Document,
    FileProblem,
    deviceid_time,
    read_datetime,
    render_path,
    shown,
)


@dataclass
class AgentRecord:
    """One device an inventory file describes, as device fields."""

    file: str
    item_type: str
    category: str
    serial: str | None
    uuid: str | None
    asset_tag: str | None
    seen_at: dt.datetime | None
    values: dict[str, Any] = field(default_factory=dict)
    #: Where each value was read (JSON or XML path), for problems.
    paths: dict[str, str] = field(default_factory=dict)

    def path(self, name: str) -> str:
        return self.paths.get(name, "-")


@dataclass
class Extracted:
    records: list[AgentRecord] = field(default_factory=list)
    #: (item type, reason) of each device left out for want of a category.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


def extract(name: str, document: Document) -> Extracted:
    """The device records of one inventory (a computer and its monitors, a switch...)."""
    return _Reader(name, document).read()


#: Words legacy XML agents write for "no value" in a numeric tag (an empty memory slot).
_NO_NUMBER = frozenset({"no", "none", "empty", "unknown", "na", "notspecified"})
_MEMORY_NOT_RAM = re.compile(r"\b(?:flash|rom)\b", re.I)


class _Reader:
    def __init__(self, name: str, document: Document) -> None:
        self.name = name
        self.fmt = document.format
        self.data = document.data
        content = self.data.get("content")
        self.content: dict[str, Any] = content if isinstance(content, dict) else {}
        self.out = Extracted()

    # -- helpers -------------------------------------------------------------------

    def path(self, *parts: str | int) -> str:
        return render_path(["content", *parts], self.fmt)

    def obj(self, section: str) -> dict[str, Any]:
        value = self.content.get(section)
        if isinstance(value, list):
            value = value[0] if value else None
        return value if isinstance(value, dict) else {}

    def items(self, section: str) -> list[tuple[int, dict[str, Any]]]:
        value = self.content.get(section)
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            return []
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]

    @staticmethod
    def text(value: Any) -> str | None:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            return None
        text = str(value).strip()
        return text or None

    def number(self, value: Any, *parts: str | int) -> float | None:
        """A number of the file; an XML text that is none is a problem at its path."""
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip()
        if not text or normalise_label(text) in _NO_NUMBER:
            return None
        try:
            return float(text)
        except ValueError:
            self.out.problems.append(
                FileProblem(self.name, self.path(*parts), shown(value), _("a whole number"))
            )
            return None

    def first(self, section: str, *keys: str) -> tuple[str | None, str]:
        """The first non-empty text among ``keys`` of a section, with its path."""
        obj = self.obj(section)
        for key in keys:
            text = self.text(obj.get(key))
            if text is not None:
                return text, self.path(section, key)
        return None, self.path(section, keys[0])

    # -- the document --------------------------------------------------------------

    def read(self) -> Extracted:
        # GLPI reads an inventory without item type as a computer's.
        item_type = self.text(self.data.get("itemtype")) or "Computer"
        self.seen_at, self.seen_path = self._seen_at()
        if item_type in ("Computer", "Phone"):
            self._computer(item_type)
        elif item_type in ("NetworkEquipment", "Printer"):
            self._network(item_type)
        else:
            self.out.skipped.append((item_type, rules.SKIP_UNMANAGED))
        return self.out

    def _seen_at(self) -> tuple[dt.datetime | None, str]:
        logdate = self.obj("accesslog").get("logdate")
        if logdate is not None:
            when = read_datetime(logdate)
            if when is None:
                self.out.problems.append(
                    FileProblem(
                        self.name,
                        self.path("accesslog", "logdate"),
                        shown(logdate),
                        _("a date and time YYYY-MM-DD HH:MM:SS"),
                    )
                )
            return when, self.path("accesslog", "logdate")
        return deviceid_time(self.data.get("deviceid")), render_path(["deviceid"], self.fmt)

    def _record(
        self,
        item_type: str,
        category: str,
        ids: dict[str, tuple[str | None, str]],
        values: dict[str, tuple[Any, str]],
    ) -> AgentRecord | None:
        serial, serial_path = ids["serial"]
        uuid, uuid_path = ids.get("uuid", (None, ""))
        tag, tag_path = ids.get("asset_tag", (None, ""))
        if serial is None and uuid is None and tag is None:
            self.out.problems.append(
                FileProblem(
                    self.name,
                    serial_path,
                    shown(self._raw(serial_path)),
                    _("a serial number, a UUID or an asset tag to tell the device by"),
                )
            )
            return None
        record = AgentRecord(self.name, item_type, category, serial, uuid, tag, self.seen_at)
        record.paths.update(serial=serial_path, uuid=uuid_path, asset_tag=tag_path)
        for name, (value, where) in values.items():
            if value is not None:
                record.values[name] = value
                record.paths[name] = where
        record.values["serial"] = serial
        record.values["uuid"] = uuid
        if self.seen_at is not None:
            record.values["last_inventory_date"] = self.seen_at.date()
            record.paths["last_inventory_date"] = self.seen_path
        self.out.records.append(record)
        return record

    def _raw(self, path: str) -> Any:
        """The value at a ``content.section.key`` path (for a problem's message)."""
        parts = path.lower().split(".")
        if len(parts) != 3:
            return None
        return self.obj(parts[1]).get(parts[2])

    # -- computers and phones ----------------------------------------------------------

    def _computer(self, item_type: str) -> None:
        hardware, bios = self.obj("hardware"), self.obj("bios")
        manufacturer = self.first("bios", "smanufacturer", "mmanufacturer")
        model = self.first("bios", "smodel", "mmodel")
        os_name = self.first("operatingsystem", "full_name", "name")
        if os_name[0] is None:
            os_name = self.first("hardware", "osname")
        vm = normalise_label(self.text(hardware.get("vmsystem")) or "physical")
        if item_type == "Phone":
            kind = rules.phone_category(model[0], self.text(hardware.get("chassis_type")))
        else:
            kind = rules.computer_category(
                self.text(hardware.get("chassis_type")),
                model=model[0],
                manufacturer=manufacturer[0],
                os_name=os_name[0],
                virtual=vm not in ("physical", ""),
            )
        if kind.category is None:
            self.out.skipped.append((item_type, kind.skipped or rules.SKIP_CHASSIS))
            return
        uuid = rules.meaningful(self.text(hardware.get("uuid")))
        ids = {
            "serial": (rules.meaningful(self.text(bios.get("ssn"))), self.path("bios", "ssn")),
            "uuid": (uuid.lower() if uuid else None, self.path("hardware", "uuid")),
            "asset_tag": (
                rules.meaningful(self.text(bios.get("assettag"))),
                self.path("bios", "assettag"),
            ),
        }
        monitors = self._monitors()
        panel = rules.builtin_panel([m["panel"] for m in monitors])
        values: dict[str, tuple[Any, str]] = {
            "manufacturer": manufacturer,
            "model": model,
            "os": os_name,
            **self._cpu(),
            **self._memory(),
            **self._storage(),
            **self._battery(),
            "tpm_version": (
                rules.tpm_version(v for _i, v in self.items("firmwares")),
                self.path("firmwares"),
            ),
        }
        if panel is not None:
            values["screen_size_in"] = (monitors[panel]["size"], monitors[panel]["path"])
        if self._record(item_type, kind.category, ids, values) is None:
            return
        for index, monitor in enumerate(monitors):
            if index != panel:
                self._monitor(monitor)

    def _cpu(self) -> dict[str, tuple[Any, str]]:
        for i, cpu in self.items("cpus"):
            name, model = self.text(cpu.get("name")), self.text(cpu.get("model"))
            label = rules.cpu_label(name, model)
            if label is not None:
                where = self.path("cpus", i, "name" if name else "model")
                return {
                    "cpu_model": (label, where),
                    "cpu_generation": (rules.cpu_generation(name or label), where),
                }
        return {}

    def _memory(self) -> dict[str, tuple[Any, str]]:
        modules = []
        for i, module in self.items("memories"):
            kind = " ".join(str(module.get(k) or "") for k in ("description", "type", "caption"))
            if _MEMORY_NOT_RAM.search(kind):
                continue
            size = self.number(module.get("capacity"), "memories", i, "capacity")
            if size:
                modules.append(size)
        total = self.number(self.obj("hardware").get("memory"), "hardware", "memory")
        where = self.path("memories") if modules else self.path("hardware", "memory")
        return {"ram_gb": (rules.ram_gb(modules, total), where)}

    def _storage(self) -> dict[str, tuple[Any, str]]:
        disks = []
        for i, disk in self.items("storages"):
            texts = tuple(
                t
                for k in ("model", "name", "description", "interface", "type", "manufacturer")
                if (t := self.text(disk.get(k)))
            )
            disks.append(
                rules.Disk(self.number(disk.get("disksize"), "storages", i, "disksize"), texts)
            )
        total, kind = rules.storage_summary(disks)
        where = self.path("storages")
        return {"storage_gb": (total, where), "storage_type": (kind, where)}

    def _battery(self) -> dict[str, tuple[Any, str]]:
        pairs = [
            (
                self.number(b.get("capacity"), "batteries", i, "capacity"),
                self.number(b.get("real_capacity"), "batteries", i, "real_capacity"),
            )
            for i, b in self.items("batteries")
        ]
        return {"battery_health_pct": (rules.battery_health(pairs), self.path("batteries"))}

    def _monitors(self) -> list[dict[str, Any]]:
        out = []
        for i, monitor in self.items("monitors"):
            code, size = edid_summary(monitor.get("base64"), monitor.get("uuencode"))
            manufacturer = self.text(monitor.get("manufacturer"))
            out.append(
                {
                    "index": i,
                    "path": self.path("monitors", i),
                    "panel": rules.is_panel(code, manufacturer),
                    "size": size,
                    "manufacturer": manufacturer,
                    "model": self.text(monitor.get("caption")) or self.text(monitor.get("name")),
                    "serial": rules.meaningful(self.text(monitor.get("serial")))
                    or rules.meaningful(self.text(monitor.get("altserial"))),
                }
            )
        return out

    def _monitor(self, monitor: dict[str, Any]) -> None:
        if monitor["serial"] is None:
            self.out.skipped.append(("Monitor", rules.SKIP_NO_SERIAL))
            return
        where = monitor["path"]
        self._record(
            "Monitor",
            "monitor",
            {"serial": (monitor["serial"], f"{where}.serial")},
            {
                "manufacturer": (monitor["manufacturer"], f"{where}.manufacturer"),
                "model": (monitor["model"], f"{where}.caption"),
                "screen_size_in": (monitor["size"], f"{where}.base64"),
            },
        )

    # -- network gear and printers -----------------------------------------------------

    def _network(self, item_type: str) -> None:
        device = self.obj("network_device")
        model = self.first("network_device", "model")
        description = self.text(device.get("description"))
        ports = 0
        for i, port in self.items("network_ports"):
            iftype = self.number(port.get("iftype"), "network_ports", i, "iftype")
            if iftype is not None and int(iftype) in rules.ETHERNET_IFTYPES:
                ports += 1
        if item_type == "Printer":
            kind = rules.Classified("printer")
        else:
            kind = rules.network_category(
                self.text(device.get("type")),
                model=model[0],
                description=description,
                ethernet_ports=ports,
            )
        if kind.category is None:
            self.out.skipped.append((item_type, kind.skipped or rules.SKIP_NETWORK_KIND))
            return
        firmware = self.first("network_device", "firmware")
        if firmware[0] is None:
            for i, entry in self.items("firmwares"):
                version = self.text(entry.get("version"))
                if version:
                    firmware = (version, self.path("firmwares", i, "version"))
                    break
        ids = {
            "serial": (
                rules.meaningful(self.text(device.get("serial"))),
                self.path("network_device", "serial"),
            ),
            "asset_tag": (
                rules.meaningful(self.text(device.get("assettag"))),
                self.path("network_device", "assettag"),
            ),
        }
        values = {
            "manufacturer": self.first("network_device", "manufacturer"),
            "model": model,
            "os": firmware,
        }
        self._record(item_type, kind.category, ids, values)


# --- EDID ---------------------------------------------------------------------------

_EDID_HEADER = b"\x00\xff\xff\xff\xff\xff\xff\x00"


def _edid_bytes(b64: Any, uu: Any) -> bytes | None:
    if isinstance(b64, str) and b64.strip():
        try:
            return base64.b64decode("".join(b64.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    if isinstance(uu, str) and uu.strip():
        try:
            return b"".join(
                binascii.a2b_uu(line) for line in uu.splitlines() if line.strip() and line != "`"
            )
        except binascii.Error:
            return None
    return None


def edid_summary(b64: Any, uu: Any = None) -> tuple[str | None, float | None]:
    """(maker code such as "SHP", diagonal in inches) from a monitor's EDID.

    The image size is the first detailed timing's (millimetres) when it agrees
    with the basic size (centimetres) to 10 %, else the basic size.
    """
    blob = _edid_bytes(b64, uu)
    if blob is None or len(blob) < 128 or not blob.startswith(_EDID_HEADER):
        return None, None
    word = (blob[8] << 8) | blob[9]
    letters = [(word >> shift) & 0x1F for shift in (10, 5, 0)]
    code = "".join(chr(64 + c) for c in letters) if all(1 <= c <= 26 for c in letters) else None
    width_cm, height_cm = blob[21], blob[22]
    timing = blob[54:72]
    width_mm = height_mm = 0
    if timing[0] or timing[1]:  # a pixel clock: a detailed timing descriptor
        width_mm = timing[12] | ((timing[14] & 0xF0) << 4)
        height_mm = timing[13] | ((timing[14] & 0x0F) << 8)
    if (
        width_mm
        and height_mm
        and (not width_cm or abs(width_mm / 10 - width_cm) <= max(1.0, 0.1 * width_cm))
    ):
        return code, rules.diagonal_in(width_mm, height_mm)
    if width_cm and height_cm:
        return code, rules.diagonal_in(width_cm * 10, height_cm * 10)
    return code, None
