"""Use cases of files in and out: preview, import (dry run or commit), export.

An import is all-or-nothing unless ``skip_invalid`` names a rejects file; it
reports progress through a callback and honours a cancel event (checked
between chunks: the database is then left as it was). The errors a user can
meet are re-exported here, so that the CLI and the TUI catch them without
reaching into :mod:`sobriety.io`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobriety.io.profiles import AGENT_PROFILE, IMPORT_PROFILES, ColumnError

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.io.agent_import import AgentReport
    from sobriety.io.exporter import ExportReport
    from sobriety.io.importer import ImportReport
    from sobriety.io.preview import Preview

#: Names re-exported from :mod:`sobriety.io`, imported on first use (the import screen
#: opens without loading the JSON Schema validator or the spreadsheet reader).
_LAZY = {
    "CREATE": "sobriety.io.agent_import",
    "AgentReport": "sobriety.io.agent_import",
    "UnreadableInput": "sobriety.io.agent_files",
    "ExportError": "sobriety.io.exporter",
    "ExportReport": "sobriety.io.exporter",
    "ImportCancelled": "sobriety.io.importer",
    "ImportFailed": "sobriety.io.importer",
    "ImportReport": "sobriety.io.importer",
    "Preview": "sobriety.io.preview",
    "SynonymFileError": "sobriety.io.synonyms",
    "UnreadableFile": "sobriety.io.tables",
}


def __getattr__(name: str) -> Any:
    if name == "UNUSABLE_FILE":
        #: A file, or a synonym table, that cannot be imported at all (nothing was read).
        return (__getattr__("UnreadableFile"), ColumnError, __getattr__("SynonymFileError"))
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGENT_PROFILE",
    "IMPORT_PROFILES",
    "AgentPreview",
    "ColumnError",
    *_LAZY,
]


def preview(path: Path, profile: str = "auto") -> Preview:
    """How the file's columns map onto device fields, a few values, and its row count."""
    from sobriety.io.preview import preview as read_preview

    return read_preview(path, profile)


def uses_agent_profile(path: Path, profile: str) -> bool:
    """Whether ``sobriety import PATH --profile PROFILE`` reads GLPI Agent inventories."""
    from sobriety.io.agent_import import uses_agent_profile as agent

    return agent(path, profile)


def check_profile(profile: str) -> None:
    """Refuse a profile that is neither a column profile nor the GLPI Agent's."""
    if profile not in IMPORT_PROFILES:
        raise ColumnError(
            _unknown_profile().format(profile=profile, profiles=", ".join(IMPORT_PROFILES))
        )


def _unknown_profile() -> str:
    from sobriety.i18n import _

    return _("Unknown profile {profile}; expected one of {profiles}.")


def import_devices(
    app: Sobriety,
    path: Path,
    *,
    profile: str = "auto",
    synonyms: Path | None = None,
    dry_run: bool = False,
    skip_invalid: Path | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    chunk_size: int | None = None,
) -> ImportReport:
    """Import ``path`` (creating the database when there is none); returns the summary.

    ``synonyms`` is the user's synonym table (default: the setting). Raises one
    of :data:`UNUSABLE_FILE` before touching the database, or
    :class:`ImportFailed` / :class:`ImportCancelled` with the database unchanged.
    """
    from sobriety.io.importer import DEFAULT_CHUNK_SIZE, import_file
    from sobriety.io.synonyms import load_synonyms

    check_profile(profile)
    table = load_synonyms(synonyms or app.settings.synonyms)
    engine = app.create_database()
    return import_file(
        engine,
        path,
        profile=profile,
        synonyms=table,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        actor=app.actor,
        chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
        progress=progress,
        cancel=cancel,
    )


def import_agent_inventories(
    app: Sobriety,
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: Path | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> AgentReport:
    """Import GLPI Agent inventories: a JSON or legacy XML file, a folder or a ``.zip``.

    All-or-nothing unless ``skip_invalid`` names the rejects file; the database
    is created when there is none. Raises :class:`UnreadableInput` (nothing
    read) or :class:`ImportFailed` / :class:`ImportCancelled` (database unchanged).
    """
    from sobriety.io.agent_import import import_inventories

    return import_inventories(
        app.create_database(),
        path,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        actor=app.actor,
        progress=progress,
        cancel=cancel,
    )


@dataclass
class AgentPreview:
    """What importing agent inventories would create and update (a dry run)."""

    path: Path
    report: AgentReport | None = None
    #: Why the check failed (its problems are in ``report``), or why nothing was read.
    error: str | None = None

    @property
    def rows(self) -> int:
        """Files to read (the total of the import's progress bar)."""
        return self.report.files if self.report is not None else 0


def preview_agent(app: Sobriety, path: Path) -> AgentPreview:
    """A dry run of the agent import of ``path``, matched against the database."""
    from sobriety.io.agent_files import UnreadableInput
    from sobriety.io.agent_import import import_inventories
    from sobriety.io.importer import ImportFailed

    out = AgentPreview(Path(path))
    try:
        out.report = import_inventories(app.engine, Path(path), dry_run=True)
    except ImportFailed as exc:
        out.report = exc.report  # type: ignore[assignment]
        out.error = str(exc)
    except (UnreadableInput, OSError) as exc:
        out.error = str(exc)
    return out


def export_devices(app: Sobriety, path: Path, fmt: str | None = None) -> ExportReport:
    """Write the whole inventory to ``path`` (format from the extension by default)."""
    from sobriety.io.exporter import export_inventory

    return export_inventory(app.engine, path, fmt)
