"""Reading cell text: numbers, quantities with units, dates.

Pure functions shared by the importer (through :mod:`sobriety.domain.inventory.fields`)
and anything else that reads what a person typed:

- numbers with French or English separators (``1 234,56``, ``1,234.56``,
  narrow no-break spaces);
- quantities with a unit, converted to a target unit through the package's
  pint registry (``1,4 kg``, ``16 Go``, ``15,6"``, ``85 %``, ``899 € HT``);
- dates ``YYYY-MM-DD`` or day and month with a slash, dot or dash
  (``04/03/2021``, ``01-02-2011``, ``1/23/23``), with or without a time. The
  day/month order of such a date is the caller's (:func:`slash_date_parts`
  gives the evidence: a part over 12 is a day); two-digit years are read
  within :data:`TWO_DIGIT_YEARS`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from sobriety.units import registry


class CellError(ValueError):
    """A cell cannot be read; the message says what was expected."""


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+")
_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
_QUANTITY = re.compile(r"^([-+]?[0-9.,][0-9 \u00a0\u202f\u2009.,']*)(.*)$", re.S)
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASH_DATE = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
#: Day/month orders of a slash date: ``dmy`` (04/03/2021 is 4 March), ``mdy`` (US).
DATE_ORDERS = ("dmy", "mdy")
#: A two-digit year is read within this window: ``70`` is 1970, ``69`` is 2069.
TWO_DIGIT_YEARS = (1970, 2069)
#: Unit spellings pint does not know (French abbreviations, symbols).
UNIT_ALIASES = {
    "go": "GB",
    "to": "TB",
    "mo": "MB",
    "ko": "kB",
    "gio": "GiB",
    "tio": "TiB",
    "mio": "MiB",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    '"': "inch",
    "″": "inch",
    "pouce": "inch",
    "pouces": "inch",
    "po": "inch",
    "%": "percent",
    "mois": "month",
    "an": "year",
    "ans": "year",
    "année": "year",
    "années": "year",
}
_EXCL_VAT = re.compile(r"\s*\b(?:HT|H\.T\.|excl\.? VAT)\s*$", re.I)


def parse_number(text: str, *, decimal_comma: bool = True) -> float:
    """Read ``1 234,56`` / ``1,234.56`` / ``1.5`` (narrow no-break spaces allowed).

    A lone comma followed by exactly three digits ("1,234") is a thousands
    separator unless ``decimal_comma`` (French files); any other lone comma is
    the decimal mark.
    """
    s = text.translate(_SPACES)
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        body = s.lstrip("+-")
        if s.count(",") > 1:
            if not _THOUSANDS_COMMA.fullmatch(body):
                raise CellError("number")
            s = s.replace(",", "")
        elif not decimal_comma and _THOUSANDS_COMMA.fullmatch(body):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:
        if not _THOUSANDS_DOT.fullmatch(s.lstrip("+-")):
            raise CellError("number")
        s = s.replace(".", "")
    try:
        value = float(s)
    except ValueError:
        raise CellError("number") from None
    if not math.isfinite(value):
        raise CellError("number")
    return value


class QuantityReader:
    """Reads numbers, with or without a unit, into magnitudes in ``unit``.

    Conversion factors come from the package's pint registry and are computed
    once per distinct unit spelling.
    """

    def __init__(self, unit: str, *, decimal_comma: bool = True) -> None:
        self.unit = unit
        self.decimal_comma = decimal_comma
        self._factors: dict[str, float | None] = {}

    def factor(self, unit_text: str) -> float | None:
        """Factor from ``unit_text`` to the column unit; None if it is not of the same kind."""
        if unit_text in self._factors:
            return self._factors[unit_text]
        name = _EXCL_VAT.sub("", unit_text).strip() if self.unit == "EUR" else unit_text
        name = UNIT_ALIASES.get(name.casefold(), name)
        ureg = registry()
        try:
            source = ureg.Quantity(1.0, ureg.parse_units(name))
            target = ureg.Quantity(1.0, self.unit)
            same_kind = (
                source.dimensionality == target.dimensionality
                and source.to_root_units().units == target.to_root_units().units
            )
            result = float(source.to(self.unit).magnitude) if same_kind else None
        except Exception:  # pint raises several error types on bad unit text
            result = None
        self._factors[unit_text] = result
        return result

    def read(self, text: str) -> float:
        try:  # fast path: a plain number in the column unit
            value = float(text)
            if math.isfinite(value):
                return value
        except ValueError:
            pass
        match = _QUANTITY.match(text.strip())
        if not match:
            raise CellError("number")
        number = parse_number(match.group(1), decimal_comma=self.decimal_comma)
        unit_text = match.group(2).strip()
        if not unit_text:
            return number
        factor = self.factor(unit_text)
        if factor is None:
            raise CellError("unit")
        if factor == 1.0:
            return number
        # 12 significant digits: "1400 g" is 1.4 kg, not 1.4000000000000001.
        return float(f"{number * factor:.12g}")


def slash_date_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a day/month date (``1/23/23`` -> (1, 23)); None otherwise."""
    m = _SLASH_DATE.match(text.strip())
    return (int(m[1]), int(m[3])) if m else None


def parse_date(text: str, order: str | None = "dmy") -> dt.date:
    """``YYYY-MM-DD``, or a day/month date in ``order``, optionally with a time (ignored).

    ``order`` is ``dmy``, ``mdy``, or None when it is unknown: a date is then
    read only when its parts tell (one over 12, or both equal), else refused
    with the reason ``date_order``. A date that does not fit ``order`` is
    refused with the reason ``date_dmy`` / ``date_mdy``.
    """
    s = text.strip()
    m = _ISO_DATE.match(s)
    time_at = 4
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _SLASH_DATE.match(s)
        if not m:
            raise CellError("date")
        first, second, y = int(m[1]), int(m[3]), int(m[4])
        if len(m[4]) == 2:
            low = TWO_DIGIT_YEARS[0]
            y += (low // 100) * 100
            if y < low:
                y += 100
        if order is None:
            if first > 12 or first == second:
                order = "dmy"
            elif second > 12:
                order = "mdy"
            else:
                raise CellError("date_order")
        d, mo = (first, second) if order == "dmy" else (second, first)
        if mo > 12:
            raise CellError(f"date_{order}")
        time_at = 5
    hour, minute, second_ = m[time_at], m[time_at + 1], m[time_at + 2]
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second_ or 0) > 59):
        raise CellError("date")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError("date") from None


def same_value(old: Any, new: Any) -> bool:
    """Whether a stored value and a new one are the same (floats up to rounding noise).

    An import that brings the same values changes nothing (no version bump, no history).
    """
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, float) or isinstance(new, float):
        return math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-9)
    return old == new
