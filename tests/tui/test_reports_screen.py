"""The Reports screen (key 6): objectives with their trajectories, the report written
with progress into a chosen folder."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from textual.widgets import Input, Static

from sobriety.tui.screens.reports import ReportsScreen

from .conftest import make_app, settle, shown

pytestmark = pytest.mark.asyncio


async def test_key_6_shows_the_objectives_and_writes_the_report(
    sqlite_fleet: Engine, tmp_path
) -> None:
    app = make_app(sqlite_fleet, start=None)
    messages: list = []
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        body = shown(screen.query_one("#objectives-body", Static))
        assert "Reuse rate (décret 2023-266)" in body and "trajectory: 2023" in body
        assert len(screen.items) == 7
        screen.query_one("#report-folder", Input).value = str(tmp_path / "out")
        await pilot.click("#report-write")
        await settle(pilot, app)
        assert sorted(p.suffix for p in screen.written) == [".html", ".json", ".pdf"]
        progress = [m for m in messages if type(m).__name__ == "LoadProgressed"]
        assert len(progress) >= 5  # the worker reported its steps
        fig = json.loads(next((tmp_path / "out").glob("*.json")).read_text(encoding="utf-8"))
        assert fig["year"] == 2025
        assert "Written:" in shown(screen.query_one("#reports-status", Static))


async def test_a_year_without_data_is_said_on_the_screen(sqlite_fleet: Engine, tmp_path) -> None:
    app = make_app(sqlite_fleet, start="reports")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#report-year", Input).value = "2001"
        screen.query_one("#report-folder", Input).value = str(tmp_path / "none")
        await pilot.click("#report-write")
        await settle(pilot, app)
        assert "no data for 2001" in shown(screen.query_one("#reports-status", Static))
        assert not (tmp_path / "none").exists()


async def test_the_reuse_queue_shows_the_renewal_candidates(sqlite_fleet: Engine) -> None:
    from textual.widgets import DataTable

    from sobriety.app import renewal
    from sobriety.tui.screens.problems import ProblemsDialog

    app = make_app(sqlite_fleet, start="reuse")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        want = renewal.renewal_plan(app.sobriety)
        await pilot.press("n")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ProblemsDialog)
        table = dialog.query_one(DataTable)
        assert table.row_count == min(want.summary["candidates"], 500) > 0
        first = want.rows(app.sobriety)[0]
        assert table.get_row_at(0)[1] == first["asset_tag"]
        await pilot.press("escape")
