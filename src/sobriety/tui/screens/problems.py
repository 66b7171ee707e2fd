"""``ProblemsDialog``: what was refused, one line per device (or per file line) and reason."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static

from sobriety.i18n import _, colon


class ProblemsDialog(ModalScreen[str | None]):
    """A titled table of refusals: ``rows`` of cells under ``columns``.

    The highlighted row's last cell (the reason) is also shown whole, wrapped,
    under the table. ``actions`` (``(id, label)``) add buttons: the dialog
    returns the id of the one pressed, None when closed.
    """

    BINDINGS = [Binding("escape", "close", _("Close"))]

    DEFAULT_CSS = """
    ProblemsDialog #problems-detail { width: 100%; padding: 1 0 0 0; }
    """

    def __init__(
        self,
        title: str,
        text: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        actions: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.text = text
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        self.actions = list(actions)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="problems-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if self.text:
                yield Label(self.text, classes="dialog-text", id="problems-text")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
            yield Static("", id="problems-detail")
            with Horizontal(classes="dialog-buttons"):
                for action_id, text in self.actions:
                    yield Button(text, id=f"action-{action_id}")
                yield Button(_("Close"), variant="primary", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*self.columns)
        for row in self.rows:
            table.add_row(*row)
        table.focus()
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        row = self.rows[table.cursor_row]
        tag = next((r[0] for r in reversed(self.rows[: table.cursor_row + 1]) if r[0]), "")
        whole = f"{colon(tag)} {row[-1]}" if tag else row[-1]
        self.query_one("#problems-detail", Static).update(whole)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        self.dismiss(button.removeprefix("action-") if button.startswith("action-") else None)

    def action_close(self) -> None:
        self.dismiss(None)


def refusal_rows(refused: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``{tag: [reasons]}`` as table rows, one reason per row (tag shown once)."""
    rows: list[tuple[str, str]] = []
    for tag, reasons in refused.items():
        for i, reason in enumerate(reasons):
            rows.append((tag if i == 0 else "", reason))
    return rows
