"""The import screen's preview of a file, UI-free (safe in a thread worker).

:func:`preview` opens the file like the importer does (format, encoding,
delimiter sniffed), maps its columns with the chosen profile and counts its
rows (the total of the progress bar). Problems come back as text, never as a
traceback: an unreadable file, or columns that do not fit the profile.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.io.profiles import ColumnError, map_columns
from sobriety.io.tables import UnreadableFile, open_table

SAMPLE_ROWS = 3


@dataclass
class Preview:
    path: Path
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    profile: str = ""
    #: (column header, field it fills, sample values)
    mapping: list[tuple[str, str, list[str]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    error: str | None = None


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def preview(path: Path, profile: str = "auto") -> Preview:
    """How the file's columns map onto device fields, a few values, and its row count."""
    out = Preview(Path(path))
    try:
        with open_table(Path(path)) as table:
            out.format, out.encoding, out.delimiter = table.format, table.encoding, table.delimiter
            columns = map_columns(table.headers, profile)
            out.profile, out.ignored = columns.profile, list(columns.ignored)
            sample = list(itertools.islice(table.rows, SAMPLE_ROWS))
            out.rows = len(sample) + sum(1 for _row in table.rows)
    except (UnreadableFile, ColumnError) as exc:
        out.error = str(exc)
        return out
    for name, (index, header) in sorted(columns.fields.items(), key=lambda kv: kv[1][0]):
        values = [_cell(row[index]) if index < len(row) else "" for _line, row in sample]
        out.mapping.append((header, name, values))
    return out
