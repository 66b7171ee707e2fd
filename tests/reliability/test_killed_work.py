"""Killed work: an import, a flag run, a lot closing, a demo seeding or a restore SIGKILLed
at any point leaves the database as it was before or as it is after, never in between; the
next run works.

Each scenario starts from a database state S0 (kept as a backup archive). A
reference run on a copy gives the number of steps the command takes (every
statement, bulk chunk and commit; see ``killer.py``) and the state after it.
The command is then killed at steps spread over its whole run, on the
database at S0: each time the database must still be S0. Run again without
a kill, it succeeds and gives the reference state. Killed right after its
commit, the database is in the reference state and the next command works.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select, types
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db

from .rows import pg_schema

HERE = Path(__file__).resolve().parent
KILLER = HERE / "killer.py"
TODAY = "2026-03-02"
ENV = {"SOBRIETY_TODAY": TODAY}
#: Where each command is cut, as fractions of its steps up to its first commit.
CUTS = (0.05, 0.5, 0.9)

runner = CliRunner()


def _cli(url: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", url, *args], env=ENV)
    assert result.exit_code == 0, result.output
    return result.stdout


def content(url: str) -> dict[str, list[tuple]]:
    """Every table's rows without ids and times (PostgreSQL sequences are not rolled back,
    and each run stamps its own time): what a user would see as "the same data"."""
    engine = db.make_engine(url, create_folder=False)
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    try:
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                keep = [
                    c
                    for c in table.columns
                    if c.name != "id"
                    and not c.name.endswith("_id")
                    and not isinstance(c.type, types.DateTime)
                ]
                rows = conn.execute(select(*keep)).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    finally:
        engine.dispose()
    return out


@dataclass(frozen=True)
class Run:
    code: int
    steps: int
    commit_steps: tuple[int, ...]


def _killed(url: str, mode: str, n: int, args: list[str], tmp_path: Path) -> Run:
    """Run ``args`` under the killer (``mode``, ``n``: see killer.py)."""
    count = tmp_path / f"count-{mode}-{n}"
    count.unlink(missing_ok=True)
    env = {**os.environ, **ENV, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, str(KILLER), mode, str(n), str(count), "--", "--db", url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if mode == "count":
        assert proc.returncode == 0, proc.stderr
        steps, _commits, *done = count.read_text().split()
        commit_steps = tuple(int(x) for x in done[0].split(",")) if done else ()
        return Run(proc.returncode, int(steps), commit_steps)
    return Run(proc.returncode, 0, ())


@contextmanager
def _database(kind: str, tmp_path: Path, name: str, pg_server: str | None) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        assert pg_server is not None
        with pg_schema(pg_server) as url:
            yield url


# ------------------------------------------------------------------ the scenarios
def _import_setup(url: str, tmp_path: Path) -> list[str]:
    base = tmp_path / "base.csv"
    base.write_text(
        "asset_tag,category,manufacturer,model\n"
        + "".join(f"OLD-{i:04d},laptop,Dell,Latitude 5420\n" for i in range(200)),
        encoding="utf-8",
    )
    _cli(url, "import", str(base))
    big = tmp_path / "big.csv"
    big.write_text(
        "asset_tag,category,manufacturer,model,serial,notes\n"
        + "".join(f"OLD-{i:04d},desktop,HP,ProDesk 400 G7,S{i},changed\n" for i in range(200))
        + "".join(f"NEW-{i:05d},laptop,Lenovo,ThinkPad T14,N{i},new\n" for i in range(6_000)),
        encoding="utf-8",
    )
    return ["import", str(big)]


def _demo_setup(url: str, tmp_path: Path) -> list[str]:
    _cli(url, "demo", "--devices", "500", "--seed", "1")
    return ["demo", "--devices", "1500", "--seed", "2"]


def _flag_setup(url: str, tmp_path: Path) -> list[str]:
    _cli(url, "demo", "--devices", "1500", "--seed", "4")
    out = tmp_path / "flags.csv"
    _cli(url, "flag", "--format", "csv", "--output", str(out))
    import csv

    tags = [r["asset_tag"] for r in csv.DictReader(out.open(encoding="utf-8"))][:60]
    assert len(tags) == 60
    return ["flag", "accept", *tags]


def _lot_setup(url: str, tmp_path: Path) -> list[str]:
    """An open recycling lot of 60 retired devices, each with its destruction record."""
    _cli(url, "demo", "--devices", "1500", "--seed", "5")
    _cli(
        url,
        "lot",
        "create",
        "--channel",
        "recycle",
        "--recipient",
        "Ecologic",
        "--kind",
        "eco_organisme",
        "--code",
        "LOT-KILL",
    )
    engine = db.make_engine(url, create_folder=False)
    meta = MetaData()
    meta.reflect(engine, only=["device", "erasure", "lot"])
    device, erasure, lot = (meta.tables[n] for n in ("device", "erasure", "lot"))
    with engine.begin() as conn:
        lot_id = conn.execute(select(lot.c.id).where(lot.c.code == "LOT-KILL")).scalar_one()
        ids = (
            conn.execute(
                select(device.c.id)
                .where(device.c.status == "retired")  # a lot takes only devices out of service
                .order_by(device.c.id)
                .limit(60)
            )
            .scalars()
            .all()
        )
        conn.execute(
            erasure.insert(),
            [
                {
                    "device_id": i,
                    "method": "destruction",
                    "level": "destroy",
                    "tool": "shredder",
                    "operator": "tech",
                    "date": dt.date(2026, 2, 20),
                    "verified": True,
                    "certificate_id": f"D-{i}",
                }
                for i in ids
            ],
        )
        conn.execute(device.update().where(device.c.id.in_(ids)).values(lot_id=lot_id))
    engine.dispose()
    return ["lot", "close", "LOT-KILL", "--date", TODAY]


def _restore_setup(url: str, tmp_path: Path) -> list[str]:
    _cli(url, "demo", "--devices", "300", "--seed", "1")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    _cli(other, "demo", "--devices", "1200", "--seed", "2")
    _cli(other, "backup", str(tmp_path / "other.zip"))
    return ["restore", "--replace", str(tmp_path / "other.zip")]


SCENARIOS: dict[str, Callable[[str, Path], list[str]]] = {
    "import": _import_setup,
    "demo": _demo_setup,
    "flag-accept": _flag_setup,
    "lot-close": _lot_setup,
    "restore": _restore_setup,
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_killed_work_leaves_before_or_after_and_the_next_run_works(
    request: pytest.FixtureRequest, tmp_path: Path, scenario: str, kind: str
) -> None:
    pg_server = request.getfixturevalue("pg_server") if kind == "postgresql" else None
    archive = tmp_path / "s0.zip"
    with _database(kind, tmp_path, "work", pg_server) as url:
        args = SCENARIOS[scenario](url, tmp_path)
        _cli(url, "backup", str(archive))
        before = content(url)
        # the reference run, on a copy of S0
        with _database(kind, tmp_path, "reference", pg_server) as ref:
            _cli(ref, "restore", "--replace", str(archive))
            reference = _killed(ref, "count", 0, args, tmp_path)
            after = content(ref)
        assert after != before, "the command changed nothing: the test proves nothing"
        assert reference.commit_steps, "the command never committed"
        first_commit = reference.commit_steps[0]
        assert first_commit > 10, reference
        # cut at steps spread over the work up to its first commit, and at that commit
        for n in sorted({max(1, int(first_commit * cut)) for cut in CUTS} | {first_commit}):
            run = _killed(url, "step", n, args, tmp_path)
            assert run.code == -signal.SIGKILL, f"not killed at step {n} of {reference}"
            assert content(url) == before, f"half-written after a kill at step {n} of {reference}"
        # and after it (reads, messages): before or after, never in between
        for n in range(
            first_commit + 1, reference.steps, max(1, (reference.steps - first_commit) // 2)
        ):
            run = _killed(url, "step", n, args, tmp_path)
            state = content(url)
            assert state in (before, after), f"half-written after a kill at step {n}"
            if state == after:
                _cli(url, "restore", "--replace", str(archive))
        # the next run works and gives what an uninterrupted run gives
        assert _killed(url, "count", 0, args, tmp_path).code == 0
        assert content(url) == after
        # killed right after its commit: the work is all there; the tool still works
        _cli(url, "restore", "--replace", str(archive))
        assert content(url) == before
        run = _killed(url, "after-commit", 1, args, tmp_path)
        assert run.code == -signal.SIGKILL
        if scenario == "restore" and kind == "sqlite":
            # its first commit builds the copy; the target is replaced after it
            assert content(url) in (before, after)
        else:
            assert content(url) == after
        assert _cli(url, "summary")
        if kind == "sqlite":
            path = db.sqlite_file(url)
            with sqlite3.connect(path) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
