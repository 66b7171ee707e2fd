"""Large imports: indexes built once at the end on SQLite, and the column-wide shortcuts.

A large import into SQLite drops the device and history tables' secondary
indexes inside its transaction and creates them again before the commit
(:mod:`sobriety.storage.sqlite_load`). The user must notice nothing but the
speed: the same indexes afterwards, and a failed, dry or cancelled import
leaves the schema and the rows exactly as they were.
"""

from __future__ import annotations

import random
import re
import threading
import unicodedata

import pytest
from io_helpers import devices, snapshot
from sqlalchemy import text

from sobriety.domain.inventory import fields
from sobriety.io import importer
from sobriety.io.import_derive import drop_placeholders, is_placeholder
from sobriety.io.importer import ImportCancelled, ImportFailed, import_file

HEADER = "asset_tag;serial;category;status;acquisition_date;site\n"


def _rows(n: int, start: int = 1) -> str:
    return "".join(
        f"PC-{i};SN{i:05d};Portable;En service;0{1 + i % 9}/03/2021;Site {i % 3}\n"
        for i in range(start, start + n)
    )


def _indexes(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        else:
            sql = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"  # noqa: E501
        return [tuple(r) for r in conn.execute(text(sql))]


@pytest.fixture
def big(monkeypatch):
    """Every import counts as large: its indexes are deferred after the first chunk."""
    monkeypatch.setattr(importer, "DEFER_INDEXES_ROWS", 1)
    deferred: list[list[str]] = []
    real = importer.BulkLoad.defer_indexes

    def spy(self, tables, keep=()):
        names = real(self, tables, keep)
        deferred.append(names)
        return names

    monkeypatch.setattr(importer.BulkLoad, "defer_indexes", spy)
    return deferred


def test_a_large_import_rebuilds_the_same_indexes(engine, write, big) -> None:
    before = _indexes(engine)
    report = import_file(engine, write("big.csv", HEADER + _rows(40)), chunk_size=7)
    assert report.created == 40
    assert _indexes(engine) == before
    got = devices(engine)
    assert len(got) == 40 and got["PC-40"]["serial"] == "SN00040"
    if engine.dialect.name == "sqlite":
        [names] = big
        assert "ix_device_status" in names and "ix_device_event_device_id" in names
        assert "ix_device_serial" in names
        with engine.connect() as conn:
            plan = conn.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM device WHERE status = 'in_service'")
            ).all()
        assert "ix_device_status" in " ".join(str(r) for r in plan)
    # a second large import (updates and new rows) on top
    again = import_file(engine, write("more.csv", HEADER + _rows(30, start=31)), chunk_size=7)
    assert (again.created, again.unchanged) == (20, 10)
    assert _indexes(engine) == before


def test_rows_without_tag_in_a_large_import_are_matched_by_serial(engine, write, big) -> None:
    import_file(engine, write("first.csv", HEADER + _rows(20)), chunk_size=7)
    before = _indexes(engine)
    # new tagged rows first (the indexes are dropped), then rows known by serial only
    untagged = "".join(f";SN{i:05d};Portable;En stock;;Site 1\n" for i in range(1, 8))
    path = write("mixed.csv", HEADER + _rows(14, start=21) + untagged)
    report = import_file(engine, path, chunk_size=7)
    assert (report.created, report.updated) == (14, 7)
    got = devices(engine)
    assert len(got) == 34 and got["PC-3"]["status"] == "in_stock"
    assert _indexes(engine) == before


def test_a_failed_large_import_leaves_rows_and_indexes_as_they_were(engine, write, big) -> None:
    import_file(engine, write("ok.csv", HEADER + _rows(3)))
    before, schema = snapshot(engine), _indexes(engine)
    bad = HEADER + _rows(30, start=10) + "PC-99;SN99;Portable;En service;32/01/2020;Site 1\n"
    with pytest.raises(ImportFailed) as info:
        import_file(engine, write("bad.csv", bad), chunk_size=7)
    [problem] = info.value.report.problems
    assert (problem.line, problem.column, problem.value) == (32, "acquisition_date", "32/01/2020")
    assert snapshot(engine) == before
    assert _indexes(engine) == schema


def test_a_dry_or_cancelled_large_import_leaves_the_indexes(engine, write, big) -> None:
    schema = _indexes(engine)
    path = write("big.csv", HEADER + _rows(30))
    report = import_file(engine, path, chunk_size=7, dry_run=True)
    assert report.created == 30 and not report.committed
    assert _indexes(engine) == schema and devices(engine) == {}
    cancel = threading.Event()

    def progress(rows: int) -> None:
        if rows >= 21:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(engine, path, chunk_size=7, progress=progress, cancel=cancel)
    assert _indexes(engine) == schema and devices(engine) == {}


def test_the_page_cache_is_given_back_after_an_import(sqlite_url, write) -> None:
    from sobriety.storage import db

    engine = db.make_engine(sqlite_url, pool_size=1)
    db.upgrade(engine)
    import_file(engine, write("a.csv", HEADER + _rows(3)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -2000
    engine.dispose()


_SAMPLES = ["0", "000", "N/A", "To be filled by O.E.M.", "Default string", "ABC-0", "", " 0 "]
_ALPHABET = "0aA -./\nÉœ\u0301\x00é9Z"


def _cells(rng: random.Random) -> list[str]:
    return [
        rng.choice(_SAMPLES)
        if rng.random() < 0.3
        else "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(8)))
        for _ in range(rng.randrange(30))
    ]


@pytest.mark.parametrize("seed", range(300))
def test_placeholders_found_column_wide_as_cell_by_cell(seed) -> None:
    rng = random.Random(seed)
    cells = _cells(rng)
    if seed % 3 == 0:  # the plain case: ASCII identifiers, no line break
        cells = [c.replace("\n", "").encode("ascii", "ignore").decode() for c in cells]
    out, count = drop_placeholders(cells)
    assert out == [None if is_placeholder(c) else c for c in cells]
    assert count == sum(1 for c in cells if is_placeholder(c))


@pytest.mark.parametrize("seed", range(300))
def test_ascii_labels_get_the_same_key_as_before(seed) -> None:
    rng = random.Random(seed)
    label = "".join(chr(rng.randrange(128)) for _ in range(rng.randrange(20)))
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    slow = re.sub(r"[^0-9a-z]+", "", ascii_only.replace("œ", "oe").replace("æ", "ae"))
    assert fields.normalise_label(label) == slow
