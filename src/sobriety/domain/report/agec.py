"""Loi AGEC art. 58: the share of a year's purchases from reuse or with recycled content.

The rules are sourced data files (``src/sobriety/data``):

- ``agec_purchase_targets.toml``: the product category the share is about
  ("Matériel informatique et téléphonie", arrêté of 29 February 2024), the
  category of each inventory category, and the targets of décret 2024-134
  (from 1 July 2024) and of décret 2021-254 before it
  (:func:`load_purchase_targets`);
- ``agec_donation_values.toml``: the flat value of a donation received, per
  category, from the arrêté of 29 February 2024 (:func:`load_donation_grid`);
- ``agec_declaration_schema.json``: the field list of the national
  declaration (schema.data.gouv.fr, version 0.1.0).

:func:`purchase_share` computes the share from the fleet (acquisitions of the
year in the product category: refurbished purchases at their price, donations
at the grid's value, leases left out) and the recorded recycled-content
purchases; :func:`declaration_rows` gives the rows of the declaration's CSV.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.texts import shown, text_of
from sobriety.domain.vocab import AcquisitionType, Category
from sobriety.i18n import _, clauses, ngettext

#: Acquisitions from reuse bought (at their price).
REUSE_BOUGHT = (AcquisitionType.REFURBISHED,)
#: Acquisitions received as a donation (at the grid's flat value).
DONATED = (AcquisitionType.DONATED,)
#: Leases are not purchases: left out of the share.
NOT_PURCHASED = (AcquisitionType.LEASED,)
#: The declaration's product category of IT and telephony.
IT_AND_TELEPHONY = "Matériel informatique et téléphonie"
#: Decimals of the declaration's amounts (cents).
EUR_DECIMALS = 2

_DATA = Path(__file__).resolve().parents[2] / "data"


def _codes(names: Iterable[Any], table: list[str]) -> np.ndarray:
    return np.array([table.index(str(getattr(n, "value", n))) for n in names], dtype=np.int64)


class PurchaseTargetsError(ValueError):
    """An AGEC data file is invalid: file, key, value and what was expected."""

    def __init__(self, path: str, key: str, value: Any, expected: str) -> None:
        self.path, self.key, self.value, self.expected = path, key, value, expected
        super().__init__(
            _("{path}: {key} = {value!r}: expected {expected}").format(
                path=path, key=key, value=value, expected=expected
            )
        )


# --------------------------------------------------------------------------
# Targets and scope


@dataclass(frozen=True)
class PurchaseTargets:
    """Minimum share (%) of a year's purchases from reuse or recycled content, by year.

    ``targets_pct``: the targets of the text in force (décret 2024-134);
    ``earlier_pct``: those of the text before it (décret 2021-254), in force
    until ``earlier_until``. ``categories`` maps an inventory category to
    the declaration's product category; ``scope`` is the one of the share.
    """

    targets_pct: Mapping[int, float]
    source: str
    scope: str = IT_AND_TELEPHONY
    basis: str = "spend_excl_vat"
    note: str = ""
    date: str = ""
    scope_source: str = ""
    categories: Mapping[str, str] = field(default_factory=dict)
    earlier_pct: Mapping[int, float] = field(default_factory=dict)
    earlier_source: str = ""
    earlier_until: dt.date | None = None
    earlier_note: str = ""

    def _latest(self, table: Mapping[int, float], year: int) -> float | None:
        years = [y for y in table if y <= year]
        return table[max(years)] if years else None

    def target_for(self, year: int) -> float | None:
        """The target in force in ``year``: the current text's, else the earlier text's."""
        current = self._latest(self.targets_pct, year)
        if current is not None:
            return current
        if self.earlier_until is None or year > self.earlier_until.year:
            return None
        return self._latest(self.earlier_pct, year)

    def source_for(self, year: int) -> str:
        """The text(s) that set the target of ``year`` (both in a year of transition)."""
        texts = []
        until = self.earlier_until
        if until is not None and year <= until.year and self._latest(self.earlier_pct, year):
            texts.append(shown(self.earlier_source))
        if self._latest(self.targets_pct, year) is not None and (
            until is None or year >= until.year
        ):
            texts.append(shown(self.source))
        return clauses(texts)

    def in_scope(self, category_order: Sequence[str]) -> np.ndarray:
        """(categories,) bool: the inventory categories of the share's product category."""
        return np.array([self.categories.get(c) == self.scope for c in category_order])


def default_purchase_targets_path() -> Path:
    return _DATA / "agec_purchase_targets.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    where = str(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PurchaseTargetsError(
            where, "(file)", where, _("a readable file ({reason})").format(reason=exc)
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PurchaseTargetsError(where, "(syntax)", str(exc), _("valid TOML")) from exc


def _targets(where: str, key: str, raw: object) -> dict[int, float]:
    if not isinstance(raw, dict) or not raw:
        raise PurchaseTargetsError(where, key, raw, _("a table of year = percent"))
    out: dict[int, float] = {}
    for year, value in raw.items():
        if not str(year).isdigit() or not 2000 <= int(year) <= 2100:
            raise PurchaseTargetsError(where, f"{key}.{year}", value, _("a year"))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise PurchaseTargetsError(
                where, f"{key}.{year}", value, _("a percentage from 0 to 100")
            )
        out[int(year)] = float(value)
    return dict(sorted(out.items()))


def load_purchase_targets(path: Path | str | None = None) -> PurchaseTargets:
    """Read and check the purchase-targets file (the shipped one by default)."""
    path = Path(path) if path else default_purchase_targets_path()
    where = str(path)
    data = _read_toml(path)
    table = data.get("purchases")
    if not isinstance(table, dict):
        raise PurchaseTargetsError(where, "[purchases]", table, _("a table"))
    source = table.get("source")
    if not isinstance(source, str) or not source.strip():
        raise PurchaseTargetsError(where, "purchases.source", source, _("the legal source (text)"))
    basis = table.get("basis", "spend_excl_vat")
    if basis != "spend_excl_vat":
        raise PurchaseTargetsError(where, "purchases.basis", basis, '"spend_excl_vat"')
    targets = _targets(where, "purchases.targets_pct", table.get("targets_pct"))
    scope = str(table.get("scope", IT_AND_TELEPHONY))
    categories = table.get("categories", {c.value: scope for c in Category})
    if not isinstance(categories, dict):
        raise PurchaseTargetsError(where, "purchases.categories", categories, _("a table"))
    known = {c.value for c in Category}
    for cat, kind in categories.items():
        if cat not in known:
            raise PurchaseTargetsError(
                where, f"purchases.categories.{cat}", kind, _("an inventory category")
            )
        if not isinstance(kind, str) or kind not in declaration_product_types():
            raise PurchaseTargetsError(
                where,
                f"purchases.categories.{cat}",
                kind,
                _("a product category of the national declaration"),
            )
    earlier = table.get("earlier") or {}
    if not isinstance(earlier, dict):
        raise PurchaseTargetsError(where, "purchases.earlier", earlier, _("a table"))
    until = None
    earlier_pct: dict[int, float] = {}
    if earlier:
        earlier_pct = _targets(where, "purchases.earlier.targets_pct", earlier.get("targets_pct"))
        try:
            until = dt.date.fromisoformat(str(earlier.get("until")))
        except ValueError as exc:
            raise PurchaseTargetsError(
                where, "purchases.earlier.until", earlier.get("until"), _("a date YYYY-MM-DD")
            ) from exc
    return PurchaseTargets(
        targets_pct=targets,
        source=text_of(table, "source"),
        scope=scope,
        basis=basis,
        note=text_of(table, "note"),
        date=str(table.get("date", "")),
        scope_source=text_of(table, "scope_source"),
        categories=dict(categories),
        earlier_pct=earlier_pct,
        earlier_source=text_of(earlier, "source"),
        earlier_until=until,
        earlier_note=text_of(earlier, "note"),
    )


# --------------------------------------------------------------------------
# Donations received: the arrêté's flat values


@dataclass(frozen=True)
class DonationGrid:
    """Flat value (EUR excl. VAT) of a donation received, per inventory category."""

    values_eur: Mapping[str, float]
    source: str
    url: str = ""

    def value_of(self, category: str) -> float | None:
        return self.values_eur.get(category)


def default_donation_grid_path() -> Path:
    return _DATA / "agec_donation_values.toml"


def load_donation_grid(path: Path | str | None = None) -> DonationGrid:
    """Read and check the donation grid (the shipped one by default)."""
    from sobriety.units import UnitError, parse_quantity

    path = Path(path) if path else default_donation_grid_path()
    where = str(path)
    data = _read_toml(path)
    grid = data.get("grid")
    if not isinstance(grid, dict) or not str(grid.get("source", "")).strip():
        raise PurchaseTargetsError(where, "grid.source", grid, _("the legal source (text)"))
    raw = data.get("values") or {}
    if not isinstance(raw, dict):
        raise PurchaseTargetsError(where, "values", raw, _("a table of category = amount"))
    known = {c.value for c in Category}
    values: dict[str, float] = {}
    for cat, text in raw.items():
        key = f"values.{cat}"
        if cat not in known:
            raise PurchaseTargetsError(where, key, text, _("an inventory category"))
        try:
            amount = float(parse_quantity(str(text), "money").to("EUR").magnitude)
        except UnitError as exc:
            raise PurchaseTargetsError(where, key, text, _('an amount, e.g. "150 EUR"')) from exc
        if amount < 0:
            raise PurchaseTargetsError(where, key, text, _("an amount >= 0"))
        values[cat] = amount
    return DonationGrid(values, str(grid["source"]).strip(), str(grid.get("url", "")))


# --------------------------------------------------------------------------
# Recycled-content purchases (recorded amounts)


@dataclass(frozen=True)
class RecycledPurchase:
    """A purchase with recycled content: an amount excl. VAT of one year.

    With ``asset_tag`` the amount is part of that inventoried device's price
    (it is not added to the year's spend again); without, it is a purchase
    the inventory does not hold (parts, accessories, a framework invoice),
    added to both the spend and the recycled amount.
    """

    year: int
    amount_eur: float
    product_type: str = IT_AND_TELEPHONY
    description: str = ""
    asset_tag: str | None = None


# --------------------------------------------------------------------------
# The share


@dataclass(frozen=True)
class PurchaseShare:
    """Loi AGEC art. 58: share of a year's spend on the product category from reuse,
    donations (at their flat value) or recycled content."""

    year: int
    devices: int  # acquisitions of the year in scope (purchases, donations; leases out)
    second_hand_devices: int  # refurbished and donated ones
    spend_eur: float  # priced purchases + valued donations + recycled amounts not inventoried
    second_hand_eur: float  # reuse + donations + recycled content
    unpriced: int  # purchases of the year in scope without a recorded price
    target_pct: float | None
    source: str
    scope: str = IT_AND_TELEPHONY
    reuse_eur: float = 0.0
    donated_devices: int = 0
    donated_eur: float = 0.0
    unvalued_donations: int = 0  # donations whose category has no value in the grid
    recycled_eur: float = 0.0
    #: Acquisitions of the year outside the product category (printers, network gear...).
    out_of_scope: int = 0

    @property
    def share_pct(self) -> float | None:
        return self.second_hand_eur / self.spend_eur * 100.0 if self.spend_eur > 0 else None

    @property
    def count_share_pct(self) -> float | None:
        return self.second_hand_devices / self.devices * 100.0 if self.devices else None

    @property
    def met(self) -> bool | None:
        if self.share_pct is None or self.target_pct is None:
            return None
        return self.share_pct >= self.target_pct


@dataclass(frozen=True)
class _Amounts:
    devices: int
    second_hand: int
    purchases_eur: float
    reuse_eur: float
    donated: int
    donated_eur: float
    unvalued: int
    unpriced: int


def _amounts(
    fleet: carbon.CarbonFleet,
    year: int,
    mask: np.ndarray,
    grid: DonationGrid | None,
    category_order: Sequence[str],
) -> _Amounts:
    in_year = (fleet.acquired >= carbon.year_start(year)) & (
        fleet.acquired < carbon.year_start(year + 1)
    )
    acq = fleet.acquisition_type
    types = carbon.ACQUISITION_TYPES
    held = in_year & mask & ~np.isin(acq, _codes(NOT_PURCHASED, types))
    donated = held & np.isin(acq, _codes(DONATED, types))
    bought = held & ~donated
    reuse = bought & np.isin(acq, _codes(REUSE_BOUGHT, types))
    price = fleet.purchase_price_eur
    priced = ~np.isnan(price)
    values = [None if grid is None else grid.value_of(c) for c in category_order]
    grid_values = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    donation_value = grid_values[fleet.category[donated]]
    valued = ~np.isnan(donation_value)
    return _Amounts(
        devices=int(held.sum()),
        second_hand=int((reuse | donated).sum()),
        purchases_eur=float(price[bought & priced].sum()),
        reuse_eur=float(price[reuse & priced].sum()),
        donated=int(donated.sum()),
        donated_eur=float(donation_value[valued].sum()),
        unvalued=int((~valued).sum()),
        unpriced=int((bought & ~priced).sum()),
    )


def purchase_share(
    fleet: carbon.CarbonFleet,
    year: int,
    targets: PurchaseTargets,
    *,
    donations: DonationGrid | None = None,
    recycled: Iterable[RecycledPurchase] = (),
    category_order: Sequence[str] | None = None,
) -> PurchaseShare:
    """The share (by spend excl. VAT) of ``year``'s acquisitions in the product category.

    Counted: purchases of the category (refurbished ones are reuse), donations
    at the flat value of ``donations`` (a donation without a value there is
    counted as a device, not valued), and the recycled-content purchases of
    the year. Printers, network gear and leases are not in it.
    """
    order = list(category_order or [c.value for c in Category])
    scope = targets.in_scope(order)
    mask = scope[fleet.category] if len(fleet) else np.zeros(0, dtype=bool)
    amounts = _amounts(fleet, year, mask, donations, order)
    recycled_eur, recycled_extra = _recycled(recycled, year, targets.scope)
    in_year = (fleet.acquired >= carbon.year_start(year)) & (
        fleet.acquired < carbon.year_start(year + 1)
    )
    return PurchaseShare(
        year=year,
        devices=amounts.devices,
        second_hand_devices=amounts.second_hand,
        spend_eur=amounts.purchases_eur + amounts.donated_eur + recycled_extra,
        second_hand_eur=amounts.reuse_eur + amounts.donated_eur + recycled_eur,
        unpriced=amounts.unpriced,
        target_pct=targets.target_for(year),
        source=targets.source_for(year) or shown(targets.source),
        scope=targets.scope,
        reuse_eur=amounts.reuse_eur,
        donated_devices=amounts.donated,
        donated_eur=amounts.donated_eur,
        unvalued_donations=amounts.unvalued,
        recycled_eur=recycled_eur,
        out_of_scope=int((in_year & ~mask).sum()),
    )


def _recycled(records: Iterable[RecycledPurchase], year: int, product_type: str):
    """(recycled amount, part of it not already in the inventory's prices) of the year."""
    total = extra = 0.0
    for r in records:
        if r.year != year or r.product_type != product_type:
            continue
        total += r.amount_eur
        if r.asset_tag is None:
            extra += r.amount_eur
    return total, extra


# --------------------------------------------------------------------------
# The national declaration


def default_declaration_schema_path() -> Path:
    return _DATA / "agec_declaration_schema.json"


def declaration_schema() -> dict[str, Any]:
    """The declaration's field list (Table Schema), with its source and version."""
    return json.loads(default_declaration_schema_path().read_text(encoding="utf-8"))


def declaration_fields() -> list[str]:
    return [f["name"] for f in declaration_schema()["fields"]]


def declaration_product_types() -> list[str]:
    """The values the declaration allows for ``type_produit_acquis``."""
    for f in declaration_schema()["fields"]:
        if f["name"] == "type_produit_acquis":
            return list(f["constraints"]["enum"])
    return []  # pragma: no cover - the shipped schema has the field


def declaration_rows(
    fleet: carbon.CarbonFleet,
    year: int,
    targets: PurchaseTargets,
    *,
    siret: str,
    name: str,
    donations: DonationGrid | None = None,
    recycled: Sequence[RecycledPurchase] = (),
    category_order: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """One row of the national declaration per product category the inventory holds.

    The share's category always has a row (zeros when nothing was bought);
    amounts excl. VAT rounded to the cent; ``commentaires`` says what the
    figures leave out (unpriced purchases, donations without a flat value).
    """
    order = list(category_order or [c.value for c in Category])
    others = sorted({k for k in targets.categories.values() if k != targets.scope})
    kinds = [targets.scope, *others]
    rows = []
    for kind in kinds:
        scoped = PurchaseTargets(
            targets.targets_pct,
            targets.source,
            scope=kind,
            categories=targets.categories,
            earlier_pct=targets.earlier_pct,
            earlier_until=targets.earlier_until,
        )
        share = purchase_share(
            fleet, year, scoped, donations=donations, recycled=recycled, category_order=order
        )
        if kind != targets.scope and not share.devices and not share.recycled_eur:
            continue
        comments = []
        if share.unpriced:
            comments.append(
                ngettext(
                    "{n} purchase without a recorded price is not in the amounts",
                    "{n} purchases without a recorded price are not in the amounts",
                    share.unpriced,
                ).format(n=share.unpriced)
            )
        if share.unvalued_donations:
            comments.append(
                ngettext(
                    "{n} donation received without a flat value in the grid of the arrêté "
                    "of 29 February 2024 is not in the amounts",
                    "{n} donations received without a flat value in the grid of the arrêté "
                    "of 29 February 2024 are not in the amounts",
                    share.unvalued_donations,
                ).format(n=share.unvalued_donations)
            )
        rows.append(
            {
                "annee": year,
                "siret": siret,
                "raison_sociale": name,
                "type_produit_acquis": kind,
                "montant_total": round(share.spend_eur, EUR_DECIMALS),
                "montant_reemploi_et_reutilisation": round(share.reuse_eur, EUR_DECIMALS),
                "montant_produits_issus_don": round(share.donated_eur, EUR_DECIMALS),
                "montant_produits_recycles": round(share.recycled_eur, EUR_DECIMALS),
                "commentaires": "; ".join(comments),
            }
        )
    return rows
