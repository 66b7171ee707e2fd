"""What the reuse commands share: dates and refusals reported as one clean error.

Imports only the standard library, Typer, :mod:`sobriety.i18n` and
:mod:`sobriety.cli.context` at import time; the use cases are imported when a
command runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from sobriety.cli import context
from sobriety.i18n import _


def parse_day(ctx: typer.Context, value: str | None, option: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; the application's today when not given."""
    if not value:
        return context.app(ctx).today()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise context.fail(
        _("{option}: {value!r} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)").format(
            option=option, value=value
        )
    )


@contextmanager
def refusals() -> Iterator[None]:
    """Run a use case; a refusal, an unknown device or lot or a conflict becomes a clean
    error exit (nothing was written). An invalid policy file is a SettingError, which the
    root command reports."""
    from sobriety.app.reuse import (
        ConflictError,
        LotRuleError,
        NotFoundError,
        ReuseError,
    )

    try:
        yield
    except (ReuseError, LotRuleError, NotFoundError, ConflictError) as exc:
        raise context.fail(str(exc)) from exc
