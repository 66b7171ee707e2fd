"""``sobriety demo`` through typer's CliRunner, and the README's main-job command run twice."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from sobriety.cli import demo_cmd
from sobriety.cli.main import app
from sobriety.storage import db
from sobriety.storage.models import Device, Site

runner = CliRunner()

#: The demo fleet is drawn as of today (its history, its statuses, its default size):
#: every test here runs on one fixed day, so the fleet is the same on any day.
DEMO_DAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(DEMO_DAY, tick=True)

#: ``python -m sobriety ARGS`` in a child process, with its clock set to DEMO_DAY
#: (time-machine does not reach a child process).
SOBRIETY_ON_DEMO_DAY = [
    sys.executable,
    "-c",
    "import runpy, time_machine\n"
    f"time_machine.travel({DEMO_DAY.timestamp()!r}, tick=True).start()\n"
    "runpy.run_module('sobriety', run_name='__main__', alter_sys=True)\n",
]


def _devices(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Device)).scalar_one()
    finally:
        engine.dispose()


def test_demo_seeds_and_prints_the_summary(db_url: str) -> None:
    result = runner.invoke(app, ["--db", db_url, "demo", "--devices", "2000", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "Demo fleet seeded (seed 4): 2,000 devices" in result.output
    assert re.search(r"2,000 devices on \d+ sites, [\d,]+ agents", result.output)
    assert "By category:" in result.output and "Laptop" in result.output
    assert "By status:" in result.output and "Gone" in result.output
    assert _devices(db_url) == 2_000
    again = runner.invoke(app, ["--db", db_url, "demo", "--devices", "1500", "--seed", "4"])
    assert again.exit_code == 0, again.output
    assert _devices(db_url) == 1_500


def test_demo_refuses_a_real_inventory_unless_replace(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with Session(engine) as session:
        session.add(Site(code="HQ", name="Hôtel du Département"))
        session.add(Device(asset_tag="PC-0001", category="laptop"))
        session.commit()
    engine.dispose()
    refused = runner.invoke(app, ["--db", db_url, "demo", "--devices", "500"])
    assert refused.exit_code == 1
    assert "not demo data" in refused.output and "--replace" in refused.output
    assert _devices(db_url) == 1
    replaced = runner.invoke(app, ["--db", db_url, "demo", "--devices", "500", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert _devices(db_url) == 500


def test_bad_options_are_refused(sqlite_url: str) -> None:
    for args in (["--devices", "-5"], ["--seed", "-1"], ["--devices", "many"]):
        result = runner.invoke(app, ["--db", sqlite_url, "demo", *args])
        assert result.exit_code == 2, (args, result.output)


def test_large_fleets_show_progress(sqlite_url: str, monkeypatch) -> None:
    monkeypatch.setattr(demo_cmd, "PROGRESS_FROM", 1_000)
    result = runner.invoke(app, ["--db", sqlite_url, "demo", "--devices", "1200"])
    assert result.exit_code == 0, result.output
    assert "Seeding the demo fleet" in result.stderr


def test_the_readme_main_job_command_works_twice(tmp_path: Path) -> None:
    """As the README runs it: the default database, in a user data folder made for it."""
    path = Path(os.environ["XDG_DATA_HOME"]) / "sobriety" / "sobriety.db"
    assert not path.parent.exists()
    url = f"sqlite:///{path}"
    env = dict(os.environ)
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [*SOBRIETY_ON_DEMO_DAY, "demo"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0].splitlines()[1:] == outputs[1].splitlines()[1:]  # same fleet
    summary = subprocess.run(
        [*SOBRIETY_ON_DEMO_DAY, "summary"], env=env, capture_output=True, text=True
    )
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines()[0] == outputs[0].splitlines()[1]
    assert 35_000 < _devices(url) < 50_000
