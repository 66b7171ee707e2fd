"""The technicians' terminal UI: the ``App`` and the factory that builds it.

The app is handed the application object (:class:`~sobriety.app.context.Sobriety`:
engine, factors, policy, actor, clock) by :func:`create_app` (the CLI, the
tests and the bench all use it); nothing is found through globals. Screens
reach it through :func:`sobriety.tui.host.host`, never by importing this module.
Top-level sections are Textual *modes* listed in
:data:`sobriety.tui.sections.SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sobriety.app import inventory
from sobriety.app.context import Sobriety
from sobriety.i18n import N_, _
from sobriety.tui.commands import SobrietyCommands
from sobriety.tui.messages import DataChanged, DeviceChosen, DeviceSaved
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.screens.help import HelpScreen
from sobriety.tui.screens.inventory import InventoryScreen
from sobriety.tui.sections import SECTIONS

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"

#: Textual's built-in palette commands (title, help), translated when shown.
SYSTEM_COMMANDS = {
    "Theme": N_("Theme"),
    "Change the current theme": N_("Change the current theme"),
    "Quit": N_("Quit"),
    "Quit the application as soon as possible": N_("Quit the application as soon as possible"),
    "Keys": N_("Keys"),
    "Hide the keys and widget help panel": N_("Hide the keys and widget help panel"),
    "Show help for the focused widget and a summary of available keys": N_(
        "Show help for the focused widget and a summary of available keys"
    ),
    "Minimize": N_("Minimize"),
    "Minimize the widget and restore to normal size": N_(
        "Minimize the widget and restore to normal size"
    ),
    "Maximize": N_("Maximize"),
    "Maximize the focused widget": N_("Maximize the focused widget"),
    "Screenshot": N_("Screenshot"),
    "Save an SVG 'screenshot' of the current screen": N_(
        "Save an SVG 'screenshot' of the current screen"
    ),
}


class SobrietyApp(App[None]):
    """Inventory, carbon and reuse of the fleet, for the technicians."""

    CSS_PATH = "app.tcss"
    TITLE = "sobriety"
    COMMANDS = App.COMMANDS | {SobrietyCommands}
    MODES = {s.mode: s.screen for s in SECTIONS}
    DEFAULT_MODE = SECTIONS[0].mode
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(
            "ctrl+q", "quit", _("Quit"), tooltip=_("Quit sobriety."), show=False, priority=True
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            _("palette"),
            show=False,
            priority=True,
            tooltip=_("Open the command palette"),
        ),
        Binding("f1", "help", _("Help")),
        Binding("question_mark", "help", _("Help"), show=False),
        Binding("ctrl+t", "toggle_theme", _("Light/dark")),
        *(Binding(s.key, f"switch_mode('{s.mode}')", _(s.title), show=False) for s in SECTIONS),
    ]

    def __init__(
        self,
        sobriety: Sobriety,
        *,
        dark: bool = True,
        start: str | None = None,
    ) -> None:
        if start is not None:
            if start not in self.MODES:
                raise ValueError(f"unknown section {start!r}; expected one of {list(self.MODES)}")
            self.DEFAULT_MODE = start  # read by App.__init__
        super().__init__()
        self.sobriety = sobriety
        self._start_dark = dark
        #: Free-text search index of the devices, shared by tables and the palette.
        self.search_index = inventory.search_index(sobriety)
        self._search_index_started = False
        #: Bumped by every write (DataChanged): screens showing figures recompute them.
        self.data_generation = 0

    def on_mount(self) -> None:
        self.theme = DARK_THEME if self._start_dark else LIGHT_THEME

    def build_search_index(self) -> None:
        """Index the devices' text in a background thread (once; searches use SQL until then)."""
        if not self._search_index_started:
            self._search_index_started = True
            self._build_search_index()

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-index")
    def _build_search_index(self) -> None:
        self.search_index.build()

    # ------------------------------------------------------- Textual's own words
    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        """Textual's built-in palette commands, in the interface language."""
        for command in super().get_system_commands(screen):
            title = SYSTEM_COMMANDS.get(command.title)
            help_text = SYSTEM_COMMANDS.get(command.help)
            yield command._replace(
                title=_(title) if title else command.title,
                help=_(help_text) if help_text else command.help,
            )

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (it copies): say which key does."""
        self.notify(_("Press [b]ctrl+q[/b] to quit sobriety."), title=_("Do you want to quit?"))

    # -------------------------------------------------------------- actions
    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_device(self, asset_tag: str) -> None:
        """Show a device on top of the current section."""
        self.push_screen(DeviceScreen(asset_tag))

    def on_device_chosen(self, message: DeviceChosen) -> None:
        self.open_device(message.asset_tag)

    def on_device_saved(self, message: DeviceSaved) -> None:
        """A device changed: every inventory table shows the new values."""
        self.data_changed("device")

    def on_data_changed(self, message: DataChanged) -> None:
        self.data_changed(message.what)

    def data_changed(self, what: str) -> None:
        """Data was written: tables reload now, figures when shown next."""
        self.data_generation += 1
        for screen in self._all_screens():
            if isinstance(screen, InventoryScreen):
                screen.table.reload()

    def _all_screens(self) -> list[Screen[Any]]:
        """Every screen alive: the stack and the other sections' stacks."""
        screens: list[Screen[Any]] = list(self.screen_stack)
        for stack in self._screen_stacks.values():
            screens.extend(s for s in stack if s not in screens)
        return screens

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Commands available everywhere (the screens add their own)."""
        for section in SECTIONS:
            yield (
                _("Go to {section}").format(section=_(section.title)),
                _("Key {key}").format(key=section.key),
                lambda mode=section.mode: self.switch_mode(mode),
            )
        yield _("Help: key bindings"), _("Every key of every screen"), self.action_help
        yield (
            _("Toggle light/dark theme"),
            _("Switch between the light and the dark theme"),
            self.action_toggle_theme,
        )


def create_app(sobriety: Sobriety, *, dark: bool = True, start: str | None = None) -> SobrietyApp:
    """The app on the application object ``sobriety``; used by the CLI, tests and bench.

    ``start`` names the section shown first (default: the dashboard). Changes
    made from the TUI are recorded as coming from it (each screen names itself).
    """
    sobriety.origin = "tui"
    return SobrietyApp(sobriety, dark=dark, start=start)
