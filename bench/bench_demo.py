"""Benchmark: ``sobriety demo --devices N`` on a SQLite file against a raw-insert floor.

Both are measured in the same run, each in its own process (so that each
peak memory is its own):

- **demo**: :func:`sobriety.storage.demo.seed_demo` (what ``sobriety
  demo`` runs) into a freshly migrated SQLite file: generation, conversion and
  bulk inserts of the devices, their history events and erasure records;
- **floor**: plain ``sqlite3`` ``executemany`` of the very same rows (the same
  generated fleet, already converted to the values SQLite stores, built before
  the clock starts) with the same columns, into the same migrated schema (same
  indexes, same pragmas: WAL, foreign keys, synchronous=NORMAL); only the
  inserts and the commit are timed.

Usage: ``python bench/bench_demo.py [--devices 1000000]``. Prints both times,
the ratio (target: under 3x) and each process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

AS_OF = dt.date(2026, 11, 29)


def _migrated(path: Path) -> str:
    from sobriety.storage import db

    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_demo(path: Path, devices: int) -> dict:
    from sobriety.storage import db
    from sobriety.storage import demo as demo_writer

    url = _migrated(path)
    engine = db.make_engine(url)
    start, cpu = time.perf_counter(), time.process_time()
    result = demo_writer.seed_demo(engine, devices=devices, seed=1, as_of=AS_OF)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "devices": result.devices,
        "events": result.events,
        "erasures": result.erasures,
        "sites": result.sites,
        "peak_mib": _peak_mib(),
    }


def _text_column(values: np.ndarray) -> list:
    """A generated column as the values SQLite stores (what the ORM writes)."""
    kind = values.dtype.kind
    if kind == "M":
        unit = np.datetime_data(values.dtype)[0]
        text = np.datetime_as_string(values, unit="D" if unit == "D" else "s").astype(object)
        if unit != "D":
            text = np.strings.add(np.strings.replace(text.astype(str), "T", " "), ".000000")
            text = text.astype(object)
        text[np.isnat(values)] = None
        return text.tolist()
    if kind == "f":
        obj = values.astype(object)
        obj[np.isnan(values)] = None
        return obj.tolist()
    if kind == "b":
        return values.astype(np.int64).tolist()
    return values.tolist()


def _rows(data: dict[str, np.ndarray], ids: dict[str, np.ndarray], extra: tuple) -> list:
    cols = [v.tolist() for v in ids.values()]
    cols += [_text_column(v) for k, v in data.items() if k not in ("device", "site")]
    cols += [[x] * len(cols[0]) for x in extra]
    return list(zip(*cols, strict=True))


def run_floor(path: Path, devices: int) -> dict:
    from sobriety.domain.demo import fleet as demo

    _migrated(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    plan = demo.plan_fleet(as_of=AS_OF, seed=1, devices=devices)
    conn.executemany(
        "INSERT INTO site (id, code, name, kind, commune, insee_code, country, agents) "
        "VALUES (?, ?, ?, ?, ?, ?, 'FR', ?)",
        [(i + 1, s.code, s.name, s.kind.value, s.commune, s.insee_code, s.agents)
         for i, s in enumerate(plan.sites)],
    )  # fmt: skip
    now = "2026-11-29 10:00:00.000000"
    seconds = cpu = 0.0
    sql: dict[str, str] = {}
    for chunk in demo.generate(plan):
        d, ev, er = chunk.devices, chunk.events, chunk.erasures
        tables = [
            ("device", {"id": d["device"] + 1, "site_id": d["site"] + 1}, d,
             {"version": 1, "created_at": now, "updated_at": now}),
            ("device_event", {"device_id": ev["device"] + 1}, ev, {}),
            ("erasure", {"device_id": er["device"] + 1}, er, {}),
        ]  # fmt: skip
        for table, ids, data, extra in tables:
            columns = [*ids, *(k for k in data if k not in ("device", "site")), *extra]
            sql.setdefault(
                table,
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
            )
            rows = _rows(data, ids, tuple(extra.values()))
            t, c = time.perf_counter(), time.process_time()
            conn.executemany(sql[table], rows)
            seconds, cpu = seconds + time.perf_counter() - t, cpu + time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    conn.commit()
    seconds, cpu = seconds + time.perf_counter() - t, cpu + time.process_time() - c
    conn.close()
    return {"seconds": seconds, "cpu": cpu, "peak_mib": _peak_mib()}


def _child(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--part", choices=["demo", "floor"])
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    if args.part == "demo":
        print(json.dumps(run_demo(args.db, args.devices)))
        return
    if args.part == "floor":
        print(json.dumps(run_floor(args.db, args.devices)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        demo = _child(["--part", "demo", "--db", f"{tmp}/demo.db", "--devices", str(args.devices)])
        floor = _child(
            ["--part", "floor", "--db", f"{tmp}/floor.db", "--devices", str(args.devices)]
        )
    rows = args.devices + demo["events"] + demo["erasures"]
    print(
        f"rows: {args.devices:,} devices + {demo['events']:,} events + "
        f"{demo['erasures']:,} erasures = {rows:,}"
    )
    print(f"floor (raw sqlite3 executemany): {floor['seconds']:.2f} s, CPU {floor['cpu']:.2f} s")
    print(f"sobriety demo (seed_demo):       {demo['seconds']:.2f} s, CPU {demo['cpu']:.2f} s")
    print(f"ratio: {demo['seconds'] / floor['seconds']:.2f}x (target < 3x)")
    print(f"CPU ratio: {demo['cpu'] / floor['cpu']:.2f}x (less sensitive to other load)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"peak memory: demo {demo['peak_mib']:.0f} MiB, floor {floor['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
