"""Helpers for the import/export tests: data folder, database snapshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from sobriety.storage.models import Device, DeviceEvent, Site

DATA = Path(__file__).resolve().parent / "data"
PG_ADMIN_URL = os.environ.get(
    "SOBRIETY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import touches, in id order."""
    out = {}
    with engine.connect() as conn:
        for table in (Site.__table__, Device.__table__, DeviceEvent.__table__):
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    return out


def devices(engine: Engine) -> dict[str, dict[str, Any]]:
    """Devices by asset tag, each with its site's code, name and kind."""
    dev, site = Device.__table__, Site.__table__
    stmt = (
        select(
            dev,
            site.c.code.label("site_code"),
            site.c.name.label("site_name"),
            site.c.kind.label("site_kind"),
        )
        .select_from(dev.outerjoin(site, dev.c.site_id == site.c.id))
        .order_by(dev.c.id)
    )
    with engine.connect() as conn:
        return {r.asset_tag: dict(r._mapping) for r in conn.execute(stmt)}


def events(engine: Engine) -> list[dict[str, Any]]:
    table = DeviceEvent.__table__
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
