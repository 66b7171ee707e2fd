"""Snapshots of the dashboard, reuse queue, factors and import screens at 80x24 and
120x40 (each SVG was looked at as a PNG before it was accepted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, DirectoryTree, Input

from .conftest import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
BAD = (
    "asset_tag,category,manufacturer,model,acquisition_date,purchase_price_eur,status\n"
    "NEW-0001,laptop,Dell,Latitude 5420,2024-01-15,950,in_service\n"
    "NEW-0002,toaster,HP,EliteBook 840 G8,2024-02-30,abc,in_service\n"
    "NEW-0003,monitor,Iiyama,ProLite XU2493HS,2023-05-02,180,lost\n"
)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet, start=None)

    async def run_before(pilot) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_dashboard_light_theme(snap_compare, sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet, start=None, dark=False)

    async def run_before(pilot) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reuse_queue_with_a_selection(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet, start="reuse")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.screen.query_one("#queue", DataTable).focus()
        await pilot.press("down", "space", "space")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_reuse_queue_lot_refused(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet, start="reuse")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        screen = app.screen
        table = screen.query_one("#queue", DataTable)
        table.focus()
        table.move_cursor(row=[r.asset_tag for r in screen.rows].index("D000006"))
        await pilot.press("space", "l")
        await settle(pilot, app)
        app.screen.query_one("#field-recipient_name", Input).focus()
        await pilot.press(*"Emmaüs Connect")
        app.screen.query_one("#field-recipient_kind").value = "association"
        await pilot.press("ctrl+s")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_factors(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet, start="factors")

    async def run_before(pilot) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_factor_with_a_wrong_unit(snap_compare, sqlite_fleet: Engine, size) -> None:
    app = make_app(sqlite_fleet, start="factors")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        table = app.screen.query_one("#factor-categories", DataTable)
        table.focus()
        table.scroll_home(animate=False, immediate=True)
        await settle(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        for field, text in (
            ("manufacturer", "Dell"),
            ("model", "Latitude 5420"),
            ("manufacturing_kgco2e", "45 kg"),
        ):
            app.screen.query_one(f"#field-{field}", Input).focus()
            await pilot.press(*text)
        await pilot.press("ctrl+s")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_import_with_problems(
    snap_compare, sqlite_fleet: Engine, size, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "bad.csv").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app = make_app(sqlite_fleet, start="import")

    async def run_before(pilot) -> None:
        await settle(pilot, app)
        app.screen.query_one(DirectoryTree).path = folder
        await settle(pilot, app)
        await pilot.press(*"inventories/bad.csv", "enter")
        await settle(pilot, app)
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        app.screen.query_one("#import-problems", DataTable).focus()
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
