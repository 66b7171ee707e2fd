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
