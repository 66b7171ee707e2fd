"""The cache of the parsed factor set: what a user notices (fresh figures, safe files).

Each ``sobriety`` command is a new process; here each step runs the CLI (a new
application object) against the same cache folder, as successive commands do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import stat
from pathlib import Path

import pytest
from conftest import add_inventory, replace_in
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.domain.carbon import factor_cache
from sobriety.domain.carbon.factors import load_factor_set
from sobriety.paths import cache_dir
from sobriety.storage import db

D = dt.date
pytestmark = pytest.mark.time_machine(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=True)


@pytest.fixture
def laptop_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cache.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    add_inventory(
        engine,
        [{"code": "HQ", "name": "Head office", "kind": "head_office", "country": "FR"}],
        [{"asset_tag": "LAP-1", "category": "laptop", "acquisition_date": D(2024, 1, 1),
          "site": "HQ"}],
    )  # fmt: skip
    engine.dispose()
    return url


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test alone (the session's is shared)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return cache_dir()


def manufacturing_kg(db_url: str, factors: Path) -> float:
    """The laptop's manufacturing in 2024, acquisition mode, as ``sobriety estimate`` says."""
    result = CliRunner().invoke(
        app,
        ["--db", db_url, "--lang", "en", "estimate", "-y", "2024", "--mode", "acquisition",
         "--format", "json", "--as-of", "2025-06-30"],
        env={"SOBRIETY_FACTORS": str(factors)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout)["rows"] if r["key"] == "laptop")
    return row["manufacturing"]["value"]


def test_a_changed_factor_file_is_used_by_the_next_command(
    laptop_db: str, factors_copy: Path, own_cache: Path
) -> None:
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(170.3)
    assert list(own_cache.glob("factors-*.pickle")), "the first command writes the cache"
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(170.3)  # from the cache
    devices = factors_copy / "devices.toml"
    replace_in(devices, 'value = "170.3 kgCO2e"', 'value = "200.0 kgCO2e"')
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(200.0)
    # Same size, same modification time: the bytes decide, not the file's stamp.
    before = devices.stat()
    replace_in(devices, 'value = "200.0 kgCO2e"', 'value = "210.0 kgCO2e"')
    os.utime(devices, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(210.0)


def test_a_corrupt_cache_file_is_ignored_and_rebuilt(
    laptop_db: str, factors_copy: Path, own_cache: Path
) -> None:
    manufacturing_kg(laptop_db, factors_copy)
    (path,) = own_cache.glob("factors-*.pickle")
    good = path.read_bytes()
    for damage in (b"", b"not a pickle at all", good[: len(good) // 2]):
        path.write_bytes(damage)
        assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(170.3)
        assert path.read_bytes() == good, "the cache is written anew"


def test_the_cache_file_is_the_users_alone(
    laptop_db: str, factors_copy: Path, own_cache: Path
) -> None:
    manufacturing_kg(laptop_db, factors_copy)
    (path,) = own_cache.glob("factors-*.pickle")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(own_cache.stat().st_mode) == 0o700
    assert not list(own_cache.glob(".factors-*")), "no temporary file left behind"


def _tampered(factors: Path, cache: Path) -> Path:
    """Write a valid cache entry whose laptop manufacturing says 999 kgCO2e."""
    from dataclasses import replace

    fs = load_factor_set(factors)
    laptop = fs.categories["laptop"]
    manuf = replace(laptop.manufacturing, value=999.0)
    categories = {**fs.categories, "laptop": replace(laptop, manufacturing=manuf)}
    path = factor_cache.cache_file(factors, cache)
    factor_cache._write(path, factor_cache.cache_key(factors), replace(fs, categories=categories))
    return path


def test_a_cache_file_others_can_write_is_not_used(
    laptop_db: str, factors_copy: Path, own_cache: Path
) -> None:
    path = _tampered(factors_copy, own_cache)
    # Owner-only, the entry is used as it is (the check below can fail)...
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(999.0)
    path = _tampered(factors_copy, own_cache)
    path.chmod(0o666)
    # ... writable by others, it is not: the files are read again.
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(170.3)


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_cache_file_holding_other_objects_runs_nothing(
    laptop_db: str, factors_copy: Path, own_cache: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    path = factor_cache.cache_file(factors_copy, own_cache)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(factor_cache.cache_key(factors_copy) + pickle.dumps(_Payload(marker)))
    path.chmod(0o600)
    assert manufacturing_kg(laptop_db, factors_copy) == pytest.approx(170.3)
    assert not marker.exists()
