"""Reuse-channel rules, evaluated over the whole fleet at once.

:func:`evaluate` takes the fleet as numpy arrays (:class:`ReuseFleet`) and a
:class:`~sobriety.domain.reuse.policy.Policy`, and returns, for every device and
every channel, two bit masks: the rules that *rule the channel out* and the
checks that *block* it until something is done (an erasure, a value to
declare...). The recommended channel is the first channel of the policy order
that is not ruled out. Nothing here allocates per-device Python objects, so a
million devices are flagged in well under a second of CPU.

Explanations (which rule, which value, which threshold, where the rule comes
from) are built only for the devices shown, by :func:`explain`, as
:class:`Reason` codes with parameters; :mod:`sobriety.domain.reuse.text`
renders them in the active language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sobriety.domain.reuse.ages import DAYS_PER_YEAR, calendar_years  # noqa: F401
from sobriety.domain.reuse.fleet import (  # noqa: F401 - re-exported: the fleet's input
    ACTIVE_STATUSES,
    CONDITION_CODE,
    CONDITIONS,
    NO_STORAGE,
    STATUS_CODE,
    STATUSES,
    STORAGE_CODE,
    STORAGE_TYPES,
    ReuseFleet,
)
from sobriety.domain.reuse.policy import (
    CATEGORIES,
    LEVEL_RANK,
    ChannelPolicy,
    Policy,
    SpecProfile,
    Threshold,
)
from sobriety.domain.vocab import Channel, Condition, Status

_ST = STATUS_CODE
_CO = CONDITION_CODE
_ACTIVE = np.array([_ST[s] for s in ACTIVE_STATUSES])


class Out(IntEnum):
    """Rules that rule a channel out (bit positions)."""

    CHANNEL_DISABLED = 0
    CATEGORY_EXCLUDED = 1
    STATUS_EXCLUDED = 2
    CONDITION_EXCLUDED = 3
    AGE_OVER_LIMIT = 4
    VALUE_OVER_CAP = 5
    VALUE_UNDER_MIN = 6
    CPU_TOO_OLD = 7
    TPM_TOO_OLD = 8
    RAM_TOO_LOW = 9
    STORAGE_TOO_LOW = 10
    BATTERY_LOW = 11
    REPAIR_OVER_CEILING = 12
    SENSITIVE_EXCLUDED = 13
    DEVICE_GONE = 14
    NO_NEED = 15


class Block(IntEnum):
    """Checks that block a channel until something is done (bit positions)."""

    AGE_UNKNOWN = 0
    VALUE_UNKNOWN = 1
    SPECS_UNKNOWN = 2
    UPGRADE_RAM = 3
    UPGRADE_STORAGE = 4
    BATTERY_REPLACE = 5
    BATTERY_UNKNOWN = 6
    REPAIR_ESTIMATE_MISSING = 7
    ERASURE_MISSING = 8
    ERASURE_LEVEL_LOW = 9
    ERASURE_UNVERIFIED = 10
    SENSITIVE_DESTROY_STORAGE = 11


def _bit(code: IntEnum) -> np.uint32:
    return np.uint32(1 << int(code))


def _set(masks: np.ndarray, where: np.ndarray | np.bool_, code: IntEnum) -> None:
    """Set ``code``'s bit in ``masks`` where ``where`` holds (no scatter: two passes)."""
    np.bitwise_or(masks, np.asarray(where, dtype=np.uint32) << np.uint32(int(code)), out=masks)


# --------------------------------------------------------------------------
# Derived figures


def age_years(fleet: ReuseFleet, on: dt.date) -> np.ndarray:
    """Age at ``on`` in years (``nan`` when the acquisition date is unknown)."""
    return calendar_years(fleet.acquisition_date, np.datetime64(on, "D"))


def residual_value(fleet: ReuseFleet, policy: Policy, age: np.ndarray) -> np.ndarray:
    """Residual value in EUR: the declared value, else straight-line depreciation.

    ``price x (1 - age / accounting life)``, floored at 0. A device older than its
    accounting life is worth 0 even when its price is unknown; otherwise an
    unknown price gives ``nan`` (value unknown).
    """
    life = policy.accounting_life_years.per_category_array()[fleet.category]
    remaining = np.clip(1.0 - age / life, 0.0, 1.0)
    value = fleet.purchase_price_eur * remaining
    value[age >= life] = 0.0
    declared = ~np.isnan(fleet.declared_value_eur)
    value[declared] = fleet.declared_value_eur[declared]
    return value


def battery_grade_rank(policy: Policy, pct: np.ndarray) -> np.ndarray:
    """3 for A, 2 for B, 1 for C, 0 for D, -1 when unknown."""
    g = policy.battery_grades.by_category
    rank = np.zeros(len(pct), dtype=np.int8)
    rank[pct >= g["C"]] = 1
    rank[pct >= g["B"]] = 2
    rank[pct >= g["A"]] = 3
    rank[np.isnan(pct)] = -1
    return rank


GRADE_RANK = {"D": 0, "C": 1, "B": 2, "A": 3}
RANK_GRADE = {v: k for k, v in GRADE_RANK.items()}


def _cat_mask(categories: frozenset[str] | None) -> np.ndarray:
    """Boolean by category code: the category is in ``categories`` (all when None)."""
    if categories is None:
        return np.ones(len(CATEGORIES), dtype=bool)
    return np.array([c in categories for c in CATEGORIES], dtype=bool)


def _code_mask(allowed: frozenset[str] | None, names: tuple[str, ...]) -> np.ndarray:
    if allowed is None:
        return np.ones(len(names), dtype=bool)
    return np.array([n in allowed for n in names], dtype=bool)


# --------------------------------------------------------------------------
# Evaluation


@dataclass
class Evaluation:
    """Rule outcomes for a whole fleet (arrays aligned with the fleet rows)."""

    policy: Policy
    on: dt.date
    channels: tuple[Channel, ...]
    #: ``out[c, i]``: bits of :class:`Out` ruling channel ``c`` out for device ``i``.
    out: np.ndarray
    #: ``blocked[c, i]``: bits of :class:`Block` to clear before channel ``c``.
    blocked: np.ndarray
    #: Index into ``channels`` of the recommended channel (-1: none possible).
    recommended: np.ndarray
    age: np.ndarray
    value: np.ndarray
    #: Retired devices awaiting a decision, and ageing or broken devices in use.
    flagged: np.ndarray
    #: In the décret 2023-266 scope (category, size, age at retirement, no sensitive data).
    in_scope: np.ndarray
    #: Ready devices (in stock, working) per category code, for the need rules.
    stock: np.ndarray | None = None
    #: Devices asked by open redeployment requests per category code.
    requests: np.ndarray | None = None

    def open_mask(self) -> np.ndarray:
        """``[c, i]``: channel possible (not ruled out)."""
        return self.out == 0

    def recommended_channel(self, i: int) -> Channel | None:
        r = int(self.recommended[i])
        return self.channels[r] if r >= 0 else None

    def counts_by_channel(self, mask: np.ndarray | None = None) -> dict[Channel | None, int]:
        """How many (flagged, by default) devices each channel is recommended for."""
        sel = self.recommended[self.flagged if mask is None else mask]
        counts = np.bincount(sel + 1, minlength=len(self.channels) + 1)
        out: dict[Channel | None, int] = {}
        if counts[0]:
            out[None] = int(counts[0])
        for k, c in enumerate(self.channels):
            if counts[k + 1]:
                out[c] = int(counts[k + 1])
        return out


def _threshold_array(t: Threshold | None) -> np.ndarray | None:
    return None if t is None else t.per_category_array()


def _spec_checks(
    fleet: ReuseFleet, spec: SpecProfile, out: np.ndarray, blocked: np.ndarray
) -> None:
    applies = _cat_mask(spec.categories)[fleet.category]
    unknown = np.zeros(len(fleet), dtype=bool)
    parts = (
        ("cpu_generation", fleet.cpu_generation, Out.CPU_TOO_OLD, None),
        ("tpm", fleet.tpm, Out.TPM_TOO_OLD, None),
        ("ram_gb", fleet.ram_gb, Out.RAM_TOO_LOW, Block.UPGRADE_RAM),
        ("storage_gb", fleet.storage_gb, Out.STORAGE_TOO_LOW, Block.UPGRADE_STORAGE),
    )
    for part, values, out_code, upgrade_code in parts:
        minimum = spec.minimum(part)
        if minimum is None:
            continue
        nan = np.isnan(values)
        unknown |= applies & nan
        below = applies & ~nan & (values < minimum)
        if part in spec.upgradeable and upgrade_code is not None:
            _set(blocked, below, upgrade_code)
        else:
            _set(out, below, out_code)
    _set(blocked, unknown, Block.SPECS_UNKNOWN)


def _channel_masks(
    fleet: ReuseFleet,
    policy: Policy,
    cp: ChannelPolicy,
    age: np.ndarray,
    value: np.ndarray,
    battery_rank: np.ndarray,
    stock: np.ndarray | None = None,
    requests: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(fleet)
    out = np.zeros(n, dtype=np.uint32)
    blocked = np.zeros(n, dtype=np.uint32)
    cat = fleet.category
    if not cp.enabled:
        out |= _bit(Out.CHANNEL_DISABLED)
    _set(out, fleet.status == _ST[Status.GONE], Out.DEVICE_GONE)
    if cp.categories is not None:
        _set(out, ~_cat_mask(cp.categories)[cat], Out.CATEGORY_EXCLUDED)
    if cp.statuses is not None:
        _set(out, ~_code_mask(cp.statuses, STATUSES)[fleet.status], Out.STATUS_EXCLUDED)
    if cp.conditions is not None:
        _set(out, ~_code_mask(cp.conditions, CONDITIONS)[fleet.condition], Out.CONDITION_EXCLUDED)
    limit = _threshold_array(cp.max_age_years)
    if limit is not None:
        lim = limit[cat]
        has = ~np.isnan(lim)
        # "Plus de dix ans": over the limit; a device exactly at it is still within.
        _set(out, has & (age > lim), Out.AGE_OVER_LIMIT)
        _set(blocked, has & np.isnan(age), Block.AGE_UNKNOWN)
    for threshold, over in ((cp.max_value_eur, True), (cp.min_value_eur, False)):
        arr = _threshold_array(threshold)
        if arr is None:
            continue
        cap = arr[cat]
        has = ~np.isnan(cap)
        if over:
            _set(out, has & (value > cap), Out.VALUE_OVER_CAP)
        else:
            _set(out, has & (value < cap), Out.VALUE_UNDER_MIN)
        _set(blocked, has & np.isnan(value), Block.VALUE_UNKNOWN)
    if cp.specs is not None:
        _spec_checks(fleet, policy.specs[cp.specs], out, blocked)
    if cp.min_battery_grade is not None:
        has_battery = _cat_mask(policy.battery_categories)[cat]
        need = np.array(
            [GRADE_RANK.get(cp.min_battery_grade.for_category(c) or "D", 0) for c in CATEGORIES],
            dtype=np.int8,
        )[cat]
        low = has_battery & (battery_rank >= 0) & (battery_rank < need)
        if cp.battery_action == "exclude":
            _set(out, low, Out.BATTERY_LOW)
        else:
            _set(blocked, low, Block.BATTERY_REPLACE)
        _set(blocked, has_battery & (battery_rank < 0) & (need > 0), Block.BATTERY_UNKNOWN)
    ceiling = _threshold_array(cp.repair_cost_ceiling_pct)
    if ceiling is not None:
        broken = fleet.condition == _CO[Condition.BROKEN]
        pct = ceiling[cat]
        allowed = fleet.purchase_price_eur * pct / 100.0
        est = fleet.repair_estimate_eur
        known = ~np.isnan(est)
        # An unknown price gives no ceiling to compare with: the repair is ruled out.
        _set(out, broken & known & ~(est <= allowed), Out.REPAIR_OVER_CEILING)
        _set(blocked, broken & ~known, Block.REPAIR_ESTIMATE_MISSING)
    if cp.exclude_sensitive is not None and cp.exclude_sensitive.default:
        _set(out, fleet.sensitive, Out.SENSITIVE_EXCLUDED)
    need = _threshold_array(cp.need_stock_below)
    if need is not None and stock is not None:
        below = need[cat]
        has = ~np.isnan(below)
        retired = fleet.status == _ST[Status.RETIRED]
        asked = requests[cat] > 0 if requests is not None else np.zeros(n, dtype=bool)
        _set(out, retired & has & (stock[cat] >= below) & ~asked, Out.NO_NEED)
    if cp.requires_erasure:
        er = policy.erasure
        min_rank = er.min_rank_array()[cat]
        sens_rank = LEVEL_RANK[er.sensitive_level]
        needs = min_rank > 0
        if len(fleet.storage_type) == n:  # no storage: nothing to erase
            needs &= fleet.storage_type != NO_STORAGE
        sensitive = fleet.sensitive & needs
        rank = fleet.erasure_rank
        _set(blocked, sensitive & (rank < sens_rank), Block.SENSITIVE_DESTROY_STORAGE)
        plain = needs & ~fleet.sensitive
        _set(blocked, plain & (rank == 0), Block.ERASURE_MISSING)
        _set(blocked, plain & (rank > 0) & (rank < min_rank), Block.ERASURE_LEVEL_LOW)
        if er.require_verified:
            _set(blocked, needs & (rank > 0) & ~fleet.erasure_verified, Block.ERASURE_UNVERIFIED)
    return out, blocked


def stock_by_category(fleet: ReuseFleet) -> np.ndarray:
    """Ready devices (in stock and working) per category code."""
    ready = (fleet.status == _ST[Status.IN_STOCK]) & (fleet.condition == _CO[Condition.WORKING])
    return np.bincount(fleet.category[ready], minlength=len(CATEGORIES))


def evaluate(
    fleet: ReuseFleet,
    policy: Policy,
    on: dt.date,
    stock: np.ndarray | None = None,
    requests: np.ndarray | None = None,
) -> Evaluation:
    """Evaluate every channel of ``policy`` for every device of ``fleet`` at date ``on``.

    ``stock`` holds the ready devices (in stock, working) per category code of the
    whole organisation, for the channels' ``need_stock_below``; by default it is
    counted in ``fleet``. ``requests`` holds the devices asked by open redeployment
    requests per category code: a request is a need too.
    """
    if stock is None:
        stock = stock_by_category(fleet)
    age = age_years(fleet, on)
    value = residual_value(fleet, policy, age)
    battery_rank = battery_grade_rank(policy, fleet.battery_health_pct)
    channels = policy.order
    n = len(fleet)
    out = np.zeros((len(channels), n), dtype=np.uint32)
    blocked = np.zeros((len(channels), n), dtype=np.uint32)
    for k, channel in enumerate(channels):
        out[k], blocked[k] = _channel_masks(
            fleet, policy, policy.channels[channel], age, value, battery_rank, stock, requests
        )
    possible = out == 0
    recommended = np.where(possible.any(axis=0), possible.argmax(axis=0), -1).astype(np.int16)

    review = policy.review_age_years.per_category_array()[fleet.category]
    active = np.isin(fleet.status, _ACTIVE)
    ageing = active & (age >= review)
    if policy.flag_broken:
        ageing |= active & (fleet.condition == _CO[Condition.BROKEN])
    flagged = (fleet.status == _ST[Status.RETIRED]) | ageing

    return Evaluation(
        policy=policy,
        on=on,
        channels=channels,
        out=out,
        blocked=blocked,
        recommended=recommended,
        age=age,
        value=value,
        flagged=flagged,
        in_scope=in_reuse_scope(fleet, policy, on, age),
        stock=stock,
        requests=requests,
    )


def in_reuse_scope(
    fleet: ReuseFleet, policy: Policy, on: dt.date, age_on: np.ndarray | None = None
) -> np.ndarray:
    """Décret 2023-266 scope: category, under the age limit at retirement, no sensitive data.

    The age is taken at the retirement date when recorded, else at ``on``
    (``age_on``, when given, is the age at ``on``); an unknown acquisition
    date leaves the device out of scope.
    """
    rr = policy.reuse_rate
    age = age_years(fleet, on) if age_on is None else age_on.copy()
    ref = fleet.retirement_date
    if len(ref) == len(fleet):
        dated = ~np.isnat(ref)
        age[dated] = calendar_years(fleet.acquisition_date[dated], ref[dated])
    scope = _cat_mask(rr.categories)[fleet.category] & ~np.isnat(fleet.acquisition_date)
    scope &= age <= rr.max_age_years  # "plus de dix ans" is out: exactly 10 is in
    if rr.exclude_sensitive:
        scope &= ~fleet.sensitive
    if len(fleet.max_dimension_cm) == len(fleet):
        scope &= small_equipment(rr, fleet.category, fleet.max_dimension_cm)
    return scope


def small_equipment(rr: Any, category: np.ndarray, dimension_cm: np.ndarray) -> np.ndarray:
    """R543-172 II 6°: no outer dimension over the limit where it is recorded; the
    policy's stated default by category where it is not; screens whatever their size."""
    if rr.max_dimension_cm is None:
        return np.ones(len(category), dtype=bool)
    exempt = _cat_mask(rr.size_exempt)[category]
    known = ~np.isnan(dimension_cm)
    ok = np.ones(len(category), dtype=bool)
    ok[known] = dimension_cm[known] <= rr.max_dimension_cm
    if rr.unknown_size_in_scope is not None:
        default = rr.unknown_size_in_scope.per_category_array()[category]
        ok[~known] = np.nan_to_num(default[~known], nan=1.0) > 0
    return ok | exempt


def counts_toward_target(policy: Policy, channel: Channel | str | None, in_scope: bool) -> str:
    """Whether a device sent through ``channel`` counts toward the décret 2023-266 target.

    ``"yes"``, ``"no"`` or ``"with_proof"`` (only with the taker's commitment and
    proof of reuse): the channel's ``counts_as_reuse`` for a device in the
    décret's scope, ``"no"`` otherwise or without a channel. The one answer the
    flag exports, the reuse queue and the device screen show.
    """
    if channel is None or not in_scope:
        return "no"
    return policy.channels[Channel(channel)].counts_as_reuse


def decode(masks: np.ndarray, codes: type[IntEnum]) -> list[list[str]]:
    """The code names set in each mask (lower-case), for bulk exports."""
    out: list[list[str]] = [[] for _ in range(len(masks))]
    for code in codes:
        name = code.name.lower()
        for j in np.flatnonzero(masks & _bit(code)):
            out[j].append(name)
    return out


def bulk_rows(ev: Evaluation, rows: np.ndarray) -> dict[str, list[Any]]:
    """Codes for many devices at once: recommended channel, what to do, alternatives.

    The plain-language path (:func:`explain`) is for the devices shown; this one
    feeds CSV/JSON exports of a whole fleet.
    """
    rows = np.asarray(rows, dtype=np.int64)
    rec = ev.recommended[rows]
    k = np.where(rec >= 0, rec, 0)
    todo_masks = np.where(rec >= 0, ev.blocked[k, rows], 0).astype(np.uint32)
    possible = (ev.out[:, rows] == 0).T
    names = [str(c) for c in ev.channels]
    alternatives = [
        [names[j] for j in np.flatnonzero(p) if j != r] for p, r in zip(possible, rec, strict=True)
    ]
    in_scope = ev.in_scope[rows]
    return {
        "recommended": [names[r] if r >= 0 else None for r in rec],
        "counts_toward_target": [
            counts_toward_target(ev.policy, ev.channels[r] if r >= 0 else None, bool(s))
            for r, s in zip(rec, in_scope, strict=True)
        ],
        "to_do": decode(todo_masks, Block),
        "alternatives": alternatives,
        "in_scope": in_scope.tolist(),
        "age_years": np.round(ev.age[rows], 2).tolist(),
        "value_eur": np.round(ev.value[rows], 2).tolist(),
    }
