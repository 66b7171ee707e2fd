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
    """The application object of the running command."""
    return get(ctx).app


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return an Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


class RootGroup(TyperGroup):
    """The root command group: a database or setting that cannot be used is one clear line."""

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
