"""``sobriety import`` and ``sobriety export`` from the command line."""

from __future__ import annotations

import pytest
from io_helpers import DATA, devices, snapshot
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.storage import db


@pytest.fixture
def run(db_url):
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(app, ["--db", db_url, "--lang", "en", *args], env=env)

    return _run


def test_import_prints_a_summary_and_reimport_changes_nothing(run, db_url) -> None:
    result = run("import", str(DATA / "glpi_fr.csv"))
    assert result.exit_code == 0, result.output
    assert "6 rows: 6 created, 0 updated, 0 unchanged, 0 rejected" in result.stdout
    assert "profile glpi" in result.stdout and "cp1252" in result.stdout
    assert "Collèges" in result.stdout  # sites created are listed
    assert 'Site from column "Entité"' in result.stdout
    assert '"Utilisateur"' in result.stdout  # so are the columns left out
    again = run("import", str(DATA / "glpi_fr.csv"))
    assert "0 created, 0 updated, 6 unchanged" in again.stdout


def test_a_bad_file_exits_1_with_every_problem_on_stderr(run, db_url, write) -> None:
    run("import", str(DATA / "snipeit.csv"))
    engine = db.make_engine(db_url)
    before = snapshot(engine)
    path = write(
        "bad.csv",
        "Asset Tag,Category,Status,Purchase Date,Purchase Cost\n"
        "N-1,Laptops,Deployed,2023-02-30,900\n"
        "N-2,Toasters,Deployed,2023-02-03,-1\n",
    )
    result = run("import", str(path))
    assert result.exit_code == 1
    assert 'line 2, column "Purchase Date": "2023-02-30"' in result.stderr
    assert 'column "Category": unknown label "Toasters" on 1 row (line 3)' in result.stderr
    assert 'line 3, column "Purchase Cost": "-1"' in result.stderr
    assert "3 problems" in result.stderr and "nothing was imported" in result.stderr
    assert snapshot(engine) == before
    engine.dispose()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "the file is empty"), (b"Nom;Statut\nA;En service\n", "missing required column")],
)
def test_unreadable_or_incomplete_files_exit_1(run, write, content, message) -> None:
    result = run("import", str(write("f.csv", content)))
    assert result.exit_code == 1
    assert "Cannot import" in result.stderr and message in result.stderr


def test_dry_run_and_skip_invalid_options(run, db_url, write, tmp_path) -> None:
    path = write("mixed.csv", "asset_tag;category\nA;Portable\nB;Grille-pain\nC;Écran\n", "cp1252")
    dry = run("import", str(path), "--dry-run", "--skip-invalid", str(tmp_path / "r.csv"))
    assert dry.exit_code == 0, dry.output
    assert "Dry run" in dry.stdout and "2 created" in dry.stdout and "1 rejected" in dry.stdout
    assert not (tmp_path / "r.csv").exists()
    engine = db.make_engine(db_url)
    assert devices(engine) == {}
    real = run("import", str(path), "--skip-invalid", str(tmp_path / "r.csv"))
    assert real.exit_code == 0, real.output
    assert set(devices(engine)) == {"A", "C"}
    assert "Grille-pain" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "r.csv" in real.stdout
    engine.dispose()


def test_user_synonyms_by_option_or_environment(run, write) -> None:
    path = write("s.csv", "Asset Tag,Category,Status\nS-1,Laptops,Pending\n")
    assert run("import", str(path)).exit_code == 1
    mine = write("mine.toml", '[status]\nin_stock = ["Pending"]\n')
    assert run("import", str(path), "--dry-run", "--synonyms", str(mine)).exit_code == 0
    result = run("import", str(path), env={"SOBRIETY_SYNONYMS": str(mine)})
    assert result.exit_code == 0, result.output
    bad = write("bad.toml", '[status]\nlost_forever = ["Pending"]\n')
    refused = run("import", str(path), "--synonyms", str(bad))
    assert refused.exit_code == 1 and "lost_forever" in refused.stderr


def test_export_every_format_and_refuse_an_unknown_one(run, tmp_path) -> None:
    assert run("import", str(DATA / "glpi_en.csv")).exit_code == 0
    for name, fmt in [("a.csv", None), ("b.json", None), ("c.xlsx", None), ("d.txt", "json")]:
        args = ["export", str(tmp_path / name)] + (["--format", fmt] if fmt else [])
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "3 devices" in result.stdout
    assert (tmp_path / "d.txt").read_text(encoding="utf-8").lstrip().startswith("{")
    refused = run("export", str(tmp_path / "e.ods"))
    assert refused.exit_code == 1 and "--format" in refused.stderr
