"""SQLModel tables of the inventory.

Vocabulary columns hold the ``value`` of the enums in
:mod:`sobriety.domain.vocab` as plain strings (portable across SQLite and
PostgreSQL, and easy to migrate). Columns that carry a physical or money
quantity are named with their unit (``weight_kg``, ``purchase_price_eur``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Site(SQLModel, table=True):
    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20, default="other")
    commune: str | None = Field(default=None, max_length=120)
    insee_code: str | None = Field(default=None, max_length=5)
    #: ISO 3166 alpha-2 country code, selects the grid carbon intensity.
    country: str = Field(default="FR", max_length=2)
    #: Number of agents working at the site (for per-agent indicators).
    agents: int | None = Field(default=None, ge=0)


class DeviceBase(SQLModel):
    asset_tag: str = Field(max_length=64)
    serial: str | None = Field(default=None, max_length=120, index=True)
    category: str = Field(max_length=32, index=True)
    manufacturer: str | None = Field(default=None, max_length=120, index=True)
    model: str | None = Field(default=None, max_length=200, index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    #: Pseudonymous reference of the user (never a person's name by default).
    assignee: str | None = Field(default=None, max_length=64, index=True)
    acquisition_date: dt.date | None = Field(default=None, index=True)
    acquisition_type: str = Field(default="new", max_length=20)
    purchase_price_eur: float | None = Field(default=None, ge=0)
    warranty_end: dt.date | None = None
    status: str = Field(default="in_service", max_length=20, index=True)
    condition: str = Field(default="working", max_length=20, index=True)
    battery_health_pct: float | None = Field(default=None, ge=0, le=100)
    ram_gb: float | None = Field(default=None, ge=0)
    storage_gb: float | None = Field(default=None, ge=0)
    storage_type: str | None = Field(default=None, max_length=10)
    cpu_model: str | None = Field(default=None, max_length=120)
    cpu_generation: int | None = Field(default=None, ge=0)
    tpm_version: str | None = Field(default=None, max_length=10)
    screen_size_in: float | None = Field(default=None, ge=0)
    os: str | None = Field(default=None, max_length=80)
    sensitive_data: bool = False
    weight_kg: float | None = Field(default=None, ge=0)
    #: Largest outer dimension in cm (WEEE category 6 "small IT" is at most 50 cm).
    max_dimension_cm: float | None = Field(default=None, ge=0)
    measured_power_w: float | None = Field(default=None, ge=0)
    retirement_date: dt.date | None = None
    #: Residual value declared by the user; overrides straight-line depreciation.
    declared_value_eur: float | None = Field(default=None, ge=0)
    #: Reuse channel accepted (or chosen by override) by a technician.
    reuse_channel: str | None = Field(default=None, max_length=32, index=True)
    #: Estimated cost of repairing a broken device (compared with the policy's ceiling).
    repair_estimate_eur: float | None = Field(default=None, ge=0)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    #: Where the device is within its site (building, room), e.g. GLPI's "Lieu".
    location: str | None = Field(default=None, max_length=200)
    #: Hardware UUID reported by an inventory agent (matching key after the serial).
    uuid: str | None = Field(default=None, max_length=64, index=True)
    #: Date of the last hardware inventory (GLPI Agent) that measured the device.
    last_inventory_date: dt.date | None = None


class Device(DeviceBase, table=True):
    # Sortable columns are indexed (migration 0004; on PostgreSQL as (column NULLS
    # FIRST, id), the inventory's page order).
    __tablename__ = "device"
    __table_args__ = (
        UniqueConstraint("asset_tag", name="uq_device_asset_tag"),
        Index("ix_device_manufacturer_model", "manufacturer", "model"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lot_id: int | None = Field(default=None, foreign_key="lot.id", index=True)
    #: Optimistic-locking counter, incremented by every update.
    version: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow, index=True)


class DeviceEvent(SQLModel, table=True):
    """One entry of a device's history."""

    __tablename__ = "device_event"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    kind: str = Field(max_length=32)
    date: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str | None = Field(default=None, max_length=64)
    #: JSON object with the event's details (old/new values, reason...).
    details: str | None = Field(default=None, sa_column=Column(Text))
    #: The command (``sobriety device edit``) or screen (``tui/device``) it came from.
    source: str | None = Field(default=None, max_length=120)
    #: The device's version after this change (None for events before migration 0006).
    device_version: int | None = None


class Erasure(SQLModel, table=True):
    """A data-erasure record (ANSSI 2023, NIST SP 800-88 Rev. 2)."""

    __tablename__ = "erasure"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    method: str = Field(max_length=32)
    level: str = Field(max_length=10)
    tool: str | None = Field(default=None, max_length=120)
    operator: str | None = Field(default=None, max_length=64)
    date: dt.date
    verified: bool = False
    certificate_id: str | None = Field(default=None, max_length=120)
    #: The storage was encrypted from installation (a cryptographic erase is then a purge).
    encrypted_from_install: bool = False
    #: Who verified the erasure's result, and on which day (``sobriety erasure verify``).
    verified_by: str | None = Field(default=None, max_length=64)
    verified_on: dt.date | None = None
    #: Optimistic locking: bumped by every change; who made the last one, and when.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    updated_by: str | None = Field(default=None, max_length=64)
    updated_at: dt.datetime | None = None


class Lot(SQLModel, table=True):
    """An outgoing batch of devices for one recipient and one channel."""

    __tablename__ = "lot"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    channel: str = Field(max_length=32)
    recipient_name: str = Field(max_length=200)
    recipient_kind: str = Field(max_length=32)
    recipient_siret: str | None = Field(default=None, max_length=14)
    recipient_address: str | None = Field(default=None, sa_column=Column(Text))
    #: Sale price of the whole lot in EUR (None: free of charge).
    price_eur: float | None = Field(default=None, ge=0)
    #: Take-back by the initial supplier: its contract with an approved eco-organisme or
    #: its approved individual system (décret 2023-266 art. 2).
    supplier_contract_ref: str | None = Field(default=None, max_length=200)
    status: str = Field(default="open", max_length=10)
    created_at: dt.datetime = Field(default_factory=utcnow)
    closed_at: dt.datetime | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    #: Reference of the deed of transfer, donation agreement or sale.
    deed_ref: str | None = Field(default=None, max_length=200)
    #: The taker's prior commitment to reuse (décret 2023-266, required for take-back).
    commitment_ref: str | None = Field(default=None, max_length=200)
    #: Proof of reuse supplied by the taker, and its date.
    proof_of_reuse_ref: str | None = Field(default=None, max_length=200)
    proof_date: dt.date | None = None
    #: Optimistic locking: bumped by every change (each one is a :class:`LotEvent`).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class LotEvent(SQLModel, table=True):
    """One change of a lot: what, who, when, from which command or screen."""

    __tablename__ = "lot_event"

    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="lot.id", index=True)
    kind: str = Field(max_length=32)
    date: dt.datetime = Field(default_factory=utcnow)
    actor: str | None = Field(default=None, max_length=64)
    #: JSON object with the change's details (devices added, references...).
    details: str | None = Field(default=None, sa_column=Column(Text))
    source: str | None = Field(default=None, max_length=120)
    #: The lot's version after this change.
    lot_version: int


class RedeploymentRequest(SQLModel, table=True):
    """A need for devices of a category (a redeployment request): while open, a retired
    device of that category may be kept for it (the policy's need rules)."""

    __tablename__ = "redeployment_request"

    id: int | None = Field(default=None, primary_key=True)
    category: str = Field(max_length=32, index=True)
    quantity: int = Field(default=1, ge=1)
    site_id: int | None = Field(default=None, foreign_key="site.id")
    requested_on: dt.date
    note: str | None = Field(default=None, sa_column=Column(Text))
    closed_on: dt.date | None = None


class ModelFactor(SQLModel, table=True):
    """A per-model emission factor (from the Boavizta EFD or entered by a user).

    Takes precedence over the category defaults of the factor files.
    """

    __tablename__ = "model_factor"
    __table_args__ = (UniqueConstraint("match_key", "origin", name="uq_model_factor_key"),)

    id: int | None = Field(default=None, primary_key=True)
    manufacturer: str = Field(max_length=120)
    model: str = Field(max_length=200)
    #: Normalised "manufacturer|model" used to match inventory devices.
    match_key: str = Field(max_length=330, index=True)
    category: str | None = Field(default=None, max_length=32)
    total_kgco2e: float | None = Field(default=None, ge=0)
    manufacturing_kgco2e: float | None = Field(default=None, ge=0)
    distribution_kgco2e: float | None = Field(default=None, ge=0)
    end_of_life_kgco2e: float | None = Field(default=None, ge=0)
    #: Relative uncertainty (0.2 = +/- 20 %).
    uncertainty: float | None = Field(default=None, ge=0)
    yearly_energy_kwh: float | None = Field(default=None, ge=0)
    lifespan_years: float | None = Field(default=None, gt=0)
    weight_kg: float | None = Field(default=None, ge=0)
    #: "efd" (Boavizta dataset) or "user".
    origin: str = Field(default="user", max_length=10)
    source: str = Field(sa_column=Column(Text, nullable=False))
    #: Data quality as declared: "measured", "manufacturer", "estimated"...
    quality: str | None = Field(default=None, max_length=20)
    created_at: dt.datetime = Field(default_factory=utcnow)


class ModelMatch(SQLModel, table=True):
    """An inventory model (normalised key) matched to a per-model factor, with confidence."""

    __tablename__ = "model_match"

    id: int | None = Field(default=None, primary_key=True)
    #: Normalised "manufacturer|model" of inventory devices (see domain.model_match).
    match_key: str = Field(max_length=330, unique=True, index=True)
    model_factor_id: int = Field(foreign_key="model_factor.id", index=True)
    #: exact, normalised or fuzzy.
    method: str = Field(max_length=12)
    confidence: float
    created_at: dt.datetime = Field(default_factory=utcnow)


class ReportSnapshot(SQLModel, table=True):
    """The figures of a published annual report (what next year's report compares with)."""

    __tablename__ = "report_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    actor: str | None = Field(default=None, max_length=64)
    lang: str = Field(default="en", max_length=5)
    factor_set: str = Field(default="", max_length=120)
    #: JSON: the report's figures, as written to its JSON file.
    figures: str = Field(sa_column=Column(Text, nullable=False))


class RecycledPurchaseRecord(SQLModel, table=True):
    """A purchase with recycled content (loi AGEC art. 58): an amount excl. VAT of a year.

    ``asset_tag`` set: the amount is part of that device's recorded price;
    unset: a purchase the inventory does not hold, added to the year's spend.
    """

    __tablename__ = "recycled_purchase"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    amount_eur: float = Field(ge=0)
    #: The national declaration's ``type_produit_acquis``.
    product_type: str = Field(max_length=80)
    description: str = Field(default="", max_length=500)
    asset_tag: str | None = Field(default=None, max_length=64)
    recorded_at: dt.datetime = Field(default_factory=utcnow)
    actor: str | None = Field(default=None, max_length=64)
