"""The database is opened, never created or migrated behind the user's back.

Only ``db upgrade``, ``demo`` and ``import`` create a database; a read command on
a mistyped path says what to run and leaves no file behind; an outdated schema
is reported, not silently migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command", [["summary"], ["estimate", "--year", "2025"], ["flag"], ["export", "out.csv"]]
)
def test_a_read_command_on_a_missing_file_creates_nothing(tmp_path: Path, command) -> None:
    missing = tmp_path / "mistyped.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{missing}", *command])
    assert result.exit_code == 1
    assert f"no database at {missing}" in result.stderr
    assert "sobriety db upgrade" in result.stderr and "Traceback" not in result.output
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_it_and_the_read_command_then_works(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    done = runner.invoke(app, ["--db", url, "db", "upgrade"])
    assert done.exit_code == 0, done.output
    summary = runner.invoke(app, ["--db", url, "summary"])
    assert summary.exit_code == 0, summary.output
    assert "0 devices on 0 sites" in summary.stdout


def test_a_database_in_a_missing_folder_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "x.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "db", "upgrade"])
    assert result.exit_code == 1
    assert "no-such-folder" in result.stderr
    assert not path.parent.exists()


def test_an_outdated_schema_is_reported_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade", "0003"]).exit_code == 0
    result = runner.invoke(app, ["--db", url, "summary"])
    assert result.exit_code == 1
    assert "schema revision 0003" in result.stderr and "sobriety db upgrade" in result.stderr
    with sqlite3.connect(path) as conn:
        (revision,) = conn.execute("select version_num from alembic_version").fetchone()
    assert revision == "0003"


def test_a_database_without_a_schema_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "summary"])
    assert result.exit_code == 1
    assert "has no sobriety schema" in result.stderr


def test_import_creates_the_database(tmp_path: Path) -> None:
    data = tmp_path / "parc.csv"
    data.write_text("asset_tag,category\nPC-1,laptop\n", encoding="utf-8")
    path = tmp_path / "fresh.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "import", str(data)])
    assert result.exit_code == 0, result.output
    assert path.is_file()
    assert "1 created" in result.stdout


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = "postgresql://someone:s3cret@127.0.0.1:1/nothing"
    result = runner.invoke(app, ["--db", url, "summary"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "s3cret" not in result.output
    assert "127.0.0.1:1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
