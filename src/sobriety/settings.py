"""Settings: environment (``SOBRIETY_*``), then a TOML config file, then defaults.

Nothing is read or created at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sobriety.paths import (  # noqa: F401 - re-exported
    APP_NAME,
    config_path,
    data_dir,
    default_database_url,
    packaged_data_file,
    packaged_factors_dir,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOBRIETY_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    factors: Path | None = None
    #: One grid zone (e.g. "EU") for every site's use phase; each site's country when unset.
    grid: str | None = None
    #: The grid series of the factor set (``series.ID`` of grid.toml); its default when unset.
    grid_series: str | None = None
    lang: str | None = None
    actor: str | None = None
    #: Extra synonyms for import (TOML file with the same shape as the shipped one).
    synonyms: Path | None = None
    #: Flat values of donations received (loi AGEC art. 58); the shipped grid when unset.
    donation_values: Path | None = None
    #: Reuse policy file; the shipped policy when unset.
    policy: Path | None = None
    #: Objectives file of the annual report (``SOBRIETY_OBJECTIVES``); the shipped one when unset.
    objectives: Path | None = None
    #: Replacement prices of the renewal plan (``SOBRIETY_RENEWAL_PRICES``); shipped when unset.
    renewal_prices: Path | None = None
    #: The date taken for "today" (``SOBRIETY_TODAY=2026-03-02``): reproducible runs and tests.
    today: dt.date | None = None
    #: The transferor printed on transfer slips: the organisation's name, SIRET and
    #: address (``SOBRIETY_TRANSFEROR_NAME``... or ``transferor_name = "..."`` in the file).
    transferor_name: str | None = None
    transferor_siret: str | None = None
    transferor_address: str | None = None

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
        """Who is recorded in the history: ``actor`` (config or ``SOBRIETY_ACTOR``), else the
        OS user (never a made-up name)."""
        configured = (self.actor or "").strip()
        if configured:
            return configured
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no login name and no passwd entry (some containers)
            user = ""
        if user:
            return user
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"


def load_settings(**overrides: object) -> Settings:
    """Build settings; keyword overrides (from CLI options) win over everything."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
