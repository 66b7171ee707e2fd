"""Snapshots of every screen at 80x24 and 120x40 (look at a new SVG before accepting it)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sobriety.storage import db
from sobriety.storage import devices as repository

from .conftest import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_inventory(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await pilot.press("down", "down")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_inventory_filtered_light_theme(snap_compare, sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet, dark=False)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.screen.set_facet("category", "laptop")
        await pilot.press("slash", *"dell", "enter", "right", "right", "right", "s")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_device(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.open_device("D000004")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_device_history(snap_compare, sqlite_fleet: Engine, size) -> None:
    with db.session_scope(sqlite_fleet) as session:
        repository.update_device(
            session=session,
            asset_tag="D000004",
            expected_version=1,
            changes={"assignee": "AG-0001"},
            actor="tech-2",
            event_kind="assigned",
        )
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.open_device("D000004")
        await settle(pilot, app)
        app.screen.query_one("#device-tabs").active = "tab-history"
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_edit_with_a_refused_value(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.open_device("D000004")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        app.screen.query_one("#field-ram_gb").focus()
        await pilot.press("ctrl+a", "ctrl+k", *"lots")
        app.screen.query_one("#field-cpu_generation").focus()
        await pilot.press("ctrl+a", "ctrl+k", *"8.5")
        app.screen.query_one("#field-manufacturer").focus()
        await pilot.press("ctrl+a", "ctrl+k", *"Cisco Systems")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        app.clear_notifications()
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_retire_dialog(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.open_device("D000004")
        await settle(pilot, app)
        await pilot.press("t")
        await settle(pilot, app)
        await pilot.press("ctrl+s")  # the reason is required: shown in place
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_conflict_dialog(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.open_device("D000004")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        app.screen.query_one("#field-os").focus()
        await pilot.press(*"Debian 12")
        with db.session_scope(sqlite_fleet) as session:
            repository.update_device(
                session=session,
                asset_tag="D000004",
                expected_version=1,
                changes={"os": "Windows 11", "condition": "degraded"},
                actor="someone-else",
            )
        await pilot.press("ctrl+s")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet)

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
