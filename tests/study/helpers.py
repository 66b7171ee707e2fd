"""Reading study packages in tests (plain zipfile and csv: independent of the reader under test)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

QI = (
    "categorie", "fabricant", "modele", "tranche_age", "etat", "filiere", "type_site",
    "code_insee_commune", "code_departement",
)  # fmt: skip


def descriptor(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("datapackage.json"))


def rows(path: Path, resource: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as zf:
        text = zf.read(f"{resource}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def rewrite(src: Path, dst: Path, *, descriptor_edit=None, members: dict | None = None) -> Path:
    """Copy a package, editing its descriptor (a function) or replacing members (bytes)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "datapackage.json" and descriptor_edit is not None:
                d = json.loads(data)
                descriptor_edit(d)
                data = json.dumps(d, ensure_ascii=False).encode("utf-8")
            if members and info.filename in members:
                data = members[info.filename]
            zout.writestr(info.filename, data)
    return dst
