"""Sorting the inventory by a column sorts what the column shows, in the language shown:
the French category labels in French order, blanks after every value in both directions
(issue 8, "A technician's day")."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sobriety.i18n import set_language, sort_key
from sobriety.tui.widgets.device_table import COLUMN_KEYS, COLUMNS, DeviceTable

from .conftest import make_app, settle

pytestmark = pytest.mark.asyncio


@pytest.fixture
def french():
    set_language("fr")
    yield
    set_language("en")


async def _shown_column(pilot, app, table: DeviceTable, key: str) -> list[str]:
    """Every row's cell of column ``key`` as shown, read screen after screen."""
    column = COLUMNS[COLUMN_KEYS.index(key)]
    await pilot.press("home")
    await settle(pilot, app)
    cells: list[str] = []
    while len(cells) < table.total:
        top = int(table.scroll_y)
        bottom = min(table.total, top + table.size.height - 2)  # header, scrollbar
        assert top <= len(cells) < bottom, "a page down shows the next rows"
        for index in range(len(cells), bottom):
            row = table.row_at(index)
            assert row is not None, index
            cells.append(column.cell(row))
        await pilot.press("pagedown")
        await settle(pilot, app)
    return cells


async def _sort_by(pilot, app, table: DeviceTable, key: str) -> None:
    await pilot.press("home")
    while table.cursor_column < COLUMN_KEYS.index(key):
        await pilot.press("right")
    await pilot.press("s")
    await settle(pilot, app)


async def test_sorting_by_category_in_french_follows_the_french_labels(
    sqlite_fleet: Engine, french
) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        await _sort_by(pilot, app, table, "category")
        assert table.query_spec.sort == "category" and not table.query_spec.descending
        up = await _shown_column(pilot, app, table, "category")
        assert len(up) == 300
        assert "PC portable" in up  # the French label of a laptop is what is sorted
        assert up == sorted(up, key=sort_key)
        # the stored keys would put "laptop" before "monitor"; French puts "Écran" first
        assert up.index("Écran") < up.index("PC portable")
        await pilot.press("s")
        await settle(pilot, app)
        assert table.query_spec.descending
        down = await _shown_column(pilot, app, table, "category")
        assert down == sorted(up, key=sort_key, reverse=True)


@pytest.mark.parametrize("key", ["reuse_channel", "site"])
async def test_blanks_come_last_in_both_directions(sqlite_fleet: Engine, french, key: str) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(DeviceTable)
        await _sort_by(pilot, app, table, key)
        up = await _shown_column(pilot, app, table, key)
        filled = [c for c in up if c]
        assert 0 < len(filled) < len(up)
        assert up == filled + [""] * (len(up) - len(filled))
        assert filled == sorted(filled, key=sort_key)
        await pilot.press("s")
        await settle(pilot, app)
        down = await _shown_column(pilot, app, table, key)
        assert down == sorted(filled, key=sort_key, reverse=True) + [""] * (len(up) - len(filled))
