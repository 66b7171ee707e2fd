"""Plain-language rendering of reuse flags (active language, via gettext).

Only the devices shown are rendered: :mod:`sobriety.domain.reuse.rules` produces
reason codes and parameters; this module turns them into sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.explain import ChannelOutcome, DeviceFlag, Reason
from sobriety.domain.texts import shown, source_date
from sobriety.domain.vocab import Channel
from sobriety.i18n import N_, _, clauses, fmt_number, ngettext

#: Short channel names (the policy file holds the long labels).
CHANNEL_NAMES: Mapping[str, str] = {
    Channel.KEEP: N_("keep / repair / upgrade"),
    Channel.REDEPLOY: N_("internal redeployment"),
    Channel.TRANSFER: N_("transfer to a public body"),
    Channel.DONATE_ASSOCIATION: N_("donation to an association"),
    Channel.DONATE_AGENT: N_("donation to agents"),
    Channel.SELL: N_("sale"),
    Channel.TAKE_BACK: N_("take-back"),
    Channel.RECYCLE: N_("recycling (WEEE)"),
}

STATES: Mapping[str, str] = {
    "recommended": N_("recommended"),
    "open": N_("open"),
    "blocked": N_("blocked"),
    "ruled_out": N_("ruled out"),
}

COUNTS: Mapping[str, str] = {
    "yes": N_("counts toward the décret 2023-266 reuse target"),
    "with_proof": N_("counts toward the reuse target with commitment and proof of reuse"),
    "no": N_("does not count toward the reuse target"),
}


def category_name(category: str) -> str:
    return label("category", category)


def erasure_method_name(method: str) -> str:
    return label("erasure_method", method)


PARTS: Mapping[str, str] = {
    "cpu_generation": N_("CPU generation"),
    "tpm": N_("TPM version"),
    "ram_gb": N_("RAM"),
    "storage_gb": N_("storage size"),
}


def channel_name(channel: Channel | str) -> str:
    return _(CHANNEL_NAMES.get(str(channel), str(channel)))


def state_name(state: str) -> str:
    return _(STATES.get(state, state))


def counts_text(counts: str) -> str:
    return _(COUNTS[counts])


def _n(value: Any, digits: int = 0) -> str:
    return fmt_number(value, digits) if isinstance(value, int | float) else "-"


def _years(value: Any) -> str:
    if isinstance(value, int | float) and float(value).is_integer():
        return _n(value)
    return _n(value, 1)


def _eur(value: Any) -> str:
    """Money with cents, so a value just over a cap never reads as equal to it."""
    if isinstance(value, int | float) and float(value).is_integer():
        return _n(value)
    return _n(value, 2)


_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "device_gone": lambda p: _("the device is already gone"),
    "channel_disabled": lambda p: _("channel disabled by the policy"),
    "channel_not_in_policy": lambda p: _("channel {channel} is not in the policy").format(**p),
    "category_excluded": lambda p: _(
        "category {category} not accepted (accepted: {allowed})"
    ).format(
        category=inline("category", p["category"]),
        allowed=", ".join(inline("category", a) for a in p["allowed"]),
    ),
    "status_excluded": lambda p: _("status {status} not accepted").format(
        status=inline("status", p["status"])
    ),
    "condition_excluded": lambda p: _(
        "condition {condition} not accepted (accepted: {allowed})"
    ).format(
        condition=inline("condition", p["condition"]),
        allowed=", ".join(inline("condition", a) for a in p["allowed"]),
    ),
    "condition_ok": lambda p: _("condition {condition} accepted").format(
        condition=inline("condition", p["condition"])
    ),
    "age_unknown": lambda p: _(
        "age unknown (acquisition date not recorded); limit {limit} years"
    ).format(limit=_years(p["limit"])),
    "age_over_limit": lambda p: _("{age} years old, over the {limit}-year limit").format(
        age=_years(p["age"]), limit=_years(p["limit"])
    ),
    "age_under_limit": lambda p: _("{age} years old, within the {limit}-year limit").format(
        age=_years(p["age"]), limit=_years(p["limit"])
    ),
    "no_need": lambda p: ngettext(
        "no need: {stock} ready in stock ({category}), at or over the {below} kept as spares",
        "no need: {stock} ready in stock ({category}), at or over the {below} kept as spares",
        int(p["stock"]),
    ).format(
        stock=_n(p["stock"]), category=inline("category", p["category"]), below=_n(p["below"])
    ),
    "need_requested": lambda p: _(
        "needed: open redeployment requests ask for {asked} ({category})"
    ).format(asked=_n(p["asked"]), category=inline("category", p["category"])),
    "need_exists": lambda p: ngettext(
        "needed: {stock} ready in stock ({category}), under the {below} kept as spares",
        "needed: {stock} ready in stock ({category}), under the {below} kept as spares",
        int(p["stock"]),
    ).format(
        stock=_n(p["stock"]), category=inline("category", p["category"]), below=_n(p["below"])
    ),
    "value_unknown": lambda p: _(
        "residual value unknown (no purchase price or declared value); cap {cap} EUR"
    ).format(cap=_n(p["cap"])),
    "value_over_cap": lambda p: (
        _("value {value} EUR above {cap} EUR: sale required")
        if p.get("sale_required")
        else _("value {value} EUR above the {cap} EUR cap")
    ).format(value=_eur(p["value"]), cap=_eur(p["cap"])),
    "value_within_cap": lambda p: _("value {value} EUR within the {cap} EUR cap").format(
        value=_eur(p["value"]), cap=_eur(p["cap"])
    ),
    "value_under_min": lambda p: _("value {value} EUR under the {minimum} EUR minimum").format(
        value=_eur(p["value"]), minimum=_eur(p["minimum"])
    ),
    "value_over_min": lambda p: _("value {value} EUR at or over the {cap} EUR minimum").format(
        value=_eur(p["value"]), cap=_eur(p["cap"])
    ),
    "specs_unknown": lambda p: _("{profile}: not recorded: {parts}").format(
        profile=shown(p["profile"]), parts=", ".join(_(PARTS[x]) for x in p["parts"])
    ),
    "cpu_too_old": lambda p: _("{profile}: CPU generation {value} below {minimum}").format(
        profile=shown(p["profile"]), value=_n(p["value"]), minimum=_n(p["minimum"])
    ),
    "tpm_too_old": lambda p: _("{profile}: TPM {value} below {minimum}").format(
        profile=shown(p["profile"]), value=_n(p["value"], 1), minimum=_n(p["minimum"], 1)
    ),
    "ram_too_low": lambda p: _("{profile}: RAM {value} GB below {minimum} GB").format(
        profile=shown(p["profile"]), value=_n(p["value"]), minimum=_n(p["minimum"])
    ),
    "storage_too_low": lambda p: _("{profile}: storage {value} GB below {minimum} GB").format(
        profile=shown(p["profile"]), value=_n(p["value"]), minimum=_n(p["minimum"])
    ),
    "upgrade_ram": lambda p: _(
        "upgrade: add RAM ({value} GB, {profile} needs {minimum} GB)"
    ).format(profile=shown(p["profile"]), value=_n(p["value"]), minimum=_n(p["minimum"])),
    "upgrade_storage": lambda p: _(
        "upgrade: larger storage ({value} GB, {profile} needs {minimum} GB)"
    ).format(profile=shown(p["profile"]), value=_n(p["value"]), minimum=_n(p["minimum"])),
    "specs_ok": lambda p: _("meets {profile}").format(profile=shown(p["profile"])),
    "battery_unknown": lambda p: _("battery health not recorded (grade {grade} needed)").format(
        grade=p["grade"]
    ),
    "battery_low": lambda p: _(
        "battery at {pct} % (grade {grade}), below grade {need} ({bound} %)"
    ).format(pct=_n(p["pct"]), grade=p["grade"], need=p["need"], bound=_n(p["bound"])),
    "battery_replace": lambda p: _(
        "replace the battery: {pct} % (grade {grade}), below grade {need} ({bound} %)"
    ).format(pct=_n(p["pct"]), grade=p["grade"], need=p["need"], bound=_n(p["bound"])),
    "battery_ok": lambda p: _("battery at {pct} % (grade {grade}, {need} needed)").format(
        pct=_n(p["pct"]), grade=p["grade"], need=p["need"]
    ),
    "repair_estimate_missing": lambda p: _(
        "broken: repair estimate not recorded (ceiling {pct} % of the purchase price)"
    ).format(pct=_n(p["pct"])),
    "repair_over_ceiling": lambda p: _(
        "broken: repair estimate {estimate} EUR over the ceiling of {ceiling} EUR "
        "({pct} % of the purchase price)"
    ).format(estimate=_eur(p["estimate"]), ceiling=_eur(p["ceiling"]), pct=_n(p["pct"])),
    "repair_within_ceiling": lambda p: _(
        "broken: repair estimate {estimate} EUR within the ceiling of {ceiling} EUR "
        "({pct} % of the purchase price)"
    ).format(estimate=_eur(p["estimate"]), ceiling=_eur(p["ceiling"]), pct=_n(p["pct"])),
    "sensitive_excluded": lambda p: _("sensitive data: excluded from this channel"),
    "no_sensitive_data": lambda p: _("no sensitive data"),
    "erasure_not_needed": lambda p: _("no user data to erase"),
    "no_storage": lambda p: _("no storage: nothing to erase"),
    "sensitive_destroy_storage": lambda p: (
        _("sensitive data: destroy the storage (no erasure recorded)")
        if p["level"] in (None, "none")
        else _("sensitive data: destroy the storage (best erasure recorded: {level})").format(
            level=inline("erasure_level", p["level"])
        )
    ),
    "erasure_missing": lambda p: _("erasure not recorded ({need} level needed)").format(
        need=inline("erasure_level", p["need"])
    ),
    "erasure_level_low": lambda p: _("erasure at {level} level, {need} needed").format(
        level=inline("erasure_level", p["level"]), need=inline("erasure_level", p["need"])
    ),
    "erasure_ok": lambda p: _("erasure recorded ({level})").format(
        level=inline("erasure_level", p["level"])
    ),
    "erasure_unverified": lambda p: _("erasure recorded but not verified"),
    "counts_with_proof": lambda p: _(
        "counts as reuse only with the taker's prior commitment and proof of reuse"
    ),
    "last_resort": lambda p: _("always possible, as the last resort"),
}


def render_reason(reason: Reason, with_source: bool = False) -> str:
    """One reason as a sentence (optionally followed by its source and date)."""
    template = _TEMPLATES.get(reason.code)
    text = template(reason.params) if template else reason.code
    if with_source and reason.source:
        when = f", {source_date(reason.date)}" if reason.date else ""
        text += f" [{shown(reason.source)}{when}]"
    return text


def avoided_text(kg: float) -> str:
    return _("avoids about {kg} kgCO2e").format(kg=fmt_number(kg))


def outcome_summary(outcome: ChannelOutcome) -> str:
    """``channel (state): reason; reason`` - the blockers first when there are any."""
    picked = outcome.rule_outs or outcome.blockers or outcome.reasons
    why = clauses(render_reason(r) for r in picked)
    head = f"{channel_name(outcome.channel)} ({state_name(outcome.state)})"
    if outcome.avoided_kgco2e is not None and outcome.state != "ruled_out":
        head = f"{channel_name(outcome.channel)} ({state_name(outcome.state)}, "
        head += avoided_text(outcome.avoided_kgco2e) + ")"
    return _("{label}: {value}").format(label=head, value=why) if why else head


def describe(flag: DeviceFlag) -> list[str]:
    """Lines explaining a flag: the recommendation, what to do, the alternatives."""
    lines: list[str] = []
    rec = flag.recommended
    if rec is None:
        lines.append(_("No channel possible under the policy."))
    else:
        head = _("Recommended: {channel}").format(channel=channel_name(rec.channel))
        head += f" ({counts_text(rec.counts_toward_target)})"
        if rec.avoided_kgco2e is not None:
            head = clauses([head, avoided_text(rec.avoided_kgco2e)])
        lines.append(head)
        for r in rec.reasons:
            if r.effect != "block":
                lines.append("  + " + render_reason(r))
        for r in rec.blockers:
            lines.append("  ! " + _("to do: {what}").format(what=render_reason(r)))
    alts = flag.alternatives
    if alts:
        lines.append(_("Alternatives still possible:"))
        for o in alts:
            lines.append("  - " + outcome_summary(o))
    if flag.ruled_out:
        lines.append(_("Ruled out:"))
        for o in flag.ruled_out:
            lines.append("  x " + outcome_summary(o))
    return lines
