"""``sobriety demo``: seed the configured database with the demo fleet."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Annotated, Any

import typer

from sobriety.cli import context, inventory_cmd
from sobriety.i18n import _, fmt_number
from sobriety.storage import demo as demo_writer

#: Fleets at least this large show a progress bar.
PROGRESS_FROM = 100_000


class _ProgressBar(ExitStack):
    """A progress bar on stderr, shown for large fleets only."""

    def __init__(self) -> None:
        super().__init__()
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if self._bar is None:
            bar = typer.progressbar(
                length=total, label=_("Seeding the demo fleet"), file=sys.stderr
            )
            self._bar = self.enter_context(bar)
        self._bar.update(done - self._done)
        self._done = done


def demo(
    ctx: typer.Context,
    devices: Annotated[
        int | None,
        typer.Option(
            "--devices",
            min=0,
            help=_(
                "Number of devices (default: the realistic fleet of about 6,000 agents; "
                "larger fleets add sites and agents)."
            ),
        ),
    ] = None,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help=_("Random seed: the same seed gives the same fleet.")),
    ] = 0,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=_(
                "Delete a non-demo inventory (sites, devices, history, lots) and seed the demo."
            ),
        ),
    ] = False,
) -> None:
    engine = context.get(ctx).engine
    progress = _ProgressBar()
    try:
        with progress:
            result = demo_writer.seed_demo(
                engine, devices=devices, seed=seed, replace=replace, progress=progress
            )
    except demo_writer.NotADemoDatabaseError as exc:
        raise context.fail(
            _(
                "The database holds {devices} devices and {sites} sites that are not demo data: "
                "nothing was changed. Use --replace to delete them and seed the demo fleet."
            ).format(devices=fmt_number(exc.devices), sites=fmt_number(exc.sites))
        ) from exc
    typer.echo(
        _(
            "Demo fleet seeded (seed {seed}): {devices} devices, {events} history events, "
            "{erasures} erasure records in {seconds} s."
        ).format(
            seed=seed,
            devices=fmt_number(result.devices),
            events=fmt_number(result.events),
            erasures=fmt_number(result.erasures),
            seconds=fmt_number(result.seconds, 1),
        )
    )
    inventory_cmd.print_summary(engine)


def register(app: typer.Typer) -> None:
    app.command(
        "demo",
        help=_(
            "Seed the database with a realistic demo fleet of a French département, "
            "then summarise it.\n\n"
            "Running it again on a demo database re-seeds it. A database holding other "
            "devices or sites is left untouched unless --replace is given."
        ),
    )(demo)
