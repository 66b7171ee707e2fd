"""What the screens and widgets may ask of the app, typed without importing it.

Screens used to import :class:`~sobriety.tui.app.SobrietyApp` for its type,
which made a circle (the app imports every screen). :class:`Host` is the part
of the app they use; :func:`host` returns ``node.app`` typed as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from sobriety.app.context import Sobriety
    from sobriety.storage.search_index import DeviceSearchIndex


class Host(Protocol):
    """The app as its screens see it."""

    #: The application object: engine, factors, policy, actor and clock.
    sobriety: Sobriety
    #: Free-text search index of the devices, shared by tables and the palette.
    search_index: DeviceSearchIndex
    #: Bumped by every write: screens showing figures recompute them when shown.
    data_generation: int

    def open_device(self, asset_tag: str) -> None: ...

    def data_changed(self, what: str) -> None: ...

    def build_search_index(self) -> None: ...


def host(node: DOMNode) -> Host:
    """The app of ``node``, typed as a :class:`Host`."""
    return cast("Host", node.app)
