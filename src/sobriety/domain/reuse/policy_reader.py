"""Typed access to the raw TOML tree of a policy file, with located errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sobriety.domain.reuse.policy_types import CATEGORIES, DATE, MISSING, PolicyError, Threshold
from sobriety.domain.texts import LANGUAGES, text_of
from sobriety.i18n import _

_MISSING = MISSING
_DATE = DATE
#: Keys whose text may come with translations (``source_fr``), shown in the user's language.
_TRANSLATED = frozenset({"source", "label", "name"})


class Reader:
    """Typed access to the raw TOML tree with located errors."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, value: object, expected: str) -> PolicyError:
        return PolicyError(self.file, key, value, expected)

    def table(self, raw: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = raw.get(key, _MISSING)
        if not isinstance(value, Mapping):
            raise self.fail(join(path, key), value, _("a table"))
        return value

    def check_keys(self, raw: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        # A source may carry its French text beside it (``source_fr``, checked by ``text``).
        allowed = allowed | {f"{k}_{lang}" for k in allowed & _TRANSLATED for lang in LANGUAGES}
        for key in raw:
            if key not in allowed:
                raise self.fail(
                    join(path, key),
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
            raise self.fail(join(path, key), value, _("a non-empty string"))
        if key in _TRANSLATED:
            for lang in LANGUAGES:
                other = raw.get(f"{key}_{lang}", _MISSING)
                if other is not _MISSING and (not isinstance(other, str) or not other.strip()):
                    raise self.fail(join(path, f"{key}_{lang}"), other, _("a non-empty string"))
            return text_of(raw, key)
        return value

    def date(self, raw: Mapping[str, Any], key: str, path: str) -> str | None:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str) or not _DATE.match(value):
            raise self.fail(join(path, key), value, _("a date YYYY, YYYY-MM or YYYY-MM-DD"))
        return value

    def boolean(self, raw: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            raise self.fail(join(path, key), value, _("true or false"))
        return value

    def choice(
        self, raw: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str
    ) -> str:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return default
        if value not in allowed:
            raise self.fail(
                join(path, key), value, _("one of {values}").format(values=", ".join(allowed))
            )
        return value

    def names(
        self, raw: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]
    ) -> frozenset[str] | None:
        value = raw.get(key, _MISSING)
        if value is _MISSING:
            return None
        return frozenset(self.name_list(value, join(path, key), allowed))

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
            raise self.fail(path, value, range_text(low, high))
        if value < low or (high is not None and value > high):
            raise self.fail(path, value, range_text(low, high))
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
        here = join(path, key)
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
        if value is False:  # "no limit" for this category
            return None
        return self.number(value, path, 0.0, high)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def range_text(low: float, high: float | None) -> str:
    if high is None:
        return _("a number >= {low}").format(low=f"{low:g}")
    return _("a number between {low} and {high}").format(low=f"{low:g}", high=f"{high:g}")
