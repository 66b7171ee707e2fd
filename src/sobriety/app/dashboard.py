"""The dashboard's figures: fleet indicators, carbon footprints and the reuse rate.

:func:`dashboard` reads the fleet once (the carbon engine's arrays), computes
:func:`sobriety.domain.report.kpis.dashboard` on it with the application's
factors, purchase targets, grid zone and today, then the décret 2023-266
reuse rate of the same year from the recorded history under the
application's policy. The figures are those of ``sobriety estimate`` and
``sobriety reuse-rate`` for the same settings. It reports progress through a
callback, so that a worker (or a child process) can drive a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.domain.report.kpis import Dashboard
    from sobriety.domain.reuse.rate import ReuseRate

#: ``progress(text, done, total)``
Progress = Callable[[str, float, float], None]
#: Steps reported by :func:`dashboard`.
STEPS = 7.0


@dataclass(frozen=True)
class DashboardFigures:
    """Every figure of the dashboard (picklable: it crosses process boundaries)."""

    kpis: Dashboard
    reuse_rate: ReuseRate
    #: The one grid zone of every site (None: each site's country).
    grid: str | None = None


def dashboard(
    app: Sobriety, *, year: int | None = None, progress: Progress | None = None
) -> DashboardFigures:
    """Every dashboard figure of ``year`` (default: this year) and its reuse rate."""
    from sobriety.app import purchases, reuse
    from sobriety.app.carbon import grid_choice
    from sobriety.domain.report import kpis
    from sobriety.storage.carbon_fleet import read_fleet

    on = app.today()
    year = year or on.year

    def report(text: str, done: float) -> None:
        if progress is not None:
            progress(text, done, STEPS)

    choice = grid_choice(app)
    fs, zone = choice.factor_set, choice.zone
    report(_("Reading the fleet"), 0)
    fleet = read_fleet(app.engine, fs)
    dash = kpis.dashboard(
        fleet,
        fs,
        app.purchase_targets,
        on=on,
        year=year,
        grid_zone=zone,
        progress=lambda text, done, steps: report(text, 1 + done / steps * 4),
        donations=purchases.donation_grid(app),
        recycled=tuple(purchases.recycled(app, year)),
    )
    report(_("Reuse rate from the history"), 5)
    rate = reuse.reuse_rate(app, year)
    report(_("Done"), STEPS)
    return DashboardFigures(dash, rate, zone)
