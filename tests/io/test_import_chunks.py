"""The import chunk by chunk: each chunk read and checked, then matched and written.

Across chunks a user sees problems and rejected rows in file order (checking
and matching problems interleaved), each lookup seeing the rows written
before it, a failure in any chunk rolling everything back, and the process's
garbage collector (paused for the load) left as it was.
"""

from __future__ import annotations

import csv
import gc

import pytest
from io_helpers import devices, snapshot

from sobriety.io import importer
from sobriety.io.importer import ImportFailed, import_file
from sobriety.storage import gc_pause

HEADER = "asset_tag;serial;category;status;acquisition_date;site\n"


def _body() -> str:
    """12 rows over 4 chunks of 3: bad dates (checking) and tag clashes (matching)."""
    lines = []
    for i in range(1, 13):
        tag, date = f"PC-{i}", "01/03/2021"
        if i in (2, 8):
            date = "32/01/2020"  # refused while checking the chunk
        serial = f"SN{i}"
        if i in (4, 10):  # no tag: the serial stands for it, and it is a device's tag (matching)
            tag, serial = "", f"OLD-{i}"
        lines.append(f"{tag};{serial};Portable;En service;{date};HQ\n")
    return "".join(lines)


def test_rejected_rows_come_in_file_order_across_chunks(engine, write, tmp_path) -> None:
    import_file(
        engine, write("old.csv", HEADER + "OLD-4;X4;Portable;;;HQ\nOLD-10;X10;Portable;;;HQ\n")
    )
    rejects = tmp_path / "rejects.csv"
    report = import_file(
        engine, write("mixed.csv", HEADER + _body()), skip_invalid=rejects, chunk_size=3
    )
    assert (report.created, report.rejected) == (8, 4)
    # lines 3, 9: bad dates; 5, 11: a serial that is another device's tag
    assert [p.line for p in report.problems] == [3, 5, 9, 11]
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert [r[-2] for r in rows[1:]] == ["3", "5", "9", "11"]
    assert "32/01/2020" in rows[1][-1] and "asset tag" in rows[2][-1]
    assert set(devices(engine)) == {f"PC-{i}" for i in (1, 3, 5, 6, 7, 9, 11, 12)} | {
        "OLD-4",
        "OLD-10",
    }


def test_a_later_chunk_sees_the_devices_an_earlier_one_wrote(engine, write) -> None:
    # line 2 creates SN-A (no tag: the serial is the tag), line 5 gives its real tag
    body = (
        ";SN-A;Portable;En service;;HQ\n"
        "PC-2;SN2;Portable;En service;;HQ\n"
        "PC-3;SN3;Portable;En service;;HQ\n"
        "PC-A;SN-A;Portable;En stock;;HQ\n"
    )
    report = import_file(engine, write("relabel.csv", HEADER + body), chunk_size=3)
    assert (report.created, report.updated) == (3, 1)
    got = devices(engine)
    assert "SN-A" not in got and got["PC-A"]["status"] == "in_stock"


def test_a_write_failing_in_a_later_chunk_rolls_back_everything(engine, write, monkeypatch) -> None:
    before = snapshot(engine)
    real = importer.DeviceWrites._create
    calls = []

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(self, *args)

    monkeypatch.setattr(importer.DeviceWrites, "_create", failing)
    body = "".join(f"PC-{i};SN{i};Portable;En service;;HQ\n" for i in range(1, 13))
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_file(engine, write("fire.csv", HEADER + body), chunk_size=3)
    assert snapshot(engine) == before
    assert gc.isenabled()


def test_a_bad_file_after_written_chunks_rolls_back_and_restores_the_collector(
    engine, write
) -> None:
    before = snapshot(engine)
    body = "".join(f"PC-{i};SN{i};Portable;En service;;HQ\n" for i in range(1, 10))
    body += "PC-99;SN99;Grille-pain;En service;;HQ\n"
    with pytest.raises(ImportFailed):
        import_file(engine, write("late.csv", HEADER + body), chunk_size=3)
    assert snapshot(engine) == before
    assert gc.isenabled()


def test_the_collector_pause_nests_and_keeps_a_disabled_collector_disabled() -> None:
    assert gc.isenabled()
    with gc_pause.gc_paused():
        with gc_pause.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_pause.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
