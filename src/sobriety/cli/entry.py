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
#: The words of Typer's bundled Click, which it does not mark for translation.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Show this message and exit."),
    N_("Invalid value for {hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("No such option: {name}"),
    N_("Missing argument {name}."),
    N_("Missing option {name}."),
)
#: Metavars of the option types on help screens (Typer writes ``<str>``, ``<list[str]>``).
METAVARS = {
    "str": N_("TEXT"),
    "int": N_("INTEGER"),
    "float": N_("NUMBER"),
    "path": N_("PATH"),
    "file": N_("FILE"),
    "directory": N_("FOLDER"),
    "datetime": N_("DATE"),
}
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


def _metavar(self, ctx):  # type: ignore[no-untyped-def]
    """A plain metavar for an option's value (``TEXT``, ``PATH``), none for a flag."""
    from typer.core import TyperArgument, TyperOption

    if self.metavar is not None:
        return None if isinstance(self, TyperArgument) else self.metavar
    if isinstance(self, TyperOption) and (self.is_flag or self.count):
        return None
    shown = self.display_type(ctx).strip("<>")
    if shown.startswith("list[") and shown.endswith("]"):
        shown = shown[5:-1]
    if shown == "bool":
        return None
    if "|" in shown:
        return shown  # the choices
    return _(METAVARS.get(shown.removesuffix(" range"), "TEXT"))


def _argument_name(self) -> str:  # type: ignore[no-untyped-def]
    """An argument as the usage line shows it: ``FILE``, ``[FILE]``, ``TAGS...``."""
    name = self.metavar or self.name.upper()
    if self.metavar is None and self.nargs != 1:
        name += "..."
    return name if self.required else f"[{name}]"


def _argument_column(self) -> str:  # type: ignore[no-untyped-def]
    name = self.metavar or self.name.upper()
    return name + ("..." if self.metavar is None and self.nargs != 1 else "")


def _localise_click() -> None:
    """Typer's bundled Click: "Usage:", the help option and the usage errors."""
    from typer import _click
    from typer._click import exceptions, formatting
    from typer.core import TyperArgument, TyperOption, _TyperParameter

    _TyperParameter.display_type_rich = _metavar  # type: ignore[method-assign]
    TyperOption.display_type_rich = _metavar  # type: ignore[method-assign]
    TyperArgument._usage_display_name = _argument_name  # type: ignore[method-assign]
    TyperArgument._rich_display_name = _argument_column  # type: ignore[method-assign]
    TyperArgument.display_name_raw = property(  # type: ignore[assignment, method-assign]
        lambda self: self.metavar or self.name.upper()
    )
    if getattr(formatting.HelpFormatter.write_usage, "_sobriety", False):
        return
    write_usage = formatting.HelpFormatter.write_usage

    def usage(self, prog, args="", prefix=None):  # type: ignore[no-untyped-def]
        return write_usage(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

    usage._sobriety = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]

    get_help_option = _click.core.Command.get_help_option

    def help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    _click.core.Command.get_help_option = help_option  # type: ignore[method-assign]

    def bad_parameter(self) -> str:  # type: ignore[no-untyped-def]
        hint = self.param_hint
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint()
        if hint is None:
            return _("Invalid value: {message}").format(message=self.message)
        if not isinstance(hint, str):
            hint = " / ".join(f"'{x}'" for x in hint)
        return _("Invalid value for {hint}: {message}").format(hint=hint, message=self.message)

    missing_parameter = exceptions.MissingParameter.format_message

    def missing(self) -> str:  # type: ignore[no-untyped-def]
        if self.message or self.param is None:
            return missing_parameter(self)
        hint = self.param.get_error_hint()
        if self.param.param_type_name == "argument":
            return _("Missing argument {name}.").format(name=hint)
        return _("Missing option {name}.").format(name=hint)

    exceptions.BadParameter.format_message = bad_parameter  # type: ignore[method-assign]
    exceptions.MissingParameter.format_message = missing  # type: ignore[method-assign]
    no_such_option = exceptions.NoSuchOption.__init__

    def no_such(self, option_name, message=None, possibilities=None, ctx=None):  # type: ignore[no-untyped-def]
        if message is None:
            message = _("No such option: {name}").format(name=option_name)
        no_such_option(self, option_name, message, possibilities, ctx)

    exceptions.NoSuchOption.__init__ = no_such  # type: ignore[method-assign]


def localise_typer() -> None:
    """Translate Typer's help-screen and usage-error words into the active language."""
    import typer.core

    typer.core._ = _  # Typer looks ``_`` up in its module globals at call time
    _localise_click()
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
