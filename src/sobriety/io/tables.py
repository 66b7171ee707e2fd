"""Reading tabular files row by row: CSV, XLSX and sobriety's JSON export.

Rows are streamed (a CSV is never held in memory; an XLSX is read with
openpyxl's read-only mode) together with the number a user sees for them: the
line of a CSV, the row of a worksheet, the record of a JSON list.

CSV files are sniffed: the delimiter (``,`` ``;`` or tab), the encoding (UTF-8,
UTF-8 with a BOM, UTF-16 with a BOM as Excel's "Unicode text", Mac Roman for
a file whose lines end with a lone CR as Excel for Mac writes them, otherwise
Windows-1252), and whether numbers use a decimal comma (files delimited by
``;`` or tab, the French convention).
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.i18n import _

DELIMITERS = (",", ";", "\t")
_SAMPLE = 64 * 1024
_BLOCK = 1 << 20
#: Worksheet names read from an XLSX workbook, when present.
DEVICES_SHEET = "devices"
SITES_SHEET = "sites"


class UnreadableFile(ValueError):
    """The file cannot be opened or decoded, or holds no table."""


@dataclass
class Table:
    """Headers and a one-pass iterator of ``(line number, cells)``."""

    path: Path
    format: str
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    #: Text numbers use a decimal comma ("1,5") unless the file says otherwise.
    decimal_comma: bool = True
    delimiter: str | None = None
    encoding: str | None = None
    #: Spreadsheet formats neutralise formula-like text (see :mod:`sobriety.io.formula_guard`).
    spreadsheet: bool = True
    #: Full site records shipped with an export (JSON, XLSX "sites" sheet).
    sites: list[dict[str, Any]] = field(default_factory=list)
    _closers: list[Any] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for closer in self._closers:
            closer()
        self._closers.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: Path) -> Table:
    """Open ``path`` as a table; raises :class:`UnreadableFile` with the reason."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() in (".xml", ".ocs"):
        raise UnreadableFile(
            _(
                "{path}: not a table but agent inventories; import it with --profile glpi-agent"
            ).format(path=path)
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableFile(
            _("{path}: cannot open the file ({error})").format(path=path, error=exc.strerror)
        ) from exc
    if not head:
        raise UnreadableFile(_("{path}: the file is empty").format(path=path))
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path)
    if path.suffix.lower() == ".json":
        return _open_json(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UnreadableFile(_("{path}: not an XLSX workbook (no zip signature)").format(path=path))
    return _open_csv(path)


# --- CSV --------------------------------------------------------------------


def cr_only(sample: bytes) -> bool:
    """Whether lines end with a lone CR (classic Mac OS, Excel for Mac's CSV)."""
    return b"\r" in sample and b"\n" not in sample


def detect_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-16``, ``utf-8``, ``mac_roman`` or ``cp1252``, checked over the
    whole file. Mac Roman is tried (before Windows-1252) only for a file with CR-only
    line ends: Excel for Mac writes its "CSV" in Mac Roman with them."""
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE)
        if head.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ["utf-16"]
        elif cr_only(head):
            candidates = ["utf-8", "mac_roman"]
        else:
            candidates = ["utf-8", "cp1252"]
        for encoding in candidates:
            fh.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while block := fh.read(_BLOCK):
                    text = decoder.decode(block)
                    if "\x00" in text:
                        raise UnicodeDecodeError(encoding, block, 0, 1, "NUL character")
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise UnreadableFile(
        _("{path}: not a text file in UTF-8, UTF-16, Windows-1252 or Mac Roman").format(path=path)
    )


def detect_delimiter(sample: str) -> str:
    """The candidate giving the most columns, consistently, over the first lines."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # a partial last line
    head = lines[:50]  # a list of lines: CR-only line ends split too
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(head, delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _open_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    try:
        sample = fh.read(_SAMPLE)
        fh.seek(0)
        delimiter = detect_delimiter(sample)
        reader = csv.reader(fh, delimiter=delimiter)
        headers: list[str] | None = None
        for record in reader:
            if any(cell.strip() for cell in record):
                headers = [cell.strip() for cell in record]
                break
    except (csv.Error, UnicodeDecodeError) as exc:
        fh.close()
        raise UnreadableFile(
            _("{path}: cannot read the CSV ({error})").format(path=path, error=exc)
        ) from exc
    if headers is None:
        fh.close()
        raise UnreadableFile(_("{path}: the file is empty").format(path=path))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        previous = reader.line_num
        try:
            for record in reader:
                line = previous + 1
                previous = reader.line_num
                if record and (record[0] or any(record)):
                    yield line, record
        except csv.Error as exc:
            raise UnreadableFile(
                _("{path}, line {line}: cannot read the CSV ({error})").format(
                    path=path, line=previous + 1, error=exc
                )
            ) from exc

    return Table(
        path=path,
        format="csv",
        headers=headers,
        rows=rows(),
        decimal_comma=delimiter != ",",
        delimiter=delimiter,
        encoding=encoding,
        _closers=[fh.close],
    )


# --- XLSX -------------------------------------------------------------------


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise UnreadableFile(
            _("{path}: cannot read the XLSX workbook ({error})").format(path=path, error=exc)
        ) from exc
    try:
        names = workbook.sheetnames
        sheet = workbook[DEVICES_SHEET] if DEVICES_SHEET in names else workbook.worksheets[0]
        sites = _sheet_records(workbook[SITES_SHEET]) if SITES_SHEET in names else []
        it = sheet.iter_rows(values_only=True)
        headers: list[str] | None = None
        header_row = 0
        for number, values in enumerate(it, start=1):
            if any(v is not None and str(v).strip() for v in values):
                headers = ["" if v is None else str(v).strip() for v in values]
                header_row = number
                break
    except Exception:
        workbook.close()
        raise
    if headers is None:
        workbook.close()
        raise UnreadableFile(_("{path}: the worksheet is empty").format(path=path))
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(it, start=header_row + 1):
            if any(v is not None and v != "" for v in values):
                yield number, list(values)

    return Table(
        path=path,
        format="xlsx",
        headers=headers,
        rows=rows(),
        sites=sites,
        _closers=[workbook.close],
    )


def _sheet_records(sheet: Any) -> list[dict[str, Any]]:
    it = sheet.iter_rows(values_only=True)
    header = next(it, None)
    if not header:
        return []
    keys = [None if h is None else str(h).strip() for h in header]
    return [
        {k: v for k, v in zip(keys, values, strict=False) if k}
        for values in it
        if any(v is not None for v in values)
    ]


# --- JSON -------------------------------------------------------------------


def _open_json(path: Path) -> Table:
    try:
        with path.open("r", encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(
            _("{path}: cannot read the JSON ({error})").format(path=path, error=exc)
        ) from exc
    sites: list[dict[str, Any]] = []
    if isinstance(data, dict) and ("content" in data or "deviceid" in data):
        raise UnreadableFile(
            _("{path}: a GLPI Agent inventory; import it with --profile glpi-agent").format(
                path=path
            )
        )
    if isinstance(data, dict):
        sites = data.get("sites") or []
        data = data.get("devices")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise UnreadableFile(
            _('{path}: expected a list of objects, or an object with a "devices" list').format(
                path=path
            )
        )
    if not data:
        raise UnreadableFile(_("{path}: the file holds no device").format(path=path))
    headers: dict[str, None] = {}
    for record in data:
        headers.update(dict.fromkeys(record))
    names = list(headers)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, record in enumerate(data, start=1):
            yield number, [_json_cell(record.get(h)) for h in names]

    return Table(
        path=path,
        format="json",
        headers=names,
        rows=rows(),
        decimal_comma=False,
        spreadsheet=False,
        sites=sites if isinstance(sites, list) else [],
    )


def _json_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
