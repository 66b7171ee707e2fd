"""The device screen's history: who, when, from where; an empty one says so; a conflict
names who changed the device (issue 11's audit trail and optimistic locking)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Input, Static

from sobriety.i18n import set_language
from sobriety.storage import db, history
from sobriety.storage import devices as repository
from sobriety.tui.screens.conflict import ConflictDialog
from sobriety.tui.screens.device import DeviceScreen

from .conftest import TODAY, make_app, settle

pytestmark = pytest.mark.asyncio


def _rows(screen: DeviceScreen) -> list[list[str]]:
    table = screen.query_one("#history", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_an_empty_history_says_so(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device("D000007")
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceScreen)
        assert _rows(app.screen) == [["-", "No change recorded yet.", "", "", ""]]


async def test_the_history_names_the_technician_and_the_screen(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)  # the configured actor: tech-1
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device("D000007")
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        app.screen.query_one("#field-assignee", Input).value = "AG-0777"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DeviceScreen)
        [row] = _rows(screen)
        date, kind, actor, source, text = row
        assert (kind, actor, source) == ("Assigned", "tech-1", "terminal UI, device screen")
        assert date.startswith(TODAY.strftime("%d/%m/%Y"))
        assert "Assignee (pseudonym):" in text and "→ AG-0777" in text
    [event] = _events(sqlite_fleet, "D000007")
    assert (event.actor, event.source, event.device_version) == ("tech-1", "tui/device", 2)


def _events(engine: Engine, tag: str) -> list:
    with db.session_scope(engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        return list(history.device_history(session=session, device_id=device.id))


async def test_the_history_speaks_french(sqlite_fleet: Engine) -> None:
    with history.recording_from("sobriety device edit"), db.session_scope(sqlite_fleet) as s:
        repository.update_device(
            session=s,
            asset_tag="D000007",
            expected_version=1,
            changes={"purchase_price_eur": 1234.5, "condition": "broken"},
            actor="tech-2",
            at=dt.datetime.combine(TODAY, dt.time(8, 0), tzinfo=dt.UTC),
        )
    set_language("fr")
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        app.open_device("D000007")
        await settle(pilot, app)
        [row] = _rows(app.screen)
        assert row[2:4] == ["tech-2", "sobriety device edit"]
        assert "Prix HT (EUR)\u00a0:" in row[4] and "1\u202f234,50" in row[4]
        assert "purchase_price_eur" not in row[4] and "broken" not in row[4]


async def test_a_conflict_names_who_changed_the_device_and_when(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        app.open_device("D000007")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        app.screen.query_one("#field-notes", Input).value = "mine"
        with history.recording_from("sobriety device move"), db.session_scope(sqlite_fleet) as s:
            repository.update_device(
                session=s,
                asset_tag="D000007",
                expected_version=1,
                changes={"os": "Debian 12"},
                actor="tech-9",
                at=dt.datetime.combine(TODAY, dt.time(8, 30), tzinfo=dt.UTC),
            )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConflictDialog)
        who = str(app.screen.query_one("#conflict-who", Static).render())
        assert "tech-9 (sobriety device move): Edited" in who
        assert TODAY.strftime("%d/%m/%Y") in who
