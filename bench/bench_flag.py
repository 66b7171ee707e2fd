"""Benchmark: flag a whole fleet (default 1,000,000 devices) end to end on SQLite.

Seeds a SQLite file with the demo fleet (:func:`sobriety.storage.demo.seed_demo`,
not timed), then measures in the same run:

- **floor**: plain ``sqlite3`` reading the columns the rules need
  (``SELECT id, category, status, ... FROM device ORDER BY id`` plus the
  per-device best erasure level), ``fetchall`` only: the cost of the driver;
- **flag**: what ``sobriety flag`` does for the whole fleet, in process:
  read the columns into numpy arrays, evaluate every channel of the policy for
  every device, count the recommendations, and explain and render the 20
  devices the table shows;
- **cli**: the ``sobriety flag`` command itself in a fresh process (start-up,
  imports, migration check, output), wall-clock.

Usage: ``python bench/bench_flag.py [--devices 1000000] [--keep DB]``.
Prints wall-clock and CPU time of each, the ratios to the floor and the load
average (the machine is shared: CPU time shows the cost without the
neighbours). Target: flag and cli <= 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 29)
SHOWN = 20


def seed(path: Path, devices: int) -> float:
    from sobriety.storage import db
    from sobriety.storage.demo import seed_demo

    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    t = time.perf_counter()
    seed_demo(engine, devices=devices, as_of=AS_OF, replace=True)
    engine.dispose()
    return time.perf_counter() - t


def floor(path: Path) -> tuple[float, float, int]:
    from sobriety.domain.reuse.rules import ReuseFleet

    cols = ", ".join(["id", *ReuseFleet.COLUMNS])
    conn = sqlite3.connect(path)
    t, c = time.perf_counter(), time.process_time()
    rows = conn.execute(f"SELECT {cols} FROM device ORDER BY id").fetchall()
    conn.execute(
        "SELECT device_id, MAX(CASE level WHEN 'clear' THEN 1 WHEN 'purge' THEN 2 "
        "WHEN 'destroy' THEN 3 ELSE 0 END) FROM erasure GROUP BY device_id"
    ).fetchall()
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    conn.close()
    return elapsed, cpu, len(rows)


def flag(path: Path) -> tuple[float, float, dict, int]:
    from sobriety.domain.reuse.policy import resolve_policy
    from sobriety.domain.reuse.text import describe
    from sobriety.storage import db
    from sobriety.storage import decisions as reuse_store

    engine = db.make_engine(f"sqlite:///{path}")
    policy = resolve_policy()
    t, c = time.perf_counter(), time.process_time()
    run = reuse_store.flag_fleet(engine, policy, on=AS_OF)
    counts = run.evaluation.counts_by_channel()
    rows = run.flagged_rows()[:SHOWN]
    infos = reuse_store.device_infos(engine, run.ids[rows].tolist())
    lines = [line for r in rows for line in describe(run.explain(int(r)))]
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    engine.dispose()
    assert len(infos) == len(rows) and lines
    return elapsed, cpu, counts, int(run.evaluation.flagged.sum())


def cli(path: Path) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("sobriety")
    env = {**os.environ, "SOBRIETY_LANG": "en"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(
        [str(exe), "--db", f"sqlite:///{path}", "flag", "--date", AS_OF.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert "devices evaluated" in out.stdout
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="reuse (or keep) this SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench_flag.db"
        if not path.exists():
            took = seed(path, args.devices)
            print(f"seeded {args.devices:,} demo devices in {took:.1f} s (not timed)")
        floor_s, floor_cpu, n = floor(path)
        flag_s, flag_cpu, counts, flagged = flag(path)
        cli_s, cli_cpu = cli(path)
    print(f"devices: {n:,}; to review: {flagged:,}")
    print("recommended:", ", ".join(f"{k or 'none'}={v:,}" for k, v in counts.items()))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rows = [
        ("floor  raw sqlite3 read of the rule columns", floor_s, floor_cpu),
        (f"flag   read + evaluate + show {SHOWN}", flag_s, flag_cpu),
        ("cli    `sobriety flag`, fresh process", cli_s, cli_cpu),
    ]
    print(f"{'':<46} {'wall':>8} {'cpu':>8}  wall/floor")
    for label, secs, cpu in rows:
        print(f"{label:<46} {secs:7.2f}s {cpu:7.2f}s  {secs / floor_s:.2f}x")
    verdict = "OK" if max(flag_s, cli_s) <= 10.0 else "OVER the 10 s target (wall clock)"
    print(f"target: <= 10 s end to end -> {verdict}")


if __name__ == "__main__":
    main()
