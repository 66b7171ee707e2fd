"""Hand-built devices in a real database, for the reuse tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from sobriety.app.context import Sobriety
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.storage.models import Device, Site

TODAY = dt.date(2026, 11, 29)

#: A working, Windows 11-ready laptop (3 years old, 900 EUR).
LAPTOP: dict[str, Any] = {
    "category": "laptop",
    "manufacturer": "Dell",
    "model": "Latitude 5420",
    "status": "retired",
    "condition": "working",
    "acquisition_date": dt.date(2023, 6, 1),
    "purchase_price_eur": 900.0,
    "battery_health_pct": 82.0,
    "ram_gb": 8.0,
    "storage_gb": 256.0,
    "storage_type": "ssd",
    "cpu_generation": 11,
    "tpm_version": "2.0",
    "weight_kg": 1.5,
}


def years_ago(years: float, on: dt.date = TODAY) -> dt.date:
    return on - dt.timedelta(days=round(years * 365.25))


def add_site(engine: Engine, code: str = "HQ", name: str = "Hôtel du Département") -> int:
    with db.session_scope(engine) as s:
        site = Site(code=code, name=name, kind="head_office", agents=100)
        s.add(site)
        s.flush()
        return site.id


def add_devices(engine: Engine, *devices: dict[str, Any], site_id: int | None = None) -> None:
    """Insert devices: each dict overrides :data:`LAPTOP`; ``asset_tag`` is required."""
    with db.session_scope(engine) as s:
        for i, d in enumerate(devices):
            values = {**LAPTOP, "serial": f"SN{i:05d}", "site_id": site_id, **d}
            s.add(Device(**values))


def make_app(engine: Engine, today: dt.date = TODAY, **settings: Any) -> Sobriety:
    """The application object on ``engine`` (actor "t", the shipped policy), frozen on ``today``."""
    return Sobriety(
        load_settings(database_url=engine.url.render_as_string(), actor="t", **settings),
        engine=engine,
        today=lambda: today,
    )
