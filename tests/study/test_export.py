"""``sobriety study export``: nothing identifying leaves, rows are k-anonymous, it validates."""

from __future__ import annotations

import collections
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sobriety.app import study

from .fleet import MARKER, TRANSFERRED_2025, YEAR, make_app, outgoing_in_year
from .helpers import QI, descriptor, rows


def test_no_identifying_value_leaves(package: Path) -> None:
    """Asset tags, serials, assignees, notes, UUIDs, site names and codes, actors, lot codes:
    none is in any file of the package."""
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(
            ["datapackage.json", "appareils_sortants.csv", "volumes.csv", "prevision.csv",
             "organisations.csv"]
        )  # fmt: skip
        for name in names:
            text = zf.read(name).decode("utf-8")
            assert MARKER.lower() not in text.lower(), f"{name} leaks a planted value"
            for word in ("Durand", "Gayeulles", "Paimpont", "Hôtel du Département"):
                assert word not in text, f"{name} leaks {word!r}"
    devices = rows(package, "appareils_sortants")
    assert not {"asset_tag", "serial", "assignee", "notes", "site", "numero_serie"} & set(
        devices[0]
    )


def test_rows_are_k_anonymous_and_counted(package: Path) -> None:
    devices = rows(package, "appareils_sortants")
    groups = collections.Counter(tuple(r[c] for c in QI) for r in devices)
    assert min(groups.values()) >= 5
    meta = descriptor(package)["sobriety"]["anonymisation"]
    assert meta["k"] == 5
    assert meta["rows_in"] == outgoing_in_year()
    assert meta["rows_out"] == len(devices)
    assert meta["rows_in"] - meta["suppressed"] == len(devices)
    # The unique tablet is left out; the 12 laptops of G1 keep their model and commune.
    assert meta["suppressed"] == 1
    assert not any(r["categorie"] == "tablet" for r in devices)
    g1 = [r for r in devices if r["modele"] == "Latitude 5420"]
    assert len(g1) == 12
    assert {r["code_insee_commune"] for r in g1} == {"35238"}
    assert {r["code_departement"] for r in g1} == {"35"}
    assert {r["tranche_age"] for r in g1} == {"4-6"}
    # Two rare Dell models join under the maker once their model is dropped.
    dells = [r for r in devices if r["fabricant"] == "Dell" and r["modele"] == ""]
    assert len(dells) == 5
    # The phones of two kinds of site join once the site (kind, commune) is dropped.
    phones = [r for r in devices if r["categorie"] == "smartphone"]
    assert len(phones) == 5
    assert {(r["type_site"], r["code_insee_commune"], r["code_departement"]) for r in phones} == {
        ("", "", "")
    }
    # Numeric values tell nothing the group does not: one value per group, sums kept.
    per_group = collections.defaultdict(set)
    for r in devices:
        per_group[tuple(r[c] for c in QI)].add(r["poids_kg"])
    assert all(len(v) == 1 for v in per_group.values())
    assert sum(float(r["poids_kg"]) for r in dells) == pytest.approx(3 * 1.4 + 2 * 1.7)


@pytest.mark.parametrize("k", [1, 3, 12, 13])
def test_k_is_a_parameter(study_engine: Engine, tmp_path: Path, k: int) -> None:
    out = tmp_path / f"k{k}.zip"
    result = study.export(make_app(study_engine), year=YEAR, organisation="D35", output=out, k=k)
    devices = rows(out, "appareils_sortants")
    groups = collections.Counter(tuple(r[c] for c in QI) for r in devices)
    assert not devices or min(groups.values()) >= k
    assert result.exported_rows == len(devices)
    if k == 1:
        assert result.anonymisation["model_generalised"] == 0
        assert len(devices) == outgoing_in_year()


def test_departure_year_follows_the_handover(package: Path) -> None:
    """Desktops retired in 2024 but handed over in 2025 are 2025 departures; the ones gone in
    2024 count in the 2024 volumes only."""
    devices = rows(package, "appareils_sortants")
    assert sum(r["categorie"] == "desktop" for r in devices) == TRANSFERRED_2025
    volumes = rows(package, "volumes")
    desk = {
        (r["annee"], r["filiere"]): int(r["appareils"])
        for r in volumes
        if r["categorie"] == "desktop"
    }
    assert desk == {("2024", "sell"): 2, ("2025", "sell"): TRANSFERRED_2025}
    laptops = [r for r in volumes if r["categorie"] == "laptop"]
    assert [(r["annee"], r["filiere"], r["type_site"], r["appareils"]) for r in laptops] == [
        ("2025", "donate_association", "head_office", "17")
    ]
    assert float(laptops[0]["tonnes"]) == pytest.approx((12 * 1.5 + 3 * 1.4 + 2 * 1.7) / 1000)


def test_package_follows_data_gouv_conventions(package: Path) -> None:
    d = descriptor(package)
    assert d["licenses"][0]["name"] == "etalab-2.0"
    assert d["contributors"] == [{"title": "Département 35", "role": "author"}]
    for res in d["resources"]:
        assert res["hash"].startswith("sha256:") and res["bytes"] > 0
        for field in res["schema"]["fields"]:
            assert field["description"] and field["title"] and field["type"]
    orgs = rows(package, "organisations")
    assert orgs[0]["organisation"] == "Département 35"
    assert int(orgs[0]["appareils_sortis"]) == outgoing_in_year()


def test_package_validates_with_frictionless(package: Path) -> None:
    from frictionless import validate

    report = validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_broken_resource(package: Path, tmp_path: Path) -> None:
    """The validation is not vacuous: a bad value in the devices is reported."""
    from frictionless import validate

    from .helpers import rewrite

    with zipfile.ZipFile(package) as zf:
        text = zf.read("appareils_sortants.csv").decode("utf-8")
    bad = text.replace(",working,", ",smashed,", 1).encode("utf-8")
    broken = rewrite(package, tmp_path / "bad.zip", members={"appareils_sortants.csv": bad})
    report = validate(str(broken))
    assert not report.valid


def test_cli_export(study_engine: Engine, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sobriety.cli.main import app

    out = tmp_path / "cli.zip"
    url = study_engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app,
        ["--db", url, "study", "export", "--year", str(YEAR), "--org", "Département 35",
         "--output", str(out)],
        env={"SOBRIETY_TODAY": "2026-11-29"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{outgoing_in_year()} devices left Département 35 in {YEAR}" in result.output
    assert out.is_file()


def test_export_refuses_an_empty_organisation(study_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(study.StudyError, match="--org"):
        study.export(
            make_app(study_engine), year=YEAR, organisation="  ", output=tmp_path / "x.zip"
        )
    assert not (tmp_path / "x.zip").exists()


def test_a_year_without_departures(study_engine: Engine, tmp_path: Path) -> None:
    from frictionless import validate

    out = tmp_path / "empty.zip"
    result = study.export(make_app(study_engine), year=2012, organisation="D35", output=out)
    assert result.outgoing == 0 and result.exported_rows == 0
    assert rows(out, "appareils_sortants") == []
    assert rows(out, "prevision")  # the forecast does not depend on the year's departures
    assert validate(str(out)).valid
