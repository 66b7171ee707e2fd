"""``sobriety export`` filters by site, category and status (codes, keys or labels in
either language) and writes a CSV for a French Excel; labels are read where they are
shown (``--channel vente``, ``--category "PC portable"``)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)


@pytest.fixture
def demo_db(sqlite_url: str) -> str:
    seeded = runner.invoke(app, ["--db", sqlite_url, "demo", "--devices", "600", "--seed", "3"])
    assert seeded.exit_code == 0, seeded.output
    return sqlite_url


def _run(db: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == code, result.output
    return result.output


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def test_export_filters_by_site_category_and_status_in_either_language(
    demo_db: str, tmp_path: Path
) -> None:
    everything = _rows(_export(demo_db, tmp_path / "all.csv"))
    wanted = [
        r for r in everything
        if r["site_code"] == "DEMO-HQ" and r["category"] == "laptop"
        and r["status"] == "in_service"
    ]  # fmt: skip
    assert 0 < len(wanted) < len(everything)
    for category, status in (("laptop", "in_service"), ("PC portable", "En service")):
        out = tmp_path / f"{category}.csv"
        _export(demo_db, out, "--site", "demo-hq", "--category", category, "--status", status)
        assert _rows(out) == wanted
    out = _run(demo_db, "export", str(tmp_path / "x.csv"), "--category", "portabl", code=1)
    assert "--category: 'portabl' is not one of" in out and "did you mean" in out
    out = _run(demo_db, "export", str(tmp_path / "x.csv"), "--site", "DEMO-HQQ", code=1)
    assert "did you mean DEMO-HQ" in out


def _export(db: str, path: Path, *args: str) -> Path:
    _run(db, "export", str(path), *args)
    return path


def test_excel_fr_writes_semicolons_and_decimal_commas_and_reads_back(
    demo_db: str, tmp_path: Path, sqlite_url: str
) -> None:
    plain = _rows(_export(demo_db, tmp_path / "plain.csv"))
    french = _rows(_export(demo_db, tmp_path / "fr.csv", "--excel-fr"), delimiter=";")
    assert len(french) == len(plain)
    priced = next(i for i, r in enumerate(plain) if "." in r["purchase_price_eur"])
    assert french[priced]["purchase_price_eur"] == plain[priced]["purchase_price_eur"].replace(
        ".", ","
    )
    assert _run(demo_db, "export", str(tmp_path / "x.xlsx"), "--excel-fr", code=1)
    # the importer reads it back: importing it again changes nothing
    out = _run(demo_db, "import", str(tmp_path / "fr.csv"), "--dry-run")
    assert "0 created" in out or "created: 0" in out.lower() or "0 new" in out, out


def test_french_labels_are_accepted_where_they_are_shown(demo_db: str) -> None:
    out = _run(demo_db, "estimate", "what-if", "--extend", "2", "--category", "PC portable")
    assert "laptop" in out.lower()
    out = _run(demo_db, "flag", "override", "DEMO-0000008", "--channel", "ventee", "-r", "x",
               code=1)  # fmt: skip
    assert "did you mean" in out and "Sell" in out
