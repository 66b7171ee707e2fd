"""Benchmark: the reuse-sector study, export of a 1,000,000-device fleet and merge of 30 packages.

Measured in the same run, each timed step in a fresh process of its own (so
that each peak memory is its own):

- **export floor**: plain ``sqlite3`` reading the columns the export needs
  (``SELECT category, status, condition, ... FROM device ORDER BY id``, plus
  the departures' strings and the ``transferred`` events), ``fetchall`` only;
- **export**: ``sobriety.app.study.export`` on the demo fleet (seeded with
  :func:`sobriety.storage.demo.seed_demo`, not timed): read, carbon terms,
  anonymisation, volumes, forecast, package written;
- **merge floor**: the same bytes as the merge moves, with no checks: every
  resource of the 30 packages decompressed and the device rows re-compressed
  into one zip;
- **merge**: ``sobriety.app.study.merge`` of 30 packages (built before the
  clock starts, sizes varying from 1 to 3) holding ``--outgoing`` device rows
  in all.

Usage: ``python bench/bench_study.py [--devices 1000000] [--outgoing 1000000]
[--keep DB] [--only export|merge]``. Targets: export < 30 s; merge < 30 s with
peak memory < 1 GiB.
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
import zipfile
from pathlib import Path

AS_OF = dt.date(2026, 11, 29)
YEAR = 2025
PACKAGES = 30


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(step: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, *args], capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(f"{step} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def seed(path: Path, devices: int) -> float:
    from sobriety.storage import db
    from sobriety.storage.demo import seed_demo

    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    t = time.perf_counter()
    seed_demo(engine, devices=devices, as_of=AS_OF, replace=True)
    engine.dispose()
    return time.perf_counter() - t


def export_floor(db_path: str) -> dict:
    conn = sqlite3.connect(db_path)
    t, c = time.perf_counter(), time.process_time()
    rows = conn.execute(
        "SELECT category, acquisition_type, status, condition, acquisition_date, "
        "retirement_date, site_id, measured_power_w, weight_kg, manufacturer, model "
        "FROM device ORDER BY id"
    ).fetchall()
    gone = conn.execute(
        "SELECT id, manufacturer, model, reuse_channel, retirement_date FROM device "
        "WHERE status = 'gone' ORDER BY id"
    ).fetchall()
    conn.execute(
        "SELECT device_id, MAX(date) FROM device_event WHERE kind = 'transferred' "
        "GROUP BY device_id"
    ).fetchall()
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    conn.close()
    return {"seconds": seconds, "cpu": cpu, "devices": len(rows), "gone": len(gone),
            "peak_mib": _peak_mib()}  # fmt: skip


def export(db_path: str, out: str) -> dict:
    from sobriety.app import study
    from sobriety.app.context import Sobriety
    from sobriety.settings import load_settings

    app = Sobriety(load_settings(database_url=f"sqlite:///{db_path}"), today=lambda: AS_OF)
    app.policy, app.factors, app.engine  # noqa: B018  (files read, schema checked first)
    t, c = time.perf_counter(), time.process_time()
    result = study.export(app, year=YEAR, organisation="Bench", output=Path(out))
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    app.close()
    return {"seconds": seconds, "cpu": cpu, "outgoing": result.outgoing,
            "rows": result.exported_rows, "peak_mib": _peak_mib()}  # fmt: skip


def build_packages(folder: Path, outgoing: int) -> list[Path]:
    """30 packages of synthetic (already anonymised) rows, ``outgoing`` rows in all."""
    import numpy as np

    from sobriety.domain.study.anonymise import AGE_BANDS
    from sobriety.domain.vocab import Category, Channel, Condition, SiteKind
    from sobriety.io.study.write import StudyTables, write_package

    rng = np.random.default_rng(7)
    weights = rng.uniform(1, 3, PACKAGES)
    sizes = np.floor(weights / weights.sum() * outgoing).astype(int)
    sizes[0] += outgoing - sizes.sum()
    cats = np.array([c.value for c in Category], dtype=object)
    chans = np.array([c.value for c in Channel], dtype=object)
    conds = np.array([c.value for c in Condition], dtype=object)
    kinds = np.array([k.value for k in SiteKind], dtype=object)
    makers = np.array(["Dell", "HP", "Lenovo", "Apple", "Samsung", ""], dtype=object)
    paths = []
    for i, n in enumerate(sizes):
        pick = lambda a, n=n: a[rng.integers(0, len(a), n)]  # noqa: E731
        commune = np.array([f"35{v:03d}" for v in rng.integers(1, 60, n)], dtype=object)
        devices = {
            "annee": np.full(n, YEAR),
            "categorie": pick(cats),
            "fabricant": pick(makers),
            "modele": np.full(n, "", dtype=object),
            "tranche_age": pick(np.array(AGE_BANDS, dtype=object)),
            "etat": pick(conds),
            "filiere": pick(chans),
            "poids_kg": rng.uniform(0.2, 8, n),
            "carbone_fabrication_kgco2e": rng.uniform(20, 400, n),
            "carbone_cycle_vie_kgco2e": rng.uniform(30, 600, n),
            "type_site": pick(kinds),
            "code_insee_commune": commune,
            "code_departement": np.full(n, "35", dtype=object),
        }
        tables = StudyTables(
            organisations=[f"Organisation {i + 1:02d}"],
            year=YEAR,
            devices=devices,
            volumes=[
                {
                    "annee": YEAR,
                    "categorie": "laptop",
                    "filiere": "sell",
                    "type_site": "college",
                    "appareils": int(n),
                    "tonnes": n * 0.002,
                    "carbone_cycle_vie_kgco2e": n * 300.0,
                }
            ],
            forecast=[
                {
                    "annee": YEAR + 1 + y,
                    "categorie": "laptop",
                    "etat": "working",
                    "appareils": n / 5,
                    "appareils_bas": n / 6,
                    "appareils_haut": n / 4,
                    "tonnes": n / 2500,
                    "tonnes_bas": n / 3000,
                    "tonnes_haut": n / 2000,
                }
                for y in range(5)
            ],
            organisation_rows=[
                {
                    "organisation": f"Organisation {i + 1:02d}",
                    "appareils_sortis": int(n),
                    "tonnes_sorties": n * 0.002,
                    "appareils_prevus": float(n),
                    "tonnes_prevues": n / 500,
                }
            ],
            meta={"anonymisation": {"k": 5, "rows_in": int(n), "rows_out": int(n)}},
        )
        paths.append(write_package(folder / f"org{i + 1:02d}.zip", tables))
    return paths


def merge_floor(paths: list[str], out: str) -> dict:
    t, c = time.perf_counter(), time.process_time()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zout,
        zout.open("appareils_sortants.csv", "w") as dst,
    ):
        for p in paths:
            with zipfile.ZipFile(p) as zf:
                for name in zf.namelist():
                    data = zf.read(name)  # every resource decompressed (as the checks do)
                    if name == "appareils_sortants.csv":
                        dst.write(data)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    return {"seconds": seconds, "cpu": cpu, "peak_mib": _peak_mib()}


def merge(paths: list[str], out: str) -> dict:
    from sobriety.app import study

    t, c = time.perf_counter(), time.process_time()
    result = study.merge([Path(p) for p in paths], Path(out))
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    return {"seconds": seconds, "cpu": cpu, "devices": result.devices,
            "organisations": len(result.organisations), "peak_mib": _peak_mib()}  # fmt: skip


def child(step: str, args: list[str]) -> None:
    if step == "export_floor":
        result = export_floor(args[0])
    elif step == "export":
        result = export(args[0], args[1])
    elif step == "merge_floor":
        result = merge_floor(args[1:], args[0])
    else:
        result = merge(args[1:], args[0])
    print(json.dumps(result))


def _line(label: str, r: dict, floor: dict) -> str:
    return (f"{label:<44} {r['seconds']:7.2f}s {r['cpu']:7.2f}s {r['peak_mib']:8.0f} MiB  "
            f"{r['seconds'] / floor['seconds']:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--outgoing", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="reuse (or keep) this SQLite file")
    parser.add_argument("--only", choices=("export", "merge"))
    parser.add_argument("--child", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = f"{'':<44} {'wall':>8} {'cpu':>8} {'peak':>12}  wall/floor"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        verdicts = []
        if args.only in (None, "export"):
            db_path = args.keep or folder / "bench_study.db"
            if not db_path.exists():
                took = seed(db_path, args.devices)
                print(f"seeded {args.devices:,} demo devices in {took:.1f} s (not timed)")
            fl = _child("export_floor", str(db_path))
            ex = _child("export", str(db_path), str(folder / "export.zip"))
            print(f"export: {fl['devices']:,} devices, {ex['outgoing']:,} left in {YEAR}, "
                  f"{ex['rows']:,} rows exported")  # fmt: skip
            print(header)
            print(_line("floor  raw sqlite3 read of the columns", fl, fl))
            print(_line("export sobriety.app.study.export", ex, fl))
            verdicts.append(("export < 30 s", ex["seconds"] < 30))
        if args.only in (None, "merge"):
            t = time.perf_counter()
            paths = [str(p) for p in build_packages(folder, args.outgoing)]
            size = sum(Path(p).stat().st_size for p in paths) / 2**20
            print(f"built {PACKAGES} packages, {args.outgoing:,} device rows, {size:.0f} MiB "
                  f"in {time.perf_counter() - t:.1f} s (not timed)")  # fmt: skip
            fl = _child("merge_floor", str(folder / "floor.zip"), *paths)
            mg = _child("merge", str(folder / "region.zip"), *paths)
            assert mg["devices"] == args.outgoing and mg["organisations"] == PACKAGES
            print(header)
            print(_line("floor  unzip all + rezip the device rows", fl, fl))
            print(_line("merge  sobriety.app.study.merge", mg, fl))
            verdicts.append(("merge < 30 s", mg["seconds"] < 30))
            verdicts.append(("merge peak < 1 GiB", mg["peak_mib"] < 1024))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    for name, ok in verdicts:
        print(f"target: {name} -> {'OK' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
