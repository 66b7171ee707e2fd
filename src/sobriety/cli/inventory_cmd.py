"""Inventory commands: ``summary`` and the default action."""

from __future__ import annotations

import sys

import typer
from sqlalchemy import Engine

from sobriety.cli import context
from sobriety.domain.labels import label
from sobriety.i18n import _, fmt_number
from sobriety.storage import devices as repository


def summary(ctx: typer.Context) -> None:
    print_summary(context.get(ctx).engine)


def print_summary(engine: Engine) -> None:
    """The summary of the inventory in ``engine`` (also printed by ``sobriety demo``)."""
    counts = repository.inventory_counts(engine)
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

    cli = context.get(ctx)
    create_app(cli.settings, cli.engine).run()


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
