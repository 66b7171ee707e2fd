"""``sobriety import`` of GLPI Agent inventories from the command line."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from agent_helpers import AGENT_DATA, real
from io_helpers import devices, snapshot
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db


@pytest.fixture
def run(db_url):
    runner = CliRunner()

    def _run(*args: str, lang: str = "en"):
        return runner.invoke(app, ["--db", db_url, "--lang", lang, *args])

    return _run


def test_a_folder_with_the_summary_per_item_type(run, db_url) -> None:
    result = run("import", str(AGENT_DATA), "--profile", "glpi-agent")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "profile glpi-agent, folder: 5 JSON, 2 XML" in out
    assert "7 files read: 8 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "  Computer: 4 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "  Monitor: 1 created" in out and "  NetworkEquipment: 1 created" in out
    assert "Files not read (not .json, .xml or .ocs): LICENSE, README.md" in out
    engine = db.make_engine(db_url)
    before = snapshot(engine)
    again = run("import", str(AGENT_DATA))  # auto recognises a folder of inventories
    assert "profile glpi-agent" in again.stdout
    assert "7 files read: 0 created, 0 updated, 8 unchanged, 0 skipped" in again.stdout
    assert snapshot(engine) == before
    engine.dispose()


@pytest.mark.parametrize("name", ["2.xml", "computer_1.json"])
def test_auto_recognises_one_inventory_file(run, db_url, name) -> None:
    result = run("import", str(AGENT_DATA / name))
    assert result.exit_code == 0, result.output
    assert "profile glpi-agent, file" in result.stdout
    engine = db.make_engine(db_url)
    assert len(devices(engine)) == (2 if name == "2.xml" else 1)
    engine.dispose()


def test_a_column_profile_on_an_inventory_says_which_profile_reads_it(run) -> None:
    result = run("import", str(AGENT_DATA / "2.xml"), "--profile", "glpi")
    assert result.exit_code == 1
    assert "import it with --profile glpi-agent" in result.stderr


def test_a_zip_dry_run_lists_what_it_would_do_and_writes_nothing(run, db_url, tmp_path) -> None:
    archive = tmp_path / "agent.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(AGENT_DATA / "computer_1.json", "computer_1.json")
    result = run("import", str(archive), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing written." in result.stdout and "zip: 1 JSON" in result.stdout
    assert "create  640HP72  Laptop  XPS 13 9350  (computer_1.json)" in result.stdout
    engine = db.make_engine(db_url)
    assert devices(engine) == {}
    engine.dispose()


def test_a_bad_file_exits_1_with_its_problems_and_skip_invalid_lists_it(run, db_url, tmp_path):
    folder = tmp_path / "inv"
    shutil.copytree(AGENT_DATA, folder)
    doc = real("computer_1.json")
    doc["content"]["batteries"][0]["capacity"] = "57570 mWh"
    (folder / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    refused = run("import", str(folder))
    assert refused.exit_code == 1
    assert 'bad.json, content.batteries[0].capacity: "57570 mWh"; expected a whole number' in (
        refused.stderr
    )
    assert "nothing was imported" in refused.stderr
    engine = db.make_engine(db_url)
    assert devices(engine) == {}
    rejects = tmp_path / "rejets.csv"
    kept = run("import", str(folder), "--skip-invalid", str(rejects))
    assert kept.exit_code == 0, kept.output
    assert "1 invalid file left out: bad.json" in kept.stdout
    assert f"Files left out and their reasons: {rejects}" in kept.stdout
    assert "content.batteries[0].capacity" in rejects.read_text(encoding="utf-8-sig")
    assert len(devices(engine)) == 8
    engine.dispose()


def test_the_summary_in_french(run) -> None:
    result = run("import", str(AGENT_DATA), lang="fr")
    assert result.exit_code == 0, result.output
    assert "7 fichiers lus\u00a0: 8 créés, 0 mis à jour, 0 inchangés, 0 ignorés" in result.stdout
