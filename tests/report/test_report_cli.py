"""``sobriety report``, ``sobriety objectives`` and ``sobriety renewal`` end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()


def run(url: str, *args: str, ok: bool = True, lang: str = "en"):
    result = runner.invoke(app, ["--db", url, "--lang", lang, *args])
    assert (result.exit_code == 0) == ok, result.output
    return result


@pytest.fixture
def url(report_db, monkeypatch) -> str:
    monkeypatch.setenv("SOBRIETY_TODAY", "2026-06-15")
    return report_db[0]


def test_report_writes_the_three_files_and_a_snapshot(url, tmp_path) -> None:
    res = run(url, "report", "--year", "2025", "--lang", "fr", "--output", str(tmp_path / "r"))
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert len(names) == 3 and {n.rsplit(".", 1)[1] for n in names} == {"pdf", "html", "json"}
    assert "#1" in res.output
    fig = json.loads(next((tmp_path / "r").glob("*.json")).read_text(encoding="utf-8"))
    assert fig["lang"] == "fr" and fig["outflows"]["reuse_rate"]["rate_pct"] == 50.0
    run(url, "report", "--year", "2025", "--format", "json", "--output", str(tmp_path / "j"))
    assert [p.suffix for p in (tmp_path / "j").iterdir()] == [".json"]


def test_a_year_without_data_writes_nothing(url, tmp_path) -> None:
    res = run(url, "report", "--year", "2010", "--output", str(tmp_path / "out"), ok=False)
    assert "no data for 2010" in res.output
    assert not (tmp_path / "out").exists()
    res = run(url, "report", "--year", "2025", "--format", "docx", ok=False)
    assert "docx" in res.output


def test_objectives_show_values_trajectories_and_status(url) -> None:
    res = run(url, "objectives", "--year", "2025")
    assert "Reuse rate (décret 2023-266): 50.0 %" in res.output
    assert "trajectory: 2023 -, 2024 -, 2025 50.0 %" in res.output
    data = json.loads(run(url, "objectives", "--year", "2025", "--format", "json").output)
    laptop = next(o for o in data if o["id"] == "laptop_lifespan")
    assert laptop["on_track"] is False
    res = run(url, "objectives", "--year", "2025", lang="fr")
    assert "Taux de réemploi" in res.output


def test_renewal_lists_the_plan_and_writes_csv(url, tmp_path) -> None:
    out = tmp_path / "plan.csv"
    res = run(url, "renewal", "--year", "2027", "--budget", "1 909 000 EUR", "-o", str(out))
    assert "Renewal plan 2027: budget 1,909,000 EUR" in res.output
    assert out.is_file()
    res = run(url, "renewal", "--budget", "a lot", ok=False)
    assert "1 909 000 EUR" in res.output
