"""Fixtures of the study tests: the hand-built fleet on each back-end, its packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sobriety.app import study

from .fleet import YEAR, make_app, seed


@pytest.fixture
def study_engine(engine: Engine) -> Engine:
    seed(engine)
    return engine


@pytest.fixture
def package(study_engine: Engine, tmp_path: Path) -> Path:
    """The study package of the fleet for YEAR (k = 5)."""
    out = tmp_path / "d35.zip"
    study.export(make_app(study_engine), year=YEAR, organisation="Département 35", output=out)
    return out
