"""Secrets and files: private database files, no password shown anywhere, ``sobriety doctor``."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()
PASSWORD = "Tr0ub4dor-and-3"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (022): files are world-readable unless created private on purpose."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["demo", "--devices", "30"], ["import", "{csv}"]]
)
def test_a_new_database_and_its_wal_are_readable_by_their_owner_only(
    tmp_path: Path, open_umask, command
) -> None:
    csv = tmp_path / "parc.csv"
    csv.write_text("asset_tag,category\nPC-1,laptop\n", encoding="utf-8")
    path = tmp_path / "private.db"
    args = [a.replace("{csv}", str(csv)) for a in command]
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", *args])
    assert result.exit_code == 0, result.output
    assert _mode(path) == 0o600
    # SQLite makes the WAL and shared-memory files while a connection writes.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE probe (x)")
        for name in (f"{path}-wal", f"{path}-shm"):
            assert _mode(Path(name)) == 0o600, name
    conn.close()


def test_a_failed_creation_leaves_no_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "never.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "db", "upgrade", "9999"])
    assert result.exit_code == 1
    assert not path.exists()


def _everything_said(monkeypatch, caplog, tmp_path: Path) -> str:
    """All the tool says with a password in the configured URL: help, errors, logs."""
    url = f"postgresql://inventaire:{PASSWORD}@127.0.0.1:9/parc"
    monkeypatch.setenv("SOBRIETY_DATABASE_URL", url)
    caplog.set_level(logging.DEBUG)
    said = []
    for args in (
        ["--help"],
        ["db", "--help"],
        ["db", "current"],
        ["summary"],
        ["tui"],
        ["doctor"],
        ["--db", f"mysql://inventaire:{PASSWORD}@h/parc", "summary"],
        ["--db", f"postgresql://inventaire:{PASSWORD}@127.0.0.1:9/parc?x=%", "summary"],
        ["--db", f"sqlite:/{PASSWORD}@nowhere", "doctor"],
    ):
        result = runner.invoke(app, args)
        said.append(result.output)
        if result.exception and not isinstance(result.exception, SystemExit):
            said.append(repr(result.exception))
    said.append(caplog.text)
    return "\n".join(said)


def test_a_database_password_never_appears(monkeypatch, caplog, tmp_path: Path) -> None:
    text = _everything_said(monkeypatch, caplog, tmp_path)
    assert "127.0.0.1:9" in text  # the commands did run and talk about the server
    assert PASSWORD not in text


# ------------------------------------------------------------------ doctor
def _doctor(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, [*args, "doctor"], env=env)


def test_doctor_is_happy_with_a_sound_setup(tmp_path: Path, open_umask) -> None:
    url = f"sqlite:///{tmp_path / 'ok.db'}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    result = _doctor("--db", url)
    assert result.exit_code == 0, result.output
    assert "Everything is in order." in result.stdout
    for topic in ("configuration", "database", "permissions", "emission factors", "reuse policy"):
        assert f"✓ {topic}:" in result.stdout


def test_doctor_says_what_to_fix(tmp_path: Path, monkeypatch, open_umask) -> None:
    db_path = tmp_path / "loose.db"
    url = f"sqlite:///{db_path}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    db_path.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(
        f'database_url = "postgresql://inventaire:{PASSWORD}@127.0.0.1:9/parc"\ncolour = "blue"\n',
        encoding="utf-8",
    )
    config.chmod(0o644)
    factors = tmp_path / "factors"
    factors.mkdir()
    (factors / "devices.toml").write_text("[laptop\n", encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text("schema = 1\n[channels.nowhere]\nrank = 'first'\n", encoding="utf-8")
    monkeypatch.setenv("SOBRIETY_CONFIG", str(config))
    monkeypatch.setenv("SOBRIETY_POLICY", str(policy))
    result = _doctor("--db", url, "--factors", str(factors))
    assert result.exit_code == 1
    out = result.stdout
    assert PASSWORD not in result.output
    assert f"{db_path} can be read by other users (mode 644)" in out
    assert f"fix: run: chmod 600 {db_path}" in out
    assert f"{config} holds a database password and other users can read it" in out
    assert f"fix: run: chmod 600 {config}" in out
    assert "unknown keys ignored: colour" in out
    assert "✗ emission factors:" in out and "sobriety factors check" in out
    assert "✗ reuse policy:" in out and "correct the policy file" in out
    assert "Problems to fix: 3." in result.stderr


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ('database_url = "unterminated\n', "is not valid TOML"),
        ('today = "someday"\n', "today: Input should be a valid date"),
    ],
)
def test_a_broken_configuration_is_reported_by_doctor_and_blocks_other_commands(
    tmp_path: Path, monkeypatch, config_text, expected
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    monkeypatch.setenv("SOBRIETY_CONFIG", str(config))
    result = _doctor()
    assert result.exit_code == 1
    assert "✗ configuration:" in result.stdout and expected in result.stdout
    assert "✗ database: no database at" in result.stdout
    assert "sobriety db upgrade" in result.stdout
    other = runner.invoke(app, ["summary"])
    assert other.exit_code == 1 and "Traceback" not in other.output
    assert expected in other.stderr and len(other.stderr.strip().splitlines()) == 1
