"""The one seeding helper of the tests: a small, deterministic synthetic fleet.

Built with :func:`sobriety.storage.bulk.insert_many` (the same path as the
importer) so 100,000 devices take a second; every value is derived from the
row number, so snapshots and assertions are stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import Engine

from sobriety.storage.bulk import insert_many
from sobriety.storage.models import Device, Site

SITES = [
    ("HQ", "Hôtel du Département", "head_office", "Rennes", "35238", 900),
    ("CDAS-01", "CDAS de Fougères", "cdas", "Fougères", "35115", 40),
    ("COL-07", "Collège Anne de Bretagne", "college", "Rennes", "35238", 60),
    ("ENS-02", "Espace naturel de la Vallée", "natural_area", "Paimpont", "35211", 8),
]

MODELS = [
    ("laptop", "Dell", "Latitude 5420"),
    ("laptop", "Lenovo", "ThinkPad T14"),
    ("laptop", "HP", "EliteBook 840 G8"),
    ("desktop", "HP", "ProDesk 400 G7"),
    ("monitor", "Iiyama", "ProLite XU2493HS"),
    ("smartphone", "Samsung", "Galaxy A54"),
    ("rugged_smartphone", "Crosscall", "Core-X5"),
    ("tablet", "Apple", "iPad 9"),
    ("switch", "Cisco", "Catalyst 1000"),
    ("wifi_access_point", "Ubiquiti", "U6 Lite"),
]
STATUSES = ["in_service"] * 6 + ["in_stock", "in_repair", "retired", "in_reuse_channel"]
CONDITIONS = ["working"] * 7 + ["degraded", "degraded", "broken"]
CHANNELS = [None] * 7 + ["redeploy", "donate_association", "recycle"]

COLUMNS = (
    "asset_tag",
    "serial",
    "category",
    "manufacturer",
    "model",
    "site_id",
    "assignee",
    "acquisition_date",
    "acquisition_type",
    "purchase_price_eur",
    "status",
    "condition",
    "ram_gb",
    "storage_gb",
    "reuse_channel",
    "sensitive_data",
    "created_at",
    "updated_at",
)
#: Fixed timestamps, so that screens (and their snapshots) do not depend on the day.
STAMP = dt.datetime(2026, 2, 2, 9, 30, tzinfo=dt.UTC)


#: Devices of the synthetic fleet of the inventory, storage and TUI tests.
FLEET_SIZE = 300


def _rows(n: int, site_ids: list[int]) -> Iterator[tuple]:
    base = dt.date(2016, 1, 4)
    for i in range(n):
        cat, maker, model = MODELS[(i * 7) % len(MODELS)]
        yield (
            f"D{i:06d}",
            None if i % 13 == 5 else f"SN{(i * 7919) % 1_000_003:07d}",
            cat,
            maker,
            model,
            site_ids[i % len(site_ids)] if i % 17 != 3 else None,
            None if i % 3 == 0 else f"AG-{(i * 31) % 6000:04d}",
            base + dt.timedelta(days=(i * 37) % 3300),
            "refurbished" if i % 11 == 0 else "new",
            float(200 + (i * 53) % 1400),
            STATUSES[(i * 3) % len(STATUSES)],
            CONDITIONS[(i * 5) % len(CONDITIONS)],
            float(4 * (1 + i % 4)) if cat in ("laptop", "desktop") else None,
            float(128 * (1 + i % 4)) if cat in ("laptop", "desktop") else None,
            CHANNELS[(i * 3) % len(CHANNELS)],
            i % 4 == 0,
            STAMP,
            STAMP,
        )


def seed_fleet(engine: Engine, devices: int) -> None:
    """Insert the four sites and ``devices`` devices into a migrated, empty database."""
    with engine.begin() as conn:
        insert_many(
            conn,
            Site.__table__,
            ("code", "name", "kind", "commune", "insee_code", "agents"),
            SITES,
        )
        site_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM site ORDER BY id").all()]
        insert_many(conn, Device.__table__, COLUMNS, _rows(devices, site_ids))


# --------------------------------------------------------------------------
# The annual report's hand-checked fleet (tests/report): seven devices whose every
# figure is worked out by hand in tests/report/test_report_figures.py.

REPORT_TODAY = dt.date(2026, 6, 15)
REPORT_SITES = [("HQ", "Hôtel du Département", "head_office", 10), ("CDAS-01", "CDAS", "cdas", 5)]
#: tag, category, maker, model, site (index or None), acquired, type, price, status,
#: condition, retired, weight_kg
REPORT_DEVICES = [
    ("L1", "laptop", "Dell", "Latitude 5420", 0, dt.date(2019, 1, 1), "new", 1000.0, "gone",
     "working", dt.date(2024, 12, 15), 2.0),
    ("L2", "laptop", "Dell", "Latitude 5420", 0, dt.date(2020, 1, 1), "new", 800.0, "gone",
     "working", dt.date(2025, 7, 2), 2.5),
    ("L3", "laptop", "Lenovo", "ThinkPad T14", 1, dt.date(2025, 2, 1), "refurbished", 400.0,
     "in_service", "working", None, None),
    ("L4", "laptop", "Lenovo", "ThinkPad T14", 1, dt.date(2025, 3, 1), "new", 1200.0,
     "in_service", "broken", None, None),
    ("P1", "smartphone", "Samsung", "Galaxy A54", 0, dt.date(2025, 5, 1), "new", 300.0,
     "in_stock", "working", None, None),
    ("M1", "monitor", "Iiyama", "ProLite XU2493HS", 0, dt.date(2018, 1, 1), "new", 200.0,
     "retired", "working", dt.date(2024, 6, 1), None),
    ("D1", "desktop", "HP", "ProDesk 400 G7", None, dt.date(2021, 1, 1), "leased", 600.0,
     "in_repair", "working", None, None),
]  # fmt: skip
#: tag, date, channel
REPORT_TRANSFERS = [("L1", dt.date(2025, 3, 1), "donate_association"),
                    ("L2", dt.date(2025, 8, 1), "recycle")]  # fmt: skip
#: tag, date, method, level
REPORT_ERASURES = [
    ("L1", dt.date(2025, 2, 20), "cryptographic_erase", "purge"),
    ("L2", dt.date(2025, 7, 20), "overwrite", "clear"),
    ("M1", dt.date(2024, 7, 1), "overwrite", "clear"),
]


def seed_report_fleet(engine: Engine) -> dict[str, int]:
    """Insert the report's hand-checked fleet; returns ``asset tag -> device id``."""
    import json

    from sobriety.storage.models import DeviceEvent, Erasure

    with engine.begin() as conn:
        for code, name, kind, agents in REPORT_SITES:
            conn.execute(
                Site.__table__.insert().values(code=code, name=name, kind=kind, agents=agents)
            )
        site_ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM site ORDER BY id").all()]
        ids: dict[str, int] = {}
        for tag, cat, maker, model, site, acq, kind, price, status, cond, ret, w in REPORT_DEVICES:
            res = conn.execute(
                Device.__table__.insert().values(
                    asset_tag=tag, category=cat, manufacturer=maker, model=model,
                    site_id=None if site is None else site_ids[site], acquisition_date=acq,
                    acquisition_type=kind, purchase_price_eur=price, status=status,
                    condition=cond, retirement_date=ret, weight_kg=w, sensitive_data=False,
                    version=1, created_at=STAMP, updated_at=STAMP,
                )
            )  # fmt: skip
            ids[tag] = int(res.inserted_primary_key[0])
        for tag, day, channel in REPORT_TRANSFERS:
            details = {"channel": channel, "lot": f"LOT-{tag}", "recipient_kind": "association"}
            conn.execute(
                DeviceEvent.__table__.insert().values(
                    device_id=ids[tag], kind="transferred", actor="test",
                    date=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
                    details=json.dumps(details),
                )
            )  # fmt: skip
        for tag, day, method, level in REPORT_ERASURES:
            conn.execute(
                Erasure.__table__.insert().values(
                    device_id=ids[tag], method=method, level=level, date=day, verified=True
                )
            )
    return ids
