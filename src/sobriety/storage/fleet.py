"""Read the inventory as a :class:`~sobriety.domain.carbon.Fleet` for the carbon engine.

One SELECT over the raw DB-API cursor: the database itself turns vocabulary
columns into integer codes (``CASE``) and dates into days since 1970, so the
rows come back as numbers and become one float array in a single numpy call.
Per-model factors are joined through a temporary table mapping the raw
(manufacturer, model) pairs that have a factor to their row of the
:class:`~sobriety.domain.carbon.ModelFactorTable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, func, select

from sobriety.domain import carbon
from sobriety.domain.factors import FactorSet
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
    engine: Engine, factor_set: FactorSet, *, asset_tag: str | None = None
) -> carbon.Fleet:
    """Every device (or the one with ``asset_tag``) as a fleet, with sites and model factors."""
    sites, site_ids = site_table(engine)
    where = "WHERE d.asset_tag = :tag" if asset_tag is not None else ""
    params = {"tag": asset_tag} if asset_tag is not None else {}
    mapping, mtable = _model_mapping(engine, where, params)
    other = factor_set.category_order.index("other")
    select_sql = ", ".join(
        [
            _case("category", factor_set.category_order, -1),
            _days(engine, "acquisition_date"),
            _days(engine, "retirement_date"),
            _case("acquisition_type", carbon.ACQUISITION_TYPES, 0),
            _case("status", carbon.STATUSES, carbon.STATUSES.index("in_service")),
            "d.site_id",
            "d.measured_power_w",
            "d.weight_kg",
            "d.purchase_price_eur",
            "m.idx" if mapping else "-1",
        ]
    )
    join = (
        f"LEFT JOIN {_MAP_TABLE} m ON m.manufacturer = d.manufacturer AND m.model = d.model"
        if mapping
        else ""
    )
    sql = f"SELECT {select_sql} FROM device d {join} {where} ORDER BY d.id"
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
    data = np.array(rows, dtype=np.float64).reshape(len(rows), 10)
    category = data[:, 0].astype(np.int64)
    notes = []
    unknown = category < 0
    if unknown.any():
        category[unknown] = other
        notes.append(f"{int(unknown.sum())} devices of an unknown category counted as 'other'.")
    site_col = data[:, 5]
    has_site = ~np.isnan(site_col)
    site = np.full(len(rows), -1, dtype=np.int64)
    if len(site_ids):
        site[has_site] = np.searchsorted(site_ids, site_col[has_site].astype(np.int64))
    model = np.where(np.isnan(data[:, 9]), -1, data[:, 9]).astype(np.int64)
    return carbon.Fleet(
        category=category,
        acquired=data[:, 1],
        retired=data[:, 2],
        acquisition_type=data[:, 3].astype(np.int64),
        status=data[:, 4].astype(np.int64),
        site=site,
        measured_power_w=data[:, 6],
        weight_kg=data[:, 7],
        purchase_price_eur=data[:, 8],
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
