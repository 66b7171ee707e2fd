"""The Reports screen: the plan's objectives with their trajectories, and the annual report.

The objectives (:func:`sobriety.app.objectives.objectives_status`) are computed
in a thread worker; ``w`` writes the year's report (PDF, HTML, JSON, in the
chosen language) into the chosen folder through
:func:`sobriety.app.report.write_report`, in a thread worker that reports its
progress on the screen's progress line. The screen and its keys work while
either runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from sobriety.i18n import _, fmt_number, language
from sobriety.tui.host import host
from sobriety.tui.messages import LoadProgressed
from sobriety.tui.widgets.work_progress import WorkProgress


@dataclass
class ObjectivesLoaded(Message):
    """The objectives of ``year`` were assessed (or ``error`` says why not)."""

    year: int
    items: list = field(default_factory=list)
    error: str | None = None


@dataclass
class ReportWritten(Message):
    """The report was written to ``paths`` (or ``error`` says why not)."""

    paths: list[Path] = field(default_factory=list)
    error: str | None = None


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = {"%": 1, "years": 1, "tCO2e": 3, "t": 3}.get(unit, 1)
    text = fmt_number(value, digits)
    if unit == "%":
        return f"{text} %"
    shown = _("years") if unit == "years" else unit
    return f"{text} {shown}"


def objectives_text(items: list) -> Group:
    lines = []
    for a in items:
        o = a.objective
        state, style = {
            True: (_("on track"), "bold"),
            False: (_("off track"), "bold reverse"),
            None: (_("not assessed"), "dim"),
        }[a.on_track]
        head = Text()
        head.append(o.label, style="bold")
        head.append(f"  {_value(a.value, o.unit)}  ")
        head.append(state, style=style)
        lines.append(head)
        trail = ", ".join(f"{p.year} {_value(p.value, o.unit)}" for p in a.trajectory)
        lines.append(
            Text(
                "   "
                + _("target {target} in {year}; expected now {expected}").format(
                    target=_value(a.target, o.unit),
                    year=o.target_year,
                    expected=_value(a.expected, o.unit),
                ),
                style="dim",
            )
        )
        lines.append(Text("   " + _("trajectory: {points}").format(points=trail), style="dim"))
    return Group(*lines) if lines else Group(Text(_("No objective in the file.")))


class ReportsScreen(Screen[None]):
    """Objectives and the annual report."""

    DEFAULT_CSS = """
    ReportsScreen #report-form { height: auto; padding: 0 1; }
    ReportsScreen #report-form Input { width: 14; }
    ReportsScreen #report-form #report-folder { width: 1fr; }
    ReportsScreen #report-form Select { width: 16; }
    ReportsScreen #report-form Label { padding: 1 1 0 1; }
    ReportsScreen #objectives-body { padding: 0 1; }
    """

    BINDINGS = [
        Binding("w", "write", _("Write the report")),
        Binding("r", "refresh", _("Refresh")),
    ]

    def __init__(self) -> None:
        super().__init__(id="reports")
        self.items: list = []
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        year = host(self).sobriety.today().year - 1
        yield Header(show_clock=False)
        yield WorkProgress(id="reports-progress")
        with Horizontal(id="report-form"):
            yield Label(_("Year"))
            yield Input(str(year), id="report-year", type="integer")
            yield Label(_("Language"))
            yield Select(
                [("Français", "fr"), ("English", "en")],
                value=language(),
                allow_blank=False,
                id="report-lang",
            )
            yield Label(_("Folder"))
            yield Input(str(Path.cwd() / "reports"), id="report-folder")
            yield Button(_("Write the report"), id="report-write", variant="primary")
        with VerticalScroll(id="objectives-scroll"):
            yield Label(_("Objectives"), classes="panel-title")
            yield Static(_("Computing…"), id="objectives-body")
        yield Static("", id="reports-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Reports")
        # The keys (w, r, the sections' digits) work at once: no text field takes them.
        self.query_one("#objectives-scroll", VerticalScroll).focus()
        self.action_refresh()

    # ------------------------------------------------------------- objectives
    def _year(self) -> int | None:
        try:
            return int(self.query_one("#report-year", Input).value)
        except ValueError:
            return None

    def action_refresh(self) -> None:
        year = self._year()
        if year is None:
            self.notify(_("The year must be a number."), severity="error")
            return
        self._objectives(year)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "report-year":
            self.action_refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="objectives")
    def _objectives(self, year: int) -> None:
        from sobriety.app import objectives

        try:
            items = objectives.objectives_status(host(self).sobriety, year)
        except Exception as exc:  # shown on the screen, never a crash
            self.post_message(ObjectivesLoaded(year, error=str(exc).splitlines()[0]))
            return
        self.post_message(ObjectivesLoaded(year, items))

    def on_objectives_loaded(self, message: ObjectivesLoaded) -> None:
        body = self.query_one("#objectives-body", Static)
        if message.error is not None:
            body.update(message.error)
            return
        self.items = message.items
        body.update(objectives_text(message.items))

    # ------------------------------------------------------------- the report
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "report-write":
            self.action_write()

    def action_write(self) -> None:
        progress = self.query_one(WorkProgress)
        if progress.busy:
            return
        year = self._year()
        if year is None:
            self.notify(_("The year must be a number."), severity="error")
            return
        folder = Path(self.query_one("#report-folder", Input).value).expanduser()
        lang = str(self.query_one("#report-lang", Select).value)
        progress.begin(_("Writing the report of {year}…").format(year=year))
        self._write(year, folder, lang)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def _write(self, year: int, folder: Path, lang: str) -> None:
        from sobriety.app import report

        try:
            result = report.write_report(
                host(self).sobriety,
                year,
                folder,
                lang=lang,
                progress=lambda text, done, total: self.post_message(
                    LoadProgressed(text, done, total)
                ),
            )
        except Exception as exc:  # shown on the screen, never a crash
            self.post_message(ReportWritten(error=str(exc).splitlines()[0]))
            return
        self.post_message(ReportWritten(result.paths))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one(WorkProgress).show(message)

    def on_report_written(self, message: ReportWritten) -> None:
        self.query_one(WorkProgress).done()
        status = self.query_one("#reports-status", Static)
        if message.error is not None:
            status.update(message.error)
            self.notify(message.error, title=_("Reports"), severity="error")
            return
        self.written = message.paths
        text = _("Written: {files}").format(files=", ".join(str(p) for p in message.paths))
        status.update(text)
        self.notify(text, title=_("Reports"))
        self.action_refresh()
