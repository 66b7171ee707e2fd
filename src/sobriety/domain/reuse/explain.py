"""Explanations of reuse flags, built only for the devices shown.

For one row of an :class:`~sobriety.domain.reuse.rules.Evaluation`, :func:`explain`
lists every channel with the rules it met, the rules that rule it out and the
checks that block it, each as a :class:`Reason` (a code, its parameters, the
source and date of the rule). :mod:`sobriety.domain.reuse.text` renders them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sobriety.domain.carbon.avoided import avoided_emissions
from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.reuse.policy import CATEGORIES, LEVEL_RANK, ChannelPolicy, Threshold
from sobriety.domain.reuse.rules import (
    CONDITION_CODE,
    CONDITIONS,
    NO_STORAGE,
    STATUS_CODE,
    STATUSES,
    Block,
    Evaluation,
    Out,
    ReuseFleet,
    counts_toward_target,
)
from sobriety.domain.vocab import Channel, Condition, Status

# Explanations for the devices shown


@dataclass(frozen=True)
class Reason:
    """One rule's outcome: a code, its parameters and where the rule comes from.

    ``effect`` is ``"pass"`` (the rule is met), ``"out"`` (it rules the channel
    out), ``"block"`` (something to do first) or ``"info"``.
    """

    code: str
    effect: str
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ChannelOutcome:
    channel: Channel
    label: str
    #: "recommended", "open", "blocked" or "ruled_out".
    state: str
    reasons: tuple[Reason, ...]
    #: Counts toward the décret 2023-266 target: "yes", "no" or "with_proof".
    counts_toward_target: str
    #: Avoided emissions of this channel in kgCO2e (None: not computed).
    avoided_kgco2e: float | None = None

    @property
    def blockers(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == "block")

    @property
    def rule_outs(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == "out")


@dataclass(frozen=True)
class DeviceFlag:
    row: int
    category: str
    status: str
    age_years: float | None
    value_eur: float | None
    in_scope: bool
    flagged: bool
    recommended: ChannelOutcome | None
    #: Every channel in policy order (the recommended one included).
    outcomes: tuple[ChannelOutcome, ...]

    @property
    def alternatives(self) -> tuple[ChannelOutcome, ...]:
        """Channels still possible after the recommended one, in policy order."""
        return tuple(
            o
            for o in self.outcomes
            if o.state in ("open", "blocked")
            and (self.recommended is None or o.channel != self.recommended.channel)
        )

    @property
    def ruled_out(self) -> tuple[ChannelOutcome, ...]:
        return tuple(o for o in self.outcomes if o.state == "ruled_out")

    def outcome(self, channel: Channel | str) -> ChannelOutcome:
        for o in self.outcomes:
            if o.channel == channel:
                return o
        raise KeyError(channel)


def _num(x: float) -> float | None:
    return None if x != x else float(x)


def _channel_reasons(
    ev: Evaluation, fleet: ReuseFleet, i: int, k: int, cp: ChannelPolicy
) -> list[Reason]:
    policy = ev.policy
    out = int(ev.out[k, i])
    blk = int(ev.blocked[k, i])
    cat = CATEGORIES[int(fleet.category[i])]
    reasons: list[Reason] = []
    src, date = cp.source, cp.date

    def has_out(code: Out) -> bool:
        return bool(out & (1 << int(code)))

    def has_blk(code: Block) -> bool:
        return bool(blk & (1 << int(code)))

    def add(code: str, effect: str, t: Threshold | None = None, **params: Any) -> None:
        s = t.source if t is not None and t.source else src
        d = t.date if t is not None and t.source else date
        reasons.append(Reason(code, effect, params, s, d))

    age = _num(ev.age[i])
    value = _num(ev.value[i])
    if has_out(Out.DEVICE_GONE):
        reasons.append(Reason("device_gone", "out"))
    if has_out(Out.CHANNEL_DISABLED):
        reasons.append(Reason("channel_disabled", "out", {}, "policy", None))
    if cp.categories is not None and has_out(Out.CATEGORY_EXCLUDED):
        add("category_excluded", "out", category=cat, allowed=sorted(cp.categories))
    if cp.statuses is not None and has_out(Out.STATUS_EXCLUDED):
        add("status_excluded", "out", status=STATUSES[int(fleet.status[i])])
    if cp.conditions is not None:
        cond = CONDITIONS[int(fleet.condition[i])]
        if has_out(Out.CONDITION_EXCLUDED):
            add("condition_excluded", "out", condition=cond, allowed=sorted(cp.conditions))
        elif cond != Condition.BROKEN or cp.repair_cost_ceiling_pct is None:
            add("condition_ok", "pass", condition=cond)
    if cp.max_age_years is not None and (lim := cp.max_age_years.for_category(cat)) is not None:
        if has_blk(Block.AGE_UNKNOWN):
            add("age_unknown", "block", cp.max_age_years, limit=lim)
        elif has_out(Out.AGE_OVER_LIMIT):
            add("age_over_limit", "out", cp.max_age_years, age=age, limit=lim)
        else:
            add("age_under_limit", "pass", cp.max_age_years, age=age, limit=lim)
    for t, over in ((cp.max_value_eur, True), (cp.min_value_eur, False)):
        if t is None or (cap := t.for_category(cat)) is None:
            continue
        sale = cp.channel in (Channel.DONATE_AGENT, Channel.DONATE_ASSOCIATION)
        if value is None:
            add("value_unknown", "block", t, cap=cap)
        elif over and has_out(Out.VALUE_OVER_CAP):
            add("value_over_cap", "out", t, value=value, cap=cap, sale_required=sale)
        elif not over and has_out(Out.VALUE_UNDER_MIN):
            add("value_under_min", "out", t, value=value, minimum=cap)
        else:
            add("value_within_cap" if over else "value_over_min", "pass", t, value=value, cap=cap)
    if cp.specs is not None:
        spec = policy.specs[cp.specs]
        if cat in spec.categories:
            _spec_reasons(spec, fleet, i, has_out, has_blk, reasons)
    if cp.min_battery_grade is not None and cat in policy.battery_categories:
        need = cp.min_battery_grade.for_category(cat)
        pct = _num(fleet.battery_health_pct[i])
        t = cp.min_battery_grade
        bound = policy.grade_bound(need) if need else None
        if has_blk(Block.BATTERY_UNKNOWN):
            add("battery_unknown", "block", t, grade=need, bound=bound)
        elif has_out(Out.BATTERY_LOW):
            add(
                "battery_low",
                "out",
                t,
                pct=pct,
                grade=policy.battery_grade(pct),
                need=need,
                bound=bound,
            )
        elif has_blk(Block.BATTERY_REPLACE):
            add(
                "battery_replace",
                "block",
                t,
                pct=pct,
                grade=policy.battery_grade(pct),
                need=need,
                bound=bound,
            )
        elif pct is not None and need:
            add("battery_ok", "pass", t, pct=pct, grade=policy.battery_grade(pct), need=need)
    broken = fleet.condition[i] == CONDITION_CODE[Condition.BROKEN]
    if cp.repair_cost_ceiling_pct is not None and broken:
        t = cp.repair_cost_ceiling_pct
        pct = t.for_category(cat)
        price = _num(fleet.purchase_price_eur[i])
        est = _num(fleet.repair_estimate_eur[i])
        ceiling = None if price is None or pct is None else price * pct / 100.0
        if has_blk(Block.REPAIR_ESTIMATE_MISSING):
            add("repair_estimate_missing", "block", t, pct=pct, ceiling=ceiling)
        elif has_out(Out.REPAIR_OVER_CEILING):
            add("repair_over_ceiling", "out", t, estimate=est, ceiling=ceiling, pct=pct)
        else:
            add("repair_within_ceiling", "pass", t, estimate=est, ceiling=ceiling, pct=pct)
    if cp.exclude_sensitive is not None and cp.exclude_sensitive.default:
        t = cp.exclude_sensitive
        if has_out(Out.SENSITIVE_EXCLUDED):
            add("sensitive_excluded", "out", t)
        else:
            add("no_sensitive_data", "pass", t)
    if cp.need_stock_below is not None and ev.stock is not None:
        below = cp.need_stock_below.for_category(cat)
        if below is not None and fleet.status[i] == STATUS_CODE[Status.RETIRED]:
            code = int(fleet.category[i])
            stock = int(ev.stock[code])
            asked = int(ev.requests[code]) if ev.requests is not None else 0
            params = {"stock": stock, "below": below, "category": cat, "asked": asked}
            if has_out(Out.NO_NEED):
                add("no_need", "out", cp.need_stock_below, **params)
            elif asked and stock >= below:
                add("need_requested", "pass", cp.need_stock_below, **params)
            else:
                add("need_exists", "pass", cp.need_stock_below, **params)
    if cp.requires_erasure:
        _erasure_reasons(policy, fleet, i, cat, has_blk, reasons)
    if cp.counts_as_reuse == "with_proof":
        add("counts_with_proof", "info")
    if cp.channel == Channel.RECYCLE and not reasons:
        add("last_resort", "info")
    return reasons


def _spec_reasons(spec, fleet, i, has_out, has_blk, reasons) -> None:
    src, date = spec.source, spec.date
    if has_blk(Block.SPECS_UNKNOWN):
        missing = [
            p
            for p, arr in (
                ("cpu_generation", fleet.cpu_generation),
                ("tpm", fleet.tpm),
                ("ram_gb", fleet.ram_gb),
                ("storage_gb", fleet.storage_gb),
            )
            if spec.minimum(p) is not None and np.isnan(arr[i])
        ]
        reasons.append(
            Reason("specs_unknown", "block", {"profile": spec.label, "parts": missing}, src, date)
        )
    checks = (
        (Out.CPU_TOO_OLD, None, "cpu_too_old", "cpu_generation", fleet.cpu_generation),
        (Out.TPM_TOO_OLD, None, "tpm_too_old", "tpm", fleet.tpm),
        (Out.RAM_TOO_LOW, Block.UPGRADE_RAM, "ram_too_low", "ram_gb", fleet.ram_gb),
        (
            Out.STORAGE_TOO_LOW,
            Block.UPGRADE_STORAGE,
            "storage_too_low",
            "storage_gb",
            fleet.storage_gb,
        ),
    )
    failed = False
    for out_code, blk_code, code, part, arr in checks:
        params = {"profile": spec.label, "value": _num(arr[i]), "minimum": spec.minimum(part)}
        if has_out(out_code):
            reasons.append(Reason(code, "out", params, src, date))
            failed = True
        elif blk_code is not None and has_blk(blk_code):
            reasons.append(Reason("upgrade_" + part.split("_")[0], "block", params, src, date))
            failed = True
    if not failed and not has_blk(Block.SPECS_UNKNOWN):
        reasons.append(Reason("specs_ok", "pass", {"profile": spec.label}, src, date))


def _erasure_reasons(policy, fleet, i, cat, has_blk, reasons) -> None:
    er = policy.erasure
    src, date = er.source, er.date
    need = er.min_level.get(cat, "purge")
    rank = int(fleet.erasure_rank[i])
    level = {v: k for k, v in LEVEL_RANK.items()}.get(rank, "none")
    level = str(level)
    if LEVEL_RANK[need] == 0:
        reasons.append(Reason("erasure_not_needed", "pass", {"category": cat}, src, date))
        return
    if len(fleet.storage_type) == len(fleet) and int(fleet.storage_type[i]) == NO_STORAGE:
        reasons.append(Reason("no_storage", "pass", {"category": cat}, src, date))
        return
    if has_blk(Block.SENSITIVE_DESTROY_STORAGE):
        reasons.append(
            Reason(
                "sensitive_destroy_storage",
                "block",
                {"level": level, "need": er.sensitive_level},
                src,
                date,
            )
        )
    elif has_blk(Block.ERASURE_MISSING):
        reasons.append(Reason("erasure_missing", "block", {"need": need}, src, date))
    elif has_blk(Block.ERASURE_LEVEL_LOW):
        reasons.append(
            Reason("erasure_level_low", "block", {"level": level, "need": need}, src, date)
        )
    else:
        reasons.append(Reason("erasure_ok", "pass", {"level": level}, src, date))
    if has_blk(Block.ERASURE_UNVERIFIED):
        reasons.append(Reason("erasure_unverified", "block", {"level": level}, src, date))


def explain(
    ev: Evaluation,
    fleet: ReuseFleet,
    i: int,
    avoided_kgco2e: Mapping[Channel, float] | None = None,
) -> DeviceFlag:
    """The full outcome for row ``i``: every channel with its reasons."""
    rec = int(ev.recommended[i])
    scope = bool(ev.in_scope[i])
    outcomes: list[ChannelOutcome] = []
    for k, channel in enumerate(ev.channels):
        cp = ev.policy.channels[channel]
        if ev.out[k, i]:
            state = "ruled_out"
        elif k == rec:
            state = "recommended"
        elif ev.blocked[k, i]:
            state = "blocked"
        else:
            state = "open"
        counts = counts_toward_target(ev.policy, channel, scope)
        outcomes.append(
            ChannelOutcome(
                channel=channel,
                label=cp.label,
                state=state,
                reasons=tuple(_channel_reasons(ev, fleet, i, k, cp)),
                counts_toward_target=counts,
                avoided_kgco2e=(avoided_kgco2e or {}).get(channel),
            )
        )
    return DeviceFlag(
        row=i,
        category=CATEGORIES[int(fleet.category[i])],
        status=STATUSES[int(fleet.status[i])],
        age_years=_num(ev.age[i]),
        value_eur=_num(ev.value[i]),
        in_scope=scope,
        flagged=bool(ev.flagged[i]),
        recommended=outcomes[rec] if rec >= 0 else None,
        outcomes=tuple(outcomes),
    )


def channel_problems(ev: Evaluation, fleet: ReuseFleet, i: int, channel: Channel) -> list[Reason]:
    """What forbids sending row ``i`` through ``channel`` now (empty: allowed)."""
    if channel not in ev.channels:
        return [Reason("channel_not_in_policy", "out", {"channel": str(channel)})]
    k = ev.channels.index(channel)
    reasons = _channel_reasons(ev, fleet, i, k, ev.policy.channels[channel])
    return [r for r in reasons if r.effect in ("out", "block")]


def avoided_table(
    categories: Sequence[str], channels: Sequence[Channel], factors: FactorSet
) -> list[dict[Channel, float]]:
    """kgCO2e each channel would avoid, per device (from :mod:`sobriety.domain.carbon.avoided`)."""
    n, k = len(categories), len(channels)
    if n == 0:
        return []
    cats = np.repeat(np.asarray(categories, dtype=object), k)
    chans = np.tile(np.asarray([str(c) for c in channels], dtype=object), n)
    values = avoided_emissions(cats, chans, factors).reshape(n, k)
    return [{c: float(values[i, j]) for j, c in enumerate(channels)} for i in range(n)]


def avoided_if_followed(
    ev: Evaluation, fleet: ReuseFleet, rows: np.ndarray, factors: FactorSet
) -> float:
    """Total kgCO2e avoided if the recommendations of ``rows`` are followed."""
    rec = ev.recommended[rows]
    keep = rec >= 0
    if not keep.any():
        return 0.0
    # Count devices per (category, channel) pair, then price each pair once.
    k = len(ev.channels)
    pair = fleet.category[rows][keep].astype(np.int64) * k + rec[keep]
    counts = np.bincount(pair, minlength=len(CATEGORIES) * k)
    used = np.flatnonzero(counts)
    cats = np.asarray(CATEGORIES, dtype=object)[used // k]
    chans = np.asarray([str(c) for c in ev.channels], dtype=object)[used % k]
    return float((avoided_emissions(cats, chans, factors) * counts[used]).sum())
