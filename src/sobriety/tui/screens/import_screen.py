"""The import screen: choose a file and a profile, check the mapping, validate, commit.

1. A path (typed, or picked in the folder tree) and a profile: the preview
   shows which column fills which field, with sample values, and the row count.
2. ``ctrl+d`` validates the whole file (a dry run of the real importer, in a
   worker, with a progress bar): every problem is listed with its line,
   column, value and what was expected; nothing is written.
3. ``ctrl+s`` imports it, all or nothing. ``escape`` cancels a running check
   or import between two chunks; the database is then left as it was.

A label nobody mapped yet (a status, a category...) is listed once with its
row count; the "Labels to map" panel offers the values to pick for it: the
picks map those labels on the next check or import, and ``f4`` saves them to
the user's synonyms file. ``escape`` leaves the path field, and the section
keys work from it while it is empty.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    DirectoryTree,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
)

from sobriety.app import imports
from sobriety.app.imports import IMPORT_PROFILES
from sobriety.domain.inventory.display import field_label
from sobriety.i18n import _, colon, fmt_number, ngettext
from sobriety.tui import agent_preview
from sobriety.tui.host import host
from sobriety.tui.messages import DataChanged, ImportFinished, LoadProgressed, PreviewReady
from sobriety.tui.widgets.label_choices import LabelChoices
from sobriety.tui.widgets.work_progress import WorkProgress

if TYPE_CHECKING:
    from sobriety.app.imports import ImportReport, Preview

#: Characters of a value the problems table shows (as the error lines of the CLI).
MAX_SHOWN = 200
#: Rows per chunk: the progress bar and the cancel check move this often.
CHUNK_ROWS = 2_000
PROFILE_LABELS = {
    "auto": "auto",
    "generic": "generic",
    "glpi": "GLPI",
    "snipeit": "Snipe-IT",
    "glpi-agent": "GLPI Agent",
}


class ImportScreen(Screen[None]):
    """Import an inventory file, checked before anything is written."""

    BINDINGS = [
        # priority: the path Input would take ctrl+d (delete right) for itself
        Binding("ctrl+d", "validate", _("Validate"), priority=True),
        Binding("ctrl+s", "commit", _("Import"), priority=True),
        Binding("ctrl+o", "focus_path", _("File"), show=False),
        Binding("escape", "cancel", _("Cancel")),
        Binding("f3", "toggle_tree", _("Folders"), show=False),
        Binding("f4", "save_labels", _("Save labels")),
    ]

    def __init__(self, start_dir: Path | None = None) -> None:
        super().__init__(id="import")
        self.start_dir = start_dir or Path.cwd()
        self.preview_result: Preview | None = None
        self.report: ImportReport | None = None
        self.outcome: str = ""  # "valid", "invalid", "imported", "cancelled", "failed"
        self._cancel: threading.Event | None = None
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="import-bar"):
            yield PathInput(
                placeholder=_("Path of a CSV, XLSX or JSON file, or of agent inventories (ctrl+o)"),
                id="import-path",
                compact=True,
            )
            yield Select(
                [(PROFILE_LABELS[p], p) for p in IMPORT_PROFILES],
                value="auto",
                allow_blank=False,
                id="import-profile",
                compact=True,
            )
        yield WorkProgress(id="import-progress")
        yield Static(_("Choose a file: type its path or pick it in the tree."), id="import-summary")
        with Horizontal(id="import-body"):
            yield DirectoryTree(str(self.start_dir), id="import-tree")
            with Vertical(id="import-right"):
                yield Label(_("Column mapping"), classes="panel-title", id="mapping-title")
                yield DataTable(id="import-mapping", cursor_type="row", zebra_stripes=True)
                yield Label(_("Problems"), classes="panel-title", id="problems-title")
                yield DataTable(id="import-problems", cursor_type="row", zebra_stripes=True)
                yield LabelChoices(id="import-labels")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Import")
        self._columns("#import-mapping", _("Column"), _("Field"), _("Sample values"))
        self._columns("#import-problems", _("Line"), _("Column"), _("Value"), _("Expected"))
        self.query_one("#import-path", Input).focus()

    def _columns(self, table_id: str, *labels: str) -> DataTable:
        table = self.query_one(table_id, DataTable)
        if [str(c.label) for c in table.columns.values()] != list(labels):
            table.clear(columns=True)
            table.add_columns(*labels)
        return table

    # -------------------------------------------------------------- choosing
    @property
    def path(self) -> Path | None:
        text = self.query_one("#import-path", Input).value.strip()
        return Path(text).expanduser() if text else None

    @property
    def profile(self) -> str:
        value = self.query_one("#import-profile", Select).value
        return str(value) if value is not Select.BLANK else "auto"

    def choose(self, path: Path) -> None:
        """Take ``path`` as the file to import and preview it."""
        self.query_one("#import-path", Input).value = str(path)
        self.action_preview()

    @on(DirectoryTree.FileSelected)
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.choose(Path(event.path))

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self) -> None:
        self.action_preview()

    @on(Select.Changed, "#import-profile")
    def _profile_changed(self) -> None:
        if self.path is not None:
            self.action_preview()

    def action_focus_path(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_toggle_tree(self) -> None:
        tree = self.query_one("#import-tree", DirectoryTree)
        tree.display = not tree.display

    # -------------------------------------------------------------- preview
    def action_preview(self) -> None:
        path = self.path
        if path is None:
            return
        self._clear_problems()
        self.outcome = ""
        self.query_one(WorkProgress).begin(_("Reading {name}…").format(name=path.name))
        self._preview(path, self.profile)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import-preview")
    def _preview(self, path: Path, profile: str) -> None:
        if imports.uses_agent_profile(path, profile):
            self.post_message(PreviewReady(imports.preview_agent(host(self).sobriety, path)))
            return
        self.post_message(PreviewReady(imports.preview(path, profile)))

    def _show_agent_preview(self, result: imports.AgentPreview) -> None:
        """Agent inventories: the devices the import creates or updates."""
        self.query_one(WorkProgress).done()
        self.preview_result = result  # type: ignore[assignment]
        report = result.report
        self._show_devices(agent_preview.device_rows(report) if report is not None else [])
        if report is None:
            self._summary(
                _("Cannot import {path}: {error}").format(path=result.path, error=result.error)
            )
            return
        self._show_problems(report)
        if result.error:
            text = (
                result.error.rstrip(".")
                + ". "
                + _("Fix the file (the problems are listed below), then validate again.")
            )
        else:
            text = f"{colon(result.path.name)} " + agent_preview.counts(report, done=False)
            text += " " + _("ctrl+d validates, ctrl+s imports.")
        self._summary(text)

    def _show_devices(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.query_one("#mapping-title", Label).update(_("Devices to create or update"))
        table = self._columns(
            "#import-mapping", _("Action"), _("Serial"), _("Category"), _("Model")
        )
        table.clear()
        for row in rows:
            table.add_row(*row)

    def on_preview_ready(self, message: PreviewReady) -> None:
        if isinstance(message.preview, imports.AgentPreview):
            self._show_agent_preview(message.preview)
            return
        result: Preview = message.preview
        self.query_one(WorkProgress).done()
        self.preview_result = result
        self.query_one("#mapping-title", Label).update(_("Column mapping"))
        mapping = self._columns("#import-mapping", _("Column"), _("Field"), _("Sample values"))
        mapping.clear()
        if result.error is not None:
            self._summary(
                _("Cannot import {path}: {error}").format(path=result.path, error=result.error)
            )
            return
        for header, name, values in result.mapping:
            mapping.add_row(header, field_label(name), " | ".join(v for v in values if v) or "-")
        text = _("{name}: {rows} rows, {fmt}, profile {profile}; {n} columns mapped.").format(
            name=result.path.name,
            rows=fmt_number(result.rows),
            fmt=result.format.upper(),
            profile=PROFILE_LABELS.get(result.profile, result.profile),
            n=len(result.mapping),
        )
        if result.ignored:
            text += " " + _("Not imported: {columns}.").format(
                columns=", ".join(f'"{c}"' for c in result.ignored)
            )
        text += " " + _("ctrl+d validates, ctrl+s imports.")
        self._summary(text)

    # ----------------------------------------------------------- validation
    def action_validate(self) -> None:
        self._run(dry_run=True)

    def action_commit(self) -> None:
        self._run(dry_run=False)

    def _run(self, *, dry_run: bool) -> None:
        path = self.path
        if path is None:
            self.notify(_("Choose a file first."))
            return
        if self._cancel is not None:
            self.notify(_("An import is already running (escape cancels it)."))
            return
        if self.preview_result is None or self.preview_result.path != path:
            self.action_preview()
        self._clear_problems()
        self._cancel = threading.Event()
        total = self.preview_result.rows if self.preview_result else None
        text = _("Checking {name}…") if dry_run else _("Importing {name}…")
        self.query_one(WorkProgress).begin(text.format(name=path.name), total or None)
        mappings = [
            imports.LabelMapping(column, label, value)
            for column, label, value in self.query_one(LabelChoices).mappings()
        ]
        self._import(path, self.profile, dry_run, self._cancel, total or None, mappings)

    def action_cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.query_one(WorkProgress).begin(_("Cancelling after the current chunk…"))
            return
        if isinstance(self.focused, Input):  # escape leaves the path field
            tree = self.query_one("#import-tree", DirectoryTree)
            (tree if tree.display else self.query_one("#import-mapping", DataTable)).focus()

    def action_save_labels(self) -> None:
        """Save the values picked for unknown labels to the user's synonyms file."""
        choices = self.query_one(LabelChoices).for_synonyms()
        if not choices:
            self.notify(_("Pick a value for a label first (Labels to map)."))
            return
        target = imports.user_synonyms_file(host(self).sobriety)
        try:
            added = imports.save_label_choices(target, choices)
        except imports.SynonymFileError as exc:
            self.notify(str(exc), severity="error")
            return
        self.saved_to = target
        self.notify(
            ngettext("{n} label saved to {path}.", "{n} labels saved to {path}.", added).format(
                n=fmt_number(added), path=target
            )
        )

    @work(thread=True, exit_on_error=False, group="import-run")
    def _import(
        self,
        path: Path,
        profile: str,
        dry_run: bool,
        cancel: threading.Event,
        total: int | None,
        mappings: list[Any],
    ) -> None:
        verb = _("Checked") if dry_run else _("Imported")
        agent = imports.uses_agent_profile(path, profile)
        unit = _("{verb} {rows} rows of {name}")
        if agent:
            unit = (
                _("Checked {rows} files of {name}")
                if dry_run
                else _("Imported {rows} files of {name}")
            )

        def progress(rows: int) -> None:
            self.post_message(
                LoadProgressed(
                    unit.format(verb=verb, rows=fmt_number(rows), name=path.name), rows, total
                )
            )

        try:
            if agent:
                report = imports.import_agent_inventories(
                    host(self).sobriety, path, dry_run=dry_run, progress=progress, cancel=cancel
                )
            else:
                report = imports.import_devices(
                    host(self).sobriety,
                    path,
                    profile=profile,
                    dry_run=dry_run,
                    chunk_size=CHUNK_ROWS,
                    progress=progress,
                    cancel=cancel,
                    mappings=mappings,
                )
        except imports.ImportCancelled as exc:
            self.post_message(ImportFinished("cancelled", exc.report, str(exc)))
        except imports.ImportFailed as exc:
            self.post_message(ImportFinished("invalid", exc.report, str(exc)))
        except (*imports.UNUSABLE_FILE, imports.UnreadableInput, OSError) as exc:
            self.post_message(ImportFinished("failed", None, str(exc)))
        else:
            self.post_message(ImportFinished("valid" if dry_run else "imported", report, ""))

    def on_import_finished(self, event: ImportFinished) -> None:
        outcome, report, message = event.outcome, event.report, event.message
        self._cancel = None
        self.query_one(WorkProgress).done()
        self.outcome, self.report = outcome, report
        if report is not None:
            self._show_problems(report)
        if outcome in ("valid", "imported") and report is not None:
            head = _("Valid: nothing written.") if outcome == "valid" else _("Imported.")
            if outcome == "valid":
                counts = _(
                    "{rows} rows: {created} to create, {updated} to update, {unchanged} unchanged."
                )
            else:
                counts = _(
                    "{rows} rows: {created} created, {updated} updated, {unchanged} unchanged."
                )
            text = (
                head
                + " "
                + counts.format(
                    rows=fmt_number(report.rows),
                    created=fmt_number(report.created),
                    updated=fmt_number(report.updated),
                    unchanged=fmt_number(report.unchanged),
                )
            )
            if isinstance(report, imports.AgentReport):
                self._show_devices(agent_preview.device_rows(report))
                text = f"{head} " + agent_preview.counts(report, done=outcome == "imported")
            if report.sites_created:
                text += " " + _("New sites: {sites}.").format(
                    sites=", ".join(code for code, _name, _kind in report.sites_created)
                )
            text += _reading(report)
            if outcome == "valid":
                text += " " + _("ctrl+s imports.")
            self._summary(text)
            if outcome == "imported":
                self.notify(text)
                self.post_message(DataChanged("import"))
            return
        if outcome == "invalid" and report is not None:
            self._summary(
                message.rstrip(".")
                + ". "
                + _("Fix the file (the problems are listed below), then validate again.")
                + _reading(report)
            )
            return
        self._summary(message)

    # ---------------------------------------------------------------- helpers
    def _summary(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(text)

    def _clear_problems(self) -> None:
        self.query_one("#import-problems", DataTable).clear()
        self.query_one(LabelChoices).show([])
        self.query_one("#problems-title", Label).update(_("Problems"))

    def _show_problems(self, report: ImportReport) -> None:
        where = (
            (_("File"), _("Path"))
            if isinstance(report, imports.AgentReport)
            else (_("Line"), _("Column"))
        )
        table = self._columns("#import-problems", *where, _("Value"), _("Expected"))
        table.clear()
        rows: list[tuple[int, int, tuple[str, str, str, str]]] = []
        for p in report.problems:
            rows.append((p.line, 1, (str(p.line), p.column, _cell(p.value), p.expected)))
        for u in report.unknown_labels:
            lines = ", ".join(str(n) for n in u.lines) + (", …" if u.rows > len(u.lines) else "")
            expected = ngettext(
                "a known label (unknown on {n} row): pick its value below",
                "a known label (unknown on {n} rows): pick its value below",
                u.rows,
            ).format(n=fmt_number(u.rows))
            rows.append((u.lines[0], 0, (lines, u.column, _cell(u.label), expected)))
        for _line, _kind, cells in sorted(rows, key=lambda r: (r[0], r[1])):
            table.add_row(*cells)
        self.query_one(LabelChoices).show(report.unknown_labels)
        self.query_one("#problems-title", Label).update(
            _("Problems: {n}").format(n=fmt_number(report.problem_count))
        )

    def problems(self) -> list[tuple[str, ...]]:
        table = self.query_one("#import-problems", DataTable)
        return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield _("Choose the file to import"), _("Key ctrl+o"), self.action_focus_path
        yield _("Validate the file (dry run)"), _("Key ctrl+d"), self.action_validate
        yield _("Import the file"), _("All or nothing · key ctrl+s"), self.action_commit
        yield _("Cancel the running import"), _("Key escape"), self.action_cancel
        yield _("Show or hide the folder tree"), _("Key F3"), self.action_toggle_tree
        yield (
            _("Save the picked labels to your synonyms file"),
            _("Labels to map · key F4"),
            self.action_save_labels,
        )


def _reading(report: Any) -> str:
    """How the dates were read (each date column's day/month order, the year window)."""
    orders = getattr(report, "date_orders", None) or []
    text = "".join(" " + _("Dates, {order}.").format(order=order) for order in orders)
    window = getattr(report, "year_window", None)
    if window is not None:
        text += " " + _("Two-digit years are read as {first} to {last}.").format(
            first=window[0], last=window[1]
        )
    return text


def _cell(value: Any) -> str:
    """A value as the problems table shows it: at most 200 characters."""
    if value in (None, ""):
        return _("(empty)")
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class PathInput(Input):
    """The path field: while it is empty, the section keys (1-5...) switch sections."""

    async def _on_key(self, event: events.Key) -> None:
        if not self.value and event.character and event.character.isdigit():
            for binding in self.app.BINDINGS:
                if isinstance(binding, Binding) and binding.key == event.character:
                    event.stop()
                    event.prevent_default()
                    await self.app.run_action(binding.action)
                    return
        await super()._on_key(event)
