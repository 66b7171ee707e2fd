"""``ProblemsDialog``: what was refused, one line per device (or per file line) and reason."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from sobriety.i18n import _


class ProblemsDialog(ModalScreen[None]):
    """A titled table of refusals: ``rows`` of cells under ``columns``."""

    BINDINGS = [Binding("escape", "close", _("Close"))]

    def __init__(
        self, title: str, text: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.text = text
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="problems-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.text:
                yield Label(self.text, classes="dialog-text")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), variant="primary", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.columns)
        for row in self.rows:
            table.add_row(*row)
        table.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def refusal_rows(refused: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``{tag: [reasons]}`` as table rows, one reason per row (tag shown once)."""
    rows: list[tuple[str, str]] = []
    for tag, reasons in refused.items():
        for i, reason in enumerate(reasons):
            rows.append((tag if i == 0 else "", reason))
    return rows
