"""Pilot tests of the inventory screen: search, filter, sort, navigate, open."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from textual.widgets import Input, Select, Static

from sobriety.tui.messages import CountLoaded, DeviceChosen
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.widgets.device_table import DeviceTable

from .conftest import make_app, settle

pytestmark = pytest.mark.asyncio


def _status(app) -> str:
    return str(app.screen.query_one("#inventory-status", Static).render())


def _visible_tags(table: DeviceTable) -> list[str]:
    top = int(table.scroll_y)
    rows = [table.row_at(i) for i in range(top, top + table.size.height - 1)]
    return [r.asset_tag for r in rows if r is not None]


def _count(engine: Engine, where: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM device WHERE {where}")).scalar_one()


async def test_opens_on_the_whole_fleet_sorted_by_asset_tag(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    messages: list = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        assert table.has_focus
        assert table.total == 300
        assert _status(app) == "300 devices · sorted by Asset tag ▲"
        assert _visible_tags(table)[:3] == ["D000000", "D000001", "D000002"]
        assert any(isinstance(m, CountLoaded) and m.total == 300 for m in messages)
        # only the pages on screen were read, not the fleet
        assert table.loaded_row_count <= 2 * table.page_size


async def test_free_text_search_narrows_the_list(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"lenovo ag-1", "enter")
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        want = _count(sqlite_fleet, "manufacturer = 'Lenovo' AND assignee LIKE '%AG-1%'")
        assert 0 < want < 300
        assert table.total == want
        assert _status(app) == f"{want} of 300 devices · sorted by Asset tag ▲"
        assert table.has_focus  # Enter in the search box goes back to the list
        rows = [table.row_at(i) for i in range(want)]
        assert all(r.manufacturer == "Lenovo" and "AG-1" in r.assignee for r in rows)
        # typing (without Enter) applies too, after a short pause
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"ipad")
        await pilot.pause(0.4)
        await settle(pilot, app)
        assert table.total == _count(sqlite_fleet, "model = 'iPad 9'")
        await pilot.press("escape", "x")
        await settle(pilot, app)
        assert table.total == 300
        assert app.screen.query_one("#search", Input).value == ""


async def test_filters_by_category_site_status_condition_and_channel(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        table = screen.query_one(DeviceTable)
        # with the keyboard: f focuses the category filter, Enter opens it
        await pilot.press("f", "enter")
        await settle(pilot, app)
        await pilot.press(*["down"] * 1, "enter")  # first choice: Laptop
        await settle(pilot, app)
        assert screen.query_one("#filter-category", Select).value == "laptop"
        assert table.total == _count(sqlite_fleet, "category = 'laptop'")
        site_id = screen.sites[1].id
        screen.set_facet("site_id", site_id)
        screen.set_facet("status", "in_service")
        screen.set_facet("condition", "working")
        await settle(pilot, app)
        want = _count(
            sqlite_fleet,
            f"category='laptop' AND site_id={site_id} AND status='in_service'"
            " AND condition='working'",
        )
        assert table.total == want > 0
        screen.set_facet("reuse_channel", "recycle")
        await settle(pilot, app)
        assert table.total == _count(
            sqlite_fleet,
            f"category='laptop' AND site_id={site_id} AND status='in_service'"
            " AND condition='working' AND reuse_channel='recycle'",
        )
        table.focus()
        await pilot.press("x")
        await settle(pilot, app)
        assert table.total == 300
        assert screen.query_one("#filter-site_id", Select).value is Select.NULL


async def test_sort_by_any_column_with_the_keys(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        await pilot.press("right", "right", "right", "s")  # Model
        await settle(pilot, app)
        assert table.query_spec.sort == "model" and not table.query_spec.descending
        assert "sorted by Model ▲" in _status(app)
        models = [table.row_at(i).model for i in range(10)]
        assert models == sorted(models) and models[0] == "Catalyst 1000"
        await pilot.press("s")
        await settle(pilot, app)
        assert table.query_spec.descending
        with sqlite_fleet.connect() as conn:
            models = [m for (m,) in conn.execute(text("SELECT model FROM device"))]
        assert table.row_at(0).model == max(models)  # SQLite's binary collation: "iPad 9"
        assert "sorted by Model ▼" in _status(app)
        # the count is not recomputed for a new sort of the same filter
        assert table.total == 300


async def test_keyboard_navigation_reaches_every_row(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + table.size.height - 1 - 1  # header and scrollbar
        await pilot.press("end")
        await settle(pilot, app)
        assert table.cursor_row == 299
        assert table.current_row.asset_tag == "D000299"
        assert "D000299" in _visible_tags(table)
        await pilot.press("up", "home")
        await settle(pilot, app)
        assert table.cursor_row == 0 and int(table.scroll_y) == 0


async def test_enter_opens_the_device(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    messages: list = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot, app)
        assert any(isinstance(m, DeviceChosen) and m.asset_tag == "D000003" for m in messages)
        assert isinstance(app.screen, DeviceScreen)
        title = str(app.screen.query_one("#device-title", Static).render())
        assert title.startswith("D000003 · Laptop · Lenovo ThinkPad T14")
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen.query_one(DeviceTable).cursor_row == 3
