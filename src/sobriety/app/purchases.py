"""Use cases of the loi AGEC art. 58 purchases: the year's share, recycled-content
purchases, the national declaration.

The share (:func:`share`) and the declaration (:func:`declaration`) read the
fleet, the recorded recycled-content purchases, the targets file and the
donation grid (the arrêté of 29 February 2024's flat values, shipped in
``agec_donation_values.toml`` or the user's file set by
``SOBRIETY_DONATION_VALUES``). The declaration's CSV has the fields of the
national schema (schema.data.gouv.fr, "déclaration des biens issus du
réemploi, de la réutilisation ou intégrant des matières recyclées") in its
order. Bad input raises :class:`PurchaseInputError` naming the field, and
nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety
    from sobriety.domain.report.agec import DonationGrid, PurchaseShare, RecycledPurchase

__all__ = [
    "Declaration",
    "PurchaseInputError",
    "declaration",
    "donation_grid",
    "record_recycled",
    "recycled",
    "share",
]

#: Years a purchase may be recorded for (loi AGEC art. 58 applies from 2021).
FIRST_YEAR, LAST_YEAR = 2021, 2100


class PurchaseInputError(ValueError):
    """An argument is not acceptable; ``field`` names it as the user knows it."""

    def __init__(self, field: str, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(_("{label}: {value}").format(label=field, value=detail))


def donation_grid(app: Sobriety) -> DonationGrid:
    """The flat values of donations received (the user's file, else the shipped one)."""
    from sobriety.domain.report.agec import load_donation_grid

    return load_donation_grid(getattr(app.settings, "donation_values", None))


def recycled(app: Sobriety, year: int | None = None) -> list[RecycledPurchase]:
    """The recorded recycled-content purchases (of ``year``, else all)."""
    from sobriety.storage.purchases import recycled_of

    return recycled_of(app.engine, year)


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PurchaseInputError(
            "year", _("a year from {first} to {last}").format(first=FIRST_YEAR, last=LAST_YEAR)
        )


def share(app: Sobriety, year: int) -> PurchaseShare:
    """The AGEC share of ``year`` for "matériel informatique et téléphonie"."""
    from sobriety.domain.report.agec import purchase_share
    from sobriety.storage.carbon_fleet import read_fleet

    _check_year(year)
    fs = app.factors
    fleet = read_fleet(app.engine, fs)
    return purchase_share(
        fleet,
        year,
        app.purchase_targets,
        donations=donation_grid(app),
        recycled=recycled(app, year),
        category_order=fs.category_order,
    )


def record_recycled(
    app: Sobriety,
    *,
    year: int,
    amount_eur: float,
    description: str,
    asset_tag: str | None = None,
    product_type: str | None = None,
    session: Session | None = None,
) -> int:
    """Record a purchase with recycled content; its id.

    ``asset_tag``: the amount is part of that inventoried device's price (the
    device must exist). ``product_type`` defaults to the share's category.
    """
    from sobriety.domain.report.agec import RecycledPurchase, declaration_product_types
    from sobriety.storage import devices as repository
    from sobriety.storage.purchases import add_recycled

    _check_year(year)
    if not amount_eur > 0 or amount_eur != amount_eur:  # NaN refused too
        raise PurchaseInputError("amount", _("an amount excluding VAT above 0 EUR"))
    if not description.strip():
        raise PurchaseInputError("description", _("what was bought (text)"))
    kind = product_type or app.purchase_targets.scope
    kinds = declaration_product_types()
    if kind not in kinds:
        raise PurchaseInputError(
            "product-type",
            _("{value!r} is not one of {choices}").format(value=kind, choices=", ".join(kinds)),
        )
    tag = asset_tag.strip() if asset_tag else None

    def work(s: Session) -> int:
        if tag is not None:
            repository.get_device(session=s, asset_tag=tag)  # NotFoundError when unknown
        purchase = RecycledPurchase(year, float(amount_eur), kind, description.strip(), tag)
        return add_recycled(s, purchase, app.actor)

    return app.in_transaction(session, work)


@dataclass(frozen=True)
class Declaration:
    """The rows of the national declaration of ``year`` and the schema they follow."""

    year: int
    rows: list[dict[str, Any]]
    fields: list[str]
    #: ``"schema-declaration-biens-reemploi-reutilisation-recycle 0.1.0"``
    schema: str
    share: PurchaseShare

    def csv_text(self) -> str:
        """The CSV of the declaration: the schema's fields, in its order, UTF-8, ``,``."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.fields, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return out.getvalue()


def _cell(value: Any) -> Any:
    """Amounts with their cents and a ``.`` (the schema's "nombre réel")."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def declaration(app: Sobriety, year: int, *, siret: str | None, name: str | None) -> Declaration:
    """The national declaration of ``year``: one row per product category held.

    ``siret`` and ``name`` (raison sociale) identify the buyer: the arguments,
    else the configuration (``organisation_siret``, ``organisation_name``).
    """
    from sobriety.domain.report.agec import (
        declaration_fields,
        declaration_rows,
        declaration_schema,
    )
    from sobriety.domain.reuse.lots import LotRuleError, normalise_siret
    from sobriety.storage.carbon_fleet import read_fleet

    _check_year(year)
    siret = siret or getattr(app.settings, "organisation_siret", None)
    name = name or getattr(app.settings, "organisation_name", None)
    if not siret:
        raise PurchaseInputError("siret", _("the buyer's SIRET (14 digits) is required"))
    try:
        checked = normalise_siret(siret)
    except LotRuleError as exc:
        raise PurchaseInputError("siret", str(exc)) from exc
    if not name or not name.strip():
        raise PurchaseInputError("name", _("the buyer's raison sociale is required"))
    fs = app.factors
    fleet = read_fleet(app.engine, fs)
    grid, records = donation_grid(app), recycled(app, year)
    rows = declaration_rows(
        fleet,
        year,
        app.purchase_targets,
        siret=str(checked),
        name=name.strip(),
        donations=grid,
        recycled=records,
        category_order=fs.category_order,
    )
    schema = declaration_schema()
    return Declaration(
        year,
        rows,
        declaration_fields(),
        f"{schema['name']} {schema['version']}",
        share(app, year),
    )
