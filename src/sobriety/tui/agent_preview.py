"""The import screen's ``glpi-agent`` profile, UI-free (safe in a thread worker).

:func:`preview` runs the agent import as a dry run (nothing is written): it
reads every inventory of the file, folder or zip, matches them against the
database and tells, per device, whether it would be created or updated. A
failed check comes back with its problems; an unreadable path as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from sobriety.domain.labels import label
from sobriety.i18n import _, fmt_number
from sobriety.io.agent_files import UnreadableInput
from sobriety.io.agent_import import CREATE, AgentReport, import_inventories
from sobriety.io.importer import ImportFailed

#: Devices listed in the preview table (the counts cover them all).
PREVIEW_ROWS = 500


@dataclass
class AgentPreview:
    path: Path
    report: AgentReport | None = None
    error: str | None = None
    #: (create/update, serial or asset tag, category, model) per device.
    devices: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Files to read (the total of the import's progress bar)."""
        return self.report.files if self.report is not None else 0


def preview(engine: Engine, path: Path) -> AgentPreview:
    """What importing ``path`` would create and update (a dry run)."""
    out = AgentPreview(Path(path))
    try:
        out.report = import_inventories(engine, Path(path), dry_run=True)
    except ImportFailed as exc:
        out.report = exc.report  # type: ignore[assignment]
        out.error = str(exc)
    except (UnreadableInput, OSError) as exc:
        out.error = str(exc)
        return out
    out.devices = device_rows(out.report)
    return out


def device_rows(report: AgentReport) -> list[tuple[str, str, str, str]]:
    """The preview table: create or update (first, seen at 80 columns), serial, category, model."""
    return [
        (
            _("create") if row.action == CREATE else _("update"),
            row.serial or row.asset_tag,
            label("category", row.category),
            row.model or "-",
        )
        for row in report.preview[:PREVIEW_ROWS]
    ]


def counts(report: AgentReport, *, done: bool) -> str:
    """The counts of an agent import or of its dry run, in a sentence."""
    text = (
        _(
            "{files} files: {created} created, {updated} updated, {unchanged} unchanged, "
            "{skipped} skipped."
        )
        if done
        else _(
            "{files} files: {created} to create, {updated} to update, {unchanged} unchanged, "
            "{skipped} skipped."
        )
    )
    return text.format(
        files=fmt_number(report.files),
        created=fmt_number(report.created),
        updated=fmt_number(report.updated),
        unchanged=fmt_number(report.unchanged),
        skipped=fmt_number(sum(report.skipped.values())),
    )
