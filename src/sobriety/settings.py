"""Settings: environment (``SOBRIETY_*``), then a TOML config file, then defaults.

Nothing is read or created at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "sobriety"


def config_path() -> Path:
    """Where the user's config file lives (``SOBRIETY_CONFIG`` overrides)."""
    env = os.environ.get("SOBRIETY_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOBRIETY_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    factors: Path | None = None
    #: One grid zone (e.g. "EU") for every site's use phase; each site's country when unset.
    grid: str | None = None
    lang: str | None = None
    actor: str | None = None
    #: Extra synonyms for import (TOML file with the same shape as the shipped one).
    synonyms: Path | None = None
    #: Reuse policy file; the shipped policy when unset.
    policy: Path | None = None
    #: The date taken for "today" (``SOBRIETY_TODAY=2026-03-02``): reproducible runs and tests.
    today: dt.date | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_path()
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def factors_dir(self) -> Path:
        return self.factors or packaged_factors_dir()

    @property
    def actor_name(self) -> str:
        return self.actor or os.environ.get("USER") or "sobriety"


def load_settings(**overrides: object) -> Settings:
    """Build settings; keyword overrides (from CLI options) win over everything."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
