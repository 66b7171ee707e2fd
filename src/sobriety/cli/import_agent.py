"""``sobriety import PATH --profile glpi-agent``: inventories written by the GLPI Agent.

PATH is an inventory file (JSON, or the legacy XML), a folder of them or a
``.zip``. The summary gives the files read and, per item type, the devices
created, updated, unchanged and skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number, ngettext

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.app.imports import AgentReport

#: Problems and file names printed before "... and N more".
SHOWN = 20


def run(app: Sobriety, path: Path, *, dry_run: bool, skip_invalid: Path | None) -> None:
    from sobriety.app import imports

    try:
        report = imports.import_agent_inventories(
            app, path, dry_run=dry_run, skip_invalid=skip_invalid
        )
    except imports.UnreadableInput as exc:
        raise context.fail(_("Cannot import {path}: {error}").format(path=path, error=exc)) from exc
    except imports.ImportFailed as exc:
        for problem in exc.report.problems:
            typer.echo(str(problem), err=True)
        raise context.fail(str(exc)) from exc
    print_summary(report)


def more_problems(more: int) -> str:
    """The line closing a shortened list of problems."""
    return ngettext("  ... and {n} more problem", "  ... and {n} more problems", more).format(
        n=fmt_number(more)
    )


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    more = len(names) - SHOWN
    if more <= 0:
        return shown
    return shown + " " + ngettext("and {n} more", "and {n} more", more).format(n=fmt_number(more))


def print_summary(report: AgentReport) -> None:
    from sobriety.domain.labels import label

    head = _("Dry run, nothing written.") if report.dry_run else _("Import done.")
    kinds = {"folder": _("folder"), "zip": _("zip"), "file": _("file")}
    formats = ", ".join(
        f"{fmt_number(n)} {fmt.upper()}" for fmt, n in sorted(report.formats.items())
    )
    typer.echo(
        f"{head} {report.path} ("
        + _("profile {profile}").format(profile=report.profile)
        + ", "
        + (
            _("{kind}: {formats}").format(kind=kinds.get(report.format), formats=formats)
            if formats
            else kinds.get(report.format, report.format)
        )
        + ")"
    )
    skipped = sum(report.skipped.values())
    typer.echo(
        _(
            "{files} files read: {created} created, {updated} updated, {unchanged} unchanged, "
            "{skipped} skipped"
        ).format(
            files=fmt_number(report.files),
            created=fmt_number(report.created),
            updated=fmt_number(report.updated),
            unchanged=fmt_number(report.unchanged),
            skipped=fmt_number(skipped),
        )
    )
    by_skipped: dict[str, int] = {}
    for (item_type, _reason), n in report.skipped.items():
        by_skipped[item_type] = by_skipped.get(item_type, 0) + n
    for item_type in sorted(set(report.by_type) | set(by_skipped)):
        counts = report.by_type.get(item_type, {})
        typer.echo(
            "  "
            + _("{item_type}: {created} created, {updated} updated, {unchanged} unchanged, "
                "{skipped} skipped").format(
                item_type=item_type,
                created=fmt_number(counts.get("created", 0)),
                updated=fmt_number(counts.get("updated", 0)),
                unchanged=fmt_number(counts.get("unchanged", 0)),
                skipped=fmt_number(by_skipped.get(item_type, 0)),
            )
        )  # fmt: skip
    if report.skipped:
        typer.echo(_("Skipped (no category in sobriety for them):"))
        for (item_type, reason), n in sorted(report.skipped.items()):
            typer.echo(
                "  "
                + _("{item_type}, {reason}: {n}").format(
                    item_type=item_type, reason=_(reason), n=fmt_number(n)
                )
            )
    if report.superseded:
        typer.echo(
            _("Older inventories of a device also in a more recent file, not read: {files}").format(
                files=_names(sorted(report.superseded))
            )
        )
    if report.older:
        typer.echo(
            _("Inventories older than the one on record, left as they were: {n}").format(
                n=fmt_number(report.older)
            )
        )
    if report.left_out:
        typer.echo(
            ngettext(
                "{n} invalid file left out: {files}",
                "{n} invalid files left out: {files}",
                len(report.left_out),
            ).format(n=fmt_number(len(report.left_out)), files=_names(report.left_out))
        )
        for problem in report.problems[:SHOWN]:
            typer.echo(f"  {problem}", err=True)
        more = len(report.problems) - SHOWN
        if more > 0:
            typer.echo(more_problems(more), err=True)
    if report.rejects_path is not None and not report.dry_run:
        typer.echo(_("Files left out and their reasons: {path}").format(path=report.rejects_path))
    if report.ignored_files:
        typer.echo(
            _("Files not read (not .json, .xml or .ocs): {files}").format(
                files=_names(report.ignored_files)
            )
        )
    if report.preview and report.dry_run:
        typer.echo(_("Devices to create or update:"))
        for row in report.preview[:SHOWN]:
            action = _("create") if row.action == "create" else _("update")
            typer.echo(
                f"  {action}  {row.serial or row.asset_tag}  "
                f"{label('category', row.category)}  {row.model or '-'}  ({row.file})"
            )
        more = len(report.preview) - SHOWN
        if more > 0:
            typer.echo(
                "  " + ngettext("and {n} more", "and {n} more", more).format(n=fmt_number(more))
            )
