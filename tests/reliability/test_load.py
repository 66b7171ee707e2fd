"""Eight concurrent writers on one database (small size; bench/bench_load.py is the large one).

Run on PostgreSQL (the shared inventory of a team) and on one SQLite file (two
or more terminals on one machine).

Four editors on overlapping devices, an importer, a flagger and two lot closers
run for a few seconds, each with its own application object. At the end: every
accepted write is in the database, no refused one is, every refusal was
reported to its writer, and no deadlock or driver error reached anyone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import load_writers

SECONDS = 6


@pytest.mark.slow
def test_eight_writers_lose_nothing_and_see_no_driver_error(db_url: str, tmp_path) -> None:
    url = db_url
    tags = load_writers.seed(url, devices=400, pool=80)
    out = load_writers.run(url, seconds=SECONDS, tags=tags, folder=tmp_path)
    counts = out.counts()
    assert not out.errors, "\n\n".join(trace for _w, _k, trace in out.errors[:3])
    # each kind of writer got work done, and the overlapping edits met conflicts
    for kind in ("edit", "import", "flag", "lot"):
        assert counts["accepted"][kind] > 0, counts
    assert counts["refused"]["edit"] > 0, counts
    assert all(message for _w, _k, message in out.refused)
    problems = load_writers.verify(url, out)
    assert problems == [], problems[:10]
