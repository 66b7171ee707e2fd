"""The app's top-level sections: one entry each, in the order of their keys.

A new section (Dashboard, Reuse queue...) is one entry here plus its screen
module in ``tui/screens/``; the app's modes and keys, the palette and the help
screen are all derived from :data:`SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from sobriety.i18n import N_
from sobriety.tui.screens.dashboard import DashboardScreen
from sobriety.tui.screens.factors import FactorsScreen
from sobriety.tui.screens.import_screen import ImportScreen
from sobriety.tui.screens.inventory import InventoryScreen
from sobriety.tui.screens.reports import ReportsScreen
from sobriety.tui.screens.reuse_queue import ReuseQueueScreen


@dataclass(frozen=True)
class Section:
    """A top-level part of the app, reached by a key and from the palette."""

    mode: str
    title: str  # English source, translated when shown
    key: str
    screen: Callable[[], Screen[Any]]


SECTIONS: tuple[Section, ...] = (
    Section("dashboard", N_("Dashboard"), "1", DashboardScreen),
    Section("inventory", N_("Inventory"), "2", InventoryScreen),
    Section("reuse", N_("Reuse queue"), "3", ReuseQueueScreen),
    Section("factors", N_("Factors"), "4", FactorsScreen),
    Section("import", N_("Import"), "5", ImportScreen),
    Section("reports", N_("Reports"), "6", ReportsScreen),
)
