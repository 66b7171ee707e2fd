"""Fixtures of the carbon tests: the shipped factor set and editable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sobriety.domain.carbon.factors import FactorSet, load_factor_set
from sobriety.settings import packaged_factors_dir


@pytest.fixture(scope="session")
def factor_set() -> FactorSet:
    return load_factor_set(packaged_factors_dir())


@pytest.fixture
def factors_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped factor folder."""
    dest = tmp_path / "factors"
    shutil.copytree(packaged_factors_dir(), dest)
    return dest


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def add_inventory(engine, sites: list[dict], devices: list[dict]) -> None:
    """Insert sites (by code) and devices (``site`` = a site code) through the ORM."""
    from sqlmodel import Session

    from sobriety.storage.models import Device, Site

    with Session(engine) as session:
        by_code = {}
        for s in sites:
            site = Site(**s)
            session.add(site)
            by_code[s["code"]] = site
        session.flush()
        for d in devices:
            d = dict(d)
            code = d.pop("site", None)
            if code is not None:
                d["site_id"] = by_code[code].id
            session.add(Device(**d))
        session.commit()
