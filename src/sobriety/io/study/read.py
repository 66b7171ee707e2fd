"""Read study packages back, checking each one, and merge them into a regional package.

A package is refused, with its file name, when it is not a zip or is
truncated (zip central directory or CRC), lacks ``datapackage.json`` or a
resource, was written with a newer study schema than this sobriety reads,
has a resource whose Table Schema differs from the expected one (field names
and types), or a resource whose size or SHA-256 hash differs from what the
descriptor records. Merging also refuses an organisation present in two
packages and packages of different years. Nothing is written unless every
package passed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sobriety.i18n import _, fmt_count
from sobriety.io.study import schema as sch
from sobriety.io.study.write import StudyTables, write_package

_CHUNK = 1 << 20


class StudyPackageError(ValueError):
    """A study package that cannot be used: which package, what is wrong."""

    def __init__(self, package: Path | str, message: str) -> None:
        self.package = str(package)
        self.reason = message
        super().__init__(f"{package}: {message}")


@dataclass
class StudyPackage:
    """An opened, checked package (the zip stays open until :meth:`close`)."""

    path: Path
    zf: zipfile.ZipFile
    descriptor: dict[str, Any]

    @property
    def meta(self) -> dict[str, Any]:
        return self.descriptor.get(sch.META, {})

    @property
    def organisations(self) -> list[str]:
        return [str(o) for o in self.meta.get("organisations", [])]

    @property
    def year(self) -> int:
        return int(self.meta.get("year"))

    def resource(self, name: str) -> dict[str, Any]:
        for r in self.descriptor.get("resources", []):
            if r.get("name") == name:
                return r
        raise StudyPackageError(self.path, _("resource {name} is missing").format(name=name))

    def rows(self, name: str) -> Iterator[list[str]]:
        """The rows of resource ``name`` (header checked, then skipped)."""
        member = self.resource(name)["path"]
        with self.zf.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text)
            header = next(reader, None)
            expected = sch.field_names(name)
            if header != expected:
                raise StudyPackageError(
                    self.path,
                    _(
                        "{member}: header {found} differs from the schema's fields {expected}"
                    ).format(member=member, found=header, expected=expected),
                )
            yield from reader

    def records(self, name: str) -> list[dict[str, str]]:
        header = sch.field_names(name)
        return [dict(zip(header, row, strict=False)) for row in self.rows(name)]

    def close(self) -> None:
        self.zf.close()


def _fail(path: Path, message: str) -> StudyPackageError:
    return StudyPackageError(path, message)


def open_package(path: Path | str, *, verify: bool = True) -> StudyPackage:
    """Open and check a study package (see the module docstring)."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise _fail(path, _("no such file")) from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _fail(
            path, _("not a readable zip file (corrupt or truncated): {error}").format(error=exc)
        ) from exc
    try:
        pkg = StudyPackage(path, zf, _read_descriptor(path, zf))
        _check_version(pkg)
        _check_schemas(pkg)
        if verify:
            for name in sch.RESOURCES:
                _check_content(pkg, name)
    except BaseException:
        zf.close()
        raise
    return pkg


def _read_descriptor(path: Path, zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        raw = zf.read("datapackage.json")
    except KeyError as exc:
        raise _fail(path, _("datapackage.json is missing: not a study package")) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _fail(
            path, _("datapackage.json is corrupt or truncated: {error}").format(error=exc)
        ) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(
            path, _("datapackage.json is not valid JSON: {error}").format(error=exc)
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get(sch.META), dict):
        raise _fail(
            path,
            _("datapackage.json has no {key} section: not a study package").format(key=sch.META),
        )
    return data


def _check_version(pkg: StudyPackage) -> None:
    found = pkg.meta.get("study_schema")
    if not isinstance(found, int) or isinstance(found, bool):
        raise _fail(
            pkg.path, _("study schema version {found!r} is not a whole number").format(found=found)
        )
    if found > sch.version():
        raise _fail(
            pkg.path,
            _(
                "written with study schema version {found}, newer than this sobriety reads "
                "({known}): update sobriety to merge it"
            ).format(found=found, known=sch.version()),
        )
    year = pkg.meta.get("year")
    orgs = pkg.meta.get("organisations")
    if not isinstance(year, int) or not isinstance(orgs, list) or not orgs:
        raise _fail(
            pkg.path,
            _("the {key} section lacks the year or the organisations").format(key=sch.META),
        )


def _check_schemas(pkg: StudyPackage) -> None:
    for name in sch.RESOURCES:
        res = pkg.resource(name)
        found = sch.signature(res.get("schema") or {})
        expected = sch.signature(sch.table_schema(name))
        if found != expected:
            missing = [f"{n} ({t})" for n, t in expected if (n, t) not in found]
            extra = [f"{n} ({t})" for n, t in found if (n, t) not in expected]
            detail = []
            if missing:
                detail.append(_("missing or changed: {fields}").format(fields=", ".join(missing)))
            if extra:
                detail.append(_("unexpected: {fields}").format(fields=", ".join(extra)))
            if not detail:
                detail.append(_("fields in another order"))
            raise _fail(
                pkg.path,
                _("schema mismatch in resource {name}: {detail}").format(
                    name=name, detail="; ".join(detail)
                ),
            )


def _check_content(pkg: StudyPackage, name: str) -> None:
    res = pkg.resource(name)
    member = res.get("path")
    h = hashlib.sha256()
    size = 0
    try:
        with pkg.zf.open(member) as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
    except KeyError as exc:
        raise _fail(pkg.path, _("{member} is missing from the zip").format(member=member)) from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _fail(
            pkg.path,
            _("{member} is corrupt or truncated: {error}").format(member=member, error=exc),
        ) from exc
    expected_hash = str(res.get("hash", "")).removeprefix("sha256:")
    if res.get("bytes") != size:
        recorded = res.get("bytes")
        raise _fail(
            pkg.path,
            _("{member} is truncated or altered: {size} bytes read, {expected} recorded").format(
                member=member,
                size=fmt_count(size),
                expected=fmt_count(recorded) if isinstance(recorded, int) else recorded,
            ),
        )
    if expected_hash != h.hexdigest():
        raise _fail(
            pkg.path,
            _("{member} is altered: its SHA-256 checksum is not the one recorded").format(
                member=member
            ),
        )


# ---------------------------------------------------------------- merge

_VOLUME_KEYS = ("annee", "categorie", "filiere", "type_site")
_VOLUME_SUMS = ("appareils", "tonnes", "carbone_cycle_vie_kgco2e")
_FORECAST_KEYS = ("annee", "categorie", "etat")
_FORECAST_SUMS = (
    "appareils", "appareils_bas", "appareils_haut", "tonnes", "tonnes_bas", "tonnes_haut",
)  # fmt: skip


def _number(pkg: StudyPackage, name: str, field: str, text: str) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError as exc:
        raise _fail(
            pkg.path,
            _("{name}: {field} = {value!r} is not a number").format(
                name=name, field=field, value=text
            ),
        ) from exc


def _sum_into(
    acc: dict[tuple, list[float]],
    pkg: StudyPackage,
    name: str,
    keys: Sequence[str],
    sums: Sequence[str],
) -> None:
    for rec in pkg.records(name):
        key = tuple(rec[k] for k in keys)
        slot = acc.setdefault(key, [0.0] * len(sums))
        for i, f in enumerate(sums):
            slot[i] += _number(pkg, name, f, rec.get(f, ""))


def merge_packages(paths: Sequence[Path | str], output: Path | str) -> Path:
    """Consolidate study packages into one regional package at ``output``."""
    if not paths:
        raise ValueError(_("no package to merge"))
    output = Path(output)
    opened: list[StudyPackage] = []
    try:
        owner: dict[str, tuple[Path, str]] = {}
        for p in paths:
            pkg = open_package(p)
            opened.append(pkg)
            for org in pkg.organisations:
                key = " ".join(org.casefold().split())
                if key in owner:
                    other, name = owner[key]
                    raise _fail(
                        pkg.path,
                        _("organisation {org!r} is already in {other} (as {name!r})").format(
                            org=org, other=other, name=name
                        ),
                    )
                owner[key] = (pkg.path, org)
        years = {pkg.year for pkg in opened}
        if len(years) > 1:
            first = opened[0]
            odd = next(pkg for pkg in opened if pkg.year != first.year)
            raise _fail(
                odd.path,
                _("year {year} differs from {other_year} in {other}").format(
                    year=odd.year, other_year=first.year, other=first.path
                ),
            )
        return _write_merged(opened, output)
    finally:
        for pkg in opened:
            pkg.close()


def _write_merged(opened: list[StudyPackage], output: Path) -> Path:
    volumes: dict[tuple, list[float]] = {}
    forecast: dict[tuple, list[float]] = {}
    org_rows: list[dict[str, Any]] = []
    anon: dict[str, int] = {}
    ks = []
    undated = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".csv", dir=output.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            header = ",".join(sch.field_names("appareils_sortants")) + "\r\n"
            out.write(header.encode("utf-8"))
            for pkg in opened:
                _copy_device_rows(pkg, out)
                _sum_into(volumes, pkg, "volumes", _VOLUME_KEYS, _VOLUME_SUMS)
                _sum_into(forecast, pkg, "prevision", _FORECAST_KEYS, _FORECAST_SUMS)
                org_rows.extend(pkg.records("organisations"))
                a = pkg.meta.get("anonymisation") or {}
                for key, value in a.items():
                    if key != "k" and isinstance(value, int):
                        anon[key] = anon.get(key, 0) + value
                if "k" in a:
                    ks.append(int(a["k"]))
                undated += int((pkg.meta.get("forecast") or {}).get("undated", 0))
        first = opened[0].meta
        tables = StudyTables(
            organisations=[o for pkg in opened for o in pkg.organisations],
            year=opened[0].year,
            devices={},
            volumes=_rows(volumes, _VOLUME_KEYS, _VOLUME_SUMS, integer=("appareils",)),
            forecast=_rows(forecast, _FORECAST_KEYS, _FORECAST_SUMS),
            organisation_rows=sorted(org_rows, key=lambda r: r["organisation"].casefold()),
            meta={
                "anonymisation": {"k": min(ks) if ks else None, **anon},
                "forecast": {**(first.get("forecast") or {}), "undated": undated},
                "merged_from": [pkg.path.name for pkg in opened],
            },
        )
        return write_package(output, tables, device_csv=tmp)
    finally:
        tmp.unlink(missing_ok=True)


def _copy_device_rows(pkg: StudyPackage, out: Any) -> None:
    """Append the device rows of ``pkg`` (bytes after the header) to ``out``."""
    member = pkg.resource("appareils_sortants")["path"]
    with pkg.zf.open(member) as fh:
        first = fh.readline()
        expected = ",".join(sch.field_names("appareils_sortants")).encode("utf-8")
        if first.rstrip(b"\r\n") != expected:
            raise _fail(
                pkg.path, _("{member}: the header differs from the schema").format(member=member)
            )
        while chunk := fh.read(_CHUNK):
            out.write(chunk)


def _rows(
    acc: dict[tuple, list[float]],
    keys: Sequence[str],
    sums: Sequence[str],
    integer: Sequence[str] = (),
) -> list[dict[str, Any]]:
    out = []
    for key in sorted(acc):
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        for f, v in zip(sums, acc[key], strict=True):
            row[f] = round(v) if f in integer else round(v, 6)
        out.append(row)
    return out
