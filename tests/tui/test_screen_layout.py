"""What the technician reads on the factors, inventory and dashboard screens (issue 8):
sources shown whole, phases counted in manufacturing said so, the asset tag frozen while
scrolling, what the category bars leave out, years under the acquisitions chart."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Static

from sobriety.domain.carbon.factors import load_factor_set
from sobriety.settings import packaged_factors_dir
from sobriety.tui.charts import year_axis
from sobriety.tui.screens.dashboard import DashboardScreen
from sobriety.tui.screens.factors import FactorsScreen
from sobriety.tui.widgets.device_table import COLUMNS, DeviceTable

from .conftest import make_app, settle, shown

pytestmark = pytest.mark.asyncio


def _screen_text(app) -> list[str]:
    """The lines on the terminal, as the technician sees them."""
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]


async def test_factors_show_each_source_whole_and_phases_counted_in_manufacturing(
    sqlite_fleet: Engine,
) -> None:
    fs = load_factor_set(packaged_factors_dir())
    app = make_app(sqlite_fleet, start="factors")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, FactorsScreen)
        table = app.screen.query_one("#factor-categories", DataTable)
        text = "\n".join(_screen_text(app))
        for key, cf in list(fs.categories.items())[:8]:  # the rows on screen at 80x24
            assert cf.manufacturing.source in text, key
        keys = list(fs.categories)
        printer = table.get_row_at(keys.index("printer"))
        assert [str(c) for c in printer[3:5]] == ["Included in manufacturing"] * 2
        assert fs.categories["printer"].distribution.value == 0
        width = table.columns[table.ordered_columns[1].key].get_render_width(table)
        assert width > max(len(cf.manufacturing.source) for cf in fs.categories.values())


async def test_the_asset_tag_stays_on_the_left_while_scrolling(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet, start="inventory")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        table.focus()
        for _ in range(len(COLUMNS) - 1):
            await pilot.press("right")
        await settle(pilot, app)
        assert table.scroll_x > 0
        lines = _screen_text(app)
        header = next(line for line in lines if "Asset tag" in line)
        assert "Channel" in header  # scrolled to the last column...
        assert "D000000" in "".join(lines)  # ...with the tags still shown
        row = next(line for line in lines if "D000000" in line)
        assert row.index("D000000") < 5


async def test_the_dashboard_says_what_the_bars_leave_out_and_labels_the_years(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet, start=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        d = screen.dashboard
        gone = d.by_status().get("gone", 0)
        fleet = shown(screen.query_one("#fleet-body", Static))
        assert f"the {gone} gone are not counted" in fleet
        years = shown(screen.query_one("#acquisitions-years", Static))
        first = d.acquisitions_first_year
        last = first + len(d.acquisitions) - 1
        assert str(first) in years and str(last) in years


def test_year_labels_never_touch() -> None:
    for width in (20, 40, 57, 100, 118):
        axis = year_axis(2012, 2026, width)
        assert len(axis) <= width and "2012" in axis and "2026" in axis
        assert "20122" not in axis and all(len(w) == 4 for w in axis.split())
