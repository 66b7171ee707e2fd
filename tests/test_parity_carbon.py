"""The CLI and the TUI give the same carbon figures for the same settings.

One SQLite database, ``SOBRIETY_GRID=EU``, a user's policy file and a frozen
today in the environment: ``sobriety estimate --device TAG`` and the device
screen's Carbon tab, ``sobriety estimate --year Y`` and the dashboard's tCO2e
must agree. (The TUI used to ignore ``SOBRIETY_GRID``: its figures were those
of each site's country.)
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from seeding import seed_fleet
from textual.widgets import Static
from tui.conftest import settle, shown
from typer.testing import CliRunner

from sobriety.app.context import Sobriety
from sobriety.cli.main import app as cli
from sobriety.domain.reuse.policy import default_policy_path
from sobriety.i18n import fmt_number
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.tui.app import create_app
from sobriety.tui.screens.dashboard import DashboardScreen
from sobriety.tui.screens.device import DeviceScreen

pytestmark = pytest.mark.asyncio

TODAY = dt.date(2026, 3, 2)
TAG = "D000000"  # a laptop of 2016, in service at the head office (use phase: the grid)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A seeded SQLite database; the grid, a user policy and today set in the environment."""
    url = f"sqlite:///{tmp_path / 'parity.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    seed_fleet(engine, 120)
    policy = tmp_path / "our-policy.toml"
    shutil.copy(default_policy_path(), policy)
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace('name = "sobriety default policy"', 'name = "ours"', 1))
    monkeypatch.setenv("SOBRIETY_GRID", "EU")
    monkeypatch.setenv("SOBRIETY_POLICY", str(policy))
    monkeypatch.setenv("SOBRIETY_TODAY", TODAY.isoformat())
    engine.dispose()
    return url


def _cli(url: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", url, "--lang", "en", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def test_the_cli_and_the_tui_agree_under_one_grid_zone(database) -> None:
    url = database
    year = str(TODAY.year)  # the TUI shows this year's figures
    device = _cli(url, "estimate", "--device", TAG, "--year", year)
    fleet = {mode: _cli(url, "estimate", "--year", year, "--mode", mode) for mode in
             ("amortised", "acquisition")}  # fmt: skip
    assert device["zone"] == "EU" and fleet["amortised"]["grid"] == "EU"
    by_site = _cli(url, "estimate", "--year", year, "--grid", "FR")  # what the bug showed
    assert by_site["total"]["value"] != pytest.approx(fleet["amortised"]["total"]["value"])

    sobriety = Sobriety(load_settings(database_url=url, actor="tech-1"))
    assert sobriety.grid == "EU" and sobriety.today() == TODAY
    assert sobriety.policy.name == "ours"
    app = create_app(sobriety, start=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.dashboard is not None, shown(screen.query_one("#carbon-body", Static))
        carbon = shown(screen.query_one("#carbon-body", Static))
        for mode, data in fleet.items():
            total = data["total"]
            got = screen.dashboard.footprints[mode].total_kg
            assert np.allclose(got, [total["value"], total["low"], total["high"]])
            assert f"{fmt_number(total['value'] / 1000, 1)} t" in carbon

        app.open_device(TAG)
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceScreen)
        tab = shown(app.screen.query_one("#carbon-body", Static))
        assert "grid zone EU" in tab
        year_total, life = device["year_total"]["value"], device["lifetime_total"]["value"]
        total_line = next(line for line in tab.splitlines() if line.strip().startswith("Total"))
        assert fmt_number(year_total, 1) in total_line
        assert fmt_number(life, 1) in total_line
        use = next(t for t in device["terms"] if t["phase"] == "use")
        assert any("grid intensity EU" in i["label"] for i in use["inputs"])
    sobriety.close()
