"""The ``sobriety`` console script: choose the language, then build and run the CLI.

Typer reads the help texts when the command modules are imported, so the
language (``--lang``, ``SOBRIETY_LANG``, the config file, the locale) is set
*before* :mod:`sobriety.cli.main` is imported. The root ``--lang`` option is
still parsed by the app itself; here it is only peeked at in ``sys.argv``.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from sobriety.i18n import N_, _, detect_language, set_language

#: Root options that take a value (the rest of the root options are flags).
_VALUED_ROOT_OPTIONS = frozenset({"--db", "--factors", "--lang"})

#: Typer's own words on help and usage-error screens (it marks them for the standard
#: gettext). Typer's bundled Click writes "Usage:" and the ``--help`` line in English.
TYPER_MESSAGES = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
)
#: Typer's rich help panels: module constant -> English text.
TYPER_RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}


def language_option(argv: Sequence[str]) -> str | None:
    """The value of the root ``--lang`` option in ``argv`` (without the program name).

    Only the options before the command name are the root's.
    """
    args = iter(argv)
    for arg in args:
        if arg == "--":
            return None
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg in _VALUED_ROOT_OPTIONS:
            value = next(args, None)
            if arg == "--lang":
                return value
            continue
        if not arg.startswith("-"):
            return None  # the command name: what follows belongs to it
    return None


def configured_language() -> str | None:
    """``lang`` in the config file, read without building the settings (kept fast).

    A broken config file is reported by the app itself, later.
    """
    import tomllib

    from sobriety.paths import config_path

    try:
        with open(config_path(), "rb") as fh:
            value = tomllib.load(fh).get("lang")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) else None


def choose_language(argv: Sequence[str]) -> str:
    """``--lang`` > ``SOBRIETY_LANG`` > the config file > the locale; activated."""
    wanted = language_option(argv) or os.environ.get("SOBRIETY_LANG") or configured_language()
    return set_language(detect_language(wanted))


def _translate_rich_utils(module: ModuleType) -> None:
    for name, text in TYPER_RICH_TEXTS.items():
        if hasattr(module, name):
            setattr(module, name, _(text))


class _AfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Run ``then(module)`` right after ``name`` is imported (once), wherever it is imported.

    Typer imports its rich help renderer (0.15 s of imports) only when it shows a
    help or an error screen; its words are translated then, not at every start.
    """

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then, self._loader = name, then, None

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self.then(module)


def localise_typer() -> None:
    """Translate Typer's help-screen and usage-error words into the active language."""
    import typer.core

    typer.core._ = _  # Typer looks ``_`` up in its module globals at call time
    name = "typer.rich_utils"
    if name in sys.modules:
        _translate_rich_utils(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, _translate_rich_utils))


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``sobriety`` console script and of ``python -m sobriety``."""
    args = list(sys.argv[1:] if argv is None else argv)
    choose_language(args)
    localise_typer()
    from sobriety.cli.main import app  # help texts are read now, in the chosen language

    app(args=args, prog_name="sobriety")
