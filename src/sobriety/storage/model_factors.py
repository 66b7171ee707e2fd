"""Per-model emission factors in the database: EFD import, user entries, matching.

Per-model factors (table ``model_factor``) come from the Boavizta dataset
(``origin = "efd"``) or from users (``origin = "user"``). Inventory models are
matched to them by normalised name (:mod:`sobriety.domain.carbon.model_match`); the
matches found by name similarity are kept in ``model_match`` with their method
and confidence. For a device, a user's factor beats the dataset's, phase by
phase, and both beat the category defaults of the factor files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select

from sobriety.domain.carbon.engine import ModelFactorTable
from sobriety.domain.carbon.model_match import ModelIndex, ModelRecord, match_key
from sobriety.storage.models import Device, ModelFactor, ModelMatch, utcnow

PHASE_COLUMNS = (
    "manufacturing_kgco2e",
    "distribution_kgco2e",
    "end_of_life_kgco2e",
    "yearly_energy_kwh",
    "lifespan_years",
    "weight_kg",
    "uncertainty",
)


class ModelFactorExists(ValueError):
    """A user factor already exists for this model (use replace)."""


@dataclass(frozen=True)
class MatchedModel:
    manufacturer: str
    model: str
    devices: int
    method: str
    confidence: float
    factor_label: str


@dataclass
class MatchReport:
    factors: int = 0
    matched: list[MatchedModel] = field(default_factory=list)
    unmatched: list[tuple[str, str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def devices_matched(self) -> int:
        return sum(m.devices for m in self.matched)

    @property
    def devices_unmatched(self) -> int:
        return sum(n for _m, _mo, n in self.unmatched)

    def by_method(self) -> dict[str, tuple[int, int]]:
        """method -> (models, devices)."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for m in self.matched:
            out[m.method][0] += 1
            out[m.method][1] += m.devices
        return {k: (v[0], v[1]) for k, v in out.items()}


def _record_values(rec: ModelRecord) -> dict:
    return {
        "manufacturer": rec.manufacturer[:120],
        "model": rec.model[:200],
        "match_key": rec.match_key[:330],
        "category": rec.category,
        "total_kgco2e": rec.total_kgco2e,
        "manufacturing_kgco2e": rec.manufacturing_kgco2e,
        "distribution_kgco2e": rec.distribution_kgco2e,
        "end_of_life_kgco2e": rec.end_of_life_kgco2e,
        "uncertainty": rec.uncertainty,
        "yearly_energy_kwh": rec.yearly_energy_kwh,
        "lifespan_years": rec.lifespan_years,
        "weight_kg": rec.weight_kg,
        "origin": rec.origin,
        "source": rec.source,
        "quality": rec.quality,
        "created_at": utcnow(),
    }


def inventory_models(engine: Engine) -> list[tuple[str, str, int]]:
    """Distinct (manufacturer, model) of the inventory with their device counts."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Device.manufacturer, Device.model, func.count())
            .where(Device.manufacturer.is_not(None), Device.model.is_not(None))
            .group_by(Device.manufacturer, Device.model)
        ).all()
    return [(m, mo, int(n)) for m, mo, n in rows]


def _match_all(conn, models: Sequence[tuple[str, str, int]]) -> MatchReport:
    """Match inventory models to the dataset's factors and store the matches."""
    factors = conn.execute(
        select(ModelFactor.id, ModelFactor.match_key, ModelFactor.manufacturer, ModelFactor.model)
        .where(ModelFactor.origin == "efd")
        .order_by(ModelFactor.id)
    ).all()
    index = ModelIndex([f.match_key for f in factors])
    report = MatchReport(factors=len(factors))
    conn.execute(delete(ModelMatch))
    stored: dict[str, tuple[int, str, float]] = {}
    for manufacturer, model, count in sorted(models, key=lambda t: (-t[2], t[0], t[1])):
        found = index.match(manufacturer, model)
        if found is None:
            report.unmatched.append((manufacturer, model, count))
            continue
        fac = factors[found.index]
        report.matched.append(
            MatchedModel(
                manufacturer,
                model,
                count,
                found.method,
                found.confidence,
                f"{fac.manufacturer} {fac.model}",
            )
        )
        key = match_key(manufacturer, model)
        if key not in stored or stored[key][2] < found.confidence:
            stored[key] = (fac.id, found.method, found.confidence)
    if stored:
        now = utcnow()
        conn.execute(
            insert(ModelMatch),
            [
                {
                    "match_key": key[:330],
                    "model_factor_id": fid,
                    "method": method,
                    "confidence": conf,
                    "created_at": now,
                }
                for key, (fid, method, conf) in stored.items()
            ],
        )
    return report


def replace_efd_factors(engine: Engine, records: Sequence[ModelRecord]) -> MatchReport:
    """Replace the dataset's factors by ``records`` and match the inventory, in one transaction."""
    models = inventory_models(engine)
    with engine.begin() as conn:
        conn.execute(delete(ModelMatch))
        conn.execute(delete(ModelFactor).where(ModelFactor.origin == "efd"))
        if records:
            conn.execute(insert(ModelFactor), [_record_values(r) for r in records])
        return _match_all(conn, models)


def rematch(engine: Engine) -> MatchReport:
    """Match the inventory again (after an import) against the stored dataset factors."""
    models = inventory_models(engine)
    with engine.begin() as conn:
        return _match_all(conn, models)


def add_user_factor(engine: Engine, record: ModelRecord, *, replace: bool = False) -> int:
    """Store a user's per-model factor; returns its id."""
    values = _record_values(record)
    with engine.begin() as conn:
        existing = conn.execute(
            select(ModelFactor.id).where(
                ModelFactor.match_key == values["match_key"], ModelFactor.origin == "user"
            )
        ).scalar_one_or_none()
        if existing is not None:
            if not replace:
                raise ModelFactorExists(
                    f"a user factor already exists for {record.manufacturer} {record.model} "
                    f"(key {record.match_key}); add --replace to overwrite it"
                )
            conn.execute(
                ModelFactor.__table__.update().where(ModelFactor.id == existing).values(**values)
            )
            return int(existing)
        result = conn.execute(insert(ModelFactor).values(**values))
        return int(result.inserted_primary_key[0])


def list_factors(engine: Engine, origin: str | None = None) -> list[ModelFactor]:
    from sqlmodel import Session

    with Session(engine) as session:
        stmt = select(ModelFactor).order_by(ModelFactor.origin, ModelFactor.match_key)
        if origin:
            stmt = stmt.where(ModelFactor.origin == origin)
        return list(session.execute(stmt).scalars().all())


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ModelFactor.origin, func.count()).group_by(ModelFactor.origin)
        ).all()
        matches = conn.execute(select(func.count()).select_from(ModelMatch)).scalar_one()
    out = {o: int(n) for o, n in rows}
    out["matches"] = int(matches)
    return out


def lookup_table(
    engine: Engine, pairs: Sequence[tuple[str | None, str | None]]
) -> tuple[dict[tuple[str, str], int], ModelFactorTable]:
    """Per-model factors of the inventory models ``pairs`` (raw manufacturer, model).

    Returns a map from each matched raw pair to a row of the table, where a
    user factor's phases override the dataset's, phase by phase.
    """
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(ModelFactor)).scalar_one() == 0:
            return {}, ModelFactorTable.empty()
        cols = [ModelFactor.__table__.c[c] for c in PHASE_COLUMNS]
        base = [
            ModelFactor.id,
            ModelFactor.match_key,
            ModelFactor.origin,
            ModelFactor.manufacturer,
            ModelFactor.model,
            ModelFactor.source,
            ModelFactor.quality,
        ]
        user = {
            r.match_key: r
            for r in conn.execute(select(*base, *cols).where(ModelFactor.origin == "user"))
        }
        efd_rows = conn.execute(select(*base, *cols).where(ModelFactor.origin == "efd")).all()
        matches = dict(conn.execute(select(ModelMatch.match_key, ModelMatch.model_factor_id)).all())
    efd_by_id = {r.id: r for r in efd_rows}
    efd_by_key = {r.match_key: r for r in efd_rows}
    rows: dict[str, list] = {}
    mapping: dict[tuple[str, str], int] = {}
    position: dict[str, int] = {}
    for pair in pairs:
        if pair[0] is None or pair[1] is None:
            continue
        key = match_key(pair[0], pair[1])
        if key not in position:
            u = user.get(key)
            e = efd_by_id.get(matches[key]) if key in matches else efd_by_key.get(key)
            if u is None and e is None:
                continue
            rows[key] = [u, e]
            position[key] = len(position)
        mapping[(pair[0], pair[1])] = position[key]
    return mapping, _table(list(position), rows)


def _table(order: list[str], rows: dict[str, list]) -> ModelFactorTable:
    def col(name: str) -> np.ndarray:
        out = np.full(len(order), np.nan)
        for i, key in enumerate(order):
            u, e = rows[key]
            for r in (u, e):
                if r is not None and getattr(r, name) is not None:
                    out[i] = float(getattr(r, name))
                    break
        return out

    def meta(i: int, attr: str):
        u, e = rows[order[i]]
        parts = [getattr(r, attr) for r in (u, e) if r is not None]
        return parts[0] if attr != "source" else " / ".join(str(p) for p in parts)

    return ModelFactorTable(
        keys=list(order),
        labels=[f"{meta(i, 'manufacturer')} {meta(i, 'model')}" for i in range(len(order))],
        origins=["+".join(r.origin for r in rows[k] if r is not None) for k in order],
        sources=[meta(i, "source") for i in range(len(order))],
        qualities=[meta(i, "quality") for i in range(len(order))],
        manufacturing=col("manufacturing_kgco2e"),
        distribution=col("distribution_kgco2e"),
        end_of_life=col("end_of_life_kgco2e"),
        yearly_energy=col("yearly_energy_kwh"),
        lifespan_years=col("lifespan_years"),
        weight_kg=col("weight_kg"),
        uncertainty=col("uncertainty"),
    )
