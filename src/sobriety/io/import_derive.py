"""Values an import derives from the file's columns, chunk by chunk.

- **Placeholders**: firmware placeholders written into asset-tag or serial
  columns ("Chassis Asset Tag", "To be filled by O.E.M.", "Default string",
  "0"...) are empty values, not identifiers (the list is the agent import's:
  :data:`sobriety.domain.inventory.agent_rules.PLACEHOLDERS`);
- **Acquisition date**: the purchase date, else the delivery date;
- **Warranty end**: the one given, else the warranty length ("60 mois",
  "3 ans", 36) from the warranty start, else from the acquisition date;
- **Site and location**: the site column (GLPI's entity) names the site and
  the location path ("Lieu") is kept as the device's location; with a
  ``site_level``, level N of the location path names the site and the levels
  below it are the location.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sobriety.domain.inventory.agent_rules import PLACEHOLDERS
from sobriety.domain.inventory.fields import normalise_label, site_reference

IDENTIFIER_FIELDS = ("asset_tag", "serial")
PATH_SEPARATOR = ">"
_NOT_ALNUM_OR_LINE = re.compile(r"[^0-9a-z\n]+")


def is_placeholder(cell: Any) -> bool:
    """Whether an identifier cell is a firmware placeholder (or only zeros)."""
    if not isinstance(cell, str | int | float) or isinstance(cell, bool):
        return False
    key = normalise_label(str(cell))
    return bool(key) and (key in PLACEHOLDERS or set(key) == {"0"})


_ALL_ZEROS = re.compile(r"^0+$", re.MULTILINE)


def _none_in_text(cells: Sequence[Any]) -> bool:
    """Whether a column of text cells surely holds no placeholder (one pass in C).

    The keys of ASCII cells are their lowercase letters and digits: the whole
    column is normalised at once, one key a line; False when it cannot tell
    (a cell that is not text, not ASCII or holds a line break).
    """
    try:
        text = "\n".join(cells)
    except TypeError:
        return False
    if not text.isascii():
        return False
    keys = _NOT_ALNUM_OR_LINE.sub("", text.lower())
    lines = keys.split("\n")
    if len(lines) != len(cells):
        return False
    return not PLACEHOLDERS.intersection(lines) and _ALL_ZEROS.search(keys) is None


def drop_placeholders(cells: Sequence[Any]) -> tuple[list[Any], int]:
    """``cells`` with placeholders replaced by None, and how many there were."""
    if _none_in_text(cells):
        return list(cells), 0
    out = list(cells)
    count = 0
    cache: dict[Any, bool] = {}
    for i, cell in enumerate(out):
        if cell is None:
            continue
        hit = cache.get(cell)
        if hit is None:
            hit = cache[cell] = is_placeholder(cell)
        if hit:
            out[i] = None
            count += 1
    return out, count


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def derive_dates(values: dict[str, list[Any]], size: int) -> None:
    """Fill ``acquisition_date`` and ``warranty_end`` from the deriving columns (in place)."""
    delivery = values.pop("delivery_date", None)
    if delivery is not None:
        given = values.get("acquisition_date")
        values["acquisition_date"] = (
            delivery if given is None else [g or d for g, d in zip(given, delivery, strict=True)]
        )
    start = values.pop("warranty_start", None)
    months = values.pop("warranty_months", None)
    if months is None:
        return
    acquired = values.get("acquisition_date") or [None] * size
    start = start or [None] * size
    given_end = values.get("warranty_end") or [None] * size
    ends: list[dt.date | None] = []
    for end, length, begin, bought in zip(given_end, months, start, acquired, strict=True):
        base = begin or bought
        if end is None and length is not None and base is not None:
            end = add_months(base, round(length))
        ends.append(end)
    values["warranty_end"] = ends


def split_location(text: str | None, level: int | None) -> tuple[str | None, str | None]:
    """``(site, location)`` named by a location path.

    Without ``level``: the site is the path's last part (the location is not
    kept apart). With ``level`` N: part N (from 1) is the site, the parts
    below it the location; a shorter path names its last part.
    """
    if text is None:
        return None, None
    if level is None:
        return site_reference(text), None
    parts = [p.strip() for p in text.split(PATH_SEPARATOR) if p.strip()]
    if not parts:
        return None, None
    site = parts[min(level, len(parts)) - 1]
    rest = parts[level:]
    return site, (f" {PATH_SEPARATOR} ".join(rest) or None)
