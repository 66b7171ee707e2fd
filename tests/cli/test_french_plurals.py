"""Counts in French take the singular for 1 and the plural above (ngettext, not "(s)")."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()
NBSP = "\u00a0"
HEADER = "Asset Tag,Category,Status,Purchase Date,Purchase Cost\n"


def _import_in_french(db_url: str, path: Path) -> str:
    result = runner.invoke(app, ["--db", db_url, "import", str(path)], env={"SOBRIETY_LANG": "fr"})
    assert result.exit_code == 1, result.output
    return result.stderr


def test_french_import_problems_singular_for_one_plural_for_two(db_url: str, tmp_path: Path):
    one = tmp_path / "un.csv"
    one.write_text(HEADER + "N-1,Laptops,Deployed,2023-02-30,900\n", encoding="utf-8")
    two = tmp_path / "deux.csv"
    two.write_text(
        HEADER + "N-1,Laptops,Deployed,2023-02-30,900\n" + "N-2,Laptops,Deployed,2023-02-03,-1\n",
        encoding="utf-8",
    )

    single = _import_in_french(db_url, one)
    assert f"1 problème dans {one}{NBSP}; rien n'a été importé" in single
    assert "problèmes" not in single and "(s)" not in single

    plural = _import_in_french(db_url, two)
    assert f"2 problèmes dans {two}{NBSP}; rien n'a été importé" in plural
    assert "(s)" not in plural


def test_an_unknown_label_lists_each_value_with_its_label_in_french(db_url: str, tmp_path: Path):
    path = tmp_path / "inconnu.csv"
    path.write_text(HEADER + "N-1,Grille-pain,Deployed,2023-02-03,900\n", encoding="utf-8")
    said = _import_in_french(db_url, path)
    assert "laptop (PC portable), desktop (Poste fixe)" in said
    assert "wifi_access_point (Borne Wi-Fi)" in said and ", smartphone," in said


def test_a_refused_number_states_its_bounds_in_french_notation(db_url: str, tmp_path: Path):
    path = tmp_path / "prix.csv"
    path.write_text(HEADER + "N-1,Laptops,Deployed,2023-02-03,-1\n", encoding="utf-8")
    said = _import_in_french(db_url, path)
    assert "un nombre de 0 à 10\u202f000\u202f000 en EUR" in said
