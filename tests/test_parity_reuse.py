"""The CLI and the TUI give one answer for a device's reuse channel, under the user's policy.

On one SQLite database, with a user policy file (``SOBRIETY_POLICY``: the shipped
one with the age limit of the outside reuse channels lowered from 10 to 3 years)
and a frozen today (``SOBRIETY_TODAY``), ``sobriety flag --device TAG --format
json``, the device screen's Reuse tab and the reuse queue's row of that device
show the same recommended channel and the same answer to "does it count toward
décret 2023-266". Under the shipped policy the answer differs, so a TUI that
ignored the user's policy would fail here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Static
from typer.testing import CliRunner

from sobriety.app.context import Sobriety
from sobriety.cli.main import app as cli
from sobriety.domain.labels import label
from sobriety.domain.reuse.policy import default_policy_path
from sobriety.domain.reuse.text import channel_name, counts_text
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.storage.models import Device, Site
from sobriety.tui.app import create_app
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.screens.reuse_queue import ReuseQueueScreen

pytestmark = pytest.mark.asyncio

TODAY = dt.date(2026, 11, 29)
TAG = "PC-001"
LAPTOP = {
    "category": "laptop",
    "manufacturer": "Dell",
    "model": "Latitude 5420",
    "status": "retired",
    "condition": "working",
    "acquisition_date": dt.date(2023, 6, 1),  # 3.5 years old on TODAY
    "purchase_price_eur": 900.0,
    "battery_health_pct": 82.0,
    "ram_gb": 8.0,
    "storage_gb": 256.0,
    "cpu_generation": 3,  # below the Windows 11 minimum: not kept
    "tpm_version": "2.0",
}


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'sobriety.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.session_scope(engine) as s:
        site = Site(code="HQ", name="Hôtel du Département", kind="head_office", agents=100)
        s.add(site)
        s.flush()
        s.add(Device(asset_tag=TAG, serial="SN1", site_id=site.id, **LAPTOP))
        s.add(Device(asset_tag="PC-002", serial="SN2", site_id=site.id, **LAPTOP))
    engine.dispose()
    return url


@pytest.fixture
def user_policy(tmp_path: Path) -> Path:
    """The shipped policy with the outside reuse channels limited to devices under 3 years."""
    text = default_policy_path().read_text(encoding="utf-8")
    mine = text.replace("max_age_years = { value = 10,", "max_age_years = { value = 3,")
    assert mine.count("value = 3,") == 5  # transfer, both donations, sale, take-back
    path = tmp_path / "policy.toml"
    path.write_text(mine, encoding="utf-8")
    return path


def _cli_flag(url: str) -> dict:
    result = CliRunner().invoke(
        cli, ["--db", url, "--lang", "en", "flag", "--device", TAG, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (device,) = json.loads(result.output)["devices"]
    assert device["asset_tag"] == TAG
    # the two places of the JSON agree with each other
    outcome = next(c for c in device["flag"]["channels"] if c["channel"] == device["recommended"])
    assert outcome["state"] == "recommended" and device["flag"]["recommended"] == outcome["channel"]
    assert outcome["counts_toward_target"] == device["counts_toward_target"]
    return device


def _shown(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def _settle(pilot, app) -> None:
    for _ in range(50):
        await pilot.pause()
        workers = [w for w in app.workers if w.name != "_loader"]
        if workers:
            await app.workers.wait_for_complete(workers)
        await pilot.pause()
        if not any(w.is_running for w in app.workers if w.name != "_loader"):
            break


async def _tui_answers(url: str) -> dict[str, tuple[str, str, str]]:
    """(recommended, counts toward the target, text shown) from the queue and the device."""
    sobriety = Sobriety(load_settings(database_url=url, lang="en", actor="tech-1"))
    assert sobriety.today() == TODAY
    app = create_app(sobriety, start="reuse")
    out = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(pilot, app)
            queue = app.screen
            assert isinstance(queue, ReuseQueueScreen)
            row = {r.asset_tag: r for r in queue.rows}[TAG]
            table = queue.query_one("#queue", DataTable)
            table.focus()
            table.move_cursor(row=[r.asset_tag for r in queue.rows].index(TAG))
            await pilot.pause()
            cells = [str(c) for c in table.get_row(TAG)]
            assert cells[1] == label("reuse_channel", row.recommended)
            detail = _shown(queue.query_one("#queue-detail", Static))
            out["queue"] = (row.recommended, row.counts_toward_target, detail)

            await pilot.press("enter")
            await _settle(pilot, app)
            screen = app.screen
            assert isinstance(screen, DeviceScreen) and screen.asset_tag == TAG
            rec = screen.flag.recommended
            tab = _shown(screen.query_one("#reuse-body", Static))
            out["device"] = (str(rec.channel), rec.counts_toward_target, tab)
    finally:
        sobriety.close()
    return out


async def test_cli_and_tui_give_one_answer_under_the_user_policy(
    database: str, user_policy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOBRIETY_TODAY", TODAY.isoformat())
    shipped = _cli_flag(database)
    monkeypatch.setenv("SOBRIETY_POLICY", str(user_policy))
    mine = _cli_flag(database)
    # the user's policy changes both answers for this device: the test can tell them apart
    assert (shipped["recommended"], shipped["counts_toward_target"]) == ("transfer", "yes")
    assert (mine["recommended"], mine["counts_toward_target"]) == ("recycle", "no")

    answers = await _tui_answers(database)
    for where, (channel, counts, text) in answers.items():
        assert (channel, counts) == (mine["recommended"], mine["counts_toward_target"]), where
        assert channel_name(channel) in text, where
        assert counts_text(counts) in text, where
