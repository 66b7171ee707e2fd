"""Inventory commands: ``summary`` and the default action."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety


def summary(ctx: typer.Context) -> None:
    print_summary(context.app(ctx))


def print_summary(app: Sobriety) -> None:
    """The summary of the inventory (also printed by ``sobriety demo``)."""
    from sobriety.app import inventory
    from sobriety.domain.labels import label

    counts = inventory.summary(app)
    typer.echo(
        _("{devices} devices on {sites} sites, {agents} agents").format(
            devices=fmt_number(counts.devices),
            sites=fmt_number(counts.sites),
            agents=fmt_number(counts.agents),
        )
    )
    categories = [(label("category", c), n) for c, n in counts.by_category.items()]
    statuses = [(label("status", s), n) for s, n in counts.by_status.items()]
    width = max((len(text) for text, _n in categories + statuses), default=10)
    typer.echo(_("By category:"))
    for text, n in categories:
        typer.echo(f"  {text:<{width}}  {fmt_number(n):>10}")
    typer.echo(_("By status:"))
    for text, n in statuses:
        typer.echo(f"  {text:<{width}}  {fmt_number(n):>10}")


def tui(ctx: typer.Context) -> None:
    from sobriety.tui.app import create_app  # Textual loads only for the TUI

    app = context.app(ctx)
    app.engine  # noqa: B018 - a database that cannot be used is said before the TUI opens
    create_app(app).run()


def default_action(ctx: typer.Context) -> None:
    """``sobriety`` with no command: the terminal UI (the summary when not on a terminal)."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        tui(ctx)
    else:
        summary(ctx)


def register(app: typer.Typer) -> None:
    app.command("summary", help=_("Print an inventory summary: devices by category and status."))(
        summary
    )
    app.command("tui", help=_("Open the technicians' terminal UI on the configured database."))(tui)
