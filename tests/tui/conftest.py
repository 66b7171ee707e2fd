"""Fixtures of the TUI tests: a small deterministic fleet and the app factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import Engine

from sobriety.app.context import Sobriety
from sobriety.settings import load_settings
from sobriety.tui.app import SobrietyApp, create_app

#: The app's clock (``Sobriety(today=...)``), so screens do not depend on the day.
TODAY = dt.date(2026, 3, 2)
#: The wall clock of every TUI test (history rows, ``updated_at``, lot codes): 9 a.m.
#: UTC on TODAY, after the fleet's fixed timestamps, then ticking.
NOW = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _wall_clock_on_today() -> Iterator[None]:
    """What the app writes is stamped on the app's day, whatever day the suite runs."""
    with time_machine.travel(NOW, tick=True):
        yield


def make_app(engine: Engine, *, dark: bool = True, start: str | None = "inventory") -> SobrietyApp:
    """The app on ``engine``, opened on ``start`` (None: the default first section)."""
    settings = load_settings(database_url=str(engine.url), actor="tech-1")
    sobriety = Sobriety(settings, engine=engine, today=lambda: TODAY)
    return create_app(sobriety, dark=dark, start=start)


#: Workers that live as long as their widget (DirectoryTree's loader): never awaited.
LONG_LIVED = frozenset({"_loader"})


async def settle(pilot, app: SobrietyApp) -> None:
    """Wait until every worker finished and the screen is repainted."""
    for _ in range(50):
        await pilot.pause()
        workers = [w for w in app.workers if w.name not in LONG_LIVED]
        if workers:  # an empty list would mean "every worker"
            await app.workers.wait_for_complete(workers)
        await pilot.pause()
        if not any(w.is_running for w in app.workers if w.name not in LONG_LIVED):
            break


def shown(widget) -> str:
    """The text a Static (or Label) shows, whatever it holds (str, Rich renderable)."""
    import io

    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()
