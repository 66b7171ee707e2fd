"""The renewal plan: which devices to replace in a year, within the budget voted.

Candidates (devices in service, in stock or in repair, evaluated by the
reuse rules of :mod:`sobriety.domain.reuse.rules` at the end of the year):

- ``broken_beyond_repair``: broken, and the repair estimate is over the
  policy's ceiling for keeping it (the keep channel ruled out for that);
- ``unsupported_os``: the CPU or TPM is below the policy's supported-OS
  profile (the keep channel ruled out for that; RAM and storage can be
  upgraded);
- ``past_policy_life``: at or over the policy's review age.

Priority: the worst condition first (broken, degraded, working), then the
most serious reason (in the order above), then the highest use (in service,
in repair, in stock), then the oldest. Each replacement costs its
category's price (a sourced, editable table), refurbished where the
purchasing policy allows and the strategy asks for it. Devices are taken in
priority order while the budget lasts (one that does not fit is deferred and
cheaper ones after it can still be taken).

The plan is compared with "extend lifespans": replace only the devices
that must go (broken beyond repair, unsupported OS) and keep the others.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sobriety.domain.carbon.engine import category_arrays
from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.reuse.policy import CATEGORIES, Policy
from sobriety.domain.reuse.rules import (
    CONDITION_CODE,
    STATUS_CODE,
    Out,
    ReuseFleet,
    evaluate,
)
from sobriety.domain.texts import text_of
from sobriety.domain.vocab import Channel, Condition, Status
from sobriety.i18n import N_, _

REASONS = ("broken_beyond_repair", "unsupported_os", "past_policy_life")
REASON_LABELS = {
    "broken_beyond_repair": N_("broken beyond the repair ceiling"),
    "unsupported_os": N_("cannot run a supported OS"),
    "past_policy_life": N_("past its policy life"),
}
STRATEGIES = ("refurbished-first", "new-only")
#: Reasons that force a replacement (kept under "extend lifespans").
MUST_GO = ("broken_beyond_repair", "unsupported_os")


class PriceTableError(ValueError):
    """The price table is invalid: file, key, value and what was expected."""

    def __init__(self, path: str, key: str, value: Any, expected: str) -> None:
        self.path, self.key, self.value, self.expected = path, key, value, expected
        super().__init__(
            _("{path}: {key} = {value!r}: expected {expected}").format(
                path=path, key=key, value=value, expected=expected
            )
        )


@dataclass(frozen=True)
class PriceTable:
    path: str
    new_eur: dict[str, float]
    refurbished_eur: dict[str, float]
    refurbished_allowed: frozenset[str]
    source: str
    date: str
    default_budget_eur: float | None
    budget_source: str
    #: Per category and kind ("new"/"refurbished"): how the price was set, e.g.
    #: ``{"laptop": {"new": {"from": "inventory", "devices": 12}}}`` (empty: the file's).
    provenance: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    derive_years: int = 3
    derive_min_devices: int = 3

    def unit_price(self, category: str, refurbished: bool) -> tuple[float, bool]:
        """(price, bought refurbished) of a replacement of ``category``."""
        if (
            refurbished
            and category in self.refurbished_allowed
            and category in self.refurbished_eur
        ):
            return self.refurbished_eur[category], True
        return self.new_eur.get(category, self.new_eur.get("other", 0.0)), False


def default_prices_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "renewal_prices.toml"


def load_price_table(path: Path | str | None = None) -> PriceTable:
    path = Path(path) if path else default_prices_path()
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PriceTableError(where, "(file)", where, _("a readable file")) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PriceTableError(where, "(syntax)", str(exc), _("valid TOML")) from exc
    table = data.get("renewal")
    if not isinstance(table, dict):
        raise PriceTableError(where, "[renewal]", table, _("a table"))
    if not isinstance(table.get("source"), str) or not table["source"].strip():
        raise PriceTableError(
            where, "renewal.source", table.get("source"), _("the source of the prices")
        )
    source = text_of(table, "source")
    prices = table.get("prices")
    if not isinstance(prices, dict) or not prices:
        raise PriceTableError(where, "renewal.prices", prices, _("a table of categories"))
    new: dict[str, float] = {}
    refurb: dict[str, float] = {}
    for cat, entry in prices.items():
        key = f"renewal.prices.{cat}"
        if cat not in CATEGORIES:
            raise PriceTableError(where, key, cat, ", ".join(CATEGORIES))
        if not isinstance(entry, dict) or "new" not in entry:
            raise PriceTableError(
                where, key, entry, _("a table with a new price (and a refurbished one)")
            )
        for kind, value in entry.items():
            if kind not in ("new", "refurbished"):
                raise PriceTableError(where, f"{key}.{kind}", value, "new, refurbished")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise PriceTableError(where, f"{key}.{kind}", value, _("a price in EUR (>= 0)"))
            (new if kind == "new" else refurb)[cat] = float(value)
    allowed = table.get("refurbished_allowed", [])
    if not isinstance(allowed, list) or any(c not in CATEGORIES for c in allowed):
        raise PriceTableError(
            where, "renewal.refurbished_allowed", allowed, _("a list of categories")
        )
    budget = table.get("default_budget_eur")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int | float)):
        raise PriceTableError(where, "renewal.default_budget_eur", budget, _("an amount in EUR"))
    derive = table.get("derive", {})
    if not isinstance(derive, dict):
        raise PriceTableError(where, "renewal.derive", derive, _("a table"))
    years = derive.get("years", 3)
    least = derive.get("min_devices", 3)
    for key, value in (("years", years), ("min_devices", least)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PriceTableError(where, f"renewal.derive.{key}", value, _("a whole number (>= 0)"))
    return PriceTable(
        where, new, refurb, frozenset(allowed), source, str(table.get("date", "")),
        None if budget is None else float(budget), text_of(table, "budget_source"),
        derive_years=years, derive_min_devices=least,
    )  # fmt: skip


def derive_prices(
    table: PriceTable,
    category: np.ndarray,
    acquired: np.ndarray,
    refurbished: np.ndarray,
    price_eur: np.ndarray,
    on: dt.date,
) -> PriceTable:
    """The table with each price taken from the organisation's own purchases.

    For each category and kind (new, refurbished): the median recorded purchase
    price (EUR excl. VAT) of the devices of that category acquired in the
    ``derive_years`` years up to ``on`` (acquisition date in ]on - years, on]),
    when at least ``derive_min_devices`` such purchases are recorded; otherwise
    the file's price stays (the stated fallback). A refurbished price is derived
    only for the categories the purchasing policy lets you buy refurbished.
    ``category`` holds category names, ``acquired`` datetime64[D] (NaT unknown),
    ``refurbished`` whether the device was bought refurbished, ``price_eur``
    (NaN unknown). Donated and leased devices are not passed in.
    """
    years = table.derive_years
    new, refurb = dict(table.new_eur), dict(table.refurbished_eur)
    prov: dict[str, dict[str, dict[str, Any]]] = {}
    if years <= 0 or len(category) == 0:
        return replace(table, provenance=prov)
    end = np.datetime64(on, "D")
    try:
        start = np.datetime64(on.replace(year=on.year - years), "D")
    except ValueError:  # 29 February
        start = np.datetime64(dt.date(on.year - years, 2, 28), "D")
    acquired = np.asarray(acquired, dtype="datetime64[D]")
    price = np.asarray(price_eur, dtype=float)
    recent = ~np.isnat(acquired) & (acquired > start) & (acquired <= end) & ~np.isnan(price)
    cats = np.asarray(category, dtype=object)
    refurbished = np.asarray(refurbished, dtype=bool)
    for cat in CATEGORIES:
        in_cat = recent & (cats == cat)
        for kind, mask, prices in (
            ("new", in_cat & ~refurbished, new),
            ("refurbished", in_cat & refurbished, refurb),
        ):
            if kind == "refurbished" and cat not in table.refurbished_allowed:
                continue
            count = int(mask.sum())
            if count and count >= table.derive_min_devices:
                prices[cat] = float(np.median(price[mask]))
                prov.setdefault(cat, {})[kind] = {"from": "inventory", "devices": count}
            elif cat in prices:
                prov.setdefault(cat, {})[kind] = {"from": "table", "devices": count}
    return replace(table, new_eur=new, refurbished_eur=refurb, provenance=prov)


def parse_budget(text: str) -> float:
    """``"1 909 000 EUR"``, ``"1,909,000 €"``, ``"1909 kEUR"`` -> EUR (ValueError if not money)."""
    from sobriety.units import parse_magnitude

    raw = str(text).strip()
    # Thousands separators: spaces (also non-breaking), and commas before 3 digits.
    raw = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", raw)
    raw = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", raw)
    raw = raw.replace(",", ".").replace("€", " EUR")
    value = parse_magnitude(raw, "money")
    if value < 0:
        raise ValueError(_("a budget cannot be negative: {text!r}").format(text=text))
    return value


# --------------------------------------------------------------------------
# Candidates and the plan


@dataclass(frozen=True)
class Candidates:
    rows: np.ndarray  # fleet rows of the candidates, in priority order
    reasons: np.ndarray  # (len(rows), len(REASONS)) bool
    age: np.ndarray  # years at the evaluation date


def candidates(fleet: ReuseFleet, policy: Policy, on: dt.date) -> Candidates:
    """Devices proposed for renewal at ``on``, in priority order."""
    ev = evaluate(fleet, policy, on)
    active = np.isin(
        fleet.status,
        [STATUS_CODE[s] for s in (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR)],
    )
    n = len(fleet)
    if Channel.KEEP in ev.channels:
        keep_out = ev.out[ev.channels.index(Channel.KEEP)]
    else:
        keep_out = np.zeros(n, dtype=np.uint32)
    broken = (keep_out & np.uint32(1 << Out.REPAIR_OVER_CEILING)) != 0
    os_bits = np.uint32((1 << Out.CPU_TOO_OLD) | (1 << Out.TPM_TOO_OLD))
    unsupported = (keep_out & os_bits) != 0
    review = policy.review_age_years.per_category_array()[fleet.category]
    past = ~np.isnan(ev.age) & (ev.age >= review)
    reasons = np.stack([broken, unsupported, past], axis=1) & active[:, None]
    chosen = np.flatnonzero(reasons.any(axis=1))
    cond_rank = np.zeros(len(CONDITION_CODE), dtype=np.int64)
    cond_rank[CONDITION_CODE[Condition.BROKEN]] = 2
    cond_rank[CONDITION_CODE[Condition.DEGRADED]] = 1
    use_rank = np.zeros(len(STATUS_CODE), dtype=np.int64)
    use_rank[STATUS_CODE[Status.IN_SERVICE]] = 2
    use_rank[STATUS_CODE[Status.IN_REPAIR]] = 1
    r = reasons[chosen]
    severity = np.where(r[:, 0], 3, np.where(r[:, 1], 2, 1))
    age = np.nan_to_num(ev.age[chosen], nan=0.0)
    order = np.lexsort(
        (
            chosen,
            -age,
            -use_rank[fleet.status[chosen]],
            -severity,
            -cond_rank[fleet.condition[chosen]],
        )
    )
    return Candidates(chosen[order], r[order], ev.age[chosen][order])


@dataclass(frozen=True)
class Plan:
    year: int
    budget_eur: float
    strategy: str
    candidates: Candidates
    categories: np.ndarray  # category names of the candidates (object)
    cost_eur: np.ndarray  # per candidate
    refurbished: np.ndarray  # bool per candidate
    kgco2e: np.ndarray  # (3, len) embodied emissions of each replacement
    selected: np.ndarray  # bool per candidate

    @property
    def spent_eur(self) -> float:
        return float(self.cost_eur[self.selected].sum())


def _costs(cats: np.ndarray, prices: PriceTable, fs: FactorSet, refurbished: bool):
    arrays = category_arrays(fs)
    order = fs.category_order
    idx = np.array([order.index(c) if c in order else order.index("other") for c in cats],
                   dtype=np.int64)  # fmt: skip
    unit = {c: prices.unit_price(c, refurbished) for c in set(cats.tolist())}
    cost = np.array([unit[c][0] for c in cats], dtype=float)
    refurb = np.array([unit[c][1] for c in cats], dtype=bool)
    manuf = arrays.manufacturing[:, idx] * np.where(refurb, arrays.refurbished[:, idx], 1.0)
    kg = manuf + arrays.distribution[:, idx] + arrays.end_of_life[:, idx]
    return cost, refurb, kg


def _fill(cost: np.ndarray, budget: float, eligible: np.ndarray) -> np.ndarray:
    """Take items in order while they fit (an item that does not fit is skipped)."""
    selected = np.zeros(len(cost), dtype=bool)
    # Fast path: the prefix that fits, then the rest one by one.
    c = np.where(eligible, cost, 0.0)
    cum = np.cumsum(c)
    prefix = int(np.searchsorted(cum, budget, side="right"))
    selected[:prefix] = eligible[:prefix]
    left = budget - (cum[prefix - 1] if prefix else 0.0)
    cheapest = float(c[eligible].min()) if eligible.any() else 0.0
    for i in range(prefix, len(cost)):
        if left < cheapest:
            break
        if eligible[i] and cost[i] <= left:
            selected[i] = True
            left -= cost[i]
    return selected


def make_plan(
    fleet: ReuseFleet,
    policy: Policy,
    fs: FactorSet,
    prices: PriceTable,
    *,
    year: int,
    budget_eur: float,
    strategy: str = "refurbished-first",
) -> tuple[Plan, Plan]:
    """The plan of ``year`` within ``budget_eur``, and the "extend lifespans" alternative."""
    if strategy not in STRATEGIES:
        raise ValueError(
            _("unknown strategy {value!r}; expected {choices}").format(
                value=strategy, choices=", ".join(STRATEGIES)
            )
        )
    cand = candidates(fleet, policy, dt.date(year, 12, 31))
    cats = np.array(CATEGORIES, dtype=object)[fleet.category[cand.rows]]
    cost, refurb, kg = _costs(cats, prices, fs, strategy == "refurbished-first")
    everyone = np.ones(len(cost), dtype=bool)
    must = cand.reasons[:, 0] | cand.reasons[:, 1]
    plan = Plan(year, budget_eur, strategy, cand, cats, cost, refurb, kg,
                _fill(cost, budget_eur, everyone))  # fmt: skip
    extend = Plan(year, budget_eur, strategy, cand, cats, cost, refurb, kg,
                  _fill(cost, budget_eur, must))  # fmt: skip
    return plan, extend


def summary(plan: Plan, extend: Plan) -> dict[str, Any]:
    """The plan's figures (JSON-ready): counts, EUR and tCO2e, against extending lifespans."""

    def totals(p: Plan) -> dict[str, Any]:
        sel = p.selected
        kg = p.kgco2e[:, sel].sum(axis=1)
        return {
            "devices": int(sel.sum()),
            "refurbished": int((sel & p.refurbished).sum()),
            "cost_eur": p.spent_eur,
            "tco2e": {"value": kg[0] / 1000.0, "low": kg[1] / 1000.0, "high": kg[2] / 1000.0},
        }

    by_reason = {r: int(plan.candidates.reasons[:, k].sum()) for k, r in enumerate(REASONS)}
    cats: dict[str, dict[str, float]] = {}
    for c, s, e in zip(plan.categories, plan.selected, plan.cost_eur, strict=True):
        row = cats.setdefault(str(c), {"candidates": 0, "selected": 0, "cost_eur": 0.0})
        row["candidates"] += 1
        if s:
            row["selected"] += 1
            row["cost_eur"] += float(e)
    mine, alt = totals(plan), totals(extend)
    return {
        "year": plan.year,
        "budget_eur": plan.budget_eur,
        "strategy": plan.strategy,
        "candidates": len(plan.cost_eur),
        "candidates_cost_eur": float(plan.cost_eur.sum()),
        "by_reason": by_reason,
        "by_category": cats,
        "plan": mine,
        "extend_lifespans": alt,
        "difference": {
            "cost_eur": mine["cost_eur"] - alt["cost_eur"],
            "tco2e": mine["tco2e"]["value"] - alt["tco2e"]["value"],
        },
    }
