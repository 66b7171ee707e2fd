"""The device columns the annual report's sections share, read once.

The report used to read the device table once per section (the reuse history,
the report's extra columns, the purchase prices of the renewal plan, the
renewal's reuse fleet). :func:`read_frame` reads the union of the plain columns
those sections need in one query (:func:`sobriety.storage.arrays.read_columns`:
the same typed arrays each section read on its own) and the reuse fleet once;
each reader takes the frame instead of querying again
(:func:`sobriety.storage.reuse_events.read_history`,
:func:`sobriety.storage.report_data.read_extra`,
:func:`sobriety.storage.report_data.purchase_prices`). The carbon fleet keeps
its own read: the database computes its codes and day numbers in the query,
faster than from these columns.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from sobriety.domain.reuse.rules import ReuseFleet
from sobriety.storage.arrays import read_columns

#: The plain device columns of the frame (id order).
COLUMNS = (
    "id",
    "category",
    "acquisition_date",
    "acquisition_type",
    "sensitive_data",
    "status",
    "condition",
    "retirement_date",
    "max_dimension_cm",
    "manufacturer",
    "model",
    "purchase_price_eur",
)


@dataclass(frozen=True)
class DeviceFrame:
    """Device columns (``columns``, id order) and the reuse fleet of the same devices."""

    columns: dict[str, np.ndarray]
    reuse_ids: np.ndarray
    reuse: ReuseFleet

    def __len__(self) -> int:
        return len(self.columns["id"])


def read_frame(engine: Engine) -> DeviceFrame:
    """Read the shared columns and the reuse fleet (two queries over the device table).

    On a SQLite file the two scans overlap (the driver releases the GIL while it
    reads), as :func:`sobriety.storage.reuse_fleet.read_fleet_sqlite` overlaps its own.
    """
    from sobriety.storage.reuse_fleet import read_fleet

    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        columns = read_columns(engine, COLUMNS)
        ids, reuse = read_fleet(engine)
        return DeviceFrame(columns, ids, reuse)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(read_columns, engine, COLUMNS)
        ids, reuse = read_fleet(engine)
        columns = pending.result()
    return DeviceFrame(columns, ids, reuse)
