"""``sobriety study merge``: regional totals, and each refused package named, with no output."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from sobriety.app import study
from sobriety.cli.main import app as cli

from .fleet import YEAR, make_app, outgoing_in_year
from .helpers import QI, descriptor, rewrite, rows


@pytest.fixture
def two(study_engine: Engine, tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    sob = make_app(study_engine)
    study.export(sob, year=YEAR, organisation="Département 35", output=a)
    study.export(sob, year=YEAR, organisation="Rennes Métropole", output=b)
    return a, b


def _merge(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["study", "merge", *args])
    return result.exit_code, result.output


def test_merge_totals(two: tuple[Path, Path], tmp_path: Path) -> None:
    from frictionless import validate

    a, b = two
    out = tmp_path / "region.zip"
    code, output = _merge(str(a), str(b), "--output", str(out))
    assert code == 0, output
    assert "2 organisations" in output
    d = descriptor(out)
    assert d["sobriety"]["organisations"] == ["Département 35", "Rennes Métropole"]
    assert [c["title"] for c in d["contributors"]] == ["Département 35", "Rennes Métropole"]
    assert d["sobriety"]["anonymisation"]["rows_in"] == 2 * outgoing_in_year()
    devices = rows(out, "appareils_sortants")
    assert len(devices) == 2 * len(rows(a, "appareils_sortants"))
    groups = collections.Counter(tuple(r[c] for c in QI) for r in devices)
    assert min(groups.values()) >= 5
    vol_a = {(r["annee"], r["categorie"], r["filiere"], r["type_site"]): int(r["appareils"])
             for r in rows(a, "volumes")}  # fmt: skip
    vol = {(r["annee"], r["categorie"], r["filiere"], r["type_site"]): int(r["appareils"])
           for r in rows(out, "volumes")}  # fmt: skip
    assert vol == {k: 2 * v for k, v in vol_a.items()}
    fc_a = sum(float(r["appareils"]) for r in rows(a, "prevision"))
    assert sum(float(r["appareils"]) for r in rows(out, "prevision")) == pytest.approx(2 * fc_a)
    orgs = rows(out, "organisations")
    assert [o["organisation"] for o in orgs] == ["Département 35", "Rennes Métropole"]
    report = validate(str(out))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _refused(paths: list[Path], out: Path, bad: Path, *words: str) -> None:
    code, output = _merge(*map(str, paths), "--output", str(out))
    assert code == 1, output
    assert str(bad) in output, output
    for w in words:
        assert w in output, output
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]


def test_schema_mismatch(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two

    def rename(d: dict) -> None:
        fields = next(r for r in d["resources"] if r["name"] == "volumes")["schema"]["fields"]
        fields[4]["name"] = "nombre"

    bad = rewrite(b, tmp_path / "renamed.zip", descriptor_edit=rename)
    _refused([a, bad], tmp_path / "region.zip", bad, "schema mismatch", "volumes", "appareils")

    def retype(d: dict) -> None:
        fields = next(r for r in d["resources"] if r["name"] == "prevision")["schema"]["fields"]
        fields[3]["type"] = "string"

    bad2 = rewrite(b, tmp_path / "retyped.zip", descriptor_edit=retype)
    _refused([a, bad2], tmp_path / "region.zip", bad2, "schema mismatch", "prevision")


def test_duplicate_organisation(
    study_engine: Engine, two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _b = two
    again = tmp_path / "again.zip"
    study.export(make_app(study_engine), year=YEAR, organisation="DÉPARTEMENT  35", output=again)
    _refused([a, again], tmp_path / "region.zip", again, "Département 35", str(a))


def test_corrupt_package(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _b = two
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 this is not a zip at all" * 10)
    _refused([a, junk], tmp_path / "region.zip", junk, "corrupt or truncated")
    notjson = rewrite(a, tmp_path / "notjson.zip", members={"datapackage.json": b"{oops"})
    _refused([notjson], tmp_path / "region.zip", notjson, "datapackage.json")


def test_truncated_package(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    cut = tmp_path / "cut.zip"
    data = b.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    _refused([a, cut], tmp_path / "region.zip", cut, "corrupt or truncated")


def test_truncated_resource_inside_a_valid_zip(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two
    import zipfile

    with zipfile.ZipFile(b) as zf:
        csv = zf.read("appareils_sortants.csv")
    short = rewrite(
        b, tmp_path / "short.zip", members={"appareils_sortants.csv": csv[: len(csv) // 2]}
    )
    _refused([a, short], tmp_path / "region.zip", short, "appareils_sortants.csv", "truncated")


def test_a_resource_altered_without_changing_its_size(
    two: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = two
    import zipfile

    with zipfile.ZipFile(b) as zf:
        csv = zf.read("appareils_sortants.csv")
    last = csv.rstrip()[-1:]
    flipped = csv.rstrip()[:-1] + (b"1" if last != b"1" else b"2") + csv[len(csv.rstrip()) :]
    assert len(flipped) == len(csv) and flipped != csv
    edited = rewrite(b, tmp_path / "edited.zip", members={"appareils_sortants.csv": flipped})
    _refused([a, edited], tmp_path / "region.zip", edited, "SHA-256 checksum is not the one")


def test_newer_schema_version(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two

    def bump(d: dict) -> None:
        d["sobriety"]["study_schema"] = 2

    newer = rewrite(b, tmp_path / "newer.zip", descriptor_edit=bump)
    _refused([a, newer], tmp_path / "region.zip", newer, "newer", "version 2", "update sobriety")


def test_missing_package_file(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _b = two
    gone = tmp_path / "nowhere.zip"
    _refused([a, gone], tmp_path / "region.zip", gone, "no such file")


def test_different_years(study_engine: Engine, two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _b = two
    other = tmp_path / "2024.zip"
    study.export(make_app(study_engine), year=2024, organisation="Rennes", output=other)
    _refused([a, other], tmp_path / "region.zip", other, "2024", "2025")


def test_an_existing_output_is_left_alone_on_error(two: tuple[Path, Path], tmp_path: Path) -> None:
    a, _b = two
    out = tmp_path / "region.zip"
    out.write_bytes(b"previous")
    code, output = _merge(str(a), str(a), "--output", str(out))
    assert code == 1 and "already in" in output
    assert out.read_bytes() == b"previous"


def test_merged_packages_merge_again(
    two: tuple[Path, Path], study_engine: Engine, tmp_path: Path
) -> None:
    a, b = two
    first = study.merge([a, b], tmp_path / "r1.zip")
    assert first.organisations == ["Département 35", "Rennes Métropole"]
    c = tmp_path / "c.zip"
    study.export(make_app(study_engine), year=YEAR, organisation="Vitré Communauté", output=c)
    again = study.merge([first.path, c], tmp_path / "r2.zip")
    assert again.devices == 3 * outgoing_in_year()
    with pytest.raises(study.StudyError, match="Rennes Métropole"):
        study.merge([first.path, b], tmp_path / "r3.zip")
    assert json.loads(json.dumps(descriptor(again.path)))["sobriety"]["merged_from"] == [
        "r1.zip",
        "c.zip",
    ]
