"""How the import screen shows a GLPI Agent dry run: the device table and the counts.

The dry run itself is :func:`sobriety.app.imports.preview_agent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sobriety.app import imports
from sobriety.domain.labels import label
from sobriety.i18n import _, fmt_number

if TYPE_CHECKING:
    from sobriety.app.imports import AgentReport

#: Devices listed in the preview table (the counts cover them all).
PREVIEW_ROWS = 500


def device_rows(report: AgentReport) -> list[tuple[str, str, str, str]]:
    """The preview table: create or update (first, seen at 80 columns), serial, category, model."""
    return [
        (
            _("create") if row.action == imports.CREATE else _("update"),
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
