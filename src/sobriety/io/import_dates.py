"""The day/month order of each date column, decided from its values.

A slash date whose first part is over 12 ("23/01/2023") can only be day
first; whose second part is over 12 ("1/23/23"), month first. A column is
settled by such a value; a column with none stays ambiguous and follows the
profile's default (:data:`sobriety.io.profiles.DATE_ORDER_DEFAULTS`: month
first for Snipe-IT, day first for GLPI and French files), unless
``--date-order`` overrides it. An ambiguous column with no default is never
guessed: its dates are refused, with that reason. The first chunk of the file
usually settles every column; when it does not, the file is scanned once more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sobriety.domain.inventory.fields import DATE, FIELDS
from sobriety.domain.inventory.values import slash_date_parts
from sobriety.io.import_report import DateOrder
from sobriety.io.profiles import ColumnMap


@dataclass
class Evidence:
    """What a date column's values say: the first value settling each order."""

    header: str
    slash: bool = False
    dmy: tuple[int, str] | None = None
    mdy: tuple[int, str] | None = None

    def see(self, line: int, cell: object) -> None:
        if not isinstance(cell, str) or ("/" not in cell and "." not in cell and "-" not in cell):
            return
        parts = slash_date_parts(cell)
        if parts is None:
            return
        self.slash = True
        first, second = parts
        if first > 12 and self.dmy is None:
            self.dmy = (line, cell.strip())
        elif second > 12 and self.mdy is None:
            self.mdy = (line, cell.strip())

    @property
    def settled(self) -> bool:
        return self.dmy is not None or self.mdy is not None


def date_columns(columns: ColumnMap) -> dict[str, tuple[int, str]]:
    """Date fields of the file: ``{field: (index, header)}``."""
    return {n: ih for n, ih in columns.fields.items() if FIELDS[n].kind == DATE}


def gather(
    evidence: Mapping[str, Evidence],
    indexes: Mapping[str, int],
    rows: Iterable[tuple[int, list[object]]],
) -> None:
    """Feed ``rows`` to each column's evidence (distinct cells looked at once)."""
    seen: dict[str, set[object]] = {name: set() for name in evidence}
    for line, row in rows:
        for name, index in indexes.items():
            if index < len(row):
                cell = row[index]
                if cell not in seen[name]:
                    seen[name].add(cell)
                    evidence[name].see(line, cell)


def decide(
    evidence: Mapping[str, Evidence], default: str | None, override: str | None
) -> tuple[dict[str, str | None], list[DateOrder]]:
    """The order of each date field, and what the summary says about each slash-date column."""
    orders: dict[str, str | None] = {}
    stated: list[DateOrder] = []
    for name, ev in evidence.items():
        if override is not None:
            orders[name] = override
            if ev.slash:
                stated.append(DateOrder(ev.header, override, "option"))
            continue
        if ev.dmy is not None and ev.mdy is None:
            orders[name] = "dmy"
            stated.append(DateOrder(ev.header, "dmy", "values", ev.dmy[1], ev.dmy[0]))
        elif ev.mdy is not None and ev.dmy is None:
            orders[name] = "mdy"
            stated.append(DateOrder(ev.header, "mdy", "values", ev.mdy[1], ev.mdy[0]))
        else:  # ambiguous, or both orders seen: the default, else refused
            orders[name] = default
            if ev.slash:
                stated.append(DateOrder(ev.header, default, "default"))
    return orders, stated
