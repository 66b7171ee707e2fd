"""``WorkProgress``: one line saying what a worker is doing, with its progress bar.

Hidden while idle. ``begin`` shows it, :class:`~sobriety.tui.messages.LoadProgressed`
messages move it (``show``), ``done`` hides it again; a progress message that
arrives after ``done`` (messages and ``call_from_thread`` are not ordered with
each other) is dropped.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from sobriety.tui.messages import LoadProgressed


class WorkProgress(Horizontal):
    DEFAULT_CSS = """
    WorkProgress {
        height: 1;
        display: none;
        padding: 0 1;
        background: $panel;
        &.-busy { display: block; }
        & > Label { width: 1fr; color: $text-muted; }
        & > ProgressBar { width: auto; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", classes="work-text")
        yield ProgressBar(show_eta=False)

    def begin(self, text: str, total: float | None = None) -> None:
        self.add_class("-busy")
        self.query_one(Label).update(text)
        self.query_one(ProgressBar).update(total=total, progress=0)

    def show(self, message: LoadProgressed) -> None:
        """Show a step of the running job (a late message after ``done`` is dropped)."""
        if not self.busy:
            return
        self.query_one(Label).update(message.text)
        bar = self.query_one(ProgressBar)
        bar.update(total=message.total, progress=message.done)

    def done(self) -> None:
        self.remove_class("-busy")

    @property
    def busy(self) -> bool:
        return self.has_class("-busy")
