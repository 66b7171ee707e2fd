"""What the device list is narrowed to and sorted by, and one line of it (no SQL here).

:mod:`sobriety.storage.device_pages` turns a :class:`DeviceQuery` into SQL; the
terminal UI and the CLI build queries and read :class:`DeviceRow` lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

#: The keys a device list can be sorted by (each a :class:`DeviceRow` field).
SORT_KEYS = (
    "asset_tag",
    "category",
    "manufacturer",
    "model",
    "serial",
    "site",
    "assignee",
    "status",
    "condition",
    "acquisition_date",
    "reuse_channel",
)


class DeviceRow(NamedTuple):
    """One line of the device list."""

    id: int
    asset_tag: str
    category: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    site: str | None  # site code
    assignee: str | None
    status: str
    condition: str
    acquisition_date: dt.date | None
    reuse_channel: str | None


@dataclass(frozen=True)
class DeviceFilter:
    """What the user narrowed the list to; ``None`` means any."""

    text: str = ""
    category: str | None = None
    site_id: int | None = None
    status: str | None = None
    condition: str | None = None
    reuse_channel: str | None = None

    @property
    def is_empty(self) -> bool:
        return self == DeviceFilter()


@dataclass(frozen=True)
class DeviceQuery:
    filter: DeviceFilter = field(default_factory=DeviceFilter)
    sort: str = "asset_tag"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(
                f"cannot sort devices by {self.sort!r}; expected one of {list(SORT_KEYS)}"
            )

    def with_filter(self, **changes: Any) -> DeviceQuery:
        return replace(self, filter=replace(self.filter, **changes))

    def sorted_by(self, key: str, descending: bool | None = None) -> DeviceQuery:
        """Sort by ``key``; the same key again flips the direction unless given."""
        if descending is None:
            descending = not self.descending if key == self.sort else False
        return replace(self, sort=key, descending=descending)
