"""The reuse policy: channels in waste-hierarchy order and their thresholds.

The policy is data (a TOML file, shipped as ``sobriety/data/reuse_policy.toml``
and replaceable by the user's own), parsed here into frozen dataclasses. Every
threshold keeps its source and date so a flag can say where a rule comes from.

An invalid file raises :class:`PolicyError`, which names the file, the key
path, the value found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sobriety.domain.texts import text_of
from sobriety.domain.vocab import (
    Category,
    Channel,
    Condition,
    ErasureLevel,
    ErasureMethod,
    RecipientKind,
    Status,
)
from sobriety.i18n import _

#: Rank of each erasure level (0 = nothing recorded / nothing needed).
LEVEL_RANK = {"none": 0, ErasureLevel.CLEAR: 1, ErasureLevel.PURGE: 2, ErasureLevel.DESTROY: 3}
#: Order of the category codes used by the vectorised engine.
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
SPEC_PARTS = ("cpu_generation", "ram_gb", "storage_gb", "tpm")
COUNTS_AS_REUSE = ("yes", "no", "with_proof")
BATTERY_ACTIONS = ("replace", "exclude")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class PolicyError(ValueError):
    """An invalid policy file: where, what was found, what was expected."""

    def __init__(self, file: str, key: str, value: object, expected: str) -> None:
        self.file = file
        self.key = key
        self.value = value
        self.expected = expected
        shown = _("(missing)") if value is _MISSING else repr(value)
        super().__init__(
            _("{file}: {key} = {shown}: expected {expected}").format(
                file=file, key=key, shown=shown, expected=expected
            )
        )


_MISSING = object()


@dataclass(frozen=True)
class Threshold:
    """A number (or a per-category table of numbers) with its source and date."""

    default: Any
    by_category: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None
    date: str | None = None

    def for_category(self, category: str) -> Any:
        return self.by_category.get(category, self.default)

    def per_category_array(self) -> np.ndarray:
        """Values indexed by category code (``nan`` where none applies)."""
        return np.array(
            [np.nan if (v := self.for_category(c)) is None else float(v) for c in CATEGORIES],
            dtype=np.float64,
        )


@dataclass(frozen=True)
class SpecProfile:
    name: str
    label: str
    source: str | None
    date: str | None
    categories: frozenset[str]
    cpu_generation_min: float | None = None
    ram_gb_min: float | None = None
    storage_gb_min: float | None = None
    tpm_min: float | None = None
    upgradeable: frozenset[str] = frozenset()

    def minimum(self, part: str) -> float | None:
        return getattr(self, f"{part}_min")


@dataclass(frozen=True)
class ChannelPolicy:
    channel: Channel
    label: str
    source: str | None
    date: str | None
    enabled: bool = True
    external: bool = True
    counts_as_reuse: str = "no"
    recipient_kinds: tuple[RecipientKind, ...] = ()
    categories: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    conditions: frozenset[str] | None = None
    max_age_years: Threshold | None = None
    min_value_eur: Threshold | None = None
    max_value_eur: Threshold | None = None
    specs: str | None = None
    min_battery_grade: Threshold | None = None
    battery_action: str = "replace"
    repair_cost_ceiling_pct: Threshold | None = None
    exclude_sensitive: Threshold | None = None
    requires_erasure: bool = False


@dataclass(frozen=True)
class ErasurePolicy:
    source: str | None
    date: str | None
    sensitive_level: str
    require_verified: bool
    min_level: Mapping[str, str]
    method_levels: Mapping[str, frozenset[str]]

    def min_rank_array(self) -> np.ndarray:
        """Minimum erasure rank by category code."""
        return np.array(
            [LEVEL_RANK[self.min_level.get(c, "purge")] for c in CATEGORIES], dtype=np.int8
        )


@dataclass(frozen=True)
class ReuseRatePolicy:
    source: str | None
    date: str | None
    targets_pct: Mapping[int, float]
    max_age_years: float
    exclude_sensitive: bool
    categories: frozenset[str]

    def target_for(self, year: int) -> float | None:
        """The target in force in ``year`` (the latest one set at or before it)."""
        years = [y for y in self.targets_pct if y <= year]
        return self.targets_pct[max(years)] if years else None


@dataclass(frozen=True)
class Policy:
    path: str
    name: str
    reviewed: str | None
    order: tuple[Channel, ...]
    channels: Mapping[Channel, ChannelPolicy]
    review_age_years: Threshold
    flag_broken: bool
    accounting_life_years: Threshold
    battery_categories: frozenset[str]
    battery_grades: Threshold  # by_category holds grade -> lower bound
    specs: Mapping[str, SpecProfile]
    erasure: ErasurePolicy
    reuse_rate: ReuseRatePolicy

    def channel(self, channel: Channel | str) -> ChannelPolicy:
        return self.channels[Channel(channel)]

    def ordered(self) -> list[ChannelPolicy]:
        return [self.channels[c] for c in self.order]

    def grade_bound(self, grade: str) -> float | None:
        return self.battery_grades.by_category.get(grade)

    def battery_grade(self, pct: float | None) -> str | None:
        """The grade of a battery health percentage (``None`` when unknown)."""
        if pct is None or pct != pct:
            return None
        for grade, bound in sorted(self.battery_grades.by_category.items(), key=lambda kv: -kv[1]):
            if pct >= bound:
                return grade
        return "D"


# --------------------------------------------------------------------------
# Parsing


class _Reader:
    """Typed access to the raw TOML tree with located errors."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, value: object, expected: str) -> PolicyError:
        return PolicyError(self.file, key, value, expected)

    def table(self, raw: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = raw.get(key, _MISSING)
        if not isinstance(value, Mapping):
            raise self.fail(_join(path, key), value, _("a table"))
        return value

    def check_keys(self, raw: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in raw:
            if key not in allowed:
                raise self.fail(
                    _join(path, key),
                    raw[key],
                    _("one of the keys {keys}").format(keys=", ".join(sorted(allowed))),
                )

    def text(
        self, raw: Mapping[str, Any], key: str, path: str, required: bool = False
    ) -> str | None:
        value = raw.get(key, _MISSING)
        if value is _MISSING and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(_join(path, key), value, _("a non-empty string"))
        return value

    def date(self, raw: Mapping[str, Any], key: str, path: str) -> str | None:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str) or not _DATE.match(value):
            raise self.fail(_join(path, key), value, _("a date YYYY, YYYY-MM or YYYY-MM-DD"))
        return value

    def boolean(self, raw: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.fail(_join(path, key), value, _("true or false"))
        return value

    def choice(
        self, raw: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return default
        if value not in allowed:
            raise self.fail(
                _join(path, key), value, _("one of {values}").format(values=", ".join(allowed))
            )
        return value

    def names(
        self, raw: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]
    ) -> frozenset[str] | None:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return None
        return frozenset(self.name_list(value, _join(path, key), allowed))

    def name_list(self, value: object, path: str, allowed: tuple[str, ...]) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(path, value, _("a list of {values}").format(values=", ".join(allowed)))
        for i, item in enumerate(value):
            if item not in allowed:
                raise self.fail(
                    f"{path}[{i}]", item, _("one of {values}").format(values=", ".join(allowed))
                )
        return list(value)

    def number(
        self, value: object, path: str, low: float = 0.0, high: float | None = None
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, value, _range_text(low, high))
        if value < low or (high is not None and value > high):
            raise self.fail(path, value, _range_text(low, high))
        return float(value)

    def threshold(
        self,
        raw: Mapping[str, Any],
        key: str,
        path: str,
        *,
        kind: str = "number",
        per_category: bool = True,
        keys: tuple[str, ...] | None = None,
        high: float | None = None,
    ) -> Threshold | None:
        """A bare value, or ``{value, source, date}``; ``value`` may be per category."""
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return None
        here = _join(path, key)
        source = date = None
        if isinstance(value, Mapping) and "value" in value:
            self.check_keys(value, here, {"value", "source", "date"})
            source = self.text(value, "source", here)
            date = self.date(value, "date", here)
            value = value["value"]
            here = f"{here}.value"
        if isinstance(value, Mapping):
            allowed = keys if keys is not None else (*CATEGORIES, "default")
            if not per_category and keys is None:
                raise self.fail(here, value, _("a single value, not a table"))
            items: dict[str, Any] = {}
            for cat, v in value.items():
                if cat not in allowed:
                    raise self.fail(
                        f"{here}.{cat}", v, _("a key among {keys}").format(keys=", ".join(allowed))
                    )
                items[cat] = self._scalar(v, f"{here}.{cat}", kind, high)
            default = items.pop("default", None)
            return Threshold(default=default, by_category=items, source=source, date=date)
        return Threshold(default=self._scalar(value, here, kind, high), source=source, date=date)

    def _scalar(self, value: object, path: str, kind: str, high: float | None) -> Any:
        if kind == "bool":
            if not isinstance(value, bool):
                raise self.fail(path, value, _("true or false"))
            return value
        if kind == "grade":
            if value not in ("A", "B", "C", "D"):
                raise self.fail(path, value, _("a battery grade A, B, C or D"))
            return value
        return self.number(value, path, 0.0, high)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _range_text(low: float, high: float | None) -> str:
    if high is None:
        return _("a number >= {low}").format(low=f"{low:g}")
    return _("a number between {low} and {high}").format(low=f"{low:g}", high=f"{high:g}")


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
}
_TOP_KEYS = {"policy", "flagging", "value", "battery", "specs", "erasure", "reuse_rate", "channels"}
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


def _erasure(r: _Reader, raw: Mapping[str, Any]) -> ErasurePolicy:
    path = "erasure"
    r.check_keys(
        raw,
        path,
        {"source", "date", "sensitive_level", "require_verified", "min_level", "method_levels"},
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
    methods_raw = r.table(raw, "method_levels", path)
    methods: dict[str, frozenset[str]] = {}
    for method, levels in methods_raw.items():
        key = f"{path}.method_levels.{method}"
        if method not in tuple(ErasureMethod):
            raise r.fail(
                key,
                levels,
                _("an erasure method: {values}").format(values=", ".join(ErasureMethod)),
            )
        methods[method] = frozenset(r.name_list(levels, key, _LEVELS))
    return ErasurePolicy(
        source=r.text(raw, "source", path),
        date=r.date(raw, "date", path),
        sensitive_level=r.choice(raw, "sensitive_level", path, _LEVELS, "destroy"),
        require_verified=r.boolean(raw, "require_verified", path, False),
        min_level=min_level,
        method_levels=methods,
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
