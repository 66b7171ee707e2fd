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
    # Prices from the table (derived from the inventory), refurbished where allowed.
    prices = plan.prices
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


def test_prices_are_the_inventorys_median_purchase_of_the_last_three_years(fleet_app) -> None:
    """Hand-computed: laptops new 800/1000/1200 -> 1000, refurbished 400/500/700 -> 500;
    a laptop of 2020 (9999) is outside the 3 years; only 2 desktops: the table's 750."""
    with fleet_app.engine.begin() as conn:
        conn.execute(text("UPDATE device SET purchase_price_eur = NULL"))
        laptops = [
            r[0] for r in conn.execute(
                text("SELECT id FROM device WHERE category = 'laptop' ORDER BY id LIMIT 7")
            )
        ]  # fmt: skip
        desktops = [
            r[0] for r in conn.execute(
                text("SELECT id FROM device WHERE category = 'desktop' ORDER BY id LIMIT 2")
            )
        ]  # fmt: skip
        bought = [
            ("2024-01-10", "new", 800), ("2025-03-01", "new", 1200), ("2026-05-30", "new", 1000),
            ("2023-09-01", "refurbished", 700), ("2024-02-02", "refurbished", 400),
            ("2025-11-11", "refurbished", 500), ("2020-01-01", "new", 9999),
        ]  # fmt: skip
        for dev, (day, kind, price) in zip(laptops, bought, strict=True):
            conn.execute(
                text(
                    "UPDATE device SET acquisition_date = :d, acquisition_type = :k, "
                    "purchase_price_eur = :p WHERE id = :id"
                ),
                {"d": day, "k": kind, "p": price, "id": dev},
            )
        for dev in desktops:
            conn.execute(
                text(
                    "UPDATE device SET acquisition_date = '2025-01-01', "
                    "acquisition_type = 'new', purchase_price_eur = 5000 WHERE id = :id"
                ),
                {"id": dev},
            )
    plan = renewal.renewal_plan(fleet_app, 2027, "20 000 EUR")
    table = plan.prices
    assert table.new_eur["laptop"] == 1000
    assert table.refurbished_eur["laptop"] == 500
    assert table.new_eur["desktop"] == load_price_table().new_eur["desktop"] == 750
    shown = {(r["category"], r["kind"]): r for r in plan.summary["prices"]}
    assert shown["laptop", "new"] == {
        "category": "laptop",
        "kind": "new",
        "price_eur": 1000,
        "from": "inventory",
        "devices": 3,
    }
    assert shown["desktop", "new"]["from"] == "table" and shown["desktop", "new"]["devices"] == 2
    # The plan uses them: refurbished-first buys laptops at 500, new-only at 1000.
    laptops_planned = [r for r in plan.rows(fleet_app) if r["category"] == "Laptop"]
    assert laptops_planned and {r["cost_eur"] for r in laptops_planned} == {500}
    assert plan.plan.spent_eur <= 20_000
    new = renewal.renewal_plan(fleet_app, 2027, "20 000 EUR", "new-only")
    assert {r["cost_eur"] for r in new.rows(fleet_app) if r["category"] == "Laptop"} == {1000}
    assert new.plan.spent_eur <= 20_000
