"""The factor files ship inside the wheel and are found from an installed (non-editable) copy."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = ("sources.toml", "devices.toml", "grid.toml", "reuse.toml", "README.md")


@pytest.mark.slow
def test_the_wheel_holds_the_factor_files_and_finds_them_installed(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = wheels.glob("sobriety-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in FILES:
        assert f"sobriety/_data/emission_factors/{name}" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    code = (
        "import sobriety, sobriety.settings as s\n"
        "from sobriety.domain.carbon.factors import load_factor_set\n"
        "fs = load_factor_set(s.packaged_factors_dir())\n"
        "print(sobriety.__file__); print(s.packaged_factors_dir()); print(fs.version)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    module, folder, version = out.stdout.split()
    assert module.startswith(str(target))
    assert folder == str(target / "sobriety" / "_data" / "emission_factors")
    assert version == "2026.1"
