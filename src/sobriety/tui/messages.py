"""Messages of the terminal UI, named as events (what happened).

Workers post them from their threads (``post_message`` is thread-safe); the
widgets and screens react to them on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from sobriety.domain.inventory.queries import DeviceRow


@dataclass
class PageLoaded(Message):
    """A page of the device list arrived from the database."""

    generation: int
    page: int
    rows: list[DeviceRow]
    seconds: float


@dataclass
class CountLoaded(Message):
    """The number of devices matching the current filter is known."""

    generation: int
    total: int
    seconds: float
    fleet_total: int  # devices in the whole inventory


@dataclass
class LoadProgressed(Message):
    """Long work moved on: ``done`` of ``total`` steps (``total`` None: unknown)."""

    text: str
    done: float = 0
    total: float | None = None


@dataclass
class LoadFailed(Message):
    """Reading from the database failed; ``error`` says why."""

    generation: int
    error: str


@dataclass
class DeviceChosen(Message):
    """The user asked to open a device (Enter on the inventory, palette...)."""

    asset_tag: str


@dataclass
class DeviceLoaded(Message):
    """A device, its history and erasure records were read."""

    asset_tag: str
    values: dict[str, Any]
    site: tuple[str, str] | None  # (code, name)
    history: list[dict[str, Any]] = field(default_factory=list)
    erasures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DeviceSaved(Message):
    """A change to a device was committed (an edit or an action)."""

    asset_tag: str
    version: int
    action: str


@dataclass
class SaveConflicted(Message):
    """Someone else changed the device since it was read: nothing was written.

    ``theirs`` holds the fields they changed: ``{field: (value read, value now)}``.
    """

    asset_tag: str
    action: str
    expected_version: int
    current_version: int | None
    theirs: dict[str, tuple[Any, Any]]
    #: The history entries made since the version read (who changed what, and when).
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SaveFailed(Message):
    """A change was refused (validation, database error); nothing was written."""

    asset_tag: str
    action: str
    error: str
    #: Every reason of a refusal by the rules (``ReuseError.problems``), if listed.
    problems: list[str] = field(default_factory=list)


@dataclass
class DeviceInsightLoaded(Message):
    """The carbon breakdown or the reuse recommendation of a device is ready.

    ``slot`` is ``"carbon"`` or ``"reuse"``; ``body`` a Rich renderable (or the
    reason it could not be computed).
    """

    asset_tag: str
    slot: str
    body: Any


@dataclass
class DashboardLoaded(Message):
    """The dashboard's figures are computed (``error``: why they could not be)."""

    dashboard: Any = None  # sobriety.domain.report.kpis.Dashboard
    reuse_rate: Any = None  # sobriety.domain.reuse.rate.ReuseRate
    seconds: float = 0.0
    error: str | None = None


@dataclass
class DataChanged(Message):
    """Something was written (a decision, a lot, an import, a factor): figures are stale."""

    what: str


@dataclass
class DeviceFlagLoaded(Message):
    """The reuse flag of a device is known (``flag``: a DeviceFlag, None if it failed)."""

    asset_tag: str
    flag: Any


@dataclass
class SitesLoaded(Message):
    """The list of sites (for filters and the move action) was read."""

    sites: list[Any]  # sobriety.app.inventory.SiteChoice


@dataclass
class PreviewReady(Message):
    """The import preview of a file (mapping, samples, row count) was read."""

    preview: Any  # sobriety.app.imports.Preview


@dataclass
class ImportFinished(Message):
    """A check or an import ended: ``outcome`` is valid, imported, invalid, cancelled or failed."""

    outcome: str
    report: Any  # sobriety.app.imports.ImportReport, or None
    message: str


@dataclass
class FactorsLoaded(Message):
    """The factor set and the per-model factors were read (``error``: why they were not)."""

    factor_set: Any = None  # sobriety.domain.carbon.factors.FactorSet
    models: list[Any] = field(default_factory=list)  # stored per-model factors
    counts: dict[str, int] = field(default_factory=dict)  # per origin, and matches
    error: str | None = None


@dataclass
class ModelFactorStored(Message):
    """A user's per-model factor was stored (``error``: why it was not, nothing written)."""

    manufacturer: str
    model: str
    factor_id: int | None = None
    error: str | None = None
    #: How the range was derived when no uncertainty was given.
    note: str | None = None


@dataclass
class ReuseQueueLoaded(Message):
    """The reuse queue was evaluated (``error``: why it could not be)."""

    rows: list[Any] = field(default_factory=list)  # sobriety.app.reuse_queue.QueueRow
    lots: list[Any] = field(default_factory=list)  # sobriety.app.lots.LotRow
    error: str | None = None


@dataclass
class DecisionsRecorded(Message):
    """Reuse decisions were recorded for ``done``; ``refused``: ``{asset tag: [reasons]}``."""

    done: list[str]
    refused: dict[str, list[str]]


@dataclass
class LotBuilt(Message):
    """A lot was created with these devices."""

    code: str
    asset_tags: list[str]


@dataclass
class LotClosed(Message):
    """A lot was handed over: ``devices`` left with it."""

    code: str
    devices: int


@dataclass
class LotRefused(Message):
    """A lot operation was refused, nothing written; ``refused``: ``{asset tag: [reasons]}``
    (``""`` for the lot itself)."""

    title: str
    refused: dict[str, list[str]]
    #: A lot being built: the devices asked, what the form held, those not refused.
    asset_tags: list[str] | None = None
    values: dict[str, Any] | None = None
    eligible: list[str] | None = None
    #: A lot being closed: (code, devices, the version to retry from), to open its form again.
    close: tuple[str, int, int] | None = None


@dataclass
class SlipWritten(Message):
    """A lot's transfer slip was written (``error``: why it was not)."""

    code: str
    pdf: Any = None  # pathlib.Path
    csv: Any = None
    error: str | None = None
