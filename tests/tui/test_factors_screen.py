"""Pilot test of the factors screen: sources shown, a per-model value added with units."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Input, Static

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import load_factor_set
from sobriety.settings import packaged_factors_dir
from sobriety.storage import model_factors
from sobriety.storage.carbon_fleet import read_fleet
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.screens.factors import FactorsScreen

from .conftest import TODAY, make_app, settle, shown

pytestmark = pytest.mark.asyncio


async def _type(pilot, screen, field: str, text: str) -> None:
    screen.query_one(f"#field-{field}", Input).focus()
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def test_factors_show_their_sources_and_a_per_model_value_is_added(
    sqlite_fleet: Engine,
) -> None:
    fs = load_factor_set(packaged_factors_dir())
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, FactorsScreen)
        cats = screen.query_one("#factor-categories", DataTable)
        assert cats.row_count == len(fs.categories)
        laptop = fs.categories["laptop"]
        assert str(cats.get_row_at(0)[1]) == laptop.manufacturing.source
        detail = shown(screen.query_one("#factor-detail", Static))
        assert fs.source(laptop.manufacturing.source).publisher in detail
        assert screen.query_one("#factor-grid", DataTable).row_count >= 6  # FR 2020 on, EU
        # add a per-model value: a wrong unit is refused in place
        await pilot.press("n")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        await _type(pilot, dialog, "manufacturer", "Dell")
        await _type(pilot, dialog, "model", "Latitude 5420")
        await _type(pilot, dialog, "manufacturing_kgco2e", "45 kg")
        await _type(pilot, dialog, "lifespan_years", "6 year")
        await _type(pilot, dialog, "source", "Dell PCF sheet, Latitude 5420, 2021")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        error = shown(dialog.query_one("#row-manufacturing_kgco2e .field-error", Static))
        assert "'45 kg' is a mass; expected a CO2e mass" in error
        await _type(pilot, dialog, "manufacturing_kgco2e", "0.25 tCO2e")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        models = screen.query_one("#factor-models", DataTable)
        assert models.row_count == 1
        row = [str(c) for c in models.get_row_at(0)]
        assert row[1:4] == ["Dell", "Latitude 5420", "250"]
        assert row[6] == "Measured" and row[7].startswith("Dell PCF sheet")
        # no uncertainty was entered: the notice says how the range is derived
        assert "No uncertainty given" in screen.last_stored
        assert "scaled to this value" in screen.last_stored
    stored = model_factors.list_factors(sqlite_fleet, "user")
    assert [(f.manufacturing_kgco2e, f.lifespan_years, f.quality) for f in stored] == [
        (250.0, 6.0, "measured")
    ]
    # the carbon engine now uses it for this model (new devices: no refurbished share)
    fleet = read_fleet(sqlite_fleet, fs, asset_tag="D000010")
    terms = carbon.resolve(fleet, fs, as_of=TODAY)
    assert terms.from_model[0] and terms.manufacturing[0, 0] == pytest.approx(250.0)
