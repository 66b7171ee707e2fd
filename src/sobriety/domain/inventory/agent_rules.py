"""Rules turning what a hardware inventory agent measured into device fields.

The GLPI Agent (and before it the FusionInventory, OCS and Android agents)
reports raw measurements: a chassis type, a CPU name, memory modules, disks,
battery capacities, monitors' EDID. These pure functions turn them into the
fields of a device record; :mod:`sobriety.io.agent_extract` feeds them from the
files. Every rule is written here once, with its reasons:

- **Category** (:func:`computer_category`, :func:`network_category`): a
  computer by its SMBIOS chassis type (laptop, desktop...), refined by model
  names for thin clients and workstations; Android and iOS computers are
  smartphones (tablets when the model says so); a virtual machine or a server
  has no category here and is skipped. Network gear by its SNMP device type,
  then words of its model and description (firewall, Wi-Fi, router, switch),
  then its ports: eight Ethernet ports or more make a switch. Anything else is
  skipped with its reason, never guessed.
- **CPU** (:func:`cpu_label`, :func:`cpu_generation`): the CPU name without
  trademarks, "CPU" and frequency ("Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz"
  is "Intel Core i5-6200U"). The generation is on Intel's Core scale, the one
  the reuse policy's thresholds use: "11th Gen" in the name; else the model
  number of a Core i3/i5/i7/i9 (3 digits: 1st generation; 4 digits: the first,
  or the first two when they are 10 to 14, as in 1145G7; 5 digits: the first
  two); Core Ultra series N is 13 + N; AMD Ryzen is the thousands digit + 6
  (Ryzen 1000, Zen, is 7; 2000, Zen+, is 8: Windows 11's AMD floor matches
  Intel's 8th generation) and Ryzen AI 300 is 15. Other CPUs (Pentium,
  Celeron, Xeon, ARM...) have no generation: it stays empty.
- **Memory** (:func:`ram_gb`): the sum of the memory modules (MB / 1024),
  else the total the system reports; one decimal.
- **Storage** (:func:`storage_summary`): the sum of the physical disks (MB /
  1000, as disk makers count), removable and optical drives left out; the type
  of the largest disk: SSD when its model, name or interface says NVMe, SSD or
  solid state (or names a known SSD family), eMMC for ``mmcblk``/eMMC, HDD when
  it names a known hard-disk family (Hitachi HTS, WDC WD, Seagate ST...),
  else unknown.
- **Battery health** (:func:`battery_health`): real (full-charge) capacity /
  design capacity x 100, over the batteries reporting both, capped at 100 %.
- **TPM** (:func:`tpm_version`): the inventory format has no TPM section; a
  firmware entry whose name, type or description names a TPM gives the spec
  version 1.2 or 2.0 it carries.
- **Screen** (:func:`builtin_panel`): a laptop's, tablet's or all-in-one's own
  screen is the monitor made by a panel maker (AU Optronics, BOE, LG Display,
  Sharp... by the EDID maker code); it gives the device's screen size, from
  the EDID's image size. Other monitors are devices of their own (category
  monitor) when they have a serial number.
- **Identifiers** (:func:`meaningful`): placeholders firmware writers leave
  ("To Be Filled By O.E.M.", "Default string", "0000000", "release-keys"...)
  are no serial, UUID or asset tag.

Measured fields belong to the agent, administrative ones to the CSV export of
the asset manager (see :data:`MEASURED_FIELDS` and :func:`merge_changes`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sobriety.domain.inventory.fields import normalise_label
from sobriety.domain.inventory.values import same_value
from sobriety.i18n import N_

#: Item types the import reads (GLPI's names); monitors come from computer inventories.
ITEM_TYPES = ("Computer", "Phone", "NetworkEquipment", "Printer", "Monitor")

#: Fields an inventory measures: the agent's value wins over a CSV's, and a CSV
#: import leaves them as they are on a device the agent has inventoried.
MEASURED_FIELDS = (
    "cpu_model",
    "cpu_generation",
    "ram_gb",
    "storage_gb",
    "storage_type",
    "battery_health_pct",
    "tpm_version",
    "os",
    "screen_size_in",
    "uuid",
    "last_inventory_date",
)
#: Fields an inventory fills only when the device has none (the asset manager's spelling stays).
IDENTITY_FIELDS = ("serial", "manufacturer", "model")

# --- reasons for skipping (translated when shown) ------------------------------
SKIP_VIRTUAL = N_("virtual machine")
SKIP_SERVER = N_("server")
SKIP_CHASSIS = N_("chassis type without a category")
SKIP_UNMANAGED = N_("unmanaged device")
SKIP_NETWORK_KIND = N_("network device of an unrecognised kind")
SKIP_NETWORK_TYPE = N_("network device without a category (storage, power, KVM...)")
SKIP_NO_SERIAL = N_("monitor without a serial number")


@dataclass(frozen=True)
class Classified:
    """A category, or why there is none (one of the ``SKIP_*`` reasons)."""

    category: str | None
    skipped: str | None = None


def _keys(*labels: str) -> frozenset[str]:
    return frozenset(normalise_label(x) for x in labels)


_LAPTOP = _keys(
    "Portable", "Laptop", "Notebook", "Sub Notebook", "Convertible", "Detachable"
)  # fmt: skip
_TABLET = _keys("Tablet", "Hand Held")
_DESKTOP = _keys(
    "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower", "Space-saving",
    "Space Saving", "Lunch Box", "All in One", "Sealed-case PC", "Mini PC", "Stick PC",
)  # fmt: skip
_SERVER = _keys(
    "Main Server Chassis", "Expansion Chassis", "SubChassis", "Bus Expansion Chassis",
    "Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Multi-system chassis",
    "Compact PCI", "Advanced TCA", "Blade", "Blade Enclosure",
)  # fmt: skip
_THIN_CLIENT = re.compile(r"thin ?client|\bwyse\b|\bigel\b|\bfutro\b", re.I)
_WORKSTATION = re.compile(
    r"\bprecision\b|\bthinkstation\b|\bworkstation\b|\bcelsius\b|\bz\d{1,3}\s*g\d+\b|\bz[248]\d0\b",
    re.I,
)
_TABLET_MODEL = re.compile(r"\bipad|galaxy tab|^sm-[tx]\d|\btab\b|\bmatepad\b", re.I)
_MOBILE_OS = re.compile(r"android|\bios\b|ipados|iphone", re.I)


def computer_category(
    chassis: str | None,
    *,
    model: str | None = None,
    manufacturer: str | None = None,
    os_name: str | None = None,
    virtual: bool = False,
) -> Classified:
    """The category of a computer inventory (see the module's rules)."""
    if virtual:
        return Classified(None, SKIP_VIRTUAL)
    names = " ".join(x for x in (manufacturer, model) if x)
    kind = normalise_label(chassis or "")
    if _MOBILE_OS.search(os_name or "") and kind not in _LAPTOP | _DESKTOP:
        tablet = kind in _TABLET or _TABLET_MODEL.search(model or "")
        return Classified("tablet" if tablet else "smartphone")
    if _THIN_CLIENT.search(names):
        return Classified("thin_client")
    if kind in _LAPTOP:
        return Classified("laptop")
    if kind in _TABLET:
        return Classified("tablet")
    if kind in _DESKTOP:
        return Classified("workstation" if _WORKSTATION.search(names) else "desktop")
    if kind in _SERVER:
        return Classified(None, SKIP_SERVER)
    return Classified(None, SKIP_CHASSIS)


def phone_category(model: str | None, chassis: str | None = None) -> Classified:
    """A ``Phone`` inventory: a smartphone, or a tablet when the model or chassis says so."""
    if normalise_label(chassis or "") in _TABLET or _TABLET_MODEL.search(model or ""):
        return Classified("tablet")
    return Classified("smartphone")


_NETWORK_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "firewall",
        re.compile(
            r"firewall|pare-feu|fortigate|fortiwifi|\bsophos\b|stormshield|\bpa-\d|\basa ?\d"
            r"|\bsrx\d|pfsense|opnsense|watchguard|firebox|sonicwall|\butm\b",
            re.I,
        ),
    ),
    (
        "wifi_access_point",
        re.compile(
            r"access ?point|\bwap\b|aironet|\bair-|\buap\b|\bu6\b|\biap-|\bap-?\d|wi-?fi"
            r"|wireless|\bwlan\b|borne",
            re.I,
        ),
    ),
    (
        "router",
        re.compile(r"router|routeur|\bisr\s?\d|\basr\s?\d|edgerouter|\bccr\d|\bmx\d{2,3}\b", re.I),
    ),
    (
        "switch",
        re.compile(
            r"switch|commutateur|catalyst|procurve|nexus|officeconnect|\bex\d{4}\b|\bsg\d{3}"
            r"|\bcbs\d{3}|\bgs\d{3}|\bdgs-|\bjl\d{3}|\b2530-|\b29[23]0[fm]?\b|comware",
            re.I,
        ),
    ),
)
#: Ethernet ports (ifType ethernetCsmacd, fastEther, gigabitEthernet) that make a switch.
SWITCH_PORTS = 8
ETHERNET_IFTYPES = frozenset({6, 62, 69, 117})


def network_category(
    device_type: str | None,
    *,
    model: str | None = None,
    description: str | None = None,
    ethernet_ports: int = 0,
) -> Classified:
    """The category of a network inventory (SNMP): printer, firewall, Wi-Fi, router, switch."""
    kind = normalise_label(device_type or "")
    if kind == "printer":
        return Classified("printer")
    if kind not in ("networking", "", "unmanaged"):
        return Classified(None, SKIP_NETWORK_TYPE)
    text = " ".join(x for x in (model, description) if x)
    for category, words in _NETWORK_WORDS:
        if words.search(text):
            return Classified(category)
    if ethernet_ports >= SWITCH_PORTS:
        return Classified("switch")
    return Classified(None, SKIP_NETWORK_KIND)


# --- CPU ----------------------------------------------------------------------

_TRADEMARKS = re.compile(r"\((?:R|TM|C)\)|®|™", re.I)
_FREQUENCY = re.compile(r"\s*@\s*[\d.,]+\s*[GM]Hz.*$", re.I)
_NOISE = re.compile(r"\b(?:CPU|Processor|\w+-Core|Mobile Gfx)\b", re.I)
_WITH_GPU = re.compile(r"\s+(?:with|w/)\s+Radeon.*$", re.I)
_GEN_PREFIX = re.compile(r"^\s*(\d{1,2})(?:st|nd|rd|th) Gen\s+", re.I)
_GENERIC_ARM = re.compile(r"^(?:AArch64|ARMv\d+\w*|ARM)\b.*\bProcessor\b", re.I)
_CORE_I = re.compile(r"\bCore\s*i[3579]\s*[- ]\s*(?:[A-Z]\s+)?(\d{3,5})", re.I)
_CORE_ULTRA = re.compile(r"\bCore\s+Ultra\s+[3579]\s+(\d)\d\d", re.I)
_RYZEN_AI = re.compile(r"\bRyzen\s+AI\s+(?:[3579]\s+)?(?:PRO\s+)?(?:HX\s+)?(\d)\d\d\b", re.I)
_RYZEN = re.compile(r"\bRyzen\s+(?:Threadripper\s+)?(?:[3579]\s+)?(?:PRO\s+)?(\d)\d{3}", re.I)


def cpu_label(name: str | None, model: str | None = None) -> str | None:
    """The CPU's name as shown: "Intel Core i5-6200U" (trademarks, "CPU", clock removed).

    A generic ARM name ("AArch64 Processor rev 14") gives way to the model
    ("Qualcomm Technologies, Inc SM8150") when the inventory has a textual one.
    """
    text = (name or "").strip()
    if (not text or _GENERIC_ARM.match(text)) and model and not model.strip().isdigit():
        text = model.strip()
    if not text:
        return None
    text = _FREQUENCY.sub("", _TRADEMARKS.sub("", text))
    text = _GEN_PREFIX.sub("", _WITH_GPU.sub("", text))
    text = " ".join(_NOISE.sub(" ", text).split())
    return text or None


def cpu_generation(name: str | None) -> int | None:
    """The generation on Intel's Core scale (see the module's rule), or None."""
    if not name:
        return None
    text = _TRADEMARKS.sub("", name)
    prefix = _GEN_PREFIX.match(text)
    if prefix and re.search(r"\bintel\b", text, re.I):
        return int(prefix[1])
    name = " ".join(_NOISE.sub(" ", text).split())
    if m := _CORE_ULTRA.search(name):
        return 13 + int(m[1])
    if m := _CORE_I.search(name):
        digits = m[1]
        if len(digits) == 3:
            return 1
        if len(digits) == 5 or (digits[0] == "1" and 10 <= int(digits[:2]) <= 14):
            return int(digits[:2])
        return int(digits[0])
    if m := _RYZEN_AI.search(name):
        return 12 + int(m[1])
    if m := _RYZEN.search(name):
        return int(m[1]) + 6
    return None


# --- memory, storage, battery, TPM -------------------------------------------------


def ram_gb(modules_mb: Iterable[float], total_mb: float | None = None) -> float | None:
    """Installed memory in GB: the modules' sum, else the system's total (MB / 1024)."""
    modules = sum(m for m in modules_mb if m and m > 0)
    megabytes = modules or (total_mb if total_mb and total_mb > 0 else 0)
    return round(megabytes / 1024, 1) if megabytes else None


@dataclass(frozen=True)
class Disk:
    """A physical disk as inventoried: size in MB and the texts that describe it."""

    size_mb: float | None
    texts: tuple[str, ...] = ()


_REMOVABLE = re.compile(
    r"\busb\b|removable|amovible|cd-?rom|dvd|blu-?ray|optical|floppy|disquette|card ?reader"
    r"|\bsr\d\b|\bloop\d|\bram\d|virtual",
    re.I,
)
_SSD = re.compile(
    r"nvme|\bssd\b|solid.?state|\bsdd\b|^(?:samsung\s+)?mz|\bpm9\d\d\b|sandisk|crucial|micron"
    r"|^(?:toshiba\s*)?(?:thn|kxg|kbg|xg\d|bg\d)|kingston\s+s|intel\s+ssd|^ct\d+(?:mx|bx|p)",
    re.I,
)
_EMMC = re.compile(r"\bmmcblk|\bemmc\b|\bmmc\b", re.I)
_HDD = re.compile(
    r"\bhdd\b|hard disk drive|rotational|^(?:hitachi\s+|hgst\s+)?(?:hts|hte|hds|hdt|hua|hus)\d"
    r"|^(?:wdc\s+)?wd\d|^st\d{3,}|^(?:toshiba\s+)?(?:mq|mk|dt|md|hdw)\d|^(?:samsung\s+)?h[dmn]\d{3}"
    r"|maxtor",
    re.I,
)


def disk_kind(texts: Sequence[str]) -> str | None:
    """``ssd``, ``emmc``, ``hdd`` or None from a disk's model, name, interface..."""
    for pattern, kind in ((_SSD, "ssd"), (_EMMC, "emmc"), (_HDD, "hdd")):
        if any(pattern.search(t) for t in texts if t):
            return kind
    return None


def storage_summary(disks: Iterable[Disk]) -> tuple[float | None, str | None]:
    """(total GB, type of the largest disk) of the fixed physical disks."""
    fixed = [
        d for d in disks if d.size_mb and d.size_mb > 0 and not any(
            _REMOVABLE.search(t) for t in d.texts if t
        )
    ]  # fmt: skip
    if not fixed:
        return None, None
    total = round(sum(d.size_mb for d in fixed) / 1000, 1)  # type: ignore[misc]
    largest = max(fixed, key=lambda d: d.size_mb or 0)
    return total, disk_kind(largest.texts)


def battery_health(capacities: Iterable[tuple[float | None, float | None]]) -> float | None:
    """Real / design capacity x 100 over batteries giving both (mWh), capped at 100."""
    pairs = [(d, r) for d, r in capacities if d and r and d > 0 and r > 0]
    if not pairs:
        return None
    design = sum(d for d, _r in pairs)
    real = sum(r for _d, r in pairs)
    return min(100.0, round(real / design * 100, 1))


_TPM_NAME = re.compile(r"\btpm\b|trusted platform module", re.I)
_TPM_SPEC = re.compile(r"(?<![\d.])(1\.2|2\.0)(?![\d])")


def tpm_version(firmwares: Iterable[Mapping[str, Any]]) -> str | None:
    """The TPM spec version ("2.0", "1.2") of a firmware entry naming a TPM, if any."""
    for entry in firmwares:
        texts = [str(entry.get(k) or "") for k in ("name", "type", "description")]
        if not any(_TPM_NAME.search(t) for t in texts):
            continue
        for text in (str(entry.get("version") or ""), *texts):
            if m := _TPM_SPEC.search(text):
                return m[1]
    return None


# --- screens ----------------------------------------------------------------------

#: EDID maker codes (and names) of display panel makers: a laptop's own screen.
PANEL_MAKERS = frozenset(
    {"AUO", "BOE", "CMN", "CSO", "CPT", "HSD", "INL", "IVO", "LGD", "SDC", "SHP", "TMA", "NCP"}
)
_PANEL_NAMES = re.compile(
    r"au ?optronics|\bboe\b|chi ?mei|innolux|lg display|samsung display|\bsharp\b|infovision"
    r"|hannstar|chunghwa|tianma|\bcsot\b",
    re.I,
)


def diagonal_in(width_mm: float | None, height_mm: float | None) -> float | None:
    """A screen's diagonal in inches, one decimal, from its image size."""
    if not width_mm or not height_mm or width_mm <= 0 or height_mm <= 0:
        return None
    return round(math.hypot(width_mm, height_mm) / 25.4, 1)


def is_panel(maker_code: str | None, manufacturer: str | None) -> bool:
    """Whether a monitor is a built-in panel (made by a panel maker)."""
    if maker_code and maker_code.upper() in PANEL_MAKERS:
        return True
    return bool(manufacturer and _PANEL_NAMES.search(manufacturer))


def builtin_panel(panels: Sequence[bool]) -> int | None:
    """Index of the device's own screen among its monitors: the first panel (None: none).

    A laptop's, tablet's or all-in-one's screen is made by a panel maker;
    monitors plugged in carry their brand's code (DEL, HWP, SAM...).
    """
    return next((i for i, panel in enumerate(panels) if panel), None)


# --- identifiers --------------------------------------------------------------------

#: Identifiers firmware writers leave in place of a real one (normalised labels).
PLACEHOLDERS = _keys(
    "To Be Filled By O.E.M.", "Chassis Asset Tag", "To be filled by OEM", "Default string",
    "System Serial Number",
    "Chassis Serial Number", "Base Board Serial Number", "Serial Number", "SerialNumber",
    "Not Specified", "Not Available", "Not Applicable", "None", "N/A", "Unknown", "Invalid",
    "No Asset Tag", "No Asset Information", "Asset Tag", "AssetTag", "Asset-1234567890",
    "release-keys", "test-keys", "dev-keys", "OEM", "Default", "Empty", "System Product Name",
    "123456789", "1234567890", "0123456789", "03000200-0400-0500-0006-000700080009",
)  # fmt: skip


def meaningful(identifier: str | None) -> str | None:
    """``identifier`` stripped, or None when it is empty or a firmware placeholder."""
    if identifier is None:
        return None
    text = str(identifier).strip()
    key = normalise_label(text)
    if not key or key in PLACEHOLDERS or len(set(key)) == 1:
        return None
    return text


# --- merging --------------------------------------------------------------------------


def merge_changes(
    device: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Field changes an inventory brings to a known device: ``{field: (old, new)}``.

    Measured fields take the inventory's value when it gives one (a field it
    does not give, as in a partial inventory, is left as it is); identity
    fields only fill an empty one; the category and every administrative field
    stay. An inventory older than the one on record changes nothing.
    """
    known: dt.date | None = device.get("last_inventory_date")
    taken: dt.date | None = values.get("last_inventory_date")
    if known is not None and taken is not None and taken < known:
        return {}
    changes: dict[str, tuple[Any, Any]] = {}
    for name in MEASURED_FIELDS:
        new = values.get(name)
        if new is not None and not same_value(device.get(name), new):
            changes[name] = (device.get(name), new)
    for name in IDENTITY_FIELDS:
        new = values.get(name)
        if new is not None and device.get(name) is None:
            changes[name] = (None, new)
    return changes
