"""Read the inventory as a :class:`~sobriety.domain.carbon.engine.CarbonFleet` for the carbon engine.

One SELECT over the raw DB-API cursor: the database itself turns vocabulary
columns into integer codes (``CASE``) and dates into days since 1970, so the
rows come back as numbers and become one float array in a single numpy call.
Per-model factors are joined through a temporary table mapping the raw
(manufacturer, model) pairs that have a factor to their row of the
:class:`~sobriety.domain.carbon.engine.ModelFactorTable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, func, select

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import FactorSet
from sobriety.storage import model_factors
from sobriety.storage.arrays import read_sites
from sobriety.storage.models import Device, ModelFactor

_MAP_TABLE = "sobriety_model_map"


def _case(column: str, values: Sequence[str], default: int) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(values))
    return f"CASE d.{column} {whens} ELSE {default} END"


def _days(engine: Engine, column: str) -> str:
    if engine.dialect.name == "sqlite":
        return f"(julianday(d.{column}) - 2440587.5)"
    return f"(d.{column} - DATE '1970-01-01')"


def site_table(engine: Engine) -> tuple[carbon.SiteTable, np.ndarray]:
    """The sites (in id order) and their ids, to map ``site_id`` to an index."""
    cols = read_sites(engine)
    table = carbon.SiteTable(
        codes=[str(c) for c in cols["code"]],
        names=[str(n) for n in cols["name"]],
        kinds=[str(k) for k in cols["kind"]],
        countries=[str(c or "") for c in cols["country"]],
        agents=np.asarray(cols["agents"], dtype=np.float64),
    )
    return table, np.asarray(cols["id"], dtype=np.int64)


def _model_mapping(
    engine: Engine, where: str, params: dict
) -> tuple[dict[tuple[str, str], int], carbon.ModelFactorTable]:
    with engine.connect() as conn:
        has_factors = conn.execute(select(func.count()).select_from(ModelFactor)).scalar_one()
        if not has_factors:
            return {}, carbon.ModelFactorTable.empty()
        stmt = select(Device.manufacturer, Device.model).distinct()
        if where:
            stmt = stmt.where(Device.asset_tag == params["tag"])
        pairs = conn.execute(stmt).all()
    return model_factors.lookup_table(engine, [(m, mo) for m, mo in pairs])


def read_fleet(
    engine: Engine,
    factor_set: FactorSet,
    *,
    asset_tag: str | None = None,
    prices: bool = True,
) -> carbon.CarbonFleet:
    """Every device (or the one with ``asset_tag``) as a fleet, with sites and model factors.

    ``prices=False`` skips the purchase prices (only the what-if needs them).
    """
    sites, site_ids = site_table(engine)
    where = "WHERE d.asset_tag = :tag" if asset_tag is not None else ""
    params = {"tag": asset_tag} if asset_tag is not None else {}
    mapping, mtable = _model_mapping(engine, where, params)
    other = factor_set.category_order.index("other")
    # The three vocabulary codes travel packed in one integer (fewer Python objects).
    packed = (
        f"(1 + {_case('category', factor_set.category_order, -1)})"
        f" + 32 * {_case('acquisition_type', carbon.ACQUISITION_TYPES, 0)}"
        f" + 256 * {_case('status', carbon.STATUSES, carbon.STATUSES.index('in_service'))}"
    )
    columns = [
        packed,
        _days(engine, "acquisition_date"),
        _days(engine, "retirement_date"),
        "d.site_id",
        "d.measured_power_w",
        "d.weight_kg",
    ]
    if prices:
        columns.append("d.purchase_price_eur")
    if mapping:
        columns.append("m.idx")
    join = (
        f"LEFT JOIN {_MAP_TABLE} m ON m.manufacturer = d.manufacturer AND m.model = d.model"
        if mapping
        else ""
    )
    sql = f"SELECT {', '.join(columns)} FROM device d {join} {where} ORDER BY d.id"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if mapping:
            cur.execute(
                f"CREATE TEMPORARY TABLE {_MAP_TABLE} "
                "(manufacturer VARCHAR(120), model VARCHAR(200), idx INTEGER)"
            )
            cur.executemany(
                f"INSERT INTO {_MAP_TABLE} VALUES ({_ph(engine)}, {_ph(engine)}, {_ph(engine)})",
                [(m, mo, i) for (m, mo), i in mapping.items()],
            )
            cur.execute(f"CREATE INDEX {_MAP_TABLE}_key ON {_MAP_TABLE} (manufacturer, model)")
        if asset_tag is not None:
            cur.execute(sql.replace(":tag", _ph(engine)), (asset_tag,))
        else:
            cur.execute(sql)
        rows = cur.fetchall()
        if mapping:
            cur.execute(f"DROP TABLE {_MAP_TABLE}")
        cur.close()
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.close()
    n = len(rows)
    data = np.array(rows, dtype=np.float64).reshape(n, len(columns))
    del rows
    codes = data[:, 0].astype(np.int64)
    category = codes % 32 - 1
    notes = []
    unknown = category < 0
    if unknown.any():
        category[unknown] = other
        notes.append(f"{int(unknown.sum())} devices of an unknown category counted as 'other'.")
    site_col = data[:, 3]
    has_site = ~np.isnan(site_col)
    site = np.full(n, -1, dtype=np.int64)
    if len(site_ids):
        site[has_site] = np.searchsorted(site_ids, site_col[has_site].astype(np.int64))
    model = np.full(n, -1, dtype=np.int64)
    if mapping:
        col = data[:, -1]
        matched = ~np.isnan(col)
        model[matched] = col[matched].astype(np.int64)
    return carbon.CarbonFleet(
        category=category,
        acquired=data[:, 1],
        retired=data[:, 2],
        acquisition_type=(codes // 32) % 8,
        status=codes // 256,
        site=site,
        measured_power_w=data[:, 4],
        weight_kg=data[:, 5],
        purchase_price_eur=data[:, 6] if prices else np.full(n, np.nan),
        model=model,
        sites=sites,
        model_factors=mtable,
        notes=notes,
    )


def _ph(engine: Engine) -> str:
    return "?" if engine.dialect.name == "sqlite" else "%s"


@dataclass(frozen=True)
class DeviceHeader:
    """What identifies a device in an explanation."""

    asset_tag: str
    category: str
    manufacturer: str | None
    model: str | None
    site: str | None
    status: str
    acquisition_date: object
    acquisition_type: str
    retirement_date: object


def device_header(engine: Engine, asset_tag: str) -> DeviceHeader | None:
    from sobriety.storage.models import Site

    with engine.connect() as conn:
        row = conn.execute(
            select(
                Device.asset_tag,
                Device.category,
                Device.manufacturer,
                Device.model,
                Site.name,
                Device.status,
                Device.acquisition_date,
                Device.acquisition_type,
                Device.retirement_date,
            )
            .select_from(Device)
            .join(Site, Site.id == Device.site_id, isouter=True)
            .where(Device.asset_tag == asset_tag)
        ).first()
    return DeviceHeader(*row) if row else None
