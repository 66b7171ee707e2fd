"""``sobriety estimate what-if`` on the demo fleet: figures that add up (issue 8)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)
CASE = ("estimate", "what-if", "--extend", "2", "--category", "laptop", "--site-kind", "college")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    result = CliRunner().invoke(app, ["--db", url, "demo", "--devices", "4000", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return url


def _run(url: str, *args: str, lang: str = "en"):
    return CliRunner().invoke(app, ["--db", url, "--lang", lang, *args])


def test_what_if_on_the_demo_fleet_adds_up(demo: str) -> None:
    result = _run(demo, *CASE, "--format", "json")
    assert result.exit_code == 0, result.output
    # No float noise: kgCO2e to the gram, euros to the cent.
    assert not re.search(r"\d\.\d{4,}", result.stdout), result.stdout
    data = json.loads(result.stdout)
    assert data["devices_in_scope"] > 0 and data["precision"] == {"kgCO2e": 3, "EUR": 2}
    price = data["unit_prices_eur"]["laptop"]
    assert price and price > 0
    assert any(y["avoided_purchases"] for y in data["years"])
    for y in data["years"]:
        assert isinstance(y["avoided_purchases"], int)
        assert y["avoided_purchases"] == y["baseline_purchases"] - y["scenario_purchases"]
        assert y["avoided_eur"] == pytest.approx(y["avoided_purchases"] * price, abs=0.01)
        low, value, high = (y["avoided"][k] for k in ("low", "value", "high"))
        assert low <= value <= high
    assert data["total_eur"] == pytest.approx(sum(y["avoided_eur"] for y in data["years"]))
    per_year = data["per_year"]
    assert per_year["low"] <= per_year["value"] <= per_year["high"]


def test_what_if_table_and_csv(demo: str) -> None:
    table = _run(demo, *CASE)
    assert table.exit_code == 0, table.output
    assert "--" not in table.stdout.replace("--extend", "")  # no double minus
    assert "Unit price of a new device" in table.stdout
    out = _run(demo, *CASE, "--format", "csv", lang="fr")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 5 and {r["category"] for r in rows} == {"laptop"}
    assert {r["label"] for r in rows} == {"PC portable"}
    for r in rows:
        assert float(r["avoided_eur"]) == pytest.approx(
            int(r["avoided_purchases"]) * float(r["unit_price_eur"]), abs=0.01
        )
        assert float(r["avoided_low"]) <= float(r["avoided_kgco2e"]) <= float(r["avoided_high"])
