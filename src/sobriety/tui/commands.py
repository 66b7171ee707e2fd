"""The command palette's provider: every action of the app and of the current screen.

Screens list their commands in a ``palette_commands()`` method yielding
``(title, help, callback)``; the app adds the global ones. Typing an asset tag
(or part of a serial, model...) also offers to open the matching devices.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sobriety.domain.labels import label
from sobriety.i18n import _
from sobriety.storage.device_pages import DeviceFilter, DeviceQuery, fetch_page

Command = tuple[str, str, Callable[[], Any]]


class SobrietyCommands(Provider):
    def _commands(self) -> Iterator[Command]:
        app = self.app
        if hasattr(app, "palette_commands"):
            yield from app.palette_commands()
        screen = self.screen
        if hasattr(screen, "palette_commands"):
            yield from screen.palette_commands()

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        text = query.strip()
        engine = getattr(self.app, "engine", None)
        if len(text) < 2 or engine is None or not hasattr(self.app, "open_device"):
            return
        rows = await asyncio.to_thread(
            fetch_page,
            engine,
            DeviceQuery(DeviceFilter(text=text)),
            limit=8,
            search=getattr(self.app, "search_index", None),
        )
        for row in rows:
            title = _("Open device {tag}").format(tag=row.asset_tag)
            yield Hit(
                0.9 if row.asset_tag.lower().startswith(text.lower()) else 0.5,
                title,
                partial(self.app.open_device, row.asset_tag),
                help=" · ".join(
                    p for p in (label("category", row.category), row.manufacturer, row.model) if p
                ),
            )
