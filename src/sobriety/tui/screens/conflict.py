"""``ConflictDialog``: someone else changed the device; nothing was overwritten.

Lists what they changed and what the user was about to change (overlaps
marked). The dialog returns ``True`` to reload the device and re-apply the
user's pending values, ``False`` to go back to them untouched.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from sobriety.app.inventory import field_order
from sobriety.domain.inventory.display import describe_history, field_label, show_value
from sobriety.i18n import _
from sobriety.tui.messages import SaveConflicted

__all__ = ["ConflictDialog", "field_label"]


def _show(name: str, value: Any) -> str:
    return show_value(name, value)


class ConflictDialog(ModalScreen[bool]):
    """Tell what changed meanwhile; offer to reload and re-apply the user's values."""

    BINDINGS = [
        Binding("r", "reload", _("Reload and re-apply")),
        Binding("escape", "back", _("Back")),
    ]

    def __init__(self, conflict: SaveConflicted, mine: dict[str, Any]) -> None:
        super().__init__(classes="dialog-screen")
        self.conflict = conflict
        self.mine = mine

    def compose(self) -> ComposeResult:
        c = self.conflict
        with Vertical(classes="dialog", id="conflict-dialog"):
            yield Label(_("Changed by someone else"), classes="dialog-title")
            yield Static(
                _(
                    "Device {tag} was changed since you opened it (version {read} read, "
                    "now {now}). Nothing was saved and nothing is lost: reload to see "
                    "their changes with yours re-applied on top, then save again."
                ).format(tag=c.asset_tag, read=c.expected_version, now=c.current_version or "-"),
                classes="dialog-text",
            )
            with VerticalScroll(classes="dialog-body"):
                yield Static(self._who(), id="conflict-who")
                yield Static(self._table(), id="conflict-table")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Reload and re-apply"), variant="warning", id="reload")
                yield Button(_("Back"), id="back")

    def _who(self) -> str:
        """Who changed the device, when and from where (the history since the version read)."""
        lines = describe_history(self.conflict.events)
        if not lines:
            return ""
        return "\n".join(
            _("{date}, {actor} ({source}): {kind}").format(
                date=line.date, actor=line.actor, source=line.source, kind=line.kind
            )
            for line in lines
        )

    def _table(self) -> Table:
        table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
        table.add_column(_("Field"))
        table.add_column(_("They changed"))
        table.add_column(_("Yours"))
        theirs_changed, mine_changed = self.conflict.theirs, self.mine
        order = field_order()
        # Fields both sides changed first, then theirs, then yours; each in the device's order.
        names = sorted(
            set(theirs_changed) | set(mine_changed),
            key=lambda n: (
                not (n in theirs_changed and n in mine_changed),
                n not in theirs_changed,
                order.get(n, len(order)),
                n,
            ),
        )
        for name in names:
            theirs = self.conflict.theirs.get(name)
            mine = self.mine.get(name, None)
            overlap = name in self.conflict.theirs and name in self.mine
            table.add_row(
                ("⚠ " if overlap else "") + field_label(name),
                f"{_show(name, theirs[0])} → {_show(name, theirs[1])}" if theirs else "",
                _show(name, mine) if name in self.mine else "",
            )
        return table

    def on_mount(self) -> None:
        self.query_one("#reload", Button).focus()

    @on(Button.Pressed, "#reload")
    def action_reload(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(False)
