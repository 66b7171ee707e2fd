"""The plan's objectives: an editable, sourced file and the "on track" rule.

The objectives file (``data/objectives.toml`` ships the defaults; the user's
own is read through ``SOBRIETY_OBJECTIVES``) holds, for each objective, an
indicator, a direction, a baseline year, a target year and a target (or a
change against the baseline), with its source. The rule is written in the
file (``[rule]``): an objective is on track in a year when its value is on
the right side of the straight line from the baseline value to the target,
read in that year (from the target year on: when it meets the target).

The indicator values come from :mod:`sobriety.domain.report.annual`; this
module only reads the file and applies the rule (:func:`assess`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.domain.labels import label
from sobriety.domain.texts import shown, text_of
from sobriety.i18n import N_, _

#: Indicators an objective can follow (English labels, translated when shown), and units.
INDICATORS: Mapping[str, tuple[str, str]] = {
    "reuse_rate_pct": (N_("Reuse rate (décret 2023-266)"), "%"),
    "refurbished_purchase_share_pct": (N_("Refurbished purchases (AGEC art. 58)"), "%"),
    "retirement_age_years": (N_("Average age at retirement"), "years"),
    "tco2e_per_agent": (N_("tCO2e per agent"), "tCO2e"),
    "stock_rate_pct": (N_("Stock rate"), "%"),
    "weee_tonnes": (N_("WEEE sent to recycling"), "t"),
}
DIRECTIONS = ("increase", "decrease")
#: The shipped rule's wording (translated when a file keeps it as it is).
RULE_TEXT = N_(
    "An objective is on track in a year when its value is on the right side (at or above "
    "for an increase, at or below for a decrease) of the straight line drawn from the "
    "baseline value in the baseline year to the target in the target year, read in that "
    "year; from the target year on, when it meets the target."
)
RULES = ("linear",)


class ObjectivesError(ValueError):
    """The objectives file is invalid: file, place (line or key), value and what was expected."""

    def __init__(self, path: str, where: str, value: Any, expected: str) -> None:
        self.path, self.where, self.value, self.expected = path, where, value, expected
        super().__init__(
            _("{path}: {where}: {value!r}: expected {expected}").format(
                path=path, where=where, value=value, expected=expected
            )
        )


@dataclass(frozen=True)
class Objective:
    id: str
    indicator: str
    direction: str
    baseline_year: int
    target_year: int
    source: str
    target: float | None = None
    target_change_pct: float | None = None
    category: str | None = None

    @property
    def key(self) -> str:
        """The indicator value this objective follows (``retirement_age_years:laptop``)."""
        return f"{self.indicator}:{self.category}" if self.category else self.indicator

    @property
    def unit(self) -> str:
        return INDICATORS[self.indicator][1]

    @property
    def label(self) -> str:
        text = _(INDICATORS[self.indicator][0])
        return f"{text} ({label('category', self.category)})" if self.category else text

    def target_value(self, baseline: float | None) -> float | None:
        """The value to reach (a change needs the baseline value)."""
        if self.target is not None:
            return self.target
        if baseline is None or self.target_change_pct is None:
            return None
        return baseline * (1.0 + self.target_change_pct / 100.0)

    def expected(self, year: int, baseline: float | None) -> float | None:
        """The straight line from the baseline to the target, read at ``year``."""
        target = self.target_value(baseline)
        if target is None or baseline is None:
            return None
        if year >= self.target_year:
            return target
        if year <= self.baseline_year:
            return baseline
        step = (year - self.baseline_year) / (self.target_year - self.baseline_year)
        return baseline + (target - baseline) * step


@dataclass(frozen=True)
class Objectives:
    path: str
    rule: str
    rule_text: str
    items: tuple[Objective, ...] = field(default_factory=tuple)

    @property
    def first_year(self) -> int | None:
        return min((o.baseline_year for o in self.items), default=None)


def default_objectives_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "objectives.toml"


def _year(where: str, path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise ObjectivesError(path, where, value, _("a year from 2000 to 2100"))
    return value


def _number(where: str, path: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ObjectivesError(path, where, value, _("a number"))
    return float(value)


def _text(where: str, path: str, value: Any, expected: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ObjectivesError(path, where, value, expected)
    return value.strip()


_KEYS = {
    "id",
    "indicator",
    "direction",
    "baseline_year",
    "target_year",
    "target",
    "target_change_pct",
    "category",
    "source",
    "source_fr",
}


def _objective(raw: Any, k: int, path: str, categories: set[str] | None) -> Objective:
    at = f"objective[{k}]"
    if not isinstance(raw, dict):
        raise ObjectivesError(path, at, raw, _("a table"))
    for key in raw:
        if key not in _KEYS:
            raise ObjectivesError(path, f"{at}.{key}", raw[key], ", ".join(sorted(_KEYS)))
    oid = _text(f"{at}.id", path, raw.get("id"), _("an identifier"))
    indicator = raw.get("indicator")
    if indicator not in INDICATORS:
        raise ObjectivesError(path, f"{at}.indicator", indicator, ", ".join(INDICATORS))
    direction = raw.get("direction")
    if direction not in DIRECTIONS:
        raise ObjectivesError(path, f"{at}.direction", direction, " / ".join(DIRECTIONS))
    base = _year(f"{at}.baseline_year", path, raw.get("baseline_year"))
    due = _year(f"{at}.target_year", path, raw.get("target_year"))
    if due <= base:
        raise ObjectivesError(
            path,
            f"{at}.target_year",
            due,
            _("a year after the baseline year {year}").format(year=base),
        )
    target = raw.get("target")
    change = raw.get("target_change_pct")
    if (target is None) == (change is None):
        raise ObjectivesError(
            path, f"{at}.target", target, _("either target or target_change_pct (one of them)")
        )
    if target is not None:
        target = _number(f"{at}.target", path, target)
        if target < 0 or (INDICATORS[indicator][1] == "%" and target > 100):
            raise ObjectivesError(path, f"{at}.target", target, _("a value in the unit's range"))
    if change is not None:
        change = _number(f"{at}.target_change_pct", path, change)
        if change <= -100:
            raise ObjectivesError(path, f"{at}.target_change_pct", change, _("above -100"))
    category = raw.get("category")
    if indicator == "retirement_age_years":
        if categories is not None and category not in categories:
            raise ObjectivesError(path, f"{at}.category", category, ", ".join(sorted(categories)))
    elif category is not None:
        raise ObjectivesError(path, f"{at}.category", category, _("no category here"))
    _text(f"{at}.source", path, raw.get("source"), _("the source of the target (text)"))
    source = text_of(raw, "source")
    return Objective(oid, indicator, direction, base, due, source, target, change, category)


def load_objectives(
    path: Path | str | None = None, *, categories: set[str] | None = None
) -> Objectives:
    """Read and check an objectives file (the shipped one by default).

    ``categories`` are the known device categories (checked when given).
    """
    path = Path(path) if path else default_objectives_path()
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ObjectivesError(
            where, _("(file)"), where, _("a readable file ({reason})").format(reason=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ObjectivesError(where, _("(syntax)"), str(exc), _("valid TOML")) from exc
    rule = data.get("rule")
    if not isinstance(rule, dict):
        raise ObjectivesError(where, "[rule]", rule, _("a table with on_track and text"))
    kind = rule.get("on_track")
    if kind not in RULES:
        raise ObjectivesError(where, "rule.on_track", kind, " / ".join(RULES))
    text = _text("rule.text", where, rule.get("text"), _("the rule in words"))
    if text == RULE_TEXT:
        text = _(RULE_TEXT)
    raw = data.get("objective", [])
    if not isinstance(raw, list):
        raise ObjectivesError(where, "[[objective]]", raw, _("an array of tables"))
    items = tuple(_objective(r, k, where, categories) for k, r in enumerate(raw))
    seen: set[str] = set()
    for k, o in enumerate(items):
        if o.id in seen:
            raise ObjectivesError(where, f"objective[{k}].id", o.id, _("a unique identifier"))
        seen.add(o.id)
    return Objectives(where, kind, text, items)


# --------------------------------------------------------------------------
# The rule


@dataclass(frozen=True)
class TrajectoryPoint:
    year: int
    value: float | None
    expected: float | None
    #: "snapshot" (published figures) or "computed" (from today's data)
    origin: str


@dataclass(frozen=True)
class Assessment:
    objective: Objective
    year: int
    baseline: float | None
    target: float | None
    value: float | None
    expected: float | None
    #: True / False; None when a value is missing
    on_track: bool | None
    trajectory: tuple[TrajectoryPoint, ...]

    def as_dict(self) -> dict[str, Any]:
        o = self.objective
        return {
            "id": o.id,
            "indicator": o.indicator,
            "category": o.category,
            "label": o.label,
            "unit": o.unit,
            "direction": o.direction,
            "baseline_year": o.baseline_year,
            "target_year": o.target_year,
            "baseline": self.baseline,
            "target": self.target,
            "target_change_pct": o.target_change_pct,
            "year": self.year,
            "value": self.value,
            "expected": self.expected,
            "on_track": self.on_track,
            "source": shown(o.source),
            "trajectory": [
                {"year": p.year, "value": p.value, "expected": p.expected, "origin": p.origin}
                for p in self.trajectory
            ],
        }


def on_track(direction: str, value: float | None, expected: float | None) -> bool | None:
    if value is None or expected is None:
        return None
    tolerance = 1e-9 * max(1.0, abs(expected))
    if direction == "increase":
        return value >= expected - tolerance
    return value <= expected + tolerance


def assess(
    objectives: Objectives,
    year: int,
    values: Mapping[int, Mapping[str, float | None]],
    origins: Mapping[int, str] | None = None,
) -> list[Assessment]:
    """Each objective in ``year``: value, line, on track, and the trajectory since the baseline.

    ``values[y][key]`` holds each indicator value by year (missing: unknown);
    ``origins[y]`` says where year ``y``'s values come from.
    """
    origins = origins or {}
    out = []
    for o in objectives.items:
        baseline = values.get(o.baseline_year, {}).get(o.key)
        target = o.target_value(baseline)
        points = []
        for y in range(min(o.baseline_year, year), year + 1):
            points.append(
                TrajectoryPoint(
                    y,
                    values.get(y, {}).get(o.key),
                    o.expected(y, baseline) if y >= o.baseline_year else None,
                    origins.get(y, "computed"),
                )
            )
        value = values.get(year, {}).get(o.key)
        expected = o.expected(year, baseline) if year >= o.baseline_year else None
        out.append(
            Assessment(
                o,
                year,
                baseline,
                target,
                value,
                expected,
                on_track(o.direction, value, expected) if year > o.baseline_year else None,
                tuple(points),
            )
        )
    return out
