"""Where sobriety's files are: the config file, the data folder, the packaged data.

Light on purpose (no pydantic): the console script reads the language from the
config file before anything else is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sobriety"


def config_path() -> Path:
    """Where the user's config file lives (``SOBRIETY_CONFIG`` overrides)."""
    env = os.environ.get("SOBRIETY_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """The user's cache folder (the parsed factor set; safe to delete)."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'sobriety.db'}"


def packaged_factors_dir() -> Path:
    """The factor set shipped with the package (``data/emission_factors``).

    In a wheel it is force-included as ``sobriety/_data/emission_factors``; in a
    source checkout it is the top-level ``data/emission_factors`` folder.
    """
    here = Path(__file__).resolve().parent
    wheel = here / "_data" / "emission_factors"
    if wheel.is_dir():
        return wheel
    return here.parent.parent / "data" / "emission_factors"


def packaged_data_file(name: str) -> Path:
    """A data file shipped inside the package (``src/sobriety/data``)."""
    return Path(__file__).resolve().parent / "data" / name
