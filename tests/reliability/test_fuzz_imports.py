"""Fuzzing the CSV and XLSX importers through ``sobriety import`` (hypothesis).

Inputs: random bytes, CSV text in the wrong encoding, truncated files, huge
fields and files, formula injections, odd Unicode (NUL, bidi controls,
combining marks). Every run ends in a clear error (exit 1, one message, the
database exactly as before) or a correct import (exit 0, the devices the
report counts are in the database, each with its asset tag from the file);
never a traceback, never a partial write.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from .fuzz import CELL, ENCODINGS, FUZZ, HOSTILE_TEXT, assert_clean_end, cli, encode, write
from .helpers import sqlite_digest

#: Examples per target (recorded in the closing note of issue 11).
EXAMPLES = {
    "csv-bytes": 100,
    "csv-text": 150,
    "csv-inventory": 150,
    "xlsx": 80,
    "xlsx-bytes": 50,
}
HEADERS = [
    "asset_tag",
    "category",
    "manufacturer",
    "model",
    "serial",
    "site",
    "assignee",
    "acquisition_date",
    "purchase_price_eur",
    "ram_gb",
    "status",
    "notes",
    "N° inventaire",
    "Catégorie",
    "Date d'achat",
]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A database with a few devices already: an import may create or update."""
    folder = tmp_path_factory.mktemp("fuzz-db")
    path = folder / "base.db"
    seed = folder / "seed.csv"
    seed.write_text(
        "asset_tag,category,manufacturer,model\nPC-1,laptop,Dell,Latitude 5420\n"
        "PC-2,desktop,HP,ProDesk 400 G7\n",
        encoding="utf-8",
    )
    result = cli("--db", f"sqlite:///{path}", "import", str(seed))
    assert result.exit_code == 0, result.output
    return path


def _devices(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        tags = set(conn.execute(text("select asset_tag from device")).scalars())
    engine.dispose()
    return tags


def _run_import(base_db: Path, work: Path, data: bytes, suffix: str, raw: str) -> None:
    """Import ``data`` into a copy of the base database; check the verdict."""
    db_path = work / "fuzz.db"
    db_path.write_bytes(base_db.read_bytes())
    for extra in ("-wal", "-shm"):
        Path(f"{db_path}{extra}").unlink(missing_ok=True)
    before_digest, before = sqlite_digest(db_path), _devices(db_path)
    source = write(work / f"input{suffix}", data)
    result = cli("--db", f"sqlite:///{db_path}", "import", str(source))
    assert_clean_end(result, f"import {suffix}")
    if result.exit_code == 1:
        _event("refused with a message")
        assert sqlite_digest(db_path) == before_digest, "a failed import changed the database"
        return
    after = _devices(db_path)
    new = after - before
    _event("imported, devices created" if new else "imported, nothing created")
    assert before <= after
    assert f"{len(new)} created" in result.stdout.replace(",", ""), result.stdout
    readings = [raw]
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32"):
        readings.append(data.decode(encoding, errors="replace"))
    for tag in new:  # every new device comes from the file, its tag trimmed at most
        assert tag.strip() and any(tag.strip() in text for text in readings), tag


def _event(what: str) -> None:
    from hypothesis import event
    from hypothesis.errors import InvalidArgument

    with contextlib.suppress(InvalidArgument):  # outside a hypothesis test (the huge inputs)
        event(what)


# ------------------------------------------------------------------ CSV
@settings(FUZZ, max_examples=EXAMPLES["csv-bytes"])
@given(data=st.binary(max_size=3000))
@example(data=b"")
@example(data=b"\xff\xfe\x00\x00")
@example(data=b"asset_tag,category\n\x00\x00\x00")
@example(data=b"asset_tag,category\nPC-9,laptop\n"[:-7])
def test_random_bytes_as_csv(base_db: Path, tmp_path: Path, data: bytes) -> None:
    _run_import(base_db, tmp_path, data, ".csv", data.decode("latin-1"))


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    headers = draw(st.lists(st.sampled_from(HEADERS) | HOSTILE_TEXT, min_size=1, max_size=8))
    if draw(st.booleans()):
        headers = ["asset_tag", "category", *headers]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(
        st.lists(
            st.lists(
                CELL.map(str) | st.sampled_from(["laptop", "PC-1", "2021-05-17", "16"]),
                min_size=0,
                max_size=len(headers) + 2,
            ),
            max_size=12,
        )
    )
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    content = out.getvalue()
    encoded = encode(content, draw(ENCODINGS))
    if draw(st.booleans()):  # truncated anywhere, even inside a multi-byte character
        encoded = encoded[: draw(st.integers(min_value=0, max_value=len(encoded)))]
    return encoded, content


CATEGORIES = ["laptop", "desktop", "monitor", "smartphone", "tablet", "Portable", "écran"]


@st.composite
def device_tables(draw) -> list[list]:
    """A table that is mostly a valid inventory, with hostile text in its free columns."""
    headers = ["asset_tag", "category", "manufacturer", "model", "serial", "notes"]
    n = draw(st.integers(min_value=1, max_value=10))
    hostile_tags = draw(st.booleans())
    rows = []
    for i in range(n):
        tag = f"T{i}-" + (draw(HOSTILE_TEXT) if hostile_tags else "x")
        rows.append([tag, draw(st.sampled_from(CATEGORIES)), *(draw(CELL) for _ in range(4))])
    return [headers, *rows]


@st.composite
def inventory_csv(draw) -> tuple[bytes, str]:
    import csv

    table = draw(device_tables())
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";"]))).writerows(table)
    content = out.getvalue()
    encoded = encode(content, draw(ENCODINGS))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        encoded = encoded[: draw(st.integers(min_value=0, max_value=len(encoded)))]
    return encoded, content


@settings(FUZZ, max_examples=EXAMPLES["csv-inventory"])
@given(file=inventory_csv())
def test_csv_inventories_with_hostile_text(base_db: Path, tmp_path: Path, file) -> None:
    data, content = file
    _run_import(base_db, tmp_path, data, ".csv", content)


@settings(FUZZ, max_examples=EXAMPLES["csv-text"])
@given(file=csv_files())
@example(file=(b'asset_tag,category,notes\nPC-7,laptop,=HYPERLINK("http://x")\n', "PC-7"))
@example(file=("asset_tag;category\nPC-\u202e8;laptop\n".encode("cp1252", "replace"), "PC-?8"))
@example(file=("asset_tag,category\nPC-\u0301é,laptop\n".encode("utf-16"), "PC-\u0301é"))
def test_csv_text_in_any_encoding_and_shape(base_db: Path, tmp_path: Path, file) -> None:
    data, content = file
    _run_import(base_db, tmp_path, data, ".csv", content)


def test_a_huge_field_is_a_clear_error_or_imported(base_db: Path, tmp_path: Path) -> None:
    huge = "x" * 5_000_000
    data = f"asset_tag,category,notes\nPC-H,laptop,{huge}\n".encode()
    _run_import(base_db, tmp_path, data, ".csv", "PC-H")


def test_a_huge_quoted_field_with_newlines(base_db: Path, tmp_path: Path) -> None:
    huge = "line\n" * 400_000
    data = f'asset_tag,category,notes\nPC-Q,laptop,"{huge}"\n'.encode()
    _run_import(base_db, tmp_path, data, ".csv", "PC-Q")


def test_a_huge_file_of_bad_rows_ends_in_a_located_error(base_db: Path, tmp_path: Path) -> None:
    rows = "".join(f"BAD-{i},not-a-category\n" for i in range(60_000))
    data = ("asset_tag,category\n" + rows).encode()
    db_path = tmp_path / "fuzz.db"
    _run_import(base_db, tmp_path, data, ".csv", rows)
    result = cli("--db", f"sqlite:///{db_path}", "import", str(tmp_path / "input.csv"))
    assert result.exit_code == 1
    # one label on 60,000 rows is reported once, with its row count and first lines
    assert "on 60,000 rows (lines 2, 3," in result.stderr
    assert "not-a-category" in result.stderr


# ------------------------------------------------------------------ XLSX
@st.composite
def xlsx_files(draw) -> tuple[bytes, str]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if draw(st.integers(min_value=0, max_value=3)):
        headers, *rows = draw(device_tables())
    else:
        headers = draw(st.lists(st.sampled_from(HEADERS) | HOSTILE_TEXT, min_size=1, max_size=6))
        rows = draw(st.lists(st.lists(CELL, max_size=len(headers) + 1), max_size=8))
    seen = []
    for row in [headers, *rows]:
        clean = []
        for value in row:
            if isinstance(value, str):  # what a spreadsheet cell can hold
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
            elif isinstance(value, float) and value != value:
                value = None
            clean.append(value)
            seen.append(str(value))
        ws.append(clean)
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data, "\n".join(seen)


@settings(FUZZ, max_examples=EXAMPLES["xlsx"])
@given(file=xlsx_files())
def test_xlsx_with_hostile_cells_or_truncated(base_db: Path, tmp_path: Path, file) -> None:
    data, content = file
    _run_import(base_db, tmp_path, data, ".xlsx", content)


@settings(FUZZ, max_examples=EXAMPLES["xlsx-bytes"])
@given(data=st.binary(max_size=3000))
@example(data=b"PK\x03\x04")
@example(data=b"PK\x05\x06" + b"\x00" * 18)
def test_random_bytes_as_xlsx(base_db: Path, tmp_path: Path, data: bytes) -> None:
    _run_import(base_db, tmp_path, data, ".xlsx", "")
