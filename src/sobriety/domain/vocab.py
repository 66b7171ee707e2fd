"""Controlled vocabularies of the inventory.

Values are stored as their ``value`` string in the database and in exports, so
they are stable identifiers: English, lower-case, snake_case. Labels shown to
users come from the gettext catalogs (see :mod:`sobriety.i18n`).
"""

from __future__ import annotations

from enum import StrEnum


class SiteKind(StrEnum):
    HEAD_OFFICE = "head_office"
    CDAS = "cdas"
    COLLEGE = "college"
    NATURAL_AREA = "natural_area"
    OTHER = "other"


class Category(StrEnum):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    THIN_CLIENT = "thin_client"
    WORKSTATION = "workstation"
    SMARTPHONE = "smartphone"
    RUGGED_SMARTPHONE = "rugged_smartphone"
    TABLET = "tablet"
    MONITOR = "monitor"
    SWITCH = "switch"
    ROUTER = "router"
    WIFI_ACCESS_POINT = "wifi_access_point"
    FIREWALL = "firewall"
    PRINTER = "printer"
    OTHER = "other"


#: Categories that count as "PCs" for fleet ratios (laptop share, devices per agent).
PC_CATEGORIES = frozenset(
    {Category.LAPTOP, Category.DESKTOP, Category.THIN_CLIENT, Category.WORKSTATION}
)
NETWORK_CATEGORIES = frozenset(
    {Category.SWITCH, Category.ROUTER, Category.WIFI_ACCESS_POINT, Category.FIREWALL}
)


class AcquisitionType(StrEnum):
    NEW = "new"
    REFURBISHED = "refurbished"
    DONATED = "donated"
    LEASED = "leased"


class Status(StrEnum):
    IN_STOCK = "in_stock"
    IN_SERVICE = "in_service"
    IN_REPAIR = "in_repair"
    RETIRED = "retired"  # retired, awaiting a decision
    IN_REUSE_CHANNEL = "in_reuse_channel"
    GONE = "gone"


#: Statuses of devices the organisation still holds.
HELD_STATUSES = frozenset(
    {Status.IN_STOCK, Status.IN_SERVICE, Status.IN_REPAIR, Status.RETIRED, Status.IN_REUSE_CHANNEL}
)


class Condition(StrEnum):
    WORKING = "working"
    DEGRADED = "degraded"
    BROKEN = "broken"


class StorageType(StrEnum):
    HDD = "hdd"
    SSD = "ssd"
    EMMC = "emmc"
    FLASH = "flash"
    NONE = "none"


class EventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    ASSIGNED = "assigned"
    MOVED = "moved"
    REPAIRED = "repaired"
    UPGRADED = "upgraded"
    ERASED = "erased"
    RETIRED = "retired"
    FLAG_ACCEPTED = "flag_accepted"
    FLAG_OVERRIDDEN = "flag_overridden"
    LOT_ADDED = "lot_added"
    LOT_REMOVED = "lot_removed"
    TRANSFERRED = "transferred"
    ERASURE_VERIFIED = "erasure_verified"


class ErasureMethod(StrEnum):
    CRYPTOGRAPHIC_ERASE = "cryptographic_erase"
    OVERWRITE = "overwrite"
    SECURE_ERASE = "secure_erase"
    #: The drive's own sanitize command (ATA/SCSI/NVMe SANITIZE: block, crypto or overwrite).
    SANITIZE = "sanitize"
    DESTRUCTION = "destruction"
    FACTORY_RESET = "factory_reset"


class ErasureLevel(StrEnum):
    """NIST SP 800-88 sanitisation levels."""

    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class Channel(StrEnum):
    """Reuse channels, in the default waste-hierarchy order."""

    KEEP = "keep"  # keep in service / repair / upgrade
    REDEPLOY = "redeploy"
    TRANSFER = "transfer"  # to another public body
    DONATE_ASSOCIATION = "donate_association"
    DONATE_AGENT = "donate_agent"
    SELL = "sell"
    TAKE_BACK = "take_back"
    RECYCLE = "recycle"


class RecipientKind(StrEnum):
    #: Parents', school-support or student association (CGPPP L3212-2 3°): may not resell.
    ASSOCIATION = "association"
    #: Association recognised as public-utility (RUP) or of general interest: may resell
    #: at the solidarity prices capped by décret 2022-1413.
    SOLIDARITY_ASSOCIATION = "solidarity_association"
    #: Reuse organisation approved "entreprise solidaire d'utilité sociale": may not resell.
    ESUS = "esus"
    SCHOOL = "school"
    AGENT = "agent"
    PUBLIC_BODY = "public_body"
    REFURBISHER = "refurbisher"
    ECO_ORGANISME = "eco_organisme"
    #: The initial supplier (take-back under a contract with an approved eco-organisme).
    SUPPLIER = "supplier"


class LotStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class LotEventKind(StrEnum):
    """The changes of a lot, each a ``lot_event`` row (``sobriety lot history``)."""

    CREATED = "created"
    DEVICES_ADDED = "devices_added"
    DEVICES_REMOVED = "devices_removed"
    CLOSED = "closed"
    PROOF = "proof"
    REFERENCES = "references"
