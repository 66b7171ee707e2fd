"""The rejects file of ``--skip-invalid``: each invalid row as the file had it,
with its line and reasons (fix it, import it again)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from sobriety.i18n import _
from sobriety.io.formula_guard import neutralise, unneutralise
from sobriety.io.import_report import LocatedProblem, shown_value

REJECT_COLUMNS = ("rejected_line", "rejected_reason")


class RejectsWriter:
    """Writes rejected rows to ``path`` (opened on the first one)."""

    def __init__(
        self, path: Path | None, headers: list[str], delimiter: str | None, spreadsheet: bool
    ) -> None:
        self.path = path
        self.headers = headers
        self.width = len(headers)
        self.delimiter = delimiter or ","
        self.spreadsheet = spreadsheet
        self._writer: Any = None
        self._fh: Any = None

    def _open(self) -> None:
        assert self.path is not None
        self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh, delimiter=self.delimiter)
        self._writer.writerow([*self.headers, *REJECT_COLUMNS])

    def reject(self, line: int, row: list[Any], problems: list[LocatedProblem]) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self._open()
        cells = [_reject_cell(c, self.spreadsheet) for c in row[: self.width]]
        cells += [""] * (self.width - len(cells))
        reasons = " | ".join(
            _('column "{column}": {value}; expected {expected}').format(
                column=p.column, value=shown_value(p.value), expected=p.expected
            )
            for p in problems
        )
        self._writer.writerow([*cells, line, reasons])

    def close(self, *, keep_empty: bool) -> None:
        """Close the file; with ``keep_empty``, leave a header-only file when no row was
        rejected (a script can rely on it)."""
        if keep_empty and self.path is not None and self._writer is None:
            self._open()
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _reject_cell(value: Any, spreadsheet: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(unneutralise(value) if spreadsheet else value)
    return value
