"""The help screen: every key binding of every screen, read from the classes themselves."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from sobriety.i18n import _


def _bindings(cls: type) -> list[Binding]:
    out: list[Binding] = []
    for b in getattr(cls, "BINDINGS", []):
        out.extend(Binding.make_bindings([b]) if not isinstance(b, Binding) else [b])
    return out


def binding_groups(app_class: type[App] = App) -> list[tuple[str, list[Binding]]]:
    """(where, bindings) for the app, each of its sections, then the other screens."""
    from sobriety.tui.screens.action_dialog import ActionDialog
    from sobriety.tui.screens.conflict import ConflictDialog
    from sobriety.tui.screens.device import DeviceScreen
    from sobriety.tui.screens.device_edit import DeviceEditScreen
    from sobriety.tui.screens.problems import ProblemsDialog
    from sobriety.tui.sections import SECTIONS
    from sobriety.tui.widgets.device_table import DeviceTable

    # the app's own keys, then the palette, then quitting (the app's translated binding
    # stands for Textual's English one)
    own = _bindings(app_class)
    last = {"quit", "command_palette"}
    quit_keys = [b for b in own if b.action == "quit"] or _bindings(App)
    everywhere = [
        *(b for b in own if b.action not in last),
        Binding(App.COMMAND_PALETTE_BINDING, "command_palette", _("Command palette")),
        *(b for b in quit_keys if b.action == "quit"),
        *(b for b in _bindings(App) if b.action not in last),
    ]
    return [
        (_("Everywhere"), [b for b in everywhere if b.description]),
        *((_(s.title), _bindings(s.screen)) for s in SECTIONS),  # type: ignore[arg-type]
        (_("Device list"), _bindings(DeviceTable)),
        (_("Device"), _bindings(DeviceScreen)),
        (_("Edit device"), _bindings(DeviceEditScreen)),
        (_("Action dialogs"), _bindings(ActionDialog)),
        (_("Conflict"), _bindings(ConflictDialog)),
        (_("Refusals"), _bindings(ProblemsDialog)),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key binding, grouped by where it works."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "close", _("Close")),
        Binding("f1", "close", _("Close"), show=False),
        Binding("q", "close", _("Close"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(_("Keys"), classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Label(_("Escape closes · ctrl+p runs any command by name"), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Where"), _("Key"), _("Does"))
        for where, bindings in binding_groups(type(self.app)):
            for binding in bindings:
                for key in binding.key.split(","):
                    table.add_row(
                        where,
                        self.app.get_key_display(Binding(key.strip(), "")),
                        binding.description or binding.action,
                    )
        table.focus()

    def action_close(self) -> None:
        self.dismiss()
