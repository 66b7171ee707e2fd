"""No English reaches a French technician in Textual's own words: the palette's built-in
commands and its placeholder, the quit key, the "Select" placeholders (issue 8)."""

from __future__ import annotations

import importlib
import sys

import pytest
from sqlalchemy import Engine
from textual.command import CommandPalette
from textual.widgets import Input, Select

from sobriety.i18n import set_language

from .conftest import settle

pytestmark = pytest.mark.asyncio


@pytest.fixture
def french_tui():
    """The TUI modules imported in French (bindings read their words at import, as when
    the console script sets the language first)."""
    set_language("fr")
    names = [n for n in sys.modules if n.startswith("sobriety.tui")]
    saved = {n: sys.modules.pop(n) for n in names}
    try:
        yield importlib.import_module("sobriety.tui.app")
    finally:
        for n in [n for n in sys.modules if n.startswith("sobriety.tui")]:
            del sys.modules[n]
        sys.modules.update(saved)
        set_language("en")


def _app(module, engine: Engine, start: str):
    from sobriety.app.context import Sobriety
    from sobriety.settings import load_settings

    from .conftest import TODAY

    settings = load_settings(database_url=str(engine.url), actor="tech-1")
    return module.create_app(Sobriety(settings, engine=engine, today=lambda: TODAY), start=start)


async def test_textual_words_are_french(sqlite_fleet: Engine, french_tui) -> None:
    app = _app(french_tui, sqlite_fleet, "inventory")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quitter" in titles and "Thème" in titles and "Capture d’écran" in titles
        assert not {"Quit", "Theme", "Keys", "Screenshot"} & set(titles)
        quit_binding = next(b for b in app._bindings.key_to_bindings["ctrl+q"])
        assert quit_binding.description == "Quitter"
        app.action_command_palette()
        await settle(pilot, app)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == "Rechercher une commande…"
        await pilot.press("escape")
        await settle(pilot, app)
        app.open_device("D000003")
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        prompts = {s.prompt for s in app.screen.query(Select)}
        assert "Select" not in prompts and "Choisir…" in prompts


async def test_the_edit_form_shows_values_as_the_detail_view_and_reads_them_back(
    sqlite_fleet: Engine, french_tui
) -> None:
    from sobriety.storage import db
    from sobriety.storage import devices as repository

    with db.session_scope(sqlite_fleet) as session:
        repository.update_device(
            session=session, asset_tag="D000003", expected_version=1,
            changes={"purchase_price_eur": 1234.5, "weight_kg": 1.36}, actor="tech-2",
        )  # fmt: skip
    app = _app(french_tui, sqlite_fleet, "inventory")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device("D000003")
        await settle(pilot, app)
        labels = [str(w.render()) for w in app.screen.query("#details Label")]
        detail = dict(zip(labels[::2], labels[1::2], strict=True))
        assert detail["Prix HT (EUR)"] == "1\u202f234,50"  # the cents kept
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert form.query_one("#field-purchase_price_eur", Input).value == detail["Prix HT (EUR)"]
        assert form.query_one("#field-weight_kg", Input).value == detail["Poids (kg)"] == "1,36"
        changes, errors = form.pending()
        assert (changes, errors) == ({}, {})  # what is shown reads back as the same values
