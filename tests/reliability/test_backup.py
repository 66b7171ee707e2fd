"""``sobriety backup`` / ``sobriety restore``: the whole database, any back-end to any.

The round trip is property-based: hypothesis draws rows for every table the
schema has (found by reflection: a table added later is covered unchanged),
including odd Unicode (bidi controls, combining marks), extreme floats and
NULLs; the rows read back after backup and restore must be the rows written.
"""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db

from .helpers import sqlite_digest
from .rows import database_rows, fixed_rows, pg_schema, plain_rows, read_rows, reflected, write_rows

runner = CliRunner()
#: Examples per round trip (recorded in the closing note of issue 11).
ROUND_TRIP_EXAMPLES = {"sqlite->sqlite": 40, "sqlite->postgresql": 12, "postgresql->sqlite": 12}


def _cli(*args: str):
    result = runner.invoke(app, list(args))
    return result


def _ok(*args: str):
    result = _cli(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def head_tables(tmp_path_factory) -> list:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}")
    db.upgrade(engine)
    tables = reflected(engine)
    engine.dispose()
    return tables


def _migrated(url: str):
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def _round_trip(source_url: str, target_url: str, archive: Path, rows) -> None:
    source = db.make_engine(source_url)
    write_rows(source, rows)
    source.dispose()
    archive.unlink(missing_ok=True)
    _ok("--db", source_url, "backup", str(archive))
    _ok("--db", target_url, "restore", "--replace", str(archive))
    target = db.make_engine(target_url)
    try:
        got = read_rows(target)
    finally:
        target.dispose()
    want = plain_rows(rows)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}


_settings = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def test_round_trip_sqlite_to_sqlite_loses_nothing(tmp_path: Path, head_tables) -> None:
    src, dst = f"sqlite:///{tmp_path / 'src.db'}", f"sqlite:///{tmp_path / 'dst.db'}"
    _migrated(src).dispose()

    @settings(_settings, max_examples=ROUND_TRIP_EXAMPLES["sqlite->sqlite"])
    @given(rows=database_rows(head_tables))
    def check(rows) -> None:
        _round_trip(src, dst, tmp_path / "a.zip", rows)

    check()


def test_round_trip_sqlite_to_postgresql_loses_nothing(
    tmp_path: Path, head_tables, pg_server: str
) -> None:
    src = f"sqlite:///{tmp_path / 'src.db'}"
    _migrated(src).dispose()
    with pg_schema(pg_server) as dst:

        @settings(_settings, max_examples=ROUND_TRIP_EXAMPLES["sqlite->postgresql"])
        @given(rows=database_rows(head_tables))
        def check(rows) -> None:
            _round_trip(src, dst, tmp_path / "a.zip", rows)

        check()


def test_round_trip_postgresql_to_sqlite_loses_nothing(
    tmp_path: Path, head_tables, pg_server: str
) -> None:
    dst = f"sqlite:///{tmp_path / 'dst.db'}"
    with pg_schema(pg_server) as src:
        _migrated(src).dispose()

        @settings(_settings, max_examples=ROUND_TRIP_EXAMPLES["postgresql->sqlite"])
        @given(rows=database_rows(head_tables))
        def check(rows) -> None:
            _round_trip(src, dst, tmp_path / "a.zip", rows)

        check()


def test_a_demo_fleet_goes_to_postgresql_and_back_byte_for_byte(
    tmp_path: Path, pg_server: str
) -> None:
    first, back = tmp_path / "first.db", tmp_path / "back.db"
    _ok("--db", f"sqlite:///{first}", "demo", "--devices", "300")
    _ok("--db", f"sqlite:///{first}", "backup", str(tmp_path / "one.zip"))
    with pg_schema(pg_server) as pg:
        restored = _ok("--db", pg, "restore", str(tmp_path / "one.zip"))
        assert "300" not in restored.stderr
        summary = _ok("--db", pg, "summary")
        assert summary.stdout.startswith("300 devices")
        _ok("--db", pg, "backup", str(tmp_path / "two.zip"))
    _ok("--db", f"sqlite:///{back}", "restore", str(tmp_path / "two.zip"))
    assert sqlite_digest(back) == sqlite_digest(first)


def test_the_archive_is_versioned_private_and_lists_every_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    _ok("--db", url, "demo", "--devices", "40")
    archive = tmp_path / "x.zip"
    done = _ok("--db", url, "backup", str(archive))
    assert f"Backup written to {archive}" in done.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["format"] == "sobriety-backup" and manifest["format_version"] == 1
    assert manifest["schema_revision"] == db.head_revision()
    engine = db.make_engine(url)
    assert {t["name"] for t in manifest["tables"]} == {t.name for t in reflected(engine)}
    engine.dispose()
    again = _cli("--db", url, "backup", str(archive))
    assert again.exit_code == 1 and "already exists" in again.stderr and "--replace" in again.stderr
    _ok("--db", url, "backup", "--replace", str(archive))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_restoring_into_a_database_that_is_not_empty_asks_for_replace(
    db_url: str, tmp_path
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _ok("--db", source, "demo", "--devices", "25")
    _ok("--db", source, "backup", str(tmp_path / "b.zip"))
    csv = tmp_path / "mine.csv"
    csv.write_text("asset_tag,category\nMINE-1,laptop\n", encoding="utf-8")
    _ok("--db", db_url, "import", str(csv))
    refused = _cli("--db", db_url, "restore", str(tmp_path / "b.zip"))
    assert refused.exit_code == 1
    assert "is not empty (" in refused.stderr
    assert "rows): nothing was changed; use --replace" in refused.stderr
    assert _ok("--db", db_url, "summary").stdout.startswith("1 devices")
    _ok("--db", db_url, "restore", "--replace", str(tmp_path / "b.zip"))
    assert _ok("--db", db_url, "summary").stdout.startswith("25 devices")


def test_restore_creates_a_private_sqlite_file_but_never_a_folder(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _ok("--db", source, "demo", "--devices", "10")
    _ok("--db", source, "backup", str(tmp_path / "b.zip"))
    new = tmp_path / "new.db"
    _ok("--db", f"sqlite:///{new}", "restore", str(tmp_path / "b.zip"))
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert _ok("--db", f"sqlite:///{new}", "summary").stdout.startswith("10 devices")
    nowhere = tmp_path / "missing" / "x.db"
    refused = _cli("--db", f"sqlite:///{nowhere}", "restore", str(tmp_path / "b.zip"))
    assert refused.exit_code == 1 and "no folder" in refused.stderr
    assert not nowhere.parent.exists()
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]


@pytest.mark.parametrize("older", ["0001", "0003"])
def test_an_archive_from_an_older_schema_is_upgraded_on_restore(
    db_url: str, tmp_path: Path, older: str
) -> None:
    old_url = f"sqlite:///{tmp_path / 'old.db'}"
    old = db.make_engine(old_url)
    db.upgrade(old, older)
    rows = fixed_rows(reflected(old))
    write_rows(old, rows)
    written = read_rows(old)
    old.dispose()
    _ok("--db", old_url, "backup", str(tmp_path / "old.zip"))
    done = _ok("--db", db_url, "restore", str(tmp_path / "old.zip"))
    assert f"schema revision {older} migrated to {db.head_revision()}" in done.stdout
    engine = db.make_engine(db_url)
    try:
        assert db.current_revision(engine) == db.head_revision()
        columns = {name: list(rs[0]) for name, rs in written.items() if rs}
        assert read_rows(engine, columns) == {k: v for k, v in written.items() if v}
    finally:
        engine.dispose()
    assert _ok("--db", db_url, "summary").exit_code == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04 truncated", "is not a sobriety backup"),
        (b"device,category\n", "is not a sobriety backup"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    url = f"sqlite:///{tmp_path / 'keep.db'}"
    _ok("--db", url, "demo", "--devices", "10")
    before = sqlite_digest(tmp_path / "keep.db")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(content)
    result = _cli("--db", url, "restore", "--replace", str(bad))
    assert result.exit_code == 1 and expected in result.stderr
    assert "Traceback" not in result.output
    assert sqlite_digest(tmp_path / "keep.db") == before


def test_a_damaged_archive_is_refused_and_nothing_changes(db_url: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _ok("--db", source, "demo", "--devices", "30")
    _ok("--db", source, "backup", str(tmp_path / "good.zip"))
    _ok("--db", db_url, "demo", "--devices", "5", "--seed", "3")
    engine = db.make_engine(db_url)
    before = read_rows(engine)
    # the last table's rows cut in the middle of a line
    with (
        zipfile.ZipFile(tmp_path / "good.zip") as good,
        zipfile.ZipFile(tmp_path / "cut.zip", "w") as cut,
    ):
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "tables/erasure.jsonl":
                data = data[: len(data) // 2]
            cut.writestr(item, data)
    result = _cli("--db", db_url, "restore", "--replace", str(tmp_path / "cut.zip"))
    assert result.exit_code == 1 and "is damaged" in result.stderr, result.output
    assert read_rows(engine) == before
    engine.dispose()


def test_an_archive_from_a_newer_sobriety_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "future.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": "sobriety-backup",
                    "format_version": 1,
                    "schema_revision": "0099_future",
                    "tables": [],
                }
            ),
        )
    result = _cli("--db", f"sqlite:///{tmp_path / 'x.db'}", "restore", str(archive))
    assert result.exit_code == 1 and "unknown to this sobriety" in result.stderr
    assert not (tmp_path / "x.db").exists()
