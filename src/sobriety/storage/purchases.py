"""Recycled-content purchases (loi AGEC art. 58): recording and reading them."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlmodel import Session

from sobriety.domain.report.agec import RecycledPurchase
from sobriety.storage.models import RecycledPurchaseRecord


def add_recycled(session: Session, purchase: RecycledPurchase, actor: str | None) -> int:
    """Store ``purchase`` in ``session`` (the caller commits); its id."""
    record = RecycledPurchaseRecord(
        year=purchase.year,
        amount_eur=purchase.amount_eur,
        product_type=purchase.product_type,
        description=purchase.description,
        asset_tag=purchase.asset_tag,
        actor=actor,
    )
    session.add(record)
    session.flush()
    assert record.id is not None
    return record.id


def recycled_of(engine: Engine, year: int | None = None) -> list[RecycledPurchase]:
    """The recorded recycled-content purchases (of ``year``, else all), in order."""
    query = select(RecycledPurchaseRecord).order_by(RecycledPurchaseRecord.id)
    if year is not None:
        query = query.where(RecycledPurchaseRecord.year == year)
    with Session(engine) as session:
        return [
            RecycledPurchase(r.year, r.amount_eur, r.product_type, r.description, r.asset_tag)
            for r in session.scalars(query)
        ]
