"""The reuse policy: channels in waste-hierarchy order and their thresholds.

The policy is data (a TOML file, shipped as ``sobriety/data/reuse_policy.toml``
and replaceable by the user's own), parsed here into frozen dataclasses. Every
threshold keeps its source and date so a flag can say where a rule comes from.

An invalid file raises :class:`PolicyError`, which names the file, the key
path, the value found and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sobriety.domain.reuse.policy_reader import Reader as _Reader
from sobriety.domain.reuse.policy_types import (  # noqa: F401 - the policy's public names
    BATTERY_ACTIONS,
    CATEGORIES,
    CATEGORY_INDEX,
    COUNTS_AS_REUSE,
    LEVEL_RANK,
    MISSING,
    SPEC_PARTS,
    ChannelPolicy,
    EcoOrganismes,
    ErasureMethodRule,
    ErasurePolicy,
    Policy,
    PolicyError,
    ReuseRatePolicy,
    SpecProfile,
    Threshold,
)
from sobriety.domain.texts import text_of
from sobriety.domain.vocab import (
    Channel,
    Condition,
    ErasureLevel,
    ErasureMethod,
    RecipientKind,
    Status,
    StorageType,
)
from sobriety.i18n import _

_MISSING = MISSING

_CHANNEL_KEYS = {
    "label",
    "source",
    "date",
    "enabled",
    "external",
    "counts_as_reuse",
    "recipient_kinds",
    "categories",
    "statuses",
    "conditions",
    "max_age_years",
    "min_value_eur",
    "max_value_eur",
    "specs",
    "min_battery_grade",
    "battery_action",
    "repair_cost_ceiling_pct",
    "exclude_sensitive",
    "requires_erasure",
    "need_stock_below",
}
_TOP_KEYS = {
    "policy",
    "flagging",
    "value",
    "battery",
    "specs",
    "erasure",
    "reuse_rate",
    "eco_organismes",
    "channels",
}
_LEVELS = tuple(str(level) for level in ErasureLevel)


def _channel(
    r: _Reader, name: str, raw: Mapping[str, Any], specs: Mapping[str, Any]
) -> ChannelPolicy:
    path = f"channels.{name}"
    r.check_keys(raw, path, _CHANNEL_KEYS)
    spec = r.text(raw, "specs", path)
    if spec is not None and spec not in specs:
        raise r.fail(
            f"{path}.specs",
            spec,
            _("the name of a [specs.*] table: {names}").format(names=", ".join(sorted(specs))),
        )
    kinds = raw.get("recipient_kinds", [])
    recipients = tuple(
        RecipientKind(k)
        for k in r.name_list(kinds, f"{path}.recipient_kinds", tuple(RecipientKind))
    )
    external = r.boolean(raw, "external", path, True)
    if external and not recipients:
        raise r.fail(
            f"{path}.recipient_kinds",
            kinds,
            _("at least one recipient kind for a channel that leaves the organisation"),
        )
    return ChannelPolicy(
        channel=Channel(name),
        label=r.text(raw, "label", path, required=True) or name,
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
        enabled=r.boolean(raw, "enabled", path, True),
        external=external,
        counts_as_reuse=r.choice(raw, "counts_as_reuse", path, COUNTS_AS_REUSE, "no"),
        recipient_kinds=recipients,
        categories=r.names(raw, "categories", path, CATEGORIES),
        statuses=r.names(raw, "statuses", path, tuple(Status)),
        conditions=r.names(raw, "conditions", path, tuple(Condition)),
        max_age_years=r.threshold(raw, "max_age_years", path),
        min_value_eur=r.threshold(raw, "min_value_eur", path),
        max_value_eur=r.threshold(raw, "max_value_eur", path),
        specs=spec,
        min_battery_grade=r.threshold(raw, "min_battery_grade", path, kind="grade"),
        battery_action=r.choice(raw, "battery_action", path, BATTERY_ACTIONS, "replace"),
        repair_cost_ceiling_pct=r.threshold(raw, "repair_cost_ceiling_pct", path),
        exclude_sensitive=r.threshold(
            raw, "exclude_sensitive", path, kind="bool", per_category=False
        ),
        requires_erasure=r.boolean(raw, "requires_erasure", path, False),
        need_stock_below=r.threshold(raw, "need_stock_below", path),
    )


def _spec(r: _Reader, name: str, raw: Mapping[str, Any]) -> SpecProfile:
    path = f"specs.{name}"
    r.check_keys(
        raw,
        path,
        {"label", "source", "date", "categories", "upgradeable"} | {f"{p}_min" for p in SPEC_PARTS},
    )
    mins = {}
    for part in SPEC_PARTS:
        key = f"{part}_min"
        if key in raw:
            mins[key] = r.number(raw[key], f"{path}.{key}")
    upgradeable = r.names(raw, "upgradeable", path, ("ram_gb", "storage_gb")) or frozenset()
    categories = r.names(raw, "categories", path, CATEGORIES)
    if not categories:
        raise r.fail(
            f"{path}.categories", raw.get("categories", _MISSING), _("a list of categories")
        )
    return SpecProfile(
        name=name,
        label=r.text(raw, "label", path, required=True) or name,
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
        categories=categories,
        upgradeable=upgradeable,
        **mins,
    )


_METHOD_KEYS = {
    "levels",
    "storage_types",
    "purge_needs_encryption",
    "purge_when_encrypted",
    "source",
    "date",
}


def _method(r: _Reader, method: str, raw: Mapping[str, Any], path: str) -> ErasureMethodRule:
    if method not in tuple(ErasureMethod):
        raise r.fail(
            path, "...", _("an erasure method: {values}").format(values=", ".join(ErasureMethod))
        )
    r.check_keys(raw, path, _METHOD_KEYS)
    levels = r.names(raw, "levels", path, _LEVELS)
    if not levels:
        raise r.fail(f"{path}.levels", raw.get("levels", _MISSING), _("a list of levels"))
    return ErasureMethodRule(
        method=method,
        levels=levels,
        storage_types=r.names(raw, "storage_types", path, tuple(StorageType)),
        purge_needs_encryption=r.boolean(raw, "purge_needs_encryption", path, False),
        purge_when_encrypted=r.names(raw, "purge_when_encrypted", path, CATEGORIES) or frozenset(),
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
    )


def _erasure(r: _Reader, raw: Mapping[str, Any]) -> ErasurePolicy:
    path = "erasure"
    r.check_keys(
        raw,
        path,
        {"source", "date", "sensitive_level", "require_verified", "min_level", "methods"},
    )
    min_level_raw = r.table(raw, "min_level", path)
    min_level: dict[str, str] = {}
    for cat, level in min_level_raw.items():
        key = f"{path}.min_level.{cat}"
        if cat not in CATEGORIES:
            raise r.fail(key, level, _("a category: {values}").format(values=", ".join(CATEGORIES)))
        if level not in ("none", *_LEVELS):
            raise r.fail(key, level, _("one of none, {values}").format(values=", ".join(_LEVELS)))
        min_level[cat] = level
    methods_raw = r.table(raw, "methods", path)
    methods = {
        m: _method(r, m, r.table(methods_raw, m, f"{path}.methods"), f"{path}.methods.{m}")
        for m in methods_raw
    }
    return ErasurePolicy(
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
        sensitive_level=r.choice(raw, "sensitive_level", path, _LEVELS, "destroy"),
        require_verified=r.boolean(raw, "require_verified", path, False),
        min_level=min_level,
        methods=methods,
    )


def _reuse_rate(r: _Reader, raw: Mapping[str, Any]) -> ReuseRatePolicy:
    path = "reuse_rate"
    r.check_keys(
        raw,
        path,
        {
            "source",
            "source_fr",
            "date",
            "targets_pct",
            "max_age_years",
            "exclude_sensitive",
            "categories",
            "max_dimension_cm",
            "size_exempt",
            "unknown_size_in_scope",
        },
    )
    targets_raw = r.table(raw, "targets_pct", path)
    targets: dict[int, float] = {}
    for year, pct in targets_raw.items():
        key = f"{path}.targets_pct.{year}"
        if not re.fullmatch(r"\d{4}", str(year)):
            raise r.fail(key, pct, _("a four-digit year as key"))
        targets[int(year)] = r.number(pct, key, 0.0, 100.0)
    if not targets:
        raise r.fail(f"{path}.targets_pct", dict(targets_raw), _("at least one year = target"))
    categories = r.names(raw, "categories", path, CATEGORIES)
    if not categories:
        raise r.fail(
            f"{path}.categories", raw.get("categories", _MISSING), _("a list of categories")
        )
    size = r.threshold(raw, "max_dimension_cm", path, per_category=False)
    source = r.text(raw, "source", path)
    if "source_fr" in raw:
        r.text(raw, "source_fr", path)
    return ReuseRatePolicy(
        # With its French translation (source_fr), shown in the report's language.
        source=text_of(raw, "source") if source is not None else None,
        date=r.date(raw, "date", path),
        targets_pct=targets,
        max_age_years=r.number(raw.get("max_age_years", _MISSING), f"{path}.max_age_years"),
        exclude_sensitive=r.boolean(raw, "exclude_sensitive", path, True),
        categories=categories,
        max_dimension_cm=None if size is None else size.default,
        size_exempt=r.names(raw, "size_exempt", path, CATEGORIES) or frozenset(),
        unknown_size_in_scope=r.threshold(raw, "unknown_size_in_scope", path, kind="bool"),
        size_source=None if size is None else size.source,
    )


def _eco_organismes(r: _Reader, raw: Mapping[str, Any]) -> EcoOrganismes:
    path = "eco_organismes"
    r.check_keys(raw, path, {"approved", "valid_until", "source", "date"})
    names = raw.get("approved", _MISSING)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise r.fail(f"{path}.approved", names, _("a list of names"))
    return EcoOrganismes(
        names=tuple(names),
        valid_until=r.date(raw, "valid_until", path),
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
    )


def parse_policy(data: Mapping[str, Any], file: str = "<policy>") -> Policy:
    """Build a :class:`Policy` from a parsed TOML tree (``file`` names it in errors)."""
    r = _Reader(file)
    r.check_keys(data, "", _TOP_KEYS)
    head = r.table(data, "policy", "")
    r.check_keys(head, "policy", {"name", "reviewed", "order"})
    order_raw = head.get("order", _MISSING)
    order = [Channel(c) for c in r.name_list(order_raw, "policy.order", tuple(Channel))]
    if len(set(order)) != len(order):
        raise r.fail("policy.order", order_raw, _("each channel once"))

    specs_raw = data.get("specs", {})
    if not isinstance(specs_raw, Mapping):
        raise r.fail("specs", specs_raw, _("tables [specs.NAME]"))
    specs = {name: _spec(r, name, r.table(specs_raw, name, "specs")) for name in specs_raw}

    channels_raw = r.table(data, "channels", "")
    channels: dict[Channel, ChannelPolicy] = {}
    for name in channels_raw:
        if name not in tuple(Channel):
            raise r.fail(
                f"channels.{name}",
                "...",
                _("a channel: {values}").format(values=", ".join(Channel)),
            )
        channels[Channel(name)] = _channel(r, name, r.table(channels_raw, name, "channels"), specs)
    for c in order:
        if c not in channels:
            raise r.fail(
                "policy.order", str(c), _("a channel defined by a [channels.{c}] table").format(c=c)
            )
    for c in channels:
        if c not in order:
            raise r.fail(f"channels.{c}", "...", _("a channel listed in policy.order"))

    flagging = r.table(data, "flagging", "")
    r.check_keys(flagging, "flagging", {"review_age_years", "flag_broken"})
    review = r.threshold(flagging, "review_age_years", "flagging")
    if review is None:
        raise r.fail("flagging.review_age_years", _MISSING, _("ages by category"))

    value = r.table(data, "value", "")
    r.check_keys(value, "value", {"accounting_life_years"})
    life = r.threshold(value, "accounting_life_years", "value")
    if life is None or life.default is None:
        raise r.fail(
            "value.accounting_life_years", _MISSING, _("years by category, with a default")
        )
    for cat, years in {"default": life.default, **life.by_category}.items():
        if years <= 0:
            raise r.fail(f"value.accounting_life_years.{cat}", years, _("a number of years > 0"))

    battery = r.table(data, "battery", "")
    r.check_keys(battery, "battery", {"categories", "grades"})
    grades = r.threshold(battery, "grades", "battery", keys=("A", "B", "C"), high=100.0)
    if grades is None or set(grades.by_category) != {"A", "B", "C"}:
        raise r.fail("battery.grades", battery.get("grades", _MISSING), _("lower bounds A, B, C"))
    g = grades.by_category
    if not g["A"] > g["B"] > g["C"]:
        raise r.fail("battery.grades", dict(g), _("decreasing bounds A > B > C"))

    return Policy(
        path=file,
        name=r.text(head, "name", "policy") or "policy",
        reviewed=r.date(head, "reviewed", "policy"),
        order=tuple(order),
        channels=channels,
        review_age_years=review,
        flag_broken=r.boolean(flagging, "flag_broken", "flagging", True),
        accounting_life_years=life,
        battery_categories=r.names(battery, "categories", "battery", CATEGORIES) or frozenset(),
        battery_grades=grades,
        specs=specs,
        erasure=_erasure(r, r.table(data, "erasure", "")),
        reuse_rate=_reuse_rate(r, r.table(data, "reuse_rate", "")),
        eco_organismes=(
            _eco_organismes(r, r.table(data, "eco_organismes", ""))
            if "eco_organismes" in data
            else None
        ),
    )


def load_policy(path: Path | str) -> Policy:
    """Read and validate a policy file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(
            str(path),
            "(file)",
            str(path),
            _("a readable file ({reason})").format(reason=exc.strerror),
        ) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(
            str(path),
            "(encoding)",
            f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
            _("UTF-8 text"),
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), "(syntax)", str(exc), _("valid TOML")) from exc
    return parse_policy(data, str(path))


def default_policy_path() -> Path:
    """The policy shipped with the package."""
    return Path(__file__).resolve().parents[2] / "data" / "reuse_policy.toml"


def resolve_policy(path: Path | str | None = None) -> Policy:
    """The user's policy file when given (``Settings.policy``), else the shipped one."""
    return load_policy(path if path else default_policy_path())
