"""Benchmark: eight concurrent writers on PostgreSQL for a bounded time (issue 11).

Seeds a fresh PostgreSQL schema with the demo fleet and a pool of lot-ready
devices, then runs :mod:`load_writers` (four editors on overlapping devices,
an importer, a flagger, two lot closers, each with its own application object)
and checks, at the end, that every accepted write is in the database, no
refused one is, and no deadlock or driver error reached a writer.

Usage: ``python bench/bench_load.py [--seconds 60] [--devices 20000] [--pool 2000]
[--url postgresql://postgres@127.0.0.1:5432/test]``. Prints the writes accepted
and refused per kind, the throughput held (accepted writes per second) and the
load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_writers


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--devices", type=int, default=20_000)
    parser.add_argument("--pool", type=int, default=2_000)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    try:
        t = time.perf_counter()
        tags = load_writers.seed(url, devices=args.devices, pool=args.pool)
        print(
            f"seeded {args.devices:,} devices + {args.pool:,} lot-ready in "
            f"{time.perf_counter() - t:.1f} s"
        )
        with tempfile.TemporaryDirectory() as folder:
            t = time.perf_counter()
            out = load_writers.run(url, seconds=args.seconds, tags=tags, folder=Path(folder))
            elapsed = time.perf_counter() - t
        counts = out.counts()
        problems = load_writers.verify(url, out)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    accepted = sum(counts["accepted"].values())
    refused = sum(counts["refused"].values())
    print(f"8 writers for {elapsed:.1f} s (load average {os.getloadavg()[0]:.1f}):")
    for kind in ("edit", "import", "flag", "lot"):
        print(
            f"  {kind:<7} accepted {counts['accepted'][kind]:>6}  "
            f"refused (reported) {counts['refused'][kind]:>6}  "
            f"errors {counts['errors'][kind]:>3}"
        )
    print(
        f"throughput held: {accepted / elapsed:.1f} accepted writes/s "
        f"({(accepted + refused) / elapsed:.1f} attempts/s)"
    )
    print(f"errors reaching a writer: {len(out.errors)}; verification problems: {len(problems)}")
    for _w, _k, trace in out.errors[:3]:
        print(trace)
    for p in problems[:10]:
        print("  ", p)
    return 1 if out.errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
