"""The ``sobriety`` console script: choose the language, then build and run the CLI.

Typer reads the help texts when the command modules are imported, so the
language (``--lang``, ``SOBRIETY_LANG``, the config file, the locale) is set
*before* :mod:`sobriety.cli.main` is imported. The root ``--lang`` option is
still parsed by the app itself; here it is only peeked at in ``sys.argv``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

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


def choose_language(argv: Sequence[str]) -> str:
    """``--lang`` > ``SOBRIETY_LANG`` > the config file > the locale; activated."""
    explicit = language_option(argv)
    try:
        from sobriety.settings import load_settings

        wanted = load_settings(lang=explicit).lang
    except Exception:  # a broken config file is reported by the app itself
        wanted = explicit
    return set_language(detect_language(wanted))


def localise_typer() -> None:
    """Translate Typer's help-screen and usage-error words into the active language."""
    import typer.core
    import typer.rich_utils

    typer.core._ = _  # Typer looks ``_`` up in its module globals at call time
    for name, text in TYPER_RICH_TEXTS.items():
        if hasattr(typer.rich_utils, name):
            setattr(typer.rich_utils, name, _(text))


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``sobriety`` console script and of ``python -m sobriety``."""
    args = list(sys.argv[1:] if argv is None else argv)
    choose_language(args)
    localise_typer()
    from sobriety.cli.main import app  # help texts are read now, in the chosen language

    app(args=args, prog_name="sobriety")
