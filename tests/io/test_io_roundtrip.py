"""Export then import into an empty database gives back the same inventory."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from io_helpers import devices, snapshot
from openpyxl import load_workbook
from sqlalchemy import Engine, insert, select

from sobriety.io.exporter import EXPORT_COLUMNS, ExportError, export_inventory
from sobriety.io.importer import import_file
from sobriety.storage.models import Device, Site

FORMULAS = {
    "notes": '=SUM(A1:A3)\nsecond line; with, separators and "quotes"',
    "model": "+Plus 3",
    "assignee": "@agent-7",
    "serial": "-SN-12",
    "cpu_model": "'=already quoted",
    "os": "Windows\u202f11 (narrow no-break space)",
}
#: Fields an export does not carry: identities and bookkeeping of this database.
LOCAL = {"id", "site_id", "version", "created_at", "updated_at", "lot_id"}


def _seed(engine: Engine) -> None:
    sites = [
        {
            "code": "HQ",
            "name": "Hôtel du Département",
            "kind": "head_office",
            "commune": "Rennes",
            "insee_code": "35238",
            "agents": 1200,
        },
        {"code": "CDAS-FOU", "name": "CDAS de Fougères", "kind": "cdas", "agents": 45},
        {"code": "COL-JV", "name": "Collège Jules Verne", "kind": "college"},
        {"code": "ENS-01", "name": "Marais de Sougéal", "kind": "natural_area"},
    ]
    full = {
        "asset_tag": "CD35-0001",
        "serial": "5CG1234XYZ",
        "category": "laptop",
        "manufacturer": "Dell Inc.",
        "model": "Latitude 5420",
        "assignee": "AG-0042",
        "acquisition_date": dt.date(2021, 3, 4),
        "acquisition_type": "refurbished",
        "purchase_price_eur": 1234.56,
        "warranty_end": dt.date(2024, 3, 4),
        "status": "in_service",
        "condition": "degraded",
        "battery_health_pct": 81.5,
        "ram_gb": 16.0,
        "storage_gb": 512.0,
        "storage_type": "ssd",
        "cpu_model": "Intel Core i5-1145G7",
        "cpu_generation": 11,
        "tpm_version": "2.0",
        "screen_size_in": 15.590551181102363,
        "os": "Windows 11 Pro",
        "sensitive_data": True,
        "weight_kg": 1.4,
        "measured_power_w": 12.25,
        "retirement_date": dt.date(2026, 1, 31),
        "declared_value_eur": 120.0,
        "reuse_channel": "donate_association",
        "repair_estimate_eur": 80.0,
        "notes": "Écran « 14 pouces », clavier AZERTY",
        "uuid": "4c4c4544-0034-3010-8048-b6c04f503732",
        "last_inventory_date": dt.date(2026, 2, 27),
    }
    minimal = {
        "asset_tag": "CD35-0002",
        "category": "monitor",
        "status": "in_stock",
        "condition": "working",
        "acquisition_type": "new",
        "sensitive_data": False,
    }
    tricky = dict(minimal, asset_tag="CD35-0003", category="rugged_smartphone", **FORMULAS)
    switch = dict(
        minimal,
        asset_tag="CD35-0004",
        category="switch",
        status="gone",
        purchase_price_eur=0.1 + 0.2,
    )
    with engine.begin() as conn:
        ids = [
            conn.execute(
                insert(Site.__table__).values(s).returning(Site.__table__.c.id)
            ).scalar_one()
            for s in sites
        ]
        rows = [
            dict(full, site_id=ids[0]),
            dict(minimal, site_id=ids[1]),
            dict(tricky, site_id=ids[3]),
            dict(switch, site_id=None),
        ]
        for row in rows:
            conn.execute(insert(Device.__table__).values(row))


def _inventory(engine: Engine) -> dict[str, dict]:
    return {
        tag: {k: v for k, v in record.items() if k not in LOCAL}
        for tag, record in devices(engine).items()
    }


def _sites(engine: Engine, with_devices_only: bool = False) -> list[tuple]:
    site = Site.__table__
    cols = [
        site.c.code,
        site.c.name,
        site.c.kind,
        site.c.commune,
        site.c.insee_code,
        site.c.country,
        site.c.agents,
    ]
    stmt = select(*cols).order_by(site.c.code)
    if with_devices_only:
        stmt = stmt.where(site.c.id.in_(select(Device.__table__.c.site_id)))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt)]


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_then_import_into_an_empty_database(engine, fresh_engine, tmp_path, fmt) -> None:
    _seed(engine)
    path = tmp_path / f"inventory.{fmt}"
    report = export_inventory(engine, path)
    assert (report.devices, report.sites, report.format) == (4, 4, fmt)
    target = fresh_engine()
    result = import_file(target, path)
    assert (result.created, result.rejected, result.profile) == (4, 0, "generic")
    source, copy = _inventory(engine), _inventory(target)
    assert set(copy) == set(source)
    for tag, record in source.items():
        for name, value in record.items():
            if fmt == "xlsx" and isinstance(value, float):
                # openpyxl writes 16 significant digits (Excel itself keeps 15).
                assert copy[tag][name] == pytest.approx(value, rel=1e-15), (tag, name)
            else:
                assert copy[tag][name] == value, (tag, name)
    if fmt == "csv":  # sites travel inside device rows: code, name and kind
        assert [s[:3] for s in _sites(target)] == [s[:3] for s in _sites(engine, True)]
    else:  # the full site table travels with the devices
        assert _sites(target) == _sites(engine)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_importing_an_export_into_its_own_database_changes_nothing(engine, tmp_path, fmt):
    _seed(engine)
    path = tmp_path / f"inventory.{fmt}"
    export_inventory(engine, path)
    before = snapshot(engine)
    report = import_file(engine, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert snapshot(engine) == before


def test_csv_cells_that_look_like_formulas_are_neutralised(engine, tmp_path) -> None:
    _seed(engine)
    path = tmp_path / "inventory.csv"
    export_inventory(engine, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["asset_tag"]: r for r in csv.DictReader(fh)}
    tricky = rows["CD35-0003"]
    assert list(rows["CD35-0001"]) == list(EXPORT_COLUMNS)
    assert tricky["notes"].startswith("'=SUM(A1:A3)")
    assert tricky["model"] == "'+Plus 3"
    assert tricky["assignee"] == "'@agent-7"
    assert tricky["serial"] == "'-SN-12"
    assert tricky["cpu_model"] == "''=already quoted"
    assert rows["CD35-0001"]["notes"] == "Écran « 14 pouces », clavier AZERTY"
    for row in rows.values():
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())


def test_xlsx_cells_that_look_like_formulas_are_text(engine, tmp_path) -> None:
    _seed(engine)
    path = tmp_path / "inventory.xlsx"
    export_inventory(engine, path)
    wb = load_workbook(path)
    sheet = wb["devices"]
    header = [c.value for c in sheet[1]]
    cells = {c.value: c for c in sheet[4]}
    assert header == list(EXPORT_COLUMNS)
    for value in ("'=SUM(A1:A3)", "'+Plus 3", "'@agent-7"):
        match = next(c for v, c in cells.items() if isinstance(v, str) and v.startswith(value))
        assert match.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert sheet.cell(2, header.index("acquisition_date") + 1).is_date
    assert [c.value for c in wb["sites"][1]][:3] == ["code", "name", "kind"]


def test_json_keeps_text_as_is(engine, tmp_path) -> None:
    _seed(engine)
    path = tmp_path / "inventory.json"
    export_inventory(engine, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "sobriety-inventory"
    tricky = next(d for d in data["devices"] if d["asset_tag"] == "CD35-0003")
    assert tricky["model"] == "+Plus 3"
    assert next(s for s in data["sites"] if s["code"] == "HQ")["agents"] == 1200


def test_an_unknown_export_format_is_refused(engine, tmp_path) -> None:
    with pytest.raises(ExportError, match="--format"):
        export_inventory(engine, tmp_path / "inventory.ods")
    assert not list(tmp_path.glob("inventory*"))
