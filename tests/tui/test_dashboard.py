"""The dashboard opens first and shows the core functions' figures; every screen's keys
are in the help screen and its actions in the command palette."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Static

from sobriety.domain.carbon.factors import load_factor_set
from sobriety.domain.report import kpis
from sobriety.domain.reuse.policy import resolve_policy
from sobriety.domain.reuse.rate import compute_reuse_rate
from sobriety.i18n import fmt_number
from sobriety.settings import packaged_factors_dir
from sobriety.storage.carbon_fleet import read_fleet
from sobriety.storage.reuse_events import read_history
from sobriety.tui.commands import SobrietyCommands
from sobriety.tui.screens.dashboard import DashboardScreen
from sobriety.tui.screens.help import HelpScreen, binding_groups
from sobriety.tui.sections import SECTIONS

from .conftest import TODAY, make_app, settle, shown

pytestmark = pytest.mark.asyncio


async def test_the_dashboard_opens_first_with_the_core_figures(sqlite_fleet: Engine) -> None:
    fs = load_factor_set(packaged_factors_dir())
    targets = kpis.load_purchase_targets()
    want = kpis.dashboard(read_fleet(sqlite_fleet, fs), fs, targets, on=TODAY)
    rate = compute_reuse_rate(read_history(sqlite_fleet), resolve_policy(None), TODAY.year)
    app = make_app(sqlite_fleet, start=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        got = screen.dashboard
        assert got is not None and screen.reuse_rate == rate
        assert np.array_equal(got.counts, want.counts) and got.devices == 300
        for mode in ("amortised", "acquisition"):
            assert np.allclose(got.footprints[mode].total_kg, want.footprints[mode].total_kg)
            assert np.allclose(
                got.footprints[mode].per_agent_kg, want.footprints[mode].per_agent_kg
            )
        assert got.age == want.age and got.per_agent == want.per_agent
        assert got.purchases == want.purchases
        assert got.end_of_life.due == want.end_of_life.due > 0
        assert np.array_equal(got.acquisitions, want.acquisitions)
        carbon = shown(screen.query_one("#carbon-body", Static))
        assert "Amortised (Bilan Carbone)" in carbon and "Acquisition year (GHG Protocol)" in carbon
        for mode in ("amortised", "acquisition"):
            t = want.footprints[mode].total_kg[0] / 1000
            assert f"{fmt_number(t, 1)} t" in carbon
        fleet = shown(screen.query_one("#fleet-body", Static))
        assert "300 devices recorded" in fleet and "Laptop" in fleet
        targets_text = shown(screen.query_one("#targets-body", Static))
        assert f"A/B = {rate.a}/{rate.b}" in targets_text
        assert "target 50.0 %" in targets_text  # décret 2023-266, 2025 on
        assert "target 20.0 %" in targets_text  # AGEC, 2024-2026
        life = shown(screen.query_one("#lifecycle-body", Static))
        assert f"End of life within 12 months: {fmt_number(want.end_of_life.due)}" in life
        assert fmt_number(want.age.years, 1) in life
        # the other sections are one key away (once no text field has the focus: the
        # import screen focuses its path field, which takes the digits)
        for section in SECTIONS:
            app.screen.set_focus(None)
            await pilot.press(section.key)
            await settle(pilot, app)
            assert app.current_mode == section.mode


async def test_every_key_is_in_the_help_and_every_action_in_the_palette(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet, start=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        titles: set[str] = set()
        for section in SECTIONS:
            app.screen.set_focus(None)
            await pilot.press(section.key)
            await settle(pilot, app)
            provider = SobrietyCommands(app.screen)
            titles |= {hit.text for hit in [h async for h in provider.discover()]}
            screen_cls = type(app.screen)
            groups = dict(binding_groups())
            assert any(
                {b.action for b in bindings} == {b.action for b in screen_cls.BINDINGS}
                for bindings in groups.values()
            ), screen_cls
        for wanted in (
            "Refresh the dashboard",
            "Accept the recommended channels",
            "Override the channel",
            "Build a lot from the selection",
            "Close the lot",
            "Write the lot's transfer slip",
            "Add a per-model emission factor",
            "Validate the file (dry run)",
            "Import the file",
            "Cancel the running import",
            *(f"Go to {s.title}" for s in SECTIONS),
        ):
            assert wanted in titles, wanted
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.query_one(DataTable)
        where = {str(rows.get_row_at(i)[0]) for i in range(rows.row_count)}
        assert {"Dashboard", "Reuse queue", "Factors", "Import", "Refusals"} <= where
