"""Write a study package: ``datapackage.json`` and one CSV per resource, in a zip.

Each resource carries its Table Schema, its size in bytes and its SHA-256
hash, so a reader detects a truncated or altered file. The zip is written
next to its destination and moved into place at the end: an error leaves no
half-written package.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.io.study import schema as sch


@dataclass
class StudyTables:
    """What a package holds: rows per resource (values keyed by field name) and metadata."""

    organisations: list[str]
    year: int
    #: Column arrays (or lists) keyed by field name, for the (large) device resource.
    devices: Mapping[str, Sequence[Any]]
    volumes: list[dict[str, Any]]
    forecast: list[dict[str, Any]]
    organisation_rows: list[dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)
    created: dt.datetime | None = None


def slug(text: str) -> str:
    """A lower-case ASCII name for the package (Data Package ``name`` pattern)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out or "organisation"


def cell(value: Any) -> str:
    """A CSV cell: empty for None and nan, integers without a decimal part."""
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(round(value, 6))
    return str(value)


def column_cells(values: Sequence[Any], digits: int | None = None) -> list[str]:
    """A column as CSV cells; floats rounded to ``digits`` (nan -> empty)."""
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    if digits is None:
        return [cell(v) for v in items]
    out = []
    for v in items:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("")
        else:
            out.append(cell(round(float(v), digits)))
    return out


def _csv_bytes(header: list[str], rows: Iterable[Sequence[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def resource_descriptor(name: str, *, size: int, digest: str) -> dict[str, Any]:
    spec = sch.study_schema()["resources"][name]
    return {
        "name": name,
        "title": spec["title"],
        "description": spec["description"],
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{digest}",
        "schema": sch.table_schema(name),
    }


def descriptor(tables: StudyTables, resources: list[dict[str, Any]]) -> dict[str, Any]:
    spec = sch.study_schema()
    orgs = tables.organisations
    created = (tables.created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    who = orgs[0] if len(orgs) == 1 else f"{len(orgs)} organisations"
    name = slug(orgs[0]) if len(orgs) == 1 else "region"
    return {
        "profile": sch.PROFILE,
        "name": f"sobriety-etude-reemploi-{name}-{tables.year}",
        "title": f"{spec['title']} : {who}, {tables.year}",
        "description": spec["description"],
        "version": f"{sch.version()}.0.0",
        "created": created.isoformat().replace("+00:00", "Z"),
        "licenses": [spec["license"]],
        "contributors": [{"title": org, "role": "author"} for org in orgs],
        "keywords": spec["keywords"],
        "countryCode": spec["countryCode"],
        sch.META: {
            "study_schema": sch.version(),
            "year": tables.year,
            "organisations": orgs,
            **tables.meta,
        },
        "resources": resources,
    }


def device_rows(devices: Mapping[str, Sequence[Any]]) -> tuple[list[str], Iterable[Sequence[str]]]:
    header = sch.field_names("appareils_sortants")
    digits = {"poids_kg": 3, "carbone_fabrication_kgco2e": 3, "carbone_cycle_vie_kgco2e": 3}
    cols = [column_cells(devices[name], digits.get(name)) for name in header]
    return header, zip(*cols, strict=True)


def dict_rows(
    resource: str, rows: list[dict[str, Any]]
) -> tuple[list[str], Iterable[Sequence[str]]]:
    header = sch.field_names(resource)
    return header, ([cell(r.get(h)) for h in header] for r in rows)


def write_package(path: Path, tables: StudyTables, *, device_csv: Path | None = None) -> Path:
    """Write ``tables`` to the zip ``path`` (atomically); returns ``path``.

    ``device_csv``: an already-written device CSV (header included) to use as
    the device resource, instead of ``tables.devices`` (the merge streams it).
    """
    path = Path(path)
    parts: list[tuple[str, bytes | Path]] = []
    if device_csv is None:
        header, rows = device_rows(tables.devices)
        parts.append(("appareils_sortants", _csv_bytes(header, rows)))
    else:
        parts.append(("appareils_sortants", device_csv))
    parts.append(("volumes", _csv_bytes(*dict_rows("volumes", tables.volumes))))
    parts.append(("prevision", _csv_bytes(*dict_rows("prevision", tables.forecast))))
    parts.append(
        ("organisations", _csv_bytes(*dict_rows("organisations", tables.organisation_rows)))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        resources = []
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, data in parts:
                if isinstance(data, Path):
                    digest, size = _file_digest(data)
                    zf.write(data, f"{name}.csv")
                else:
                    digest, size = hashlib.sha256(data).hexdigest(), len(data)
                    zf.writestr(f"{name}.csv", data)
                resources.append(resource_descriptor(name, size=size, digest=digest))
            text = json.dumps(descriptor(tables, resources), ensure_ascii=False, indent=1)
            zf.writestr("datapackage.json", text + "\n")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _file_digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
