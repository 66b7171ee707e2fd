"""The layers hold: the domain core imports no UI, CLI, storage or plotting library;
the command line's ``--help`` and ``--version`` load none of the heavy libraries."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import sobriety.domain

FORBIDDEN = (
    "textual",
    "typer",
    "sqlmodel",
    "sqlalchemy",
    "matplotlib",
    "sobriety.tui",
    "sobriety.cli",
    "sobriety.storage",
    "sobriety.io",
    "sobriety.reports",
)


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_domain_core_imports_no_ui_cli_or_storage() -> None:
    modules = [m.name for m in pkgutil.walk_packages(sobriety.domain.__path__, "sobriety.domain.")]
    assert "sobriety.domain.carbon.engine" in modules and "sobriety.domain.reuse.rules" in modules
    loaded = _loaded_after_import(modules)
    bad = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN))
    assert not bad, f"the domain core pulled in {bad}"


def test_importing_the_cli_creates_no_file(tmp_path) -> None:
    env_code = (
        "import os, sobriety.cli.main, sobriety.storage.devices\n"
        "d = os.environ['XDG_DATA_HOME']\n"
        "print(os.listdir(d) if os.path.isdir(d) else [])\n"
    )
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", env_code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
    assert not (tmp_path / "data").exists()


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 kept, 0 broken" in out.stdout


#: What ``sobriety --help`` must not wait for: a database, arrays, units, the TUI, pydantic.
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "numpy", "pint", "textual", "pydantic", "matplotlib")


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """Every command module is imported for ``--help``: each imports its work lazily."""
    loaded = _loaded_after_import(["sobriety.cli.entry", "sobriety.cli.main"])
    heavy = sorted({m.split(".")[0] for m in loaded} & set(HEAVY))
    assert not heavy, f"sobriety --help would load {heavy}"
