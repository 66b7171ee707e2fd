"""The reuse policy's parsed form: constants, frozen dataclasses and :class:`PolicyError`.

Parsed from the TOML file by :mod:`sobriety.domain.reuse.policy`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sobriety.domain.vocab import Category, Channel, ErasureLevel, RecipientKind
from sobriety.i18n import _

#: Rank of each erasure level (0 = nothing recorded / nothing needed).
LEVEL_RANK = {"none": 0, ErasureLevel.CLEAR: 1, ErasureLevel.PURGE: 2, ErasureLevel.DESTROY: 3}
#: Order of the category codes used by the vectorised engine.
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
CATEGORY_INDEX = {c: i for i, c in enumerate(CATEGORIES)}
SPEC_PARTS = ("cpu_generation", "ram_gb", "storage_gb", "tpm")
COUNTS_AS_REUSE = ("yes", "no", "with_proof")
BATTERY_ACTIONS = ("replace", "exclude")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


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


#: A key absent from the file (shown as "(missing)" in errors).
MISSING = object()
_MISSING = MISSING


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
    #: A retired device goes back into service through this channel only when the
    #: stock of ready devices of its category is below this number (a need exists).
    need_stock_below: Threshold | None = None


@dataclass(frozen=True)
class ErasureMethodRule:
    """What an erasure method reaches (NIST SP 800-88 Rev. 2 levels) and where it is valid."""

    method: str
    levels: frozenset[str]
    #: Storage types the method is valid on (None: any).
    storage_types: frozenset[str] | None = None
    #: Purge is reached only when the storage was encrypted from installation.
    purge_needs_encryption: bool = False
    #: Categories on which the method, on storage encrypted from installation, is a
    #: cryptographic erase and so reaches purge (a factory reset of an encrypted phone).
    purge_when_encrypted: frozenset[str] = frozenset()
    source: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ErasurePolicy:
    source: str | None
    date: str | None
    sensitive_level: str
    require_verified: bool
    min_level: Mapping[str, str]
    methods: Mapping[str, ErasureMethodRule]

    @property
    def method_levels(self) -> Mapping[str, frozenset[str]]:
        """The levels each method can reach at best."""
        return {
            m: r.levels | ({"purge"} if r.purge_when_encrypted else frozenset())
            for m, r in self.methods.items()
        }

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
    #: Devices *over* this age at retirement are out ("plus de dix ans": exactly 10 is in).
    max_age_years: float
    exclude_sensitive: bool
    categories: frozenset[str]
    #: Small IT equipment (R543-172 II 6°): no outer dimension over this, in cm.
    max_dimension_cm: float | None = None
    #: Categories the size rule does not apply to (screens are category 2 whatever their size).
    size_exempt: frozenset[str] = frozenset()
    #: In scope when the size is not recorded (by category; a stated default).
    unknown_size_in_scope: Threshold | None = None
    size_source: str | None = None

    def target_for(self, year: int) -> float | None:
        """The target in force in ``year`` (the latest one set at or before it)."""
        years = [y for y in self.targets_pct if y <= year]
        return self.targets_pct[max(years)] if years else None


@dataclass(frozen=True)
class EcoOrganismes:
    """Eco-organismes approved for professional IT equipment, and until when."""

    names: tuple[str, ...]
    valid_until: str | None
    source: str | None
    date: str | None

    def approved(self, name: str) -> bool:
        folded = " ".join(name.casefold().split())
        return any(n.casefold() in folded for n in self.names)


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
    eco_organismes: EcoOrganismes | None = None

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
