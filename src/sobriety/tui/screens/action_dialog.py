"""``ActionDialog``: a small form for one action on a device (assign, move, repair...).

It returns the parsed values, or ``None`` when cancelled; a refused value is
shown under its field and the dialog stays open. A dialog reopened after the
rules refused what it recorded lists their reasons above the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from sobriety.domain.inventory.form import FieldError
from sobriety.i18n import _
from sobriety.tui.widgets.field_row import FieldRow, Parser


@dataclass(frozen=True)
class DialogField:
    name: str
    label: str  # already translated
    kind: str = "text"  # text | choice | bool
    value: Any = None
    choices: Sequence[tuple[str, Any]] = ()
    parser: Parser | None = None
    allow_blank: bool = True
    placeholder: str = ""


@dataclass(frozen=True)
class ActionForm:
    action: str  # assign, move, repair, upgrade, erasure, retire
    title: str  # already translated
    fields: list[DialogField] = field(default_factory=list)
    text: str = ""  # shown above the fields (already translated)

    def filled(self, values: dict[str, Any]) -> ActionForm:
        """The same form with the values a user entered (e.g. to correct them)."""
        fields = [replace(f, value=values.get(f.name, f.value)) for f in self.fields]
        return replace(self, fields=fields)


class ActionDialog(ModalScreen[dict[str, Any] | None]):
    """Ask for the values of one action; ctrl+s or the button records it."""

    DEFAULT_CSS = """
    ActionDialog .dialog-problems { color: $error; width: 100%; padding: 0 0 1 0; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", _("Record")),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, form: ActionForm, subtitle: str = "", problems: Sequence[str] = ()) -> None:
        super().__init__(classes="dialog-screen")
        self.form = form
        self.subtitle = subtitle
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=f"dialog-{self.form.action}"):
            yield Label(self.form.title, classes="dialog-title")
            if self.subtitle:
                yield Label(self.subtitle, classes="dialog-subtitle")
            if self.form.text:
                yield Label(self.form.text, classes="dialog-text", id="dialog-text")
            if self.problems:
                lines = [_("Not recorded:"), *(f"⚠ {p}" for p in self.problems)]
                yield Static("\n".join(lines), classes="dialog-problems", id="dialog-problems")
            with VerticalScroll(classes="dialog-body"):
                for f in self.form.fields:
                    yield FieldRow(
                        f.name,
                        f.label,
                        kind=f.kind,
                        value=f.value,
                        choices=f.choices,
                        parser=f.parser,
                        allow_blank=f.allow_blank,
                        placeholder=f.placeholder,
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Record"), variant="primary", id="submit")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        rows = list(self.query(FieldRow))
        if rows:
            rows[0].control.focus()

    def values(self) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        ok = True
        for row in self.query(FieldRow):
            try:
                out[row.field_name] = row.parse()
            except FieldError:
                ok = False
        return out if ok else None

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
