"""A hand-built fleet for the study tests: departures in groups, planted identifying values.

Every asset tag, serial, assignee, note, site name and site code holds the
marker ``PLANT`` so a test can grep the package for any of them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine

from sobriety.app.context import Sobriety
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.storage.models import Device, DeviceEvent, Site

TODAY = dt.date(2026, 11, 29)
YEAR = 2025
MARKER = "PLANT"

SITES = {
    "hq": ("PLANTCODE-HQ", "PLANTSITE Hôtel du Département", "head_office", "Rennes", "35238"),
    "col": ("PLANTCODE-COL", "PLANTSITE Collège des Gayeulles", "college", "Fougères", "35115"),
    "ens": ("PLANTCODE-ENS", "PLANTSITE Forêt de Paimpont", "natural_area", "Paimpont", "35211"),
}

#: (count, site, category, manufacturer, model, acquired, departure, condition, channel, weight)
DEPARTURES: list[tuple] = [
    # G1: a large group, exported as it is.
    (12, "hq", "laptop", "Dell", "Latitude 5420", dt.date(2020, 3, 1), dt.date(2025, 5, 1),
     "working", "donate_association", 1.5),
    # G2: another large group.
    (6, "col", "monitor", "Iiyama", "ProLite XU2493HS", dt.date(2017, 1, 10), dt.date(2025, 3, 1),
     "degraded", "recycle", 4.0),
    # G3 + G4: rare models of one maker, together once the model is dropped.
    (3, "hq", "laptop", "Dell", "Latitude 7420", dt.date(2020, 3, 1), dt.date(2025, 5, 1),
     "working", "donate_association", 1.4),
    (2, "hq", "laptop", "Dell", "Latitude 3420", dt.date(2020, 3, 1), dt.date(2025, 5, 1),
     "working", "donate_association", 1.7),
    # G5 + G6: the same phone at two kinds of site: together once the site kind is dropped.
    (1, "ens", "smartphone", "Samsung", "Galaxy A54", dt.date(2023, 2, 1), dt.date(2025, 9, 1),
     "working", "donate_agent", 0.2),
    (4, "hq", "smartphone", "Samsung", "Galaxy A54", dt.date(2023, 2, 1), dt.date(2025, 9, 1),
     "working", "donate_agent", 0.2),
    # A unique device: left out.
    (1, "col", "tablet", "Apple", "iPad 9", dt.date(2014, 5, 1), dt.date(2025, 6, 1),
     "broken", "recycle", 0.5),
]  # fmt: skip

#: Desktops retired in 2024, handed over (closed lot, ``transferred``) in 2025.
TRANSFERRED_2025 = 5
#: Desktops retired and gone in 2024 (no event: imported history).
GONE_2024 = 2
#: Devices still held (in service), acquired on 1 January of these years.
HELD = [
    ("laptop", dt.date(2021, 1, 1), "working"),
    ("laptop", dt.date(2022, 1, 1), "working"),
    ("monitor", dt.date(2019, 1, 1), "broken"),
]


def _identifying(i: int) -> dict[str, Any]:
    return {
        "asset_tag": f"PLANTTAG{i:05d}",
        "serial": f"PLANTSERIAL{i:05d}",
        "assignee": f"PLANTAGENT{i:04d}",
        "notes": f"PLANTNOTE private remark {i}; call Mme Durand",
        "uuid": f"PLANTUUID-{i:08d}",
    }


def seed(engine: Engine) -> dict[str, int]:
    """Write the study fleet; returns the site ids."""
    ids: dict[str, int] = {}
    i = 0
    with db.session_scope(engine) as s:
        for key, (code, name, kind, commune, insee) in SITES.items():
            site = Site(code=code, name=name, kind=kind, commune=commune, insee_code=insee)
            s.add(site)
            s.flush()
            ids[key] = site.id
        for count, site, cat, maker, model, acq, gone, cond, channel, weight in DEPARTURES:
            for _ in range(count):
                i += 1
                s.add(
                    Device(
                        **_identifying(i),
                        category=cat,
                        manufacturer=maker,
                        model=model,
                        site_id=ids[site],
                        acquisition_date=acq,
                        retirement_date=gone,
                        status="gone",
                        condition=cond,
                        reuse_channel=channel,
                        weight_kg=weight,
                    )
                )
        transferred = []
        for n in range(TRANSFERRED_2025 + GONE_2024):
            i += 1
            d = Device(
                **_identifying(i),
                category="desktop",
                manufacturer="HP",
                model="ProDesk 400 G7",
                site_id=ids["hq"],
                acquisition_date=dt.date(2018, 9, 1),
                retirement_date=dt.date(2024, 12, 15),
                status="gone",
                condition="working",
                reuse_channel="sell",
                weight_kg=5.0,
            )
            s.add(d)
            if n < TRANSFERRED_2025:
                transferred.append(d)
        s.flush()
        for d in transferred:
            s.add(
                DeviceEvent(
                    device_id=d.id,
                    kind="transferred",
                    date=dt.datetime(2025, 2, 10, 12, 0, tzinfo=dt.UTC),
                    actor="PLANTACTOR",
                    details=json.dumps({"channel": "sell", "lot": "PLANTLOT-1"}),
                )
            )
        for cat, acq, cond in HELD:
            i += 1
            s.add(
                Device(
                    **_identifying(i),
                    category=cat,
                    manufacturer="Lenovo",
                    model="ThinkPad T14",
                    site_id=ids["hq"],
                    acquisition_date=acq,
                    status="in_service",
                    condition=cond,
                    weight_kg=2.0,
                )
            )
    return ids


def outgoing_in_year() -> int:
    return sum(d[0] for d in DEPARTURES) + TRANSFERRED_2025


def make_app(engine: Engine, today: dt.date = TODAY) -> Sobriety:
    return Sobriety(
        load_settings(database_url=engine.url.render_as_string(hide_password=False), actor="t"),
        engine=engine,
        today=lambda: today,
    )
