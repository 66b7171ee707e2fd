"""Benchmark: the annual report and the renewal plan on a large fleet, against a floor.

On a SQLite file holding the demo fleet of N devices (with their history events
and erasure records), measured in the same run:

- **floor**: reading, with raw ``sqlite3`` ``fetchall``, every column the report
  reads (the device columns, the history events and the erasure records);
- **JSON**: :func:`sobriety.app.report.write_report` with ``--format json``
  (reading, every figure of the year, the renewal section, the snapshot);
  target under 3 s;
- **report**: the same with PDF, HTML and JSON (charts included); target under 15 s;
- **renewal**: :func:`sobriety.app.renewal.renewal_plan` for the next year with
  the 1,909,000 EUR budget; target under 2 s.

Each is printed with its ratio to the floor, after the modules are imported (a
fresh ``sobriety report`` process also pays about 1-2 s of imports, measured
apart as ``imports``). The reuse history read (:func:`sobriety.storage.
reuse_events.read_history`, shared with ``sobriety reuse-rate`` and the
dashboard) is timed apart too. It used to be most of the JSON's time (SQLAlchemy
rows, a JSON decode and a ``numpy.datetime64`` per event); it now reads the events
in one raw query into arrays and decodes only the transfers' and status changes'
details. Usage:
``python bench/bench_report.py [--devices 100000] [--db PATH]`` (the database is
created with the demo fleet when PATH does not exist).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 29)
YEAR = 2025


def _seed(path: Path, devices: int) -> None:
    from sobriety.storage import db
    from sobriety.storage import demo as demo_writer

    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    demo_writer.seed_demo(engine, devices=devices, seed=1, as_of=AS_OF)
    engine.dispose()


def floor(path: Path) -> float:
    start = time.perf_counter()
    con = sqlite3.connect(path)
    cur = con.cursor()
    cur.execute(
        "SELECT id, category, acquisition_type, status, condition, acquisition_date,"
        " retirement_date, site_id, measured_power_w, weight_kg, purchase_price_eur,"
        " manufacturer, model, sensitive_data, ram_gb, storage_gb, cpu_generation,"
        " tpm_version, battery_health_pct, repair_estimate_eur, declared_value_eur"
        " FROM device ORDER BY id"
    )
    cur.fetchall()
    cur.execute("SELECT device_id, kind, date, details FROM device_event")
    cur.fetchall()
    cur.execute("SELECT device_id, date, method, level FROM erasure")
    cur.fetchall()
    con.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "report.db"
    if not path.exists():
        t = time.perf_counter()
        _seed(path, args.devices)
        print(f"seeded {args.devices:,} demo devices in {time.perf_counter() - t:.1f} s")

    start = time.perf_counter()
    import matplotlib.figure  # noqa: F401 - what a report process imports
    from fpdf import FPDF  # noqa: F401
    from jinja2 import Environment  # noqa: F401

    from sobriety.app import renewal, report
    from sobriety.app.context import Sobriety
    from sobriety.domain.report import annual, sections  # noqa: F401
    from sobriety.settings import load_settings
    from sobriety.storage import report_data, reuse_events  # noqa: F401
    from sobriety.storage.carbon_fleet import read_fleet  # noqa: F401

    print(f"imports: {time.perf_counter() - start:.2f} s")

    app = Sobriety(load_settings(database_url=f"sqlite:///{path}"), today=lambda: AS_OF)
    app.factors  # noqa: B018 - load the factor files outside the timings
    app.policy  # noqa: B018
    out = Path(tmp.name) / "out"
    base = min(floor(path) for _ in range(3))
    print(f"floor (raw sqlite3 reads of the report's columns): {base:.3f} s")

    def timed(name: str, target: float, work) -> None:
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
        verdict = "OK" if seconds < target else "OVER TARGET"
        print(f"{name:<34} {seconds:7.2f} s  ratio {seconds / base:6.1f}x floor"
              f"  (target < {target:g} s: {verdict})")  # fmt: skip

    timed("  of which: read_history", 3.0, lambda: reuse_events.read_history(app.engine))
    timed("report --format json", 3.0,
          lambda: report.write_report(app, YEAR, out / "json", formats=["json"]))  # fmt: skip
    timed("report pdf,html,json", 15.0, lambda: report.write_report(app, YEAR, out / "all"))
    timed("renewal --budget 1 909 000 EUR", 2.0,
          lambda: renewal.renewal_plan(app, YEAR + 1, "1 909 000 EUR"))  # fmt: skip
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average: {load}")
    app.close()


if __name__ == "__main__":
    main()
