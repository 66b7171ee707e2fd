"""A database that is wrong, missing, read-only or full: one clear line, nothing half-written.

Every case is run through the real CLI (in process) or the TUI pilot, on real
SQLite files and the real PostgreSQL server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db

from .helpers import read_only_file, sqlite_digest

runner = CliRunner()


def _one_clear_line(result, *expected: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    for text in expected:
        assert text in err, err
    return err


@pytest.mark.parametrize("command", [["summary"], ["tui"], ["db", "upgrade"], ["import", "x.csv"]])
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://admin:Secr3t@db.example/inventory", ["unsupported database 'mysql'", "SQLite"]),
        ("postgresql+asyncpg://u:Secr3t@h/d", ["unsupported database 'postgresql+asyncpg'"]),
        ("sqlite:/:Secr3t@what", ["malformed database URL"]),
        ("no url at all", ["malformed database URL", "sqlite:///"]),
    ],
)
def test_an_unusable_url_is_one_line_before_anything_opens(
    tmp_path: Path, monkeypatch, command, url, expected
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--db", url, *command])
    err = _one_clear_line(result, *expected)
    assert "Secr3t" not in result.output and "Secr3t" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_postgresql_database_says_so(pg_server: str) -> None:
    url = pg_server.rsplit("/", 1)[0].replace("postgres@", "postgres:pw0rd@") + "/no_such_db"
    result = runner.invoke(app, ["--db", url, "summary"])
    _one_clear_line(result, 'database "no_such_db" does not exist', "createdb")
    assert "pw0rd" not in result.output


def test_an_unreachable_server_says_what_to_check() -> None:
    result = runner.invoke(app, ["--db", "postgresql://u:pw0rd@127.0.0.1:9/x", "tui"])
    _one_clear_line(result, "127.0.0.1:9", "is the server running")
    assert "pw0rd" not in result.output


# ---------------------------------------------------------------- read-only and full
@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "parc.db"
    csv = tmp_path / "first.csv"
    csv.write_text("asset_tag,category\nPC-1,laptop\nPC-2,desktop\n", encoding="utf-8")
    done = runner.invoke(app, ["--db", f"sqlite:///{path}", "import", str(csv)])
    assert done.exit_code == 0, done.output
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{csv}"],
        ["demo", "--devices", "20", "--replace"],
        ["flag", "accept", "PC-1"],
        [
            "lot",
            "create",
            "--channel",
            "donate_association",
            "--recipient",
            "Asso",
            "--kind",
            "association",
        ],
    ],
)
def test_a_read_only_database_is_one_clear_line_and_unchanged(
    small_db: Path, tmp_path: Path, command
) -> None:
    csv = tmp_path / "more.csv"
    csv.write_text("asset_tag,category\nPC-3,laptop\n", encoding="utf-8")
    before = sqlite_digest(small_db)
    with read_only_file(small_db) as url:
        args = [a.replace("{csv}", str(csv)) for a in command]
        result = runner.invoke(app, ["--db", url, *args])
        if result.exit_code == 2:  # a usage error of the command: the test is wrong
            pytest.fail(result.output)
        _one_clear_line(result, "is read-only", "nothing was saved", str(small_db))
    assert sqlite_digest(small_db) == before


def _full_after_first_page(monkeypatch) -> None:
    """Every SQLite connection may not grow its file: the "disk" is full.

    ``PRAGMA max_page_count`` makes SQLite answer SQLITE_FULL ("database or disk
    is full"), the very error of a full disk, without filling one.
    """
    pragmas = db._sqlite_pragmas

    def full(dbapi_conn, record) -> None:
        pragmas(dbapi_conn, record)
        cur = dbapi_conn.cursor()
        (pages,) = cur.execute("PRAGMA page_count").fetchone()
        cur.execute(f"PRAGMA max_page_count={max(pages, 1)}")
        cur.close()

    monkeypatch.setattr(db, "_sqlite_pragmas", full)


def test_a_full_disk_is_one_clear_line_and_the_import_is_not_half_done(
    small_db: Path, tmp_path: Path, monkeypatch
) -> None:
    big = tmp_path / "big.csv"
    lines = ["asset_tag,category,notes"] + [f"N-{i:05d},laptop,{'x' * 200}" for i in range(3000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sqlite_digest(small_db)
    _full_after_first_page(monkeypatch)
    result = runner.invoke(app, ["--db", f"sqlite:///{small_db}", "import", str(big)])
    _one_clear_line(result, "no space left", "nothing was saved", "free some disk space")
    monkeypatch.undo()
    assert sqlite_digest(small_db) == before
    again = runner.invoke(app, ["--db", f"sqlite:///{small_db}", "import", str(big)])
    assert again.exit_code == 0, again.output
    assert "3,000 created" in again.stdout or "3000 created" in again.stdout


# ---------------------------------------------------------------- the TUI
@pytest.mark.asyncio
async def test_the_tui_edit_dialog_stays_open_with_what_was_typed_on_a_read_only_db(
    tmp_path: Path,
) -> None:
    from textual.widgets import Input
    from tui.conftest import make_app, settle

    from sobriety.tui.screens.device_edit import DeviceEditScreen

    path = tmp_path / "tui.db"
    seed = db.make_engine(f"sqlite:///{path}")
    db.upgrade(seed)
    from seeding import seed_fleet

    seed_fleet(seed, 20)
    seed.dispose()
    before = sqlite_digest(path)
    with read_only_file(path) as url:
        engine = db.make_engine(url, create_folder=False)
        app_ = make_app(engine)
        notes: list[str] = []
        async with app_.run_test(size=(100, 30)) as pilot:
            original = app_.notify

            def spy(message, *args, **kwargs):
                notes.append(str(message))
                return original(message, *args, **kwargs)

            app_.notify = spy  # type: ignore[method-assign]
            await settle(pilot, app_)
            app_.open_device("D000001")
            await settle(pilot, app_)
            await pilot.press("e")
            await settle(pilot, app_)
            screen = app_.screen
            assert isinstance(screen, DeviceEditScreen)
            screen.query_one("#field-assignee", Input).focus()
            await pilot.press("ctrl+a", "ctrl+k", *"AG-4242")
            await pilot.press("ctrl+s")
            await settle(pilot, app_)
            assert app_.screen is screen  # the dialog stays open
            assert screen.query_one("#field-assignee", Input).value == "AG-4242"
            assert any("is read-only" in n and "nothing was saved" in n for n in notes), notes
        engine.dispose()
    assert sqlite_digest(path) == before
