"""``sobriety purchases``: the loi AGEC art. 58 share, recycled-content purchases and the
national declaration's CSV, validated against the schema's field list, on both back-ends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.domain.report import agec
from sobriety.storage.models import Device, RecycledPurchaseRecord, Site


def add_inventory(engine, sites: list[dict], devices: list[dict]) -> None:
    with Session(engine) as session:
        by_code = {}
        for s in sites:
            by_code[s["code"]] = site = Site(**s)
            session.add(site)
        session.flush()
        for d in devices:
            d = dict(d)
            d["site_id"] = by_code[d.pop("site")].id
            session.add(Device(**d))
        session.commit()


D = dt.date
SIRET = "21350001000011"  # a valid Luhn SIRET (invented organisation)
SITES = [{"code": "HQ", "name": "Head office", "kind": "head_office", "country": "FR"}]
DEVICES = [
    {"asset_tag": "LAP-1", "category": "laptop", "acquisition_date": D(2025, 3, 1),
     "purchase_price_eur": 1000.0, "site": "HQ"},
    {"asset_tag": "LAP-2", "category": "laptop", "acquisition_date": D(2025, 4, 1),
     "acquisition_type": "refurbished", "purchase_price_eur": 350.55, "site": "HQ"},
    {"asset_tag": "LAP-3", "category": "laptop", "acquisition_date": D(2025, 5, 1),
     "acquisition_type": "donated", "purchase_price_eur": 999.0, "site": "HQ"},
    {"asset_tag": "PRN-1", "category": "printer", "acquisition_date": D(2025, 6, 1),
     "acquisition_type": "refurbished", "purchase_price_eur": 2000.0, "site": "HQ"},
    {"asset_tag": "SW-1", "category": "switch", "acquisition_date": D(2025, 6, 1),
     "purchase_price_eur": 3000.0, "site": "HQ"},
]  # fmt: skip
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)


@pytest.fixture
def run(engine, db_url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    add_inventory(engine, SITES, DEVICES)
    grid = tmp_path / "donations.toml"
    grid.write_text(
        '[grid]\nsource = "arrêté du 29 février 2024, annexe (values of this test)"\n'
        '[values]\nlaptop = "150 EUR"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOBRIETY_DONATION_VALUES", str(grid))
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(app, ["--db", db_url, "--lang", "en", *args])

    return _run


def _validate(path: Path) -> list[str]:
    """Every error of ``path`` against the shipped field list (frictionless, Table Schema)."""
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(agec.declaration_schema())
    report = Resource(path=path.name, basepath=str(path.parent), schema=schema).validate()
    return [e.message for task in report.tasks for e in task.errors]


def test_the_declaration_follows_the_national_schema(run, tmp_path: Path) -> None:
    recorded = run("purchases", "record-recycled", "-y", "2025", "--amount", "240",
                   "--description", "docking stations, 30 % recycled plastic")  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    out = tmp_path / "declaration-2025.csv"
    result = run("purchases", "declaration", "--year", "2025", "--siret", SIRET,
                 "--name", "Département d'Exemple", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "schema schema-declaration-biens-reemploi-reutilisation-recycle 0.1.0" in result.stdout
    assert _validate(out) == []
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == agec.declaration_fields()
    it = next(r for r in rows if r["type_produit_acquis"] == "Matériel informatique et téléphonie")
    # laptops: 1000 new + 350.55 refurbished + the donation at the grid's 150 (not its 999)
    # + 240 of recycled-content purchases not in the inventory; the switch is in no category
    assert it["montant_total"] == "1740.55"
    assert it["montant_reemploi_et_reutilisation"] == "350.55"
    assert it["montant_produits_issus_don"] == "150.00"
    assert it["montant_produits_recycles"] == "240.00"
    assert (it["annee"], it["siret"]) == ("2025", SIRET)
    printers = next(r for r in rows if r["type_produit_acquis"].startswith("Matériel de repro"))
    assert printers["montant_reemploi_et_reutilisation"] == "2000.00"
    again = run("purchases", "declaration", "-y", "2025", "--siret", SIRET, "--name", "X",
                "-o", str(out))  # fmt: skip
    assert again.exit_code == 1 and "--force" in again.output


def test_a_csv_off_the_schema_is_caught_by_the_validation(tmp_path: Path) -> None:
    """The test's validation is real: a wrong SIRET or product category fails it."""
    bad = tmp_path / "bad.csv"
    fields = agec.declaration_fields()
    row = ["2025", "123", "X", "Ordinateurs", "1", "0", "0", "0", ""]
    bad.write_text(",".join(fields) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    errors = _validate(bad)
    assert len(errors) == 2 and any("pattern" in e for e in errors)


def test_the_share_counts_it_and_telephony_only(run) -> None:
    data = json.loads(run("purchases", "share", "-y", "2025", "-f", "json").stdout)
    assert data["scope"] == "Matériel informatique et téléphonie"
    assert (data["devices"], data["out_of_scope"]) == (3, 2)
    assert data["spend_eur"] == pytest.approx(1500.55)
    assert data["second_hand_eur"] == pytest.approx(500.55)
    assert data["target_pct"] == 20.0 and data["met"] is True
    table = run("purchases", "share", "-y", "2025").stdout
    assert "Purchases 2025, Matériel informatique et téléphonie (loi AGEC art. 58)" in table
    assert "décret n° 2024-134" in table
    before = json.loads(run("purchases", "share", "-y", "2023", "-f", "json").stdout)
    assert before["target_pct"] == 20.0 and "2021-254" in before["source"]


def test_bad_input_is_refused_and_nothing_is_written(run, engine) -> None:
    for args, message in [
        (("--amount", "0"), "--amount: an amount excluding VAT above 0 EUR"),
        (("--amount", "10", "--product-type", "Ordinateurs"), "--product-type: 'Ordinateurs'"),
        (("--amount", "10", "--device", "NOPE"), "NOPE"),
    ]:
        result = run("purchases", "record-recycled", "-y", "2025", "--description", "x", *args)
        assert result.exit_code == 1, args
        assert message in result.output
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(RecycledPurchaseRecord)) == 0
        assert session.scalar(select(func.count()).select_from(Device)) == len(DEVICES)
        assert session.scalar(select(func.count()).select_from(Site)) == 1
    no_siret = run("purchases", "declaration", "-y", "2025", "--name", "X")
    assert no_siret.exit_code == 1 and "--siret: the buyer's SIRET" in no_siret.output
    wrong = run("purchases", "declaration", "-y", "2025", "--siret", "12345678901234",
                "--name", "X")  # fmt: skip
    assert wrong.exit_code == 1 and "--siret:" in wrong.output
