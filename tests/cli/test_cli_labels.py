"""The CLI shows vocabulary values as labels in the active language; machine formats keep keys."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from typer.testing import CliRunner

from sobriety import i18n
from sobriety.cli.main import app
from sobriety.domain.labels import label

runner = CliRunner()
#: The demo fleet is drawn as of today, and estimate and flag default to today:
#: every test here runs on one fixed day, so the fleet is the same on any day.
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)
RAW_STATUSES = ("in_service", "in_stock", "in_repair", "in_reuse_channel")
RAW_CATEGORIES = ("wifi_access_point", "rugged_smartphone", "thin_client")
RAW_SITE_KINDS = ("head_office", "natural_area")


@pytest.fixture
def demo_db(db_url: str) -> str:
    seeded = runner.invoke(app, ["--db", db_url, "demo", "--devices", "600", "--seed", "3"])
    assert seeded.exit_code == 0, seeded.output
    return db_url


def _run(db: str, *args: str, lang: str = "en") -> str:
    result = runner.invoke(app, ["--db", db, "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _no_raw(text: str, values) -> None:
    found = [v for v in values if re.search(rf"\b{v}\b", text)]
    assert not found, f"raw identifiers shown: {found}"


def _french(kind: str, value: str) -> str:
    i18n.set_language("fr")
    try:
        return label(kind, value)
    finally:
        i18n.set_language("en")


def test_summary_shows_labels_in_each_language(demo_db: str) -> None:
    english = _run(demo_db, "summary")
    assert "  Laptop " in english and "  In service " in english
    _no_raw(english, RAW_STATUSES + RAW_CATEGORIES + ("laptop", "gone"))
    french = _run(demo_db, "summary", lang="fr")
    laptop, in_service = _french("category", "laptop"), _french("status", "in_service")
    assert laptop != "Laptop" and in_service != "In service"  # the catalog has them
    assert f"  {laptop} " in french and f"  {in_service} " in french
    _no_raw(french, RAW_STATUSES + RAW_CATEGORIES + ("laptop", "Laptop"))


def test_estimate_table_shows_labels_and_csv_keeps_keys(demo_db: str) -> None:
    table = _run(demo_db, "estimate", "-y", "2025", "--by", "site-kind", lang="fr")
    _no_raw(table, RAW_SITE_KINDS)
    assert _french("site_kind", "head_office") in table
    text = _run(demo_db, "estimate", "-y", "2025", "--by", "site-kind", "-f", "csv", lang="fr")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"head_office", "cdas", "college"} <= {r["key"] for r in rows}
    by_category = _run(demo_db, "estimate", "-y", "2025", lang="fr")
    assert _french("category", "laptop") in by_category
    _no_raw(by_category, RAW_CATEGORIES)


def test_flag_table_shows_labels_and_json_keeps_keys(demo_db: str) -> None:
    table = _run(demo_db, "flag", "--limit", "5", lang="fr")
    _no_raw(table, RAW_STATUSES + RAW_CATEGORIES + ("laptop",))
    data = json.loads(_run(demo_db, "flag", "--format", "json", lang="fr"))
    statuses = {d["status"] for d in data["devices"]}
    assert "in_service" in statuses or "retired" in statuses
