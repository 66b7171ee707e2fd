"""Loading the synonym tables: the shipped one, then the user's (which wins)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sobriety.domain.inventory.fields import Synonyms, check_synonym_table
from sobriety.i18n import _
from sobriety.paths import config_path
from sobriety.settings import packaged_data_file

SHIPPED = "synonyms.toml"


class SynonymFileError(ValueError):
    """A synonym file cannot be read or holds unknown sections or values."""


def read_table(path: Path) -> dict:
    """One synonym file, checked: ``{section: {value: [labels]}}``."""
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except OSError as exc:
        raise SynonymFileError(
            _("{path}: cannot read the synonym file ({error})").format(path=path, error=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SynonymFileError(
            _("{path}: not valid TOML ({error})").format(path=path, error=exc)
        ) from exc
    except UnicodeDecodeError as exc:
        raise SynonymFileError(
            _("{path}: not UTF-8 text (byte 0x{byte:02x} at offset {offset})").format(
                path=path, byte=exc.object[exc.start], offset=exc.start
            )
        ) from None
    problems = check_synonym_table(table)
    if problems:
        raise SynonymFileError("\n".join(f"{path}: {p}" for p in problems))
    return table


def default_user_synonyms() -> Path:
    """``synonyms.toml`` beside the config file: where the import screen saves choices."""
    return config_path().parent / "synonyms.toml"


def synonyms_target(explicit: Path | None = None) -> Path:
    """The user's synonyms file to write to: ``explicit``, ``SOBRIETY_SYNONYMS``, else
    :func:`default_user_synonyms`."""
    env = os.environ.get("SOBRIETY_SYNONYMS")
    return explicit or (Path(env) if env else default_user_synonyms())


def user_synonyms_path(explicit: Path | None = None) -> Path | None:
    """``explicit`` (from settings or an option), else ``SOBRIETY_SYNONYMS``, else
    :func:`default_user_synonyms` when that file exists."""
    target = synonyms_target(explicit)
    if explicit is None and target == default_user_synonyms() and not target.exists():
        return None
    return target


def load_synonyms(extra: Path | None = None) -> Synonyms:
    """The shipped table extended (and overridden) by the user's file, if any."""
    tables = [read_table(packaged_data_file(SHIPPED))]
    user = user_synonyms_path(extra)
    if user is not None:
        tables.append(read_table(user))
    return Synonyms.build(tables)
