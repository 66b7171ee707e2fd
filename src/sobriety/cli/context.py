"""What every CLI command shares: the application object and error reporting.

Command modules import only the standard library, Typer, :mod:`sobriety.i18n`
and this module at import time (``--help`` and ``--version`` stay fast); the
application layer and everything under it are imported inside the commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.settings import Settings


@dataclass
class CliContext:
    settings: Settings
    #: The root options as given (``sobriety doctor`` rebuilds the settings from them).
    overrides: dict[str, object] = field(default_factory=dict)
    _app: Sobriety | None = field(default=None, repr=False)

    @property
    def app(self) -> Sobriety:
        """The application object of this invocation (built on first use)."""
        if self._app is None:
            from sobriety.app.context import Sobriety

            self._app = Sobriety(self.settings)
        return self._app


def get(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext), "the root callback sets the context"
    return obj


def app(ctx: typer.Context) -> Sobriety:
    """The application object of the running command (its changes name the command)."""
    found = get(ctx).app
    found.origin = ctx.command_path
    return found


def vocab_value(kind: str, text: str, option: str, *, strict: bool = True) -> str:
    """The stored value of vocabulary ``kind`` that ``text`` names (key, English or French
    label, import synonym); else a clear error with the closest labels (not ``strict``:
    ``text`` itself, for the use case to check, e.g. a category of the user's factors)."""
    from sobriety.domain.labels import choices, closest_labels, value_of
    from sobriety.i18n import _

    value = value_of(kind, text)
    if value is not None:
        return value
    if not strict:
        return text
    message = _("{option}: {value!r} is not one of {allowed}").format(
        option=option, value=text, allowed=", ".join(label for label, _v in choices(kind))
    )
    close = closest_labels(kind, text)
    if close:
        message += _("; did you mean {choices}?").format(choices=_(" or ").join(close))
    raise fail(message)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return an Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


class RootGroup(TyperGroup):
    """The root command group: a database or setting that cannot be used is one clear line.

    Shell completion works (``--install-completion``, ``--show-completion``) but is
    not listed in ``--help``.
    """

    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        params = super().get_params(ctx)
        for param in params:
            if param.name in ("install_completion", "show_completion"):
                param.hidden = True
        return params

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from sobriety.app.context import DatabaseError, SettingError

        try:
            return super().invoke(ctx)
        except (DatabaseError, SettingError) as exc:
            raise fail(str(exc)) from exc
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a database that cannot be written: one line, no traceback
            obj = ctx.obj
            if not isinstance(obj, CliContext) or obj._app is None:
                raise
            unwritable = obj._app.write_error(exc)
            if unwritable is None:
                raise
            raise fail(str(unwritable)) from exc
        finally:
            obj = ctx.obj
            if isinstance(obj, CliContext) and obj._app is not None:
                obj._app.close()
