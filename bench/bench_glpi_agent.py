"""Benchmark: ``sobriety import FOLDER --profile glpi-agent`` of 10,000 agent inventories.

The folder is generated in a temporary directory by varying the real upstream
inventories of ``tests/data/glpi-inventory`` (new serials, UUIDs and agent
ids, battery wear, chassis types, CPUs; see ``tests/io/agent_helpers.py``):
mostly laptops and desktops, then phones, printers, switches and legacy XML.

Measured in the same run:

- **import**: :func:`sobriety.io.agent_import.import_inventories` (what
  ``sobriety import`` runs) into a freshly migrated SQLite file, end to end:
  listing the folder, reading and parsing every file, checking every JSON
  against the agent's schema, extracting the devices (and the monitors of the
  computers), the field rules, matching, bulk inserts of the devices and their
  "created" history events, commit. It runs in a child process, whose peak
  memory (``resource.getrusage`` maxrss) is printed;
- **floor**: ``json.load`` (or ``ElementTree`` for XML) of every file, then
  plain ``sqlite3`` ``executemany`` of the same device rows (as the import
  wrote them) into the same migrated schema (same indexes and pragmas), then
  commit: reading the files and writing the rows, nothing else.

Targets: under 60 s and under 500 MiB for 10,000 files.

Usage: ``python bench/bench_glpi_agent.py [--files 10000] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "io"))

from agent_helpers import make_fleet  # noqa: E402

TARGET_SECONDS = 60
TARGET_MIB = 500


def _migrated(path: Path) -> str:
    from sobriety.storage import db

    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


def child_import(folder: str, db_path: str) -> None:
    """In a child process: import the folder, print time, counts and peak memory as JSON."""
    from sobriety.io.agent_import import import_inventories
    from sobriety.storage import db

    url = _migrated(Path(db_path))
    engine = db.make_engine(url)
    start = time.perf_counter()
    report = import_inventories(engine, Path(folder), actor="bench")
    elapsed = time.perf_counter() - start
    engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "files": report.files,
        "created": report.created,
        "skipped": sum(report.skipped.values()),
        "problems": len(report.problems),
    }
    print(json.dumps({"seconds": elapsed, "peak_mib": peak, **summary}))


def floor(folder: Path, imported_db: Path, floor_db: Path) -> float:
    """Parse every file, then insert the imported device rows with raw executemany."""
    source = sqlite3.connect(imported_db)
    cols = [c[1] for c in source.execute("PRAGMA table_info(device)") if c[1] != "id"]
    rows = source.execute(f"SELECT {', '.join(cols)} FROM device ORDER BY id").fetchall()
    source.close()
    _migrated(floor_db)
    con = sqlite3.connect(floor_db)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    sql = f"INSERT INTO device ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    start = time.perf_counter()
    for path in sorted(folder.iterdir()):
        if path.suffix == ".json":
            with path.open("rb") as fh:
                json.load(fh)
        else:
            ET.parse(path)
    con.executemany(sql, rows)
    con.commit()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-agent-") as tmp:
        work = Path(tmp)
        folder = work / "inventories"
        start = time.perf_counter()
        make_fleet(folder, args.files, seed=11)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        kinds = sorted({p.suffix for p in folder.iterdir()})
        print(
            f"{args.files:,} inventories ({', '.join(kinds)}), {size:.0f} MiB, "
            f"generated in {time.perf_counter() - start:.1f} s"
        )
        imports, floors, peaks = [], [], []
        for n in range(args.repeat):
            db_path = work / f"import{n}.db"
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(folder), str(db_path)],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            imports.append(result["seconds"])
            peaks.append(result["peak_mib"])
            floors.append(floor(folder, db_path, work / f"floor{n}.db"))
        best_import, best_floor, peak = min(imports), min(floors), max(peaks)
        counts = {k: result[k] for k in ("files", "created", "skipped", "problems")}
        print(
            f"floor  (json.load/ElementTree of each file, sqlite3 executemany): {best_floor:.2f} s"
        )
        print(f"import (sobriety import --profile glpi-agent): {best_import:.2f} s {counts}")
        print(f"ratio import/floor: {best_import / best_floor:.1f}x")
        print(
            f"peak memory of the import process: {peak:.0f} MiB "
            f"(target < {TARGET_MIB} MiB); time target < {TARGET_SECONDS} s: "
            f"{'met' if best_import < TARGET_SECONDS and peak < TARGET_MIB else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
