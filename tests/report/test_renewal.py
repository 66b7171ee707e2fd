"""The renewal plan: candidates, priority, the budget, extend lifespans, CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from openpyxl import load_workbook
from seeding import seed_fleet
from sqlalchemy import text

from sobriety.app import renewal
from sobriety.domain.report.renewal import load_price_table, parse_budget
from sobriety.storage import db

from .conftest import make_app

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def fleet_app(sqlite_url):
    eng = db.make_engine(sqlite_url)
    db.upgrade(eng)
    seed_fleet(eng, 300)
    with eng.begin() as conn:
        # D000009 (a desktop): broken, repair over the ceiling (50 % of its price);
        # D000003: a recent laptop whose CPU cannot run a supported OS.
        conn.execute(
            text(
                "UPDATE device SET condition = 'broken', status = 'in_service', "
                "repair_estimate_eur = 5000 WHERE asset_tag = 'D000009'"
            )
        )
        conn.execute(
            text(
                "UPDATE device SET cpu_generation = 5, status = 'in_service', "
                "acquisition_date = '2025-01-10' WHERE asset_tag = 'D000003'"
            )
        )
    yield make_app(sqlite_url, eng, today=TODAY)
    eng.dispose()


def test_budget_text_is_read_as_money() -> None:
    assert parse_budget("1 909 000 EUR") == 1_909_000
    assert parse_budget("1\u202f909\u202f000 €") == 1_909_000
    assert parse_budget("1,909,000 EUR") == 1_909_000
    assert parse_budget("1909 kEUR") == 1_909_000
    with pytest.raises(ValueError):
        parse_budget("12 kg")


def test_the_plan_stays_within_budget_worst_first(fleet_app) -> None:
    plan = renewal.renewal_plan(fleet_app, 2027, "5 000 EUR")
    p = plan.plan
    assert p.spent_eur <= 5000
    assert plan.summary["plan"]["cost_eur"] == pytest.approx(p.spent_eur)
    rows = plan.rows(fleet_app)
    assert len(rows) == plan.summary["candidates"] > 0
    # The broken one beyond repair first; then the worst condition first (degraded before
    # working), the most serious reason first within a condition.
    assert rows[0]["asset_tag"] == "D000009" and "repair ceiling" in rows[0]["reasons"]
    assert rows[0]["selected"]
    conditions = dict(
        fleet_app.engine.connect().execute(text("SELECT asset_tag, condition FROM device")).all()
    )
    rank = {"broken": 2, "degraded": 1, "working": 0}
    ranks = [rank[conditions[r["asset_tag"]]] for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    working = [r for r in rows if conditions[r["asset_tag"]] == "working"]
    assert working[0]["asset_tag"] == "D000003" and "supported OS" in working[0]["reasons"]
    # Prices from the table, refurbished where allowed.
    prices = load_price_table()
    for r in rows:
        assert r["cost_eur"] in set(prices.new_eur.values()) | set(prices.refurbished_eur.values())
    # Everything taken fits; anything left out would not have fitted in what was left.
    left = 5000 - p.spent_eur
    assert all(r["cost_eur"] > left for r in rows if not r["selected"])
    # Extending lifespans renews only the two that must go.
    alt = plan.summary["extend_lifespans"]
    assert alt["devices"] == 2
    assert alt["cost_eur"] <= plan.summary["plan"]["cost_eur"]
    assert plan.summary["difference"]["tco2e"] >= 0


def test_a_budget_covering_everything_takes_every_candidate(fleet_app) -> None:
    plan = renewal.renewal_plan(fleet_app, 2027, "1 909 000 EUR")
    assert plan.summary["plan"]["devices"] == plan.summary["candidates"]
    new = renewal.renewal_plan(fleet_app, 2027, "1 909 000 EUR", "new-only")
    assert new.summary["plan"]["refurbished"] == 0
    assert new.summary["plan"]["cost_eur"] > plan.summary["plan"]["cost_eur"]
    assert new.summary["plan"]["tco2e"]["value"] > plan.summary["plan"]["tco2e"]["value"]


def test_csv_and_xlsx_hold_every_candidate(fleet_app, tmp_path) -> None:
    plan = renewal.renewal_plan(fleet_app, 2027, "5000 EUR")
    out_csv = renewal.write_plan(fleet_app, plan, tmp_path / "plan.csv")
    out_xlsx = renewal.write_plan(fleet_app, plan, tmp_path / "plan.xlsx")
    with open(out_csv, encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == plan.summary["candidates"]
    assert lines[0]["asset_tag"] == "D000009"
    ws = load_workbook(out_xlsx)["Renewal plan"]
    assert ws.max_row == plan.summary["candidates"] + 1
    assert ws["B2"].value == "D000009"
    with pytest.raises(renewal.RenewalInputError, match=r"\.csv or \.xlsx"):
        renewal.write_plan(fleet_app, plan, tmp_path / "plan.docx")


def test_bad_budget_and_strategy_are_clear_errors(fleet_app) -> None:
    with pytest.raises(renewal.RenewalInputError, match="1 909 000 EUR"):
        renewal.renewal_plan(fleet_app, 2027, "lots")
    with pytest.raises(renewal.RenewalInputError, match="new-only"):
        renewal.renewal_plan(fleet_app, 2027, "10 EUR", "cheapest")
