"""Export of the whole inventory: CSV, JSON or XLSX.

One row per device with every field of a device record plus its site's code,
name and kind (``site_code``, ``site_name``, ``site_kind``), in the columns the
importer's ``generic`` profile reads: exporting then importing into an empty
database gives back the same devices and sites. JSON and XLSX also carry the
full site table (commune, INSEE code, agents...) in ``sites``.

- CSV: comma-delimited, UTF-8 with a BOM (spreadsheets then read accents
  right), ``.`` decimals, ISO dates, ``true``/``false``.
- XLSX: sheets ``devices`` and ``sites``, typed cells (numbers, dates);
  numbers keep 16 significant digits (openpyxl's writer; Excel shows 15).
- JSON: ``{"format": "sobriety-inventory", "version": 1, "sites": [...],
  "devices": [...]}``.

In CSV and XLSX, text starting with ``=``, ``+``, ``-`` or ``@`` is neutralised
(see :mod:`sobriety.io.formula_guard`); the importer undoes it. Rows are streamed from
the database, so memory stays flat for large fleets (XLSX is limited to
1,048,575 devices by the format itself).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from sobriety.domain.inventory.fields import DEVICE_FIELD_NAMES
from sobriety.domain.inventory.queries import DeviceFilter
from sobriety.i18n import _
from sobriety.io.formula_guard import neutralise
from sobriety.storage.models import Device, Site

FORMATS = ("csv", "json", "xlsx")
SITE_EXPORT_COLUMNS = ("code", "name", "kind", "commune", "insee_code", "country", "agents")
EXPORT_COLUMNS: tuple[str, ...] = (
    *DEVICE_FIELD_NAMES[:5],
    "site_code",
    "site_name",
    "site_kind",
    *DEVICE_FIELD_NAMES[5:],
)
XLSX_MAX_ROWS = 1_048_575
_STREAM = 5_000


class ExportError(ValueError):
    pass


@dataclass(frozen=True)
class ExportReport:
    path: Path
    format: str
    devices: int
    sites: int


def format_for(path: Path, explicit: str | None = None) -> str:
    """``explicit`` or the format named by the file extension."""
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(
            _("cannot tell the export format of {path}; use --format {formats}").format(
                path=path, formats="|".join(FORMATS)
            )
        )
    return fmt


def _device_rows(engine: Engine, where: DeviceFilter | None = None) -> Iterator[tuple[Any, ...]]:
    from sobriety.storage.device_pages import where_clause

    dev, site = Device.__table__, Site.__table__
    cols = [dev.c[name] for name in DEVICE_FIELD_NAMES[:5]]
    cols += [site.c.code, site.c.name, site.c.kind]
    cols += [dev.c[name] for name in DEVICE_FIELD_NAMES[5:]]
    stmt = select(*cols).select_from(dev.outerjoin(site, dev.c.site_id == site.c.id))
    cond = None if where is None else where_clause(where, dialect=engine.dialect.name)
    if cond is not None:
        stmt = stmt.where(cond)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=_STREAM).execute(
            stmt.order_by(dev.c.id)
        )
        for row in result:
            yield tuple(row)


def _site_rows(engine: Engine) -> list[tuple[Any, ...]]:
    site = Site.__table__
    with engine.connect() as conn:
        stmt = select(*(site.c[c] for c in SITE_EXPORT_COLUMNS)).order_by(site.c.code)
        return [tuple(r) for r in conn.execute(stmt)]


def export_inventory(
    engine: Engine,
    path: Path,
    fmt: str | None = None,
    *,
    where: DeviceFilter | None = None,
    excel_fr: bool = False,
) -> ExportReport:
    """Write the inventory (the devices ``where`` keeps: all by default) to ``path``; the
    format comes from its extension by default.

    ``excel_fr``: a CSV for a French Excel, ``;``-separated with decimal commas
    (the importer reads it back).
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    sites = _site_rows(engine)
    writers = {"csv": _write_csv_fr if excel_fr else _write_csv, "json": _write_json}
    writer = writers.get(fmt, _write_xlsx)
    tmp = path.with_name(path.name + ".part")
    try:
        count = writer(tmp, _device_rows(engine, where), sites)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportReport(path, fmt, count, len(sites))


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _write_csv(path: Path, rows: Iterator[tuple[Any, ...]], _sites: list) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_text_cell(v) for v in row])
            count += 1
    return count


def _write_csv_fr(path: Path, rows: Iterator[tuple[Any, ...]], _sites: list) -> int:
    """The CSV a French Excel opens in columns: ``;`` between fields, decimal commas."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(
                [repr(v).replace(".", ",") if isinstance(v, float) else _text_cell(v) for v in row]
            )
            count += 1
    return count


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_json(path: Path, rows: Iterator[tuple[Any, ...]], sites: list) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        head = {
            "format": "sobriety-inventory",
            "version": 1,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sites": [dict(zip(SITE_EXPORT_COLUMNS, s, strict=True)) for s in sites],
        }
        fh.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2])
        fh.write(',\n "devices": [')
        for row in rows:
            record = {k: _json_value(v) for k, v in zip(EXPORT_COLUMNS, row, strict=True)}
            fh.write(("\n  " if count == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
            count += 1
        fh.write("\n ]\n}\n")
    return count


def _xlsx_value(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _write_xlsx(path: Path, rows: Iterator[tuple[Any, ...]], sites: list) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    devices = workbook.create_sheet("devices")
    devices.append(list(EXPORT_COLUMNS))
    count = 0
    for row in rows:
        count += 1
        if count > XLSX_MAX_ROWS:
            raise ExportError(
                _("an XLSX sheet holds at most {n} devices; export to CSV or JSON").format(
                    n=XLSX_MAX_ROWS
                )
            )
        devices.append([_xlsx_value(v) for v in row])
    site_sheet = workbook.create_sheet("sites")
    site_sheet.append(list(SITE_EXPORT_COLUMNS))
    for site in sites:
        site_sheet.append([_xlsx_value(v) for v in site])
    workbook.save(path)
    return count
