"""Benchmark: ``sobriety import`` of a 100,000-row CSV against a raw-insert floor.

Measured in the same run:

- **validation**: :func:`sobriety.domain.inventory.fields.check_records` on the
  100,000 rows' raw cells (reading numbers, units, dates, synonyms; ranges);
- **import**: :func:`sobriety.io.importer.import_file` (what ``sobriety
  import`` runs) into a freshly migrated SQLite file, end to end: sniffing the
  file, reading it, full validation, site creation, matching, bulk inserts of
  the devices and their "created" history events, commit;
- **floor**: plain ``sqlite3`` ``executemany`` of the same 100,000 device rows,
  already parsed (typed values built before the clock starts), into the same
  migrated schema (same indexes, same pragmas: WAL, foreign keys,
  synchronous=NORMAL), then commit.

Then a 1,000,000-row file is imported in a child process, whose peak memory
(``resource.getrusage``) is printed (target: under 1 GiB).

Usage: ``python bench/bench_import.py [--rows 100000] [--big 1000000] [--repeat 2]``.
Best of ``--repeat`` runs for the timed pair (the machine is shared).

``--csv FILE`` measures instead the issue's regional-scale case on a given
file (e.g. the 1,000,000-device demo fleet written by ``sobriety export``),
each side in its own process, in the same run:

- **floor**: Python's ``csv`` module reading FILE plus plain ``sqlite3``
  ``executemany`` of its rows (as text) into a table with FILE's columns and
  a unique index on the asset tag (WAL, synchronous=NORMAL), then commit;
- **import**: :func:`sobriety.io.importer.import_file` of FILE into a freshly
  migrated SQLite file (full validation, every index), with its peak memory.

Each run prints both wall and CPU times and their ratios (on a shared
machine the CPU ratio moves less), then the best of ``--repeat`` runs.

Make the file with ``sobriety --db sqlite:///demo.db demo --devices 1000000``
then ``sobriety --db sqlite:///demo.db export fleet.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = [
    "Numéro d'inventaire",
    "Numéro de série",
    "Catégorie",
    "Fabricant",
    "Modèle",
    "Site",
    "Date d'achat",
    "Mode d'acquisition",
    "Prix d'achat HT",
    "Fin de garantie",
    "Statut",
    "État",
    "Batterie",
    "RAM",
    "Stockage",
    "Type de stockage",
    "Processeur",
    "Génération CPU",
    "Diagonale",
    "Système d'exploitation",
    "Données sensibles",
    "Poids",
    "Remarques",
]
#: Field of each column above, in the same order (the floor inserts these).
FIELDS = [
    "asset_tag",
    "serial",
    "category",
    "manufacturer",
    "model",
    "site_id",
    "acquisition_date",
    "acquisition_type",
    "purchase_price_eur",
    "warranty_end",
    "status",
    "condition",
    "battery_health_pct",
    "ram_gb",
    "storage_gb",
    "storage_type",
    "cpu_model",
    "cpu_generation",
    "screen_size_in",
    "os",
    "sensitive_data",
    "weight_kg",
    "notes",
]
MODELS = [  # label, category, maker, model, price, weight kg, screen in, battery?
    ("Portable", "laptop", "Dell", "Latitude 5420", 899.0, 1.4, 14.0, True),
    ("Ordinateur portable", "laptop", "Lenovo", "ThinkPad T14 Gen 2", 1049.0, 1.5, 14.0, True),
    ("PC portable", "laptop", "HP", "EliteBook 840 G8", 1180.0, 1.3, 14.0, True),
    ("Unité centrale", "desktop", "HP", "EliteDesk 800 G4", 699.0, 5.2, None, False),
    ("Écran", "monitor", "Iiyama", "ProLite XUB2492HSU", 149.9, 4.9, 23.8, False),
    ("Écran", "monitor", "Dell", "P2422H", 189.5, 5.3, 23.8, False),
    ("Smartphone", "smartphone", "Samsung", "Galaxy A52", 329.0, 0.19, 6.5, True),
    (
        "Smartphone durci",
        "rugged_smartphone",
        "Samsung",
        "Galaxy XCover 6 Pro",
        449.0,
        0.24,
        6.6,
        True,
    ),
    ("Tablette", "tablet", "Apple", "iPad 9", 359.0, 0.49, 10.2, True),
    ("Commutateur", "switch", "Cisco", "Catalyst 2960-X", 1450.0, 4.4, None, False),
    ("Borne Wi-Fi", "wifi_access_point", "Ubiquiti", "UniFi U6 Lite", 99.0, 0.3, None, False),
    ("Routeur", "router", "Cisco", "ISR 1111", 890.0, 1.9, None, False),
]
STATUSES = [
    ("En service", "in_service", 70),
    ("En stock", "in_stock", 12),
    ("En réparation", "in_repair", 3),
    ("Réformé", "retired", 10),
    ("Sorti", "gone", 5),
]
CONDITIONS = [
    ("Fonctionnel", "working", 80),
    ("Dégradé", "degraded", 15),
    ("En panne", "broken", 5),
]
ACQ = [("Neuf", "new", 85), ("Reconditionné", "refurbished", 10), ("Location", "leased", 5)]
SITES = (
    ["Hôtel du Département"]
    + [f"CDAS {n}" for n in range(1, 23)]
    + [f"Collège {n}" for n in range(1, 55)]
    + [f"Espace naturel {n}" for n in range(1, 9)]
)


def _pick(rng: random.Random, table):
    return rng.choices(table, weights=[w for *_x, w in table])[0]


def _fr(number: float) -> str:
    """French notation: comma decimal, narrow no-break space thousands."""
    text = f"{number:,.2f}".replace(",", "\u202f").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def generate(path: Path, rows: int, seed: int = 35) -> list[tuple]:
    """Write a realistic French CSV; return the parsed rows for the floor (if small)."""
    rng = random.Random(seed)
    keep = rows <= 200_000
    parsed: list[tuple] = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(HEADER)
        for i in range(rows):
            label, cat, maker, model, price, weight, screen, battery = rng.choice(MODELS)
            bought = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(0, 4000))
            warranty = bought.replace(year=bought.year + 3) if bought.month != 2 else None
            status, status_v, _w = _pick(rng, STATUSES)
            cond, cond_v, _w = _pick(rng, CONDITIONS)
            acq, acq_v, _w = _pick(rng, ACQ)
            pc = cat in ("laptop", "desktop")
            ram = rng.choice([4, 8, 16, 32]) if pc else None
            storage = rng.choice([128, 256, 512, 1000]) if pc else None
            health = round(rng.uniform(55, 100), 1) if battery else None
            gen = rng.randrange(4, 13) if pc else None
            sensitive = rng.random() < 0.08
            note = "Clavier à remplacer" if rng.random() < 0.02 else ""
            cells = [
                f"CD35-{i:07d}",
                f"SN{rng.randrange(16**10):010X}",
                label,
                maker,
                model,
                rng.choice(SITES),
                bought.strftime("%d/%m/%Y"),
                acq,
                _fr(price),
                warranty.isoformat() if warranty else "",
                status,
                cond,
                f"{_fr(health)} %" if health is not None else "",
                f"{ram} Go" if ram else "",
                f"{storage} Go" if storage else "",
                "SSD" if pc else "",
                f"Intel Core i5-{gen}xxx" if gen else "",
                str(gen) if gen else "",
                f"{_fr(screen)} in" if screen else "",
                "Windows 11 Professionnel" if pc else "",
                "oui" if sensitive else "non",
                f"{_fr(weight)} kg",
                note,
            ]
            out.writerow(cells)
            if keep:
                parsed.append(
                    (
                        cells[0],
                        cells[1],
                        cat,
                        maker,
                        model,
                        None,
                        bought.isoformat(),
                        acq_v,
                        price,
                        warranty.isoformat() if warranty else None,
                        status_v,
                        cond_v,
                        health,
                        float(ram) if ram else None,
                        float(storage) if storage else None,
                        "ssd" if pc else None,
                        cells[16] or None,
                        gen,
                        screen,
                        cells[19] or None,
                        sensitive,
                        weight,
                        note or None,
                    )
                )
    return parsed


def _migrated(path: Path) -> str:
    from sobriety.storage import db

    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


def floor(path: Path, parsed: list[tuple]) -> float:
    _migrated(path)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    cols = [*FIELDS, "version", "created_at", "updated_at"]
    rows = [(*r, 1, now, now) for r in parsed]
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    sql = f"INSERT INTO device ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    start = time.perf_counter()
    con.executemany(sql, rows)
    con.commit()
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def run_import(db_path: Path, csv_path: Path) -> tuple[float, dict]:
    from sobriety.io.importer import import_file
    from sobriety.io.synonyms import load_synonyms
    from sobriety.storage import db
    from sobriety.units import registry

    url = _migrated(db_path)
    engine = db.make_engine(url)
    synonyms = load_synonyms()
    registry()  # built once per process, like the CLI does before reading cells
    start, cpu = time.perf_counter(), time.process_time()
    report = import_file(engine, csv_path, synonyms=synonyms, actor="bench")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    summary = {k: getattr(report, k) for k in ("rows", "created", "rejected", "profile")}
    summary["cpu"] = cpu
    summary["sites"] = len(report.sites_created)
    return elapsed, summary


def validation_time(csv_path: Path) -> tuple[float, float]:
    from sobriety.domain.inventory.fields import check_records
    from sobriety.io.profiles import map_columns
    from sobriety.io.synonyms import load_synonyms
    from sobriety.io.tables import open_table
    from sobriety.units import registry

    registry()
    with open_table(csv_path) as table:
        cmap = map_columns(table.headers)
        rows = [r for _line, r in table.rows]
    raw = {name: [r[i] for r in rows] for name, (i, _h) in cmap.fields.items()}
    synonyms = load_synonyms()
    start, cpu = time.perf_counter(), time.process_time()
    columns = check_records(raw, synonyms=synonyms)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not columns.problems, columns.problems[:3]
    return elapsed, cpu


def child_big(rows: int, workdir: str) -> None:
    """In a child process: generate, import, print time and peak memory as JSON."""
    work = Path(workdir)
    csv_path = work / "big.csv"
    generate(csv_path, rows, seed=29)
    elapsed, summary = run_import(work / "big.db", csv_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mib": peak, **summary}))


def csv_floor(csv_path: Path, db_path: Path) -> float:
    """Python's csv module plus plain sqlite3 executemany, unique index on the tag."""
    start = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        con = sqlite3.connect(db_path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        names = ", ".join(f'"{h}"' for h in header)
        con.execute(f"CREATE TABLE device (id INTEGER PRIMARY KEY, {names})")
        con.execute('CREATE UNIQUE INDEX ix_tag ON device ("asset_tag")')
        sql = f"INSERT INTO device ({names}) VALUES ({', '.join('?' * len(header))})"
        con.executemany(sql, reader)
        con.commit()
        con.close()
    return time.perf_counter() - start


def child_csv(side: str, csv_path: Path, workdir: str) -> None:
    """In a child process: one side of the --csv comparison, as JSON."""
    db_path = Path(workdir) / f"{side}.db"
    if side == "floor":
        cpu = time.process_time()
        result: dict = {"seconds": csv_floor(csv_path, db_path)}
        result["cpu"] = time.process_time() - cpu
    else:  # CPU time of import_file alone (not the set-up: migrations, synonyms)
        seconds, summary = run_import(db_path, csv_path)
        result = {"seconds": seconds, **summary}
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def compare_csv(csv_path: Path, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        best: dict[str, dict] = {}
        runs: dict[str, list[dict]] = {}
        for n in range(repeat):
            for side in ("floor", "import"):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child-csv",
                        side,
                        "--csv",
                        str(csv_path),
                        "--workdir",
                        str(Path(tmp) / f"{side}{n}"),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if out.returncode:
                    sys.exit(out.stderr)
                result = json.loads(out.stdout.strip().splitlines()[-1])
                seconds, peak = result["seconds"], result["peak_mib"]
                print(
                    f"run {n + 1} {side}: {seconds:.1f} s wall, {result['cpu']:.1f} s CPU, "
                    f"peak {peak:.0f} MiB"
                )
                runs.setdefault(side, []).append(result)
                if side not in best or result["seconds"] < best[side]["seconds"]:
                    best[side] = result
            pair = runs["import"][-1]["seconds"] / runs["floor"][-1]["seconds"]
            cpu_pair = runs["import"][-1]["cpu"] / runs["floor"][-1]["cpu"]
            print(f"run {n + 1} ratio: {pair:.2f}x wall, {cpu_pair:.2f}x CPU")
        floor_s, imp = best["floor"]["seconds"], best["import"]
        print(f"{csv_path.name}: {imp['rows']:,} rows, created {imp['created']:,}")
        print(f"floor  (csv module + sqlite3 executemany, unique tag index): {floor_s:.1f} s")
        print(
            f"import (sobriety import, full validation): {imp['seconds']:.1f} s, "
            f"peak memory {imp['peak_mib']:.0f} MiB (target < 1024 MiB)"
        )
        print(f"ratio import/floor: {imp['seconds'] / floor_s:.2f}x (target <= 5x)")
        cpu = min(r["cpu"] for r in runs["import"]) / min(r["cpu"] for r in runs["floor"])
        print(f"ratio of CPU times (less sensitive to a loaded machine): {cpu:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="0 to skip")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--child-big", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help="compare on this file instead (see above)")
    parser.add_argument("--child-csv", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_csv:
        Path(args.workdir).mkdir(parents=True)
        child_csv(args.child_csv, args.csv, args.workdir)
        return
    if args.csv:
        compare_csv(args.csv, args.repeat)
        return
    if args.child_big:
        child_big(args.child_big, args.workdir)
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        csv_path = work / "inventory.csv"
        parsed = generate(csv_path, args.rows)
        size = csv_path.stat().st_size / 2**20
        print(f"{args.rows:,} rows, {len(HEADER)} columns, {size:.1f} MiB (';', decimal commas)")
        check, cpu = validation_time(csv_path)
        print(
            f"validation of the {args.rows:,} rows in one batch (domain.check_records): "
            f"{check:.3f} s wall, {cpu:.3f} s CPU"
        )
        floors, imports = [], []
        for n in range(args.repeat):
            floors.append(floor(work / f"floor{n}.db", parsed))
            seconds, summary = run_import(work / f"import{n}.db", csv_path)
            imports.append(seconds)
        best_floor, best_import = min(floors), min(imports)
        print(f"floor  (sqlite3 executemany, parsed rows): {best_floor:.3f} s")
        print(f"import (sobriety import, full validation): {best_import:.3f} s  {summary}")
        print(f"ratio import/floor: {best_import / best_floor:.2f}x (target <= 5x)")
        if args.big:
            out = subprocess.run(
                [sys.executable, __file__, "--child-big", str(args.big), "--workdir", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            big = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{args.big:,} rows streamed: {big['seconds']:.1f} s, created {big['created']:,}, "
                f"peak memory {big['peak_mib']:.0f} MiB (target < 1024 MiB)"
            )


if __name__ == "__main__":
    main()
