"""``sobriety study summary``: the partners' A4 summary, printed and written as PDF and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from sobriety.app import study
from sobriety.cli.main import app as cli

from .fleet import YEAR, make_app


@pytest.fixture
def region(study_engine: Engine, tmp_path: Path) -> Path:
    sob = make_app(study_engine)
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    study.export(sob, year=YEAR, organisation="Département 35", output=a)
    study.export(sob, year=YEAR, organisation="Rennes Métropole", output=b)
    return study.merge([a, b], tmp_path / "region.zip").path


def test_summary_figures(region: Path) -> None:
    s = study.read_summary(region)
    assert s.year == YEAR and s.organisations == ["Département 35", "Rennes Métropole"]
    per_year = s.per_year()
    assert per_year[0][0] == 2026  # the first forecast year is this year
    # Three held devices, two exports: each expected once per export over the five years.
    assert sum(p[1] for p in per_year) == pytest.approx(6.0)
    cap = s.capacity()
    assert cap["devices"] == pytest.approx(max(p[1] for p in per_year))
    assert cap["devices_high"] >= cap["devices"]
    shares = {org: share for org, _out, share, _fc, _fs in _shares(s)}
    assert shares == {"Département 35": 0.5, "Rennes Métropole": 0.5}


def _shares(s):
    from sobriety.domain.study.summary import org_shares

    return org_shares(s)


def test_cli_summary_writes_pdf_and_html(region: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    out = tmp_path / "synthese"
    result = CliRunner().invoke(
        cli, ["study", "summary", str(region), "--format", "pdf,html", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Departures in 2025" in result.output
    assert "Rennes Métropole" in result.output
    assert "Capacity a refurbishing sector would need" in result.output
    pdf = pdfium.PdfDocument(str(out.with_suffix(".pdf")))
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = pdf[0].get_textpage().get_text_range()
    assert "Rennes Métropole" in text and "Expected departures per year" in text
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "<svg" in page and "Département 35" in page and "<table>" in page


def test_summary_refuses_a_bad_format_or_package(region: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["study", "summary", str(region), "--format", "docx"])
    assert result.exit_code == 1 and "docx" in result.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"nothing")
    result = CliRunner().invoke(cli, ["study", "summary", str(junk)])
    assert result.exit_code == 1 and str(junk) in result.output


def test_summary_in_french(region: Path) -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "study", "summary", str(region)])
    assert result.exit_code == 0, result.output
    assert "Sorties en 2025\u00a0:" in result.output
    assert "Capacité nécessaire à une filière de reconditionnement" in result.output
