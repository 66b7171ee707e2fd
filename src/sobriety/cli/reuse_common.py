"""What the reuse commands share: the active policy, dates, error reporting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine

from sobriety.cli import context
from sobriety.domain.reuse.lots import LotRuleError
from sobriety.domain.reuse.policy import Policy, PolicyError, resolve_policy
from sobriety.i18n import _
from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.decisions import ReuseError


def policy(ctx: typer.Context) -> Policy:
    """The user's policy (``SOBRIETY_POLICY`` / config) or the shipped one."""
    settings = context.get(ctx).settings
    try:
        return resolve_policy(settings.policy)
    except PolicyError as exc:
        raise context.fail(_("Invalid reuse policy: {error}").format(error=exc)) from exc


def parse_day(value: str | None, option: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; today when not given."""
    if not value:
        return dt.date.today()
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
def writing(engine: Engine) -> Iterator:
    """A session committed on success; refusals become a clean error exit."""
    try:
        with db.session_scope(engine) as session:
            yield session
    except (ReuseError, LotRuleError, repository.NotFoundError, repository.ConflictError) as exc:
        raise context.fail(str(exc)) from exc


@contextmanager
def reading(engine: Engine) -> Iterator:
    """A session to read in; an unknown device or lot becomes a clean error exit."""
    try:
        with db.session_scope(engine) as session:
            yield session
    except repository.NotFoundError as exc:
        raise context.fail(str(exc)) from exc


def actor(ctx: typer.Context) -> str:
    return context.get(ctx).settings.actor_name
